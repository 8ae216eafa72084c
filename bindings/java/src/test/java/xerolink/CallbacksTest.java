package xerolink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Logs reach java.util.logging; progress reaches the call's own consumer; a callback that throws harms nothing. */
class CallbacksTest {
    static Sim sim;
    static Connection conn;

    @BeforeAll
    static void start() throws Exception {
        sim = new Sim();
        conn = sim.ready("callbacks");
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    static final class Collect extends Handler {
        final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    @Test
    void logRecordsReachJavaUtilLogging() {
        Collect handler = new Collect();
        XeroLink.LOGGER.addHandler(handler);
        Level previousLevel = XeroLink.LOGGER.getLevel();
        XeroLink.LOGGER.setLevel(Level.ALL);
        String previous = (String) XeroLink.setLogLevel("debug").get("previous");
        try {
            conn.status();
            conn.connections();
        } finally {
            XeroLink.setLogLevel(previous);
            XeroLink.LOGGER.setLevel(previousLevel);
            XeroLink.LOGGER.removeHandler(handler);
        }
        assertFalse(handler.records.isEmpty(), "the library's records arrive");
        assertTrue(handler.records.stream().allMatch(r -> r.getSourceClassName().startsWith("xero_link")));
        assertTrue(handler.records.stream().anyMatch(r -> r.getMessage().contains("GET")
                && r.getMessage().contains("/connections")));
        assertTrue(handler.records.stream().noneMatch(r -> r.getMessage().contains("sim-secret")));
    }

    @Test
    void infoRecordsAreQuietUnlessAskedFor() {
        // No xero_link.level in the logging configuration: the host sees warnings and errors only.
        assertEquals(Level.WARNING, XeroLink.LOGGER.getLevel());
        Collect handler = new Collect();
        XeroLink.LOGGER.addHandler(handler);
        try {
            conn.connections(); // logs one info record per request
        } finally {
            XeroLink.LOGGER.removeHandler(handler);
        }
        assertTrue(handler.records.isEmpty(), "no info records by default");
    }

    @Test
    void progressGoesToTheCallsOwnConsumer() {
        List<Map<String, Object>> mine = new ArrayList<>();
        conn.pushContacts(Map.of("contacts", List.of(Sim.debtor("D0303", "Mine Ltd"))), mine::add);
        int count = mine.size();
        conn.pushContacts(Map.of("contacts", List.of(Sim.debtor("D0304", "Nobody's Ltd"))));
        assertTrue(count > 0);
        assertEquals(count, mine.size(), "a call without a consumer delivers nothing to another's");
        assertEquals(new BigDecimal(1), mine.get(count - 1).get("done"));
        assertEquals(conn.name(), mine.get(count - 1).get("connection"));
    }

    @Test
    void aConsumerThatThrowsDoesNotStopThePush() {
        Collect handler = new Collect();
        XeroLink.LOGGER.addHandler(handler);
        List<Object> calls = new ArrayList<>();
        try {
            Map<String, Object> answer = conn.pushContacts(Map.of("contacts",
                    List.of(Sim.debtor("D0300", "Raising Progress Ltd"))), e -> {
                        calls.add(e);
                        throw new IllegalStateException("the host's progress bar broke");
                    });
            assertEquals("created", FlowTest.first(answer, "results").get("outcome"));
        } finally {
            XeroLink.LOGGER.removeHandler(handler);
        }
        assertFalse(calls.isEmpty());
        assertTrue(handler.records.stream().anyMatch(r -> r.getThrown() instanceof IllegalStateException));
    }

    @Test
    void aCallbackMustNotCallTheLibrary() {
        List<String> seen = new ArrayList<>();
        conn.pushContacts(Map.of("contacts", List.of(Sim.debtor("D0302", "Reentrant Ltd"))), e -> {
            try {
                conn.status();
            } catch (IllegalStateException x) {
                seen.add(x.getMessage());
            }
        });
        assertFalse(seen.isEmpty());
        assertTrue(seen.get(0).contains("must not call xero-link"), seen.get(0));
    }
}
