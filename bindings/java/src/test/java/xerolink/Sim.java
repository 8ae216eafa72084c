package xerolink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test setup: a xero-sim child process and connections signed in to it. The simulator binary is $XERO_SIM, else
 * the newest under $CARGO_TARGET_DIR or ./target (debug or release), as `cargo build` or `cargo test` left it.
 */
final class Sim implements AutoCloseable {
    static final Path REPO = repo();
    static final String ERP_REDIRECT = "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls";
    static final String ORG = "Huge ERP Test Ltd";
    static final List<String> ALL_FUNCTIONS = List.of("debtors", "creditors", "inventory", "sales_invoices",
            "purchase_invoices", "credit_notes", "payments");
    private static final AtomicInteger NAMES = new AtomicInteger();

    final Process process;
    final Map<String, Object> info;
    final String baseUrl;

    private static Path repo() {
        Path p = Paths.get("").toAbsolutePath();
        for (; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("include/xero_link.h"))) return p;
        }
        throw new IllegalStateException("run the tests inside the clone");
    }

    static Path targetDir() {
        String t = System.getenv("CARGO_TARGET_DIR");
        return t != null && !t.isEmpty() ? Paths.get(t).toAbsolutePath() : REPO.resolve("target");
    }

    static String binary() {
        String named = System.getenv("XERO_SIM");
        if (named != null && !named.isEmpty()) return named;
        Path best = null;
        for (String profile : new String[] {"debug", "release"}) {
            Path f = targetDir().resolve(profile).resolve("xero-sim");
            if (Files.isRegularFile(f) && (best == null || f.toFile().lastModified() > best.toFile().lastModified())) {
                best = f;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no xero-sim binary under " + targetDir()
                    + ": run `cargo build -p xero-sim` (or `cargo test --workspace`) first, or set XERO_SIM");
        }
        return best.toString();
    }

    /** xero-sim on a free port, limits off (the library still paces itself), consent automatic. */
    Sim() throws IOException {
        process = new ProcessBuilder(binary(), "--listen", "127.0.0.1:0", "--no-limits", "--consent", "auto",
                "--exit-on-stdin-close").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) throw new IOException("xero-sim printed nothing");
        info = XeroLink.object(Json.parse(line));
        baseUrl = (String) info.get("base_url");
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close(); // --exit-on-stdin-close
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    Map<String, Object> endpoints() {
        Map<String, Object> e = XeroLink.object(info.get("endpoints"));
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : new String[] {"authorize", "token", "revocation", "connections", "accounting"}) out.put(k, e.get(k));
        return out;
    }

    static Path newStateDir(String tag) throws IOException {
        return Files.createTempDirectory("xero-link-java-" + tag + "-");
    }

    /** What the administrator enters in the API setup, pointed at the simulator. */
    Map<String, Object> config(Path stateDir) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("client_id", "sim-client");
        c.put("client_secret", "sim-secret");
        c.put("redirect_uri", ERP_REDIRECT);
        c.put("functions", ALL_FUNCTIONS);
        c.put("defaults", Map.of("sales_account", "200", "cos_account", "310", "division", "North",
                "sales_rep", "Alice Brown"));
        c.put("state_dir", stateDir.toString());
        c.put("endpoints", endpoints());
        // The simulator's limits are off; the library's own pacing gets a one-second minute.
        c.put("limits", Map.of("minute_ms", 1000));
        c.put("timeouts", Map.of("connect_ms", 2000, "request_ms", 10000, "default_deadline_ms", 30000));
        return c;
    }

    /** What the administrator's browser does: opens the consent URL; returns where Xero sends it back. */
    static String consent(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setInstanceFollowRedirects(false);
        try {
            if (c.getResponseCode() != 302) throw new IOException("authorize answered " + c.getResponseCode());
            return c.getHeaderField("Location");
        } finally {
            c.disconnect();
        }
    }

    /** The "Authenticate sign in" button and the redirect page: authorize URL, consent, authenticate. */
    static void signIn(Connection conn) throws IOException {
        String url = (String) conn.authorizeUrl().get("url");
        conn.authenticate(Map.of("callback_url", consent(url)));
    }

    /** A connection configured, signed in and set to the organisation "Huge ERP Test Ltd". */
    Connection ready(String tag) throws IOException {
        Connection conn = new Connection("xero-java-" + tag + NAMES.incrementAndGet() + "-" + ProcessHandle.current().pid());
        conn.configure(config(newStateDir(tag)));
        signIn(conn);
        conn.setTenant(Map.of("tenant_name", ORG));
        return conn;
    }

    static Map<String, Object> invoice(String number, String debtor) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("number", number);
        i.put("type", "sales");
        i.put("debtor", debtor);
        i.put("date", "2026-11-26");
        i.put("due_date", "2026-12-26");
        i.put("lines", List.of(Map.of("description", "Steel beams", "quantity", "3", "unit_price", "19.995",
                "tax_code", "OUTPUT")));
        return i;
    }

    static Map<String, Object> debtor(String code, String name) {
        return Map.of("code", code, "role", "debtor", "name", name, "email", "ap@acme.example");
    }
}
