package xerolink;

import com.sun.jna.Callback;
import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions of include/xero_link.h through JNA, and which library is loaded; no logic of the library lives
 * here. Strings go in as NUL-terminated UTF-8 byte arrays and come back as Pointers, so each answer can be freed
 * with xero_string_free once it is copied.
 */
final class Native {
    private Native() {}

    /** The ABI version of include/xero_link.h this binding was written for (XERO_ABI_VERSION). */
    static final int ABI_VERSION = 1;

    /** The operations with a function of their own in the header (all are reachable through xero_call too). */
    static final List<String> OPERATION_FUNCTIONS = List.of(
            "configure", "authorize_url", "authenticate", "connections", "set_tenant", "status", "disconnect",
            "push_invoice", "push_invoices", "push_contacts", "push_items", "push_credit_notes", "push_payments",
            "get_accounts", "get_tax_rates", "get_tracking_categories", "get_documents");

    interface LogCallback extends Callback {
        void invoke(Pointer userData, int level, Pointer target, Pointer message);
    }

    interface ProgressCallback extends Callback {
        void invoke(Pointer userData, Pointer eventJson);
    }

    interface StateLoadCallback extends Callback {
        int invoke(Pointer userData, Pointer key, Pointer valueOut, Pointer revisionOut);
    }

    interface StateCasCallback extends Callback {
        int invoke(Pointer userData, Pointer key, long expectedRevision, Pointer value);
    }

    interface StateFreeCallback extends Callback {
        void invoke(Pointer userData, Pointer value);
    }

    /** The header's functions but the per-operation ones, which are in {@link #FUNCTIONS}. */
    interface Lib extends Library {
        int xero_abi_version();

        String xero_version();

        Pointer xero_call(byte[] operation, byte[] requestJson);

        void xero_string_free(Pointer s);

        int xero_set_log_callback(LogCallback callback, Pointer userData);

        int xero_set_progress_callback(ProgressCallback callback, Pointer userData);

        int xero_set_state_store(StateLoadCallback load, StateCasCallback cas, StateFreeCallback freeFn,
                Pointer userData);
    }

    /**
     * The library to load: the system property {@code xerolink.library}, else $XERO_LINK_LIBRARY, else the newest
     * cargo build of the clone this binding was built in ($CARGO_TARGET_DIR or ./target, release or debug), else
     * {@code xero_link} wherever JNA finds it (jna.library.path, the dynamic loader's path).
     */
    static String findLibrary() {
        String named = System.getProperty("xerolink.library");
        if (named == null || named.isEmpty()) named = System.getenv("XERO_LINK_LIBRARY");
        if (named != null && !named.isEmpty()) return named;
        Path repo = repository();
        if (repo != null) {
            String target = System.getenv("CARGO_TARGET_DIR");
            Path dir = target != null && !target.isEmpty() ? Paths.get(target) : repo.resolve("target");
            File best = null;
            for (String profile : new String[] {"release", "debug"}) {
                File f = dir.resolve(profile).resolve("libxero_link.so").toFile();
                if (f.isFile() && (best == null || f.lastModified() > best.lastModified())) best = f;
            }
            if (best != null) return best.getAbsolutePath();
        }
        return "xero_link";
    }

    /** The clone holding this binding's classes or jar (bindings/java/build/...), if it is one. */
    private static Path repository() {
        try {
            Path here = Paths.get(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("include").resolve("xero_link.h"))
                        && Files.isDirectory(p.resolve("bindings"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source: not a clone
        }
        return null;
    }

    static final String LIBRARY_PATH = findLibrary();
    static final Lib LIB = load(LIBRARY_PATH);
    /** operation -> its function (xero_push_invoices, ...), each taking one request and returning an answer. */
    static final Map<String, Function> FUNCTIONS = functions(LIBRARY_PATH);

    private static Map<String, Function> functions(String path) {
        NativeLibrary library = NativeLibrary.getInstance(path);
        Map<String, Function> functions = new HashMap<>();
        for (String operation : OPERATION_FUNCTIONS) {
            try {
                functions.put(operation, library.getFunction("xero_" + operation));
            } catch (UnsatisfiedLinkError e) {
                throw new UnsatisfiedLinkError("xero-link: the library " + path
                        + " lacks a function of include/xero_link.h: xero_" + operation);
            }
        }
        return Collections.unmodifiableMap(functions);
    }

    private static Lib load(String path) {
        Lib lib;
        try {
            lib = com.sun.jna.Native.load(path, Lib.class);
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("xero-link: cannot load the library " + path + ": " + e.getMessage()
                    + "; build it with `cargo build` in the clone, or set XERO_LINK_LIBRARY to its path");
        }
        int found;
        try {
            found = lib.xero_abi_version();
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("xero-link: " + path + " is not libxero_link (no xero_abi_version)");
        }
        if (found != ABI_VERSION) {
            throw new UnsatisfiedLinkError("xero-link: the library " + path + " has ABI version " + found
                    + ", this binding was written for ABI version " + ABI_VERSION
                    + "; use the binding that matches the library");
        }
        return lib;
    }
}
