package xerolink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Error envelopes come back as exceptions: one class per error code, with the envelope's details, no secrets. */
class ErrorsTest {
    static Sim sim;

    @BeforeAll
    static void start() throws Exception {
        sim = new Sim();
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    @Test
    void aValidationErrorIsThrownWithItsPath() throws Exception {
        Connection conn = new Connection("xero-java-validation");
        Map<String, Object> bad = sim.config(Sim.newStateDir("validation"));
        bad.put("client_secret", "TOP-SECRET-VALUE");
        bad.put("defaults", Map.of("sales_account", ""));
        ValidationException e = assertThrows(ValidationException.class, () -> conn.configure(bad));
        assertEquals("validation", e.code());
        assertEquals("defaults.sales_account", e.path());
        assertFalse(e.retryable());
        assertTrue(!e.detail().isEmpty() && e.getMessage().contains(e.detail()), e.getMessage());
        assertFalse((e.toString() + Json.write(e.error())).contains("TOP-SECRET-VALUE"));
    }

    @Test
    void aFunctionNotTickedIsFunctionDisabled() throws Exception {
        Connection conn = new Connection("xero-java-disabled");
        Map<String, Object> config = sim.config(Sim.newStateDir("disabled"));
        config.put("functions", List.of("sales_invoices"));
        conn.configure(config);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("contacts", List.of(Sim.debtor("D0001", "Acme")));
        request.put("request_id", "r-9");
        FunctionDisabledException e = assertThrows(FunctionDisabledException.class, () -> conn.pushContacts(request));
        assertEquals("function_disabled", e.code());
        assertEquals("r-9", e.requestId());
        assertFalse(e.retryable());
        // The string form throws the same.
        assertThrows(FunctionDisabledException.class, () -> XeroLink.call("push_contacts",
                "{\"connection\":\"xero-java-disabled\",\"contacts\":[]}"));
    }

    @Test
    void otherCodesHaveTheirClasses() {
        assertThrows(UnknownOperationException.class, () -> XeroLink.call("no_such_operation", "{}"));
        assertThrows(NotConfiguredException.class, () -> new Connection("xero-never-configured").status());
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> XeroLink.call("status", Map.of("connection", "x", "unknown_member", 1)));
        assertNotNull(e.path());
        assertThrows(BadJsonException.class, () -> XeroLink.call("status", "{\"connection\":"));
        assertThrows(BadJsonException.class, () -> XeroLink.call("status", (String) null));
        // A panic inside the library, caught at its boundary: the JVM lives on.
        assertThrows(InternalException.class, () -> XeroLink.call("debug_panic", Map.of("confirm", "panic")));
        assertEquals(XeroLink.version(), XeroLink.call("version", Map.of()).get("version"));
    }

    @Test
    void deepRequestsGetAnAnswerNotACrash() {
        // 128 levels deep is allowed, deeper is bad_json: both on a default (1 MiB) Java thread stack.
        String deep = "[".repeat(100) + "]".repeat(100);
        assertTrue(XeroLink.callEnvelope("version", "{\"request_id\":" + deep + "}").startsWith("{\"ok\":true"));
        String deeper = "[".repeat(5000) + "]".repeat(5000);
        assertThrows(BadJsonException.class, () -> XeroLink.call("version", "{\"request_id\":" + deeper + "}"));
    }

    @Test
    void everyCodeOfTheLibraryHasAClass() throws Exception {
        String source = Files.readString(Sim.REPO.resolve("src/error.rs"));
        Matcher m = Pattern.compile("ErrorCode::\\w+ => \"(\\w+)\"").matcher(source);
        TreeSet<String> rustCodes = new TreeSet<>();
        while (m.find()) rustCodes.add(m.group(1));
        assertFalse(rustCodes.isEmpty(), "codes found in src/error.rs");
        assertEquals(rustCodes, new TreeSet<>(XeroLinkException.CODES));
        for (String code : XeroLinkException.CODES) {
            XeroLinkException e = XeroLinkException.from(Map.of("code", code, "message", "m", "retryable", false), null);
            assertTrue(e.getClass() != XeroLinkException.class, code);
            assertEquals(code, e.code());
            assertEquals(code, e.getClass().getField("CODE").get(null));
        }
        XeroLinkException later = XeroLinkException.from(Map.of("code", "added_in_a_later_version", "message", "m"), null);
        assertSame(XeroLinkException.class, later.getClass());
        assertEquals("added_in_a_later_version", later.code());
    }

    @Test
    void rateLimitedCarriesItsDetails() {
        XeroLinkException e = XeroLinkException.from(Map.of("code", "rate_limited", "message", "minute limit",
                "retryable", true, "retry_after", new java.math.BigDecimal(12), "limit", "minute",
                "http_status", new java.math.BigDecimal(429)), null);
        assertTrue(e instanceof RateLimitedException);
        assertEquals(12, e.retryAfter());
        assertEquals("minute", e.limit());
        assertEquals(429, e.httpStatus());
        assertTrue(e.retryable());
    }
}
