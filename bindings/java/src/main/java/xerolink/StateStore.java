package xerolink;

/**
 * A host store for the sign-in state of connections configured with {@code "state_store": "host"} (README "State
 * kept by the host"), registered with {@link XeroLink#setStateStore}. Values are opaque JSON texts: keep them
 * unchanged, and out of logs and exception messages. The methods run on the threads that call xero-link, several
 * at once, and must not call xero-link. Throwing means the store failed: the operation fails with
 * {@link StoreException} (retryable), never a false "written".
 */
public interface StateStore {
    /** A stored value and its revision (1 or more). */
    final class Entry {
        public final String value;
        public final long revision;

        public Entry(String value, long revision) {
            this.value = value;
            this.revision = revision;
        }
    }

    /** The value stored under {@code key}, or null when nothing is. */
    Entry load(String key) throws Exception;

    /**
     * Stores {@code value} under {@code key} with revision {@code expectedRevision + 1} if and only if the key's
     * revision is {@code expectedRevision} (0: absent), atomically for every process and machine sharing the store;
     * true when written, false when the revision differs.
     */
    boolean cas(String key, long expectedRevision, String value) throws Exception;
}
