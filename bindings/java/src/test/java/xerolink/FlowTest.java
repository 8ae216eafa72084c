package xerolink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared scenario through the Java binding against xero-sim. */
class FlowTest {
    static Sim sim;

    @BeforeAll
    static void start() throws Exception {
        sim = new Sim();
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

    static Map<String, Object> first(Map<String, Object> answer, String member) {
        return list(answer.get(member)).get(0);
    }

    @Test
    void versionAndAbi() {
        assertEquals(XeroLink.ABI_VERSION, XeroLink.abiVersion());
        assertEquals(XeroLink.version(), XeroLink.call("version", Map.of()).get("version"));
        assertTrue(XeroLink.libraryPath().endsWith("libxero_link.so"), XeroLink.libraryPath());
    }

    @Test
    void theAdministratorsSetupAndAPush() throws Exception {
        Connection conn = new Connection("xero-java-flow");
        Map<String, Object> configured = conn.configure(sim.config(Sim.newStateDir("flow")));
        assertFalse(Json.write(configured).contains("sim-secret"));
        assertEquals(false, conn.status().get("signed_in"));

        // "Authenticate sign in": the authorize URL, Xero's consent (automatic in the simulator), the callback.
        String url = (String) conn.authorizeUrl().get("url");
        assertTrue(url.startsWith((String) sim.endpoints().get("authorize")), url);
        conn.authenticate(Map.of("callback_url", Sim.consent(url)));

        List<Object> names = list(conn.connections().get("connections")).stream().map(c -> c.get("tenant_name"))
                .collect(Collectors.toList());
        assertTrue(names.contains(Sim.ORG), names.toString());
        conn.setTenant(Map.of("tenant_name", Sim.ORG)); // "Set Xero Tenant", once
        Map<String, Object> status = conn.status();
        assertEquals(true, status.get("signed_in"));
        assertEquals(Sim.ORG, XeroLink.object(status.get("tenant")).get("tenant_name"));
        assertFalse(Json.write(status).contains("sim-secret") || Json.write(status).contains("eyJ"));

        List<Object> codes = list(conn.getAccounts().get("accounts")).stream().map(a -> a.get("code"))
                .collect(Collectors.toList());
        assertTrue(codes.contains("200") && codes.contains("310"));

        // A debtor, an item and an invoice.
        List<Map<String, Object>> events = new ArrayList<>();
        Map<String, Object> contacts = conn.pushContacts(
                Map.of("contacts", List.of(Sim.debtor("DF001", "Flow Builders Ltd"))), events::add);
        assertEquals("created", first(contacts, "results").get("outcome"), Json.write(contacts));
        assertFalse(events.isEmpty());
        Map<String, Object> last = events.get(events.size() - 1);
        assertEquals(new BigDecimal(1), last.get("done"));
        assertEquals(new BigDecimal(1), last.get("total"));
        Map<String, Object> items = conn.pushItems(Map.of("items", List.of(Map.of("code", "BEAM-F6M",
                "name", "Steel beam 6 m", "sales_price", "19.9950", "purchase_price", "12.40", "tracked", false))));
        assertEquals("created", first(items, "results").get("outcome"), Json.write(items));
        Map<String, Object> line = Map.of("item", "BEAM-F6M", "description", "Steel beams", "quantity", "3",
                "unit_price", "19.995", "tax_code", "OUTPUT");
        Map<String, Object> invoice = new LinkedHashMap<>(Sim.invoice("SI-F1001", "DF001"));
        invoice.put("lines", List.of(line));
        Map<String, Object> pushed = conn.pushInvoices(Map.of("invoices", List.of(invoice)));
        Map<String, Object> result = first(pushed, "results");
        assertEquals("created", result.get("outcome"), Json.write(pushed));
        assertEquals("65.99", XeroLink.object(result.get("totals")).get("total")); // 59.99 + 10 % tax, exact

        // Read back; push again, the price as an exact BigDecimal: nothing is written twice.
        Map<String, Object> documents = conn.getDocuments(Map.of("documents",
                List.of(Map.of("type", "sales", "kind", "invoice", "number", "SI-F1001"))));
        assertEquals(true, first(documents, "documents").get("found"), Json.write(documents));
        Map<String, Object> again = new LinkedHashMap<>(invoice);
        Map<String, Object> sameLine = new LinkedHashMap<>(line);
        sameLine.put("unit_price", new BigDecimal("19.9950"));
        again.put("lines", List.of(sameLine));
        String answer = XeroLink.call("push_invoices",
                Json.write(Map.of("connection", conn.name(), "invoices", List.of(again))));
        assertTrue(answer.contains("\"outcome\":\"unchanged\""), answer);
    }

    @Test
    void callRunsAnyOperationByNameAndTheEnvelopeEchoesRequestId() throws Exception {
        Connection conn = sim.ready("call");
        Map<String, Object> answer = XeroLink.call("push_contacts", Map.of("connection", conn.name(),
                "contacts", List.of(Sim.debtor("D0100", "Call Co")), "request_id", "r-1"));
        assertEquals(new BigDecimal(1), XeroLink.object(answer.get("summary")).get("created"));
        String envelope = XeroLink.callEnvelope("status", "{\"connection\":\"" + conn.name() + "\",\"request_id\":7}");
        assertTrue(envelope.startsWith("{\"ok\":true") && envelope.contains("\"request_id\":7"), envelope);
    }

    @Test
    void textThatIsNotAsciiTravelsBothWaysUnchanged() throws Exception {
        Connection conn = sim.ready("utf8");
        String name = "Café Zoë Ōtautahi Ltd ✓ 𝄞";
        Map<String, Object> pushed = conn.pushContacts(Map.of("contacts", List.of(Sim.debtor("DU001", name))));
        assertEquals("created", first(pushed, "results").get("outcome"), Json.write(pushed));
        Map<String, Object> envelope = XeroLink.callEnvelopeMap("status",
                Map.of("connection", conn.name(), "request_id", name), null);
        assertEquals(name, envelope.get("request_id"));
    }

    @Test
    void threadsPushInParallel() throws Exception {
        Connection conn = sim.ready("threads");
        List<Thread> threads = new ArrayList<>();
        List<Object> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            String code = "DT00" + t;
            Thread thread = new Thread(() -> outcomes.add(first(conn.pushContacts(
                    Map.of("contacts", List.of(Sim.debtor(code, "Thread " + code + " Ltd")))), "results").get("outcome")));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) thread.join();
        assertEquals(List.of("created", "created", "created", "created"), outcomes);
    }
}
