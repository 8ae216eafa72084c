package xerolink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sign-in state kept in the host's own store: written there, read back, and a failing store is an error. */
class StateStoreTest {
    static Sim sim;

    @BeforeAll
    static void start() throws Exception {
        sim = new Sim();
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    @AfterEach
    void removeStore() {
        XeroLink.setStateStore(null);
    }

    /** A store in memory, as a host keeps one in its database. */
    static class MemoryStore implements StateStore {
        final Map<String, Entry> entries = new HashMap<>();

        @Override
        public synchronized Entry load(String key) {
            return entries.get(key);
        }

        @Override
        public synchronized boolean cas(String key, long expectedRevision, String value) {
            Entry current = entries.get(key);
            if ((current == null ? 0 : current.revision) != expectedRevision) return false;
            entries.put(key, new Entry(value, expectedRevision + 1));
            return true;
        }
    }

    Connection configured(String name) throws Exception {
        Connection conn = new Connection(name);
        Map<String, Object> config = sim.config(Sim.newStateDir("host-store"));
        config.put("state_store", "host");
        conn.configure(config);
        return conn;
    }

    @Test
    void theSignInLivesInTheHostsStore() throws Exception {
        MemoryStore store = new MemoryStore();
        XeroLink.setStateStore(store);
        Connection conn = configured("xero-java-host-store");
        Sim.signIn(conn);
        conn.setTenant(Map.of("tenant_name", Sim.ORG));
        Map<String, Object> status = conn.status();
        assertEquals("host", status.get("state_store"));
        assertEquals(true, status.get("signed_in"));
        StateStore.Entry entry = store.load("auth/xero-java-host-store");
        assertTrue(entry != null && entry.revision >= 2, "written, then written again");
        assertFalse(entry.value.contains("sim-secret"));
        Map<String, Object> pushed = conn.pushContacts(Map.of("contacts", List.of(Sim.debtor("DH001", "Host Store Ltd"))));
        assertEquals("created", FlowTest.first(pushed, "results").get("outcome"));
        assertEquals(0, XeroLink.lentValues(), "every value lent to the library came back to free_fn");
    }

    @Test
    void aStoreThatThrowsIsAStoreErrorNeverAWrite() throws Exception {
        MemoryStore store = new MemoryStore() {
            @Override
            public synchronized boolean cas(String key, long expectedRevision, String value) {
                throw new IllegalStateException("the database is down");
            }
        };
        XeroLink.setStateStore(store);
        Connection conn = configured("xero-java-host-store-down");
        StoreException e = assertThrows(StoreException.class, conn::authorizeUrl);
        assertTrue(e.retryable());
        assertTrue(store.entries.isEmpty());
    }

    @Test
    void noStoreRegisteredIsAClearError() throws Exception {
        Connection conn = configured("xero-java-host-store-none");
        StoreException e = assertThrows(StoreException.class, conn::status);
        assertTrue(e.getMessage().contains("xero_set_state_store"), e.getMessage());
    }
}
