package xerolink;

import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * xero-link for Java: libxero_link's C ABI through JNA. {@link #call(String, String)} runs any operation by name;
 * {@link Connection} has one method per operation. An error answer is thrown as the {@link XeroLinkException}
 * subclass of its code. Log records go to the java.util.logging logger {@code xero_link}; progress to the
 * {@code Consumer} given to a call, on the calling thread. Every method may be called from any thread.
 */
public final class XeroLink {
    private XeroLink() {}

    /** The ABI version of include/xero_link.h this binding was written for; the loaded library has the same. */
    public static final int ABI_VERSION = Native.ABI_VERSION;

    /** The logger the library's records go to; the library's target (e.g. xero_link::transport) is the source class. */
    public static final Logger LOGGER = Logger.getLogger("xero_link");

    private static final Level[] LEVELS = {Level.INFO, Level.SEVERE, Level.WARNING, Level.INFO, Level.FINE, Level.FINER};

    // Per thread: the progress consumer of the call running on it, and whether a callback is running (the library
    // must not be re-entered from one).
    private static final ThreadLocal<Consumer<Map<String, Object>>> PROGRESS = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> IN_CALLBACK = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /** Answers freed so far (the memory test checks one free per call). */
    static final java.util.concurrent.atomic.AtomicLong FREED = new java.util.concurrent.atomic.AtomicLong();

    // Installed once for the life of the process: the library may call them from any thread at any time, so these
    // objects must never be collected.
    private static final Native.LogCallback LOG_CALLBACK = (userData, level, target, message) -> {
        Level julLevel = level >= 1 && level < LEVELS.length ? LEVELS[level] : Level.INFO;
        if (IN_CALLBACK.get() || !LOGGER.isLoggable(julLevel)) return;
        guarded("log", () -> {
            LogRecord record = new LogRecord(julLevel, text(message));
            record.setLoggerName(LOGGER.getName());
            record.setSourceClassName(text(target));
            record.setSourceMethodName("");
            LOGGER.log(record);
        });
    };

    private static final Native.ProgressCallback PROGRESS_CALLBACK = (userData, eventJson) -> {
        Consumer<Map<String, Object>> consumer = PROGRESS.get();
        if (consumer == null || eventJson == null) return;
        guarded("progress", () -> consumer.accept(object(Json.parse(text(eventJson)))));
    };

    static {
        // As Python's logging does by default: warnings and errors show, the library's info records (one per request
        // to Xero) only when asked for, unless the host's logging configuration sets this logger's level.
        if (java.util.logging.LogManager.getLogManager().getProperty(LOGGER.getName() + ".level") == null) {
            LOGGER.setLevel(Level.WARNING);
        }
        Native.LIB.xero_set_log_callback(LOG_CALLBACK, null);
        Native.LIB.xero_set_progress_callback(PROGRESS_CALLBACK, null);
    }

    private static String text(Pointer p) {
        return p == null ? "" : p.getString(0, StandardCharsets.UTF_8.name());
    }

    /** Runs a host callback for the library: nothing it throws crosses into the library; it is logged. */
    static void guarded(String what, Runnable body) {
        IN_CALLBACK.set(Boolean.TRUE);
        try {
            body.run();
        } catch (Throwable t) {
            try {
                LOGGER.log(Level.SEVERE, "xero-link: the " + what + " callback threw; ignored", t);
            } catch (Throwable ignored) {
                // nothing may escape into the library
            }
        } finally {
            IN_CALLBACK.set(Boolean.FALSE);
        }
    }

    static boolean inCallback() {
        return IN_CALLBACK.get();
    }

    private static byte[] cString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1); // NUL-terminated
    }

    /** The path (or name) of the loaded libxero_link. */
    public static String libraryPath() {
        return Native.LIBRARY_PATH;
    }

    /** The library's version (xero_version). */
    public static String version() {
        return Native.LIB.xero_version();
    }

    /** The library's ABI version (xero_abi_version); equal to ABI_VERSION, or loading would have failed. */
    public static int abiVersion() {
        return Native.LIB.xero_abi_version();
    }

    /**
     * Runs {@code operation} on the JSON text {@code requestJson} and returns the whole envelope's JSON text,
     * {@code {"ok":true,"result":...}} or {@code {"ok":false,"error":...}}, without throwing.
     */
    public static String callEnvelope(String operation, String requestJson) {
        return callEnvelope(operation, requestJson, null);
    }

    /** {@link #callEnvelope(String, String)}, with this call's progress events given to {@code progress}. */
    public static String callEnvelope(String operation, String requestJson, Consumer<Map<String, Object>> progress) {
        if (IN_CALLBACK.get()) {
            throw new IllegalStateException("xero-link: a log, progress or state-store callback must not call xero-link");
        }
        byte[] body = cString(requestJson == null ? "" : requestJson);
        Consumer<Map<String, Object>> previous = PROGRESS.get();
        PROGRESS.set(progress);
        Pointer answer;
        try {
            com.sun.jna.Function own = Native.FUNCTIONS.get(operation);
            answer = own != null ? own.invokePointer(new Object[] {body})
                    : Native.LIB.xero_call(operation == null ? null : cString(operation), body);
        } finally {
            PROGRESS.set(previous);
        }
        return take(answer);
    }

    /** Copies the library's answer and frees it, exactly once. */
    private static String take(Pointer answer) {
        if (answer == null) {
            return "{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"the library returned NULL\",\"retryable\":false}}";
        }
        try {
            return answer.getString(0, StandardCharsets.UTF_8.name());
        } finally {
            Native.LIB.xero_string_free(answer);
            FREED.incrementAndGet();
        }
    }

    /**
     * Runs {@code operation} (any name README lists) on the JSON text {@code requestJson} and returns its
     * {@code result} as JSON text; an error answer is thrown as the XeroLinkException subclass of its code.
     */
    public static String call(String operation, String requestJson) {
        return Json.write(result(object(Json.parse(callEnvelope(operation, requestJson)))));
    }

    /** Runs {@code operation} on {@code request} (written as JSON) and returns its {@code result}. */
    public static Map<String, Object> call(String operation, Map<String, ?> request) {
        return call(operation, request, null);
    }

    /** {@link #call(String, Map)}, with this call's progress events given to {@code progress} on this thread. */
    public static Map<String, Object> call(String operation, Map<String, ?> request,
            Consumer<Map<String, Object>> progress) {
        return object(result(callEnvelopeMap(operation, request, progress)));
    }

    /** Runs {@code operation} on {@code request} and returns the whole envelope, without throwing. */
    public static Map<String, Object> callEnvelopeMap(String operation, Map<String, ?> request,
            Consumer<Map<String, Object>> progress) {
        return object(Json.parse(callEnvelope(operation, Json.write(request == null ? Map.of() : request), progress)));
    }

    /** An envelope's {@code result}, or its error thrown as the XeroLinkException subclass of its code. */
    static Object result(Map<String, Object> envelope) {
        if (Boolean.TRUE.equals(envelope.get("ok"))) return envelope.get("result");
        Object error = envelope.get("error");
        Map<String, Object> e = error instanceof Map ? object(error) : new LinkedHashMap<>(Map.of(
                "code", "internal", "message", "not an envelope", "retryable", false));
        throw XeroLinkException.from(e, envelope.get("request_id"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        if (value instanceof Map) return (Map<String, Object>) value;
        throw new IllegalStateException("xero-link: expected a JSON object, got " + value);
    }

    private static final int STATE_OK = 0, STATE_NOT_FOUND = 1, STATE_CONFLICT = 2, STATE_ERROR = -1;

    /** The C callbacks of one registered StateStore; every one ever registered stays reachable (see below). */
    private static final class StoreCallbacks {
        final StateStore store;
        // Values handed to the library, by address, until it gives each back through free_fn.
        final java.util.concurrent.ConcurrentHashMap<Long, com.sun.jna.Memory> lent =
                new java.util.concurrent.ConcurrentHashMap<>();
        final Native.StateLoadCallback load;
        final Native.StateCasCallback cas;
        final Native.StateFreeCallback free;

        StoreCallbacks(StateStore store) {
            this.store = store;
            load = (userData, key, valueOut, revisionOut) -> {
                int[] rc = {STATE_ERROR};
                guarded("state store load", () -> {
                    StateStore.Entry got;
                    try {
                        got = store.load(text(key));
                    } catch (Exception e) {
                        throw new IllegalStateException("the state store's load failed", e);
                    }
                    if (got == null) {
                        rc[0] = STATE_NOT_FOUND;
                    } else if (got.value == null || got.revision < 1) {
                        LOGGER.severe("xero-link: state store load(" + text(key) + ") returned no value with revision >= 1");
                    } else {
                        byte[] utf8 = got.value.getBytes(StandardCharsets.UTF_8);
                        com.sun.jna.Memory buffer = new com.sun.jna.Memory(utf8.length + 1L);
                        buffer.write(0, utf8, 0, utf8.length);
                        buffer.setByte(utf8.length, (byte) 0);
                        lent.put(Pointer.nativeValue(buffer), buffer);
                        valueOut.setPointer(0, buffer);
                        revisionOut.setLong(0, got.revision);
                        rc[0] = STATE_OK;
                    }
                });
                return rc[0];
            };
            cas = (userData, key, expectedRevision, value) -> {
                // Anything but a true or false answer is STATE_ERROR: never "written" by mistake.
                int[] rc = {STATE_ERROR};
                guarded("state store cas", () -> {
                    try {
                        rc[0] = store.cas(text(key), expectedRevision, text(value)) ? STATE_OK : STATE_CONFLICT;
                    } catch (Exception e) {
                        throw new IllegalStateException("the state store's cas failed", e);
                    }
                });
                return rc[0];
            };
            free = (userData, value) -> {
                if (value != null) lent.remove(Pointer.nativeValue(value));
            };
        }
    }

    // A call on another thread may still be using a store that was replaced: none is ever released.
    private static final java.util.List<StoreCallbacks> STORES = new java.util.ArrayList<>();

    /** Values the current store has lent the library and not had back (the tests check it returns to 0). */
    static int lentValues() {
        synchronized (STORES) {
            return STORES.isEmpty() ? 0 : STORES.get(STORES.size() - 1).lent.size();
        }
    }

    /**
     * Registers the process's host state store, for connections configured with {@code "state_store": "host"};
     * null removes it. Register it once, before such a connection is used.
     */
    public static void setStateStore(StateStore store) {
        synchronized (STORES) {
            if (store == null) {
                Native.LIB.xero_set_state_store(null, null, null, null);
                return;
            }
            StoreCallbacks callbacks = new StoreCallbacks(store);
            STORES.add(callbacks);
            if (Native.LIB.xero_set_state_store(callbacks.load, callbacks.cas, callbacks.free, null) != 0) {
                throw new IllegalStateException("xero-link: xero_set_state_store refused the callbacks");
            }
        }
    }

    /** Which records the library sends to the logger: error, warn, info (default), debug, trace. */
    public static Map<String, Object> setLogLevel(String level) {
        return call("set_log_level", Map.of("level", level));
    }
}
