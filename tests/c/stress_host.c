/* The host's side of the stress program: the answers checked and freed, the log and progress callbacks (each
 * registration its own user_data, marked when replaced), and a state store registered two ways (with free_fn;
 * without, lending a thread-local buffer) over one table. */
#include "stress.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

atomic_int broken;

/* Reports a broken promise; the first 30 are shown (one broken early, e.g. the sign-in, breaks many later). */
void fail(const char *format, ...) {
    if (atomic_fetch_add(&broken, 1) >= 30) return;
    va_list args;
    va_start(args, format);
    flockfile(stderr);
    fputs("BROKEN: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(args);
}

/* Counts the replacements of callbacks and stores that have returned. A replaced one may still be called by the
 * operations running when it was replaced, never by one that began after: an operation knows the count at its
 * start, and a replaced callback or store the count its replacement made. */
static atomic_long replacements;

/* Whether this thread is inside a xero_* call (callbacks must run only there), and the count when it began. */
static _Thread_local int inside_call;
static _Thread_local long call_began_at;

char *call_fn(char *(*fn)(const char *), const char *request) {
    inside_call = 1;
    call_began_at = atomic_load(&replacements);
    char *answer = fn(request);
    inside_call = 0;
    return answer;
}

char *call_op(const char *operation, const char *request) {
    inside_call = 1;
    call_began_at = atomic_load(&replacements);
    char *answer = xero_call(operation, request);
    inside_call = 0;
    return answer;
}

/* Marks a callback's or store's user_data replaced: its replacement has returned. */
static void replaced(atomic_long *replaced_at) {
    atomic_store(replaced_at, atomic_fetch_add(&replacements, 1) + 1);
}

/* Whether this thread's call began after the callback or store replaced at `replaced_at` (0: not replaced). */
static int began_after(const atomic_long *replaced_at) {
    long at = atomic_load(replaced_at);
    return at != 0 && call_began_at >= at;
}

static int utf8_valid(const unsigned char *s) {
    while (*s) {
        unsigned char c = *s++;
        int more = c < 0x80 ? 0 : c < 0xC2 ? -1 : c <= 0xDF ? 1 : c <= 0xEF ? 2 : c <= 0xF4 ? 3 : -1;
        if (more < 0) return 0;
        for (; more > 0; more--, s++)
            if ((*s & 0xC0) != 0x80) return 0;
    }
    return 1;
}

/* UTF-8, one object whose strings, objects and arrays are closed and balanced: a JSON parser's first look. */
static int json_object_shaped(const char *text) {
    const unsigned char *p = (const unsigned char *)text;
    if (*p != '{' || !utf8_valid(p)) return 0;
    int depth = 0, in_string = 0;
    for (; *p; p++) {
        if (in_string) {
            if (*p < 0x20) return 0;
            if (*p == '\\') {
                if (!*++p) return 0;
            } else if (*p == '"') {
                in_string = 0;
            }
        } else if (*p == '"') {
            in_string = 1;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (--depth < 0 || (depth == 0 && p[1])) return 0;
        }
    }
    return depth == 0 && !in_string;
}

static int has_request_id(const char *answer, long request_id) {
    char needle[48];
    snprintf(needle, sizeof needle, "\"request_id\":%ld", request_id);
    const char *at = strstr(answer, needle);
    return at && (at[strlen(needle)] == ',' || at[strlen(needle)] == '}');
}

void take(char *answer, const char *expect, const char *needle, long request_id, const char *what) {
    if (!answer) {
        fail("%s: NULL answer (the header promises never NULL)", what);
        return;
    }
    int ok = strncmp(answer, "{\"ok\":true,", 11) == 0;
    char code[96];
    snprintf(code, sizeof code, "\"code\":\"%s\"", expect);
    if (!json_object_shaped(answer) || (!ok && strncmp(answer, "{\"ok\":false,\"error\":{", 21) != 0))
        fail("%s: not a JSON envelope: %.400s", what, answer);
    else if (strcmp(expect, "ok") == 0 ? !ok : ok || (strcmp(expect, "error") != 0 && !strstr(answer, code)))
        fail("%s: expected %s: %.400s", what, expect, answer);
    else if (needle && !strstr(answer, needle))
        fail("%s: expected %s in %.400s", what, needle, answer);
    else if (request_id >= 0 && !has_request_id(answer, request_id))
        fail("%s: request_id %ld not echoed: %.400s", what, request_id, answer);
    if (strstr(answer, CLIENT_SECRET)) fail("%s: the client secret is in the answer", what);
    xero_string_free(answer);
}

/* ---- Log and progress callbacks: every registration has its own user_data, marked when replaced. ---- */

#define SINK_MAGIC 0x51A4C0DEu
struct sink {
    unsigned magic;
    atomic_long replaced_at, calls;
    struct sink *next_retired;
};

static struct sink *retired_sinks; /* freed at the end, when no operation runs */
static struct sink *log_sink, *progress_sink;
static atomic_long log_calls, progress_calls;

/* A callback begins: its user_data is ours, not replaced before this operation began, and it runs on a thread
 * inside a xero_* call. */
static struct sink *sink_entered(void *user_data, const char *which, const char *text) {
    struct sink *s = user_data;
    if (!s || s->magic != SINK_MAGIC) {
        fail("%s callback: user_data %p is not the one registered", which, user_data);
        return NULL;
    }
    if (began_after(&s->replaced_at))
        fail("%s callback replaced before this operation began, still called: %.200s", which, text);
    if (!inside_call) fail("%s callback called on a thread that is not in a xero_* call: %.200s", which, text);
    return s;
}

/* A callback ends. Every fourth call takes its time, as a host's may (a log file, a UI), so that callbacks are
 * often running while the churn thread replaces them. */
static void sink_leaving(struct sink *s) {
    if (s && atomic_fetch_add(&s->calls, 1) % 4 == 0)
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 500000}, NULL);
}

static void on_log(void *user_data, int32_t level, const char *target, const char *message) {
    struct sink *s = sink_entered(user_data, "log", message ? message : "(NULL)");
    atomic_fetch_add(&log_calls, 1);
    if (level < XERO_LOG_ERROR || level > XERO_LOG_TRACE) fail("log level %d out of range", (int)level);
    if (!target || !message) {
        fail("log record with a NULL string");
    } else {
        if (!utf8_valid((const unsigned char *)target) || !utf8_valid((const unsigned char *)message))
            fail("log record that is not UTF-8");
        if (strstr(message, CLIENT_SECRET) || strstr(message, ENCRYPTION_KEY)) fail("a secret in a log record");
    }
    sink_leaving(s);
}

static void on_progress(void *user_data, const char *event_json) {
    const char *text = event_json ? event_json : "(NULL)";
    struct sink *s = sink_entered(user_data, "progress", text);
    atomic_fetch_add(&progress_calls, 1);
    const char *done = strstr(text, "\"done\":"), *total = strstr(text, "\"total\":");
    if (!event_json || !json_object_shaped(event_json) || !strstr(event_json, "\"operation\":"))
        fail("progress event is not the promised JSON: %.200s", text);
    else if (!done || !total || strtoull(done + 7, NULL, 10) > strtoull(total + 8, NULL, 10))
        fail("progress event without done <= total: %s", text);
    sink_leaving(s);
}

static struct sink *new_sink(void) {
    struct sink *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->magic = SINK_MAGIC;
    return s;
}

static void retire(struct sink *s) {
    if (!s) return;
    replaced(&s->replaced_at);
    s->next_retired = retired_sinks;
    retired_sinks = s;
}

void replace_log_callback(int remove) {
    struct sink *old = log_sink;
    log_sink = remove ? NULL : new_sink();
    if (xero_set_log_callback(remove ? NULL : on_log, log_sink) != 0) fail("xero_set_log_callback did not return 0");
    retire(old);
}

void replace_progress_callback(int remove) {
    struct sink *old = progress_sink;
    progress_sink = remove ? NULL : new_sink();
    if (xero_set_progress_callback(remove ? NULL : on_progress, progress_sink) != 0)
        fail("xero_set_progress_callback did not return 0");
    retire(old);
}

/* ---- The host's state store: one table; two registrations over it (with free_fn, and lending a buffer). ---- */

#define SLOTS 64
static struct table {
    pthread_mutex_t lock;
    char *keys[SLOTS], *values[SLOTS];
    int64_t revisions[SLOTS];
} table = {.lock = PTHREAD_MUTEX_INITIALIZER};

struct registration {
    int lends; /* no free_fn: the value is a thread-local buffer, valid until the next load on the thread */
    atomic_long loaded, freed, replaced_at;
};
static struct registration with_free = {.lends = 0}, lending = {.lends = 1}, *registered;

/* Values this thread loaded through `with_free` and the library has not yet handed back to free_fn. */
static _Thread_local long unfreed_here;

static char *copy_of(const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

static int slot_of(const char *key) {
    for (int i = 0; i < SLOTS; i++)
        if (table.keys[i] && strcmp(table.keys[i], key) == 0) return i;
    return -1;
}

/* The value lent without free_fn; its first byte is overwritten by the next load on this thread. */
static _Thread_local char lent[32768];

static int ascii(const char *s) {
    while (*s)
        if ((unsigned char)*s++ >= 0x80) return 0;
    return 1;
}

/* Lends the value under `key`; for a key not stored, through `with_free`, every other time a buffer anyway, which
 * the header says comes back to free_fn whatever the return code. */
static int32_t store_load(void *user_data, const char *key, char **value_out, int64_t *revision_out) {
    static atomic_int misses;
    struct registration *r = user_data;
    if (r != &with_free && r != &lending) fail("store load: user_data %p is not a registration", user_data);
    else if (began_after(&r->replaced_at)) fail("store load: replaced before this operation began, still called");
    if (!inside_call) fail("store load called on a thread that is not in a xero_* call");
    if (!key || !ascii(key)) fail("store load: the key is NULL or not ASCII");
    if (*value_out != NULL || *revision_out != 0) fail("store load: outputs not set to NULL and 0 before the call");
    lent[0] = '\0';
    int32_t rc = XERO_STATE_NOT_FOUND;
    pthread_mutex_lock(&table.lock);
    int i = key ? slot_of(key) : -1;
    if (i >= 0 && r == &with_free) {
        *value_out = copy_of(table.values[i]);
        rc = *value_out ? XERO_STATE_OK : XERO_STATE_ERROR;
    } else if (i >= 0 && strlen(table.values[i]) < sizeof lent) {
        *value_out = memcpy(lent, table.values[i], strlen(table.values[i]) + 1);
        rc = XERO_STATE_OK;
    } else if (i >= 0) {
        rc = XERO_STATE_ERROR;
    } else if (r == &with_free && atomic_fetch_add(&misses, 1) % 2 == 0) {
        *value_out = copy_of("{\"not\":\"found\"}");
    }
    if (rc == XERO_STATE_OK) *revision_out = table.revisions[i];
    pthread_mutex_unlock(&table.lock);
    if (*value_out) atomic_fetch_add(&r->loaded, 1);
    if (*value_out && r == &with_free) unfreed_here++;
    return rc;
}

static void store_free(void *user_data, char *value) {
    struct registration *r = user_data;
    if (r != &with_free) fail("store free_fn called with user_data %p, not the registration that has one", user_data);
    else atomic_fetch_add(&r->freed, 1);
    if (--unfreed_here < 0) fail("store free_fn called on another thread than the load, or twice");
    free(value);
}

static int32_t store_cas(void *user_data, const char *key, int64_t expected, const char *value) {
    struct registration *r = user_data;
    if (r != &with_free && r != &lending) fail("store cas: user_data %p is not a registration", user_data);
    else if (began_after(&r->replaced_at)) fail("store cas: replaced before this operation began, still called");
    if (!inside_call) fail("store cas called on a thread that is not in a xero_* call");
    if (!key || !value || !json_object_shaped(value)) fail("store cas: key NULL or value not a JSON object");
    if (!key || !value) return XERO_STATE_ERROR;
    if (strstr(value, CLIENT_SECRET)) fail("store cas: the client secret is in the stored value");
    int32_t rc = XERO_STATE_OK;
    pthread_mutex_lock(&table.lock);
    int i = slot_of(key);
    if ((i < 0 ? 0 : table.revisions[i]) != expected) {
        rc = XERO_STATE_CONFLICT;
    } else {
        for (int k = 0; i < 0 && k < SLOTS; k++)
            if (!table.keys[k]) i = k;
        char *copy = copy_of(value);
        if (i < 0 || !copy || (!table.keys[i] && !(table.keys[i] = copy_of(key)))) {
            free(copy);
            rc = XERO_STATE_ERROR;
        } else {
            free(table.values[i]);
            table.values[i] = copy;
            table.revisions[i] = expected + 1;
        }
    }
    pthread_mutex_unlock(&table.lock);
    return rc;
}

void replace_state_store(int round) {
    struct registration *r = round % 2 ? &lending : &with_free, *old = registered;
    if (r == old) return;
    atomic_store(&r->replaced_at, 0); /* before it is registered again: it may be called from then on */
    if (xero_set_state_store(store_load, store_cas, r->lends ? NULL : store_free, r) != 0)
        fail("xero_set_state_store with load and cas did not return 0");
    registered = r;
    if (old) replaced(&old->replaced_at);
    if (round % 7 == 3 && xero_set_state_store(store_load, NULL, NULL, r) != -1)
        fail("xero_set_state_store without cas did not return -1");
}

void remove_state_store(void) {
    if (xero_set_state_store(NULL, NULL, NULL, NULL) != 0) fail("removing the state store does not return 0");
    if (registered) replaced(&registered->replaced_at);
    registered = NULL;
}

void check_thread_store_frees(void) {
    if (unfreed_here != 0) fail("%ld value(s) loaded on this thread never came back to free_fn", unfreed_here);
}

void check_callbacks_and_free(void) {
    long loaded = atomic_load(&with_free.loaded), freed = atomic_load(&with_free.freed);
    if (loaded != freed) fail("the store lent %ld values with free_fn, %ld came back", loaded, freed);
    if (loaded == 0 || atomic_load(&lending.loaded) == 0) fail("the store was never read through both registrations");
    if (atomic_load(&log_calls) == 0 || atomic_load(&progress_calls) == 0) fail("a callback was never called");
    printf("stress: %ld log records, %ld progress events, %ld + %ld values loaded\n", atomic_load(&log_calls),
           atomic_load(&progress_calls), loaded, atomic_load(&lending.loaded));
    while (retired_sinks) {
        struct sink *next = retired_sinks->next_retired;
        free(retired_sinks);
        retired_sinks = next;
    }
    for (int i = 0; i < SLOTS; i++) {
        free(table.keys[i]);
        free(table.values[i]);
    }
}
