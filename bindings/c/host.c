/* A C host of libxero_link that keeps the sign-in state in its own store and takes the library's log records,
 * running the shared scenario of the bindings against xero-sim: configure, sign in (the simulator consents at
 * once), connections, set the tenant, push a debtor, an item and an invoice, read them back, and two errors
 * (validation, function_disabled).
 *
 * Usage: host XERO_SIM_BINARY STATE_DIR. It starts the simulator itself (as a child, on a free port) and ends it.
 * The host store here is a table in memory; a real host keeps it in its database (see README "State kept by the
 * host"). Answers are checked by looking for text in them: a real host parses them with its JSON library. */
#define _POSIX_C_SOURCE 200809L
#include "xero_link.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int passed = 0, failed = 0;

#define CHECK(cond, what)                                                   \
    do {                                                                    \
        if (cond) {                                                         \
            passed++;                                                       \
        } else {                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what);  \
            failed++;                                                       \
        }                                                                   \
    } while (0)

/* ---- The host's state store: one value and revision per key, compare-and-swap under one lock. ---- */

#define SLOTS 16
struct host_store {
    pthread_mutex_t lock;
    char *keys[SLOTS];
    char *values[SLOTS];
    int64_t revisions[SLOTS];
    int loads, writes, freed;
};

static char *copy_string(const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

static int slot_of(const struct host_store *st, const char *key) {
    for (int i = 0; i < SLOTS; i++)
        if (st->keys[i] && strcmp(st->keys[i], key) == 0) return i;
    return -1;
}

static int32_t store_load(void *user_data, const char *key, char **value_out, int64_t *revision_out) {
    struct host_store *st = user_data;
    int32_t rc = XERO_STATE_NOT_FOUND;
    pthread_mutex_lock(&st->lock);
    int i = slot_of(st, key);
    if (i >= 0) {
        *value_out = copy_string(st->values[i]); /* the library gives it back through store_free */
        *revision_out = st->revisions[i];
        rc = *value_out ? XERO_STATE_OK : XERO_STATE_ERROR;
        if (*value_out) st->loads++;
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

static int32_t store_cas(void *user_data, const char *key, int64_t expected_revision, const char *value) {
    struct host_store *st = user_data;
    int32_t rc = XERO_STATE_OK;
    pthread_mutex_lock(&st->lock);
    int i = slot_of(st, key);
    int64_t current = i < 0 ? 0 : st->revisions[i];
    if (current != expected_revision) {
        rc = XERO_STATE_CONFLICT;
    } else {
        if (i < 0) {
            for (i = 0; i < SLOTS && st->keys[i]; i++) {}
            if (i < SLOTS) st->keys[i] = copy_string(key);
        }
        char *copy = copy_string(value);
        if (i == SLOTS || st->keys[i] == NULL || copy == NULL) {
            free(copy);
            rc = XERO_STATE_ERROR;
        } else {
            free(st->values[i]);
            st->values[i] = copy;
            st->revisions[i] = expected_revision + 1;
            st->writes++;
        }
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

static void store_free(void *user_data, char *value) {
    struct host_store *st = user_data;
    pthread_mutex_lock(&st->lock);
    st->freed++;
    pthread_mutex_unlock(&st->lock);
    free(value);
}

/* ---- The log callback: counts records and keeps the last few HTTP request lines. ---- */

struct log_sink {
    pthread_mutex_t lock;
    int records, requests;
    int secret_seen;
};

static void on_log(void *user_data, int32_t level, const char *target, const char *message) {
    struct log_sink *sink = user_data;
    pthread_mutex_lock(&sink->lock);
    sink->records++;
    if (strstr(message, "GET ") || strstr(message, "PUT ") || strstr(message, "POST ")) sink->requests++;
    if (strstr(message, "sim-secret")) sink->secret_seen = 1;
    pthread_mutex_unlock(&sink->lock);
    if (level <= XERO_LOG_WARN) fprintf(stderr, "xero-link %s: %s\n", target, message);
}

/* ---- Small helpers: a JSON string member, an HTTP GET to the simulator (the administrator's browser). ---- */

/* Copies the string value of the first `"name":"..."` in `json` into out (no escapes expected in these values). */
static int json_string(const char *json, const char *name, char *out, size_t cap) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", name);
    const char *at = strstr(json, pattern);
    if (!at) return 0;
    at += strlen(pattern);
    const char *end = strchr(at, '"');
    if (!end || (size_t)(end - at) >= cap) return 0;
    memcpy(out, at, (size_t)(end - at));
    out[end - at] = '\0';
    return 1;
}

/* Opens `url` (http://127.0.0.1:PORT/...) and copies the Location of its redirect into out. */
static int consent(const char *url, char *out, size_t cap) {
    unsigned port = 0;
    int path_at = 0;
    if (sscanf(url, "http://127.0.0.1:%u%n", &port, &path_at) != 1 || port == 0 || port > 65535) return 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static char buf[16384];
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
        int n = snprintf(buf, sizeof buf, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n",
                         url + path_at, port);
        if (n > 0 && (size_t)n < sizeof buf && write(fd, buf, (size_t)n) == n) {
            size_t got = 0;
            ssize_t r;
            while (got < sizeof buf - 1 && (r = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)r;
            buf[got] = '\0';
            const char *location = strstr(buf, "\r\nlocation: ");
            if (!location) location = strstr(buf, "\r\nLocation: ");
            if (strncmp(buf, "HTTP/1.1 302", 12) == 0 && location) {
                location += 12;
                const char *end = strstr(location, "\r\n");
                if (end && (size_t)(end - location) < cap) {
                    memcpy(out, location, (size_t)(end - location));
                    out[end - location] = '\0';
                    ok = 1;
                }
            }
        }
    }
    close(fd);
    return ok;
}

/* Runs one call: checks that the answer holds `needle`, copies it into `keep` (if given), frees it once. */
static void expect(char *answer, const char *needle, const char *what, char *keep, size_t cap) {
    CHECK(answer != NULL, "an answer is never NULL");
    if (!answer) return;
    if (!strstr(answer, needle)) fprintf(stderr, "%s: expected %s in %s\n", what, needle, answer);
    CHECK(strstr(answer, needle) != NULL, what);
    if (keep) snprintf(keep, cap, "%s", answer);
    xero_string_free(answer);
}

/* ---- The simulator as a child process: its first line of output is its address. ---- */

struct sim {
    pid_t pid;
    int stdin_fd;
    char base_url[128];
};

static int start_sim(const char *binary, struct sim *sim) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return 0;
    pid_t pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execl(binary, binary, "--listen", "127.0.0.1:0", "--no-limits", "--consent", "auto", "--exit-on-stdin-close",
              (char *)NULL);
        perror(binary);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    sim->pid = pid;
    sim->stdin_fd = in[1];
    static char line[16384];
    size_t got = 0;
    char c;
    while (got < sizeof line - 1 && read(out[0], &c, 1) == 1 && c != '\n') line[got++] = c;
    line[got] = '\0';
    close(out[0]);
    return json_string(line, "base_url", sim->base_url, sizeof sim->base_url);
}

static void stop_sim(struct sim *sim) {
    close(sim->stdin_fd); /* --exit-on-stdin-close */
    int status;
    for (int i = 0; i < 100; i++) {
        if (waitpid(sim->pid, &status, WNOHANG) == sim->pid) return;
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 50000000}, NULL);
    }
    kill(sim->pid, SIGKILL);
    waitpid(sim->pid, &status, 0);
}

static char *config_json(const struct sim *sim, const char *connection, const char *state_dir, const char *extra) {
    static char buf[4096];
    const char *b = sim->base_url;
    snprintf(buf, sizeof buf,
             "{\"connection\":\"%s\",\"client_id\":\"sim-client\",\"client_secret\":\"sim-secret\","
             "\"redirect_uri\":\"https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls\","
             "\"defaults\":{\"sales_account\":\"200\",\"cos_account\":\"310\",\"division\":\"North\","
             "\"sales_rep\":\"Alice Brown\"},\"state_dir\":\"%s\",\"limits\":{\"minute_ms\":1000},"
             "\"endpoints\":{\"authorize\":\"%s/identity/connect/authorize\",\"token\":\"%s/connect/token\","
             "\"revocation\":\"%s/connect/revocation\",\"connections\":\"%s/connections\","
             "\"accounting\":\"%s/api.xro/2.0\"}%s}",
             connection, state_dir, b, b, b, b, b, extra);
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s XERO_SIM_BINARY STATE_DIR\n", argv[0]);
        return 2;
    }
    if (xero_abi_version() != XERO_ABI_VERSION) { /* header and library disagree: refuse to go on */
        fprintf(stderr, "libxero_link has ABI version %u, this host was built for %d\n", xero_abi_version(),
                XERO_ABI_VERSION);
        return 2;
    }
    struct sim sim;
    if (!start_sim(argv[1], &sim)) {
        fprintf(stderr, "could not start %s\n", argv[1]);
        return 2;
    }
    const char *state_dir = argv[2];

    /* The host's callbacks, registered once per process before any connection is used. */
    static struct host_store store = {.lock = PTHREAD_MUTEX_INITIALIZER};
    static struct log_sink sink = {.lock = PTHREAD_MUTEX_INITIALIZER};
    CHECK(xero_set_log_callback(on_log, &sink) == 0, "log callback registered");
    CHECK(xero_set_state_store(store_load, store_cas, store_free, &store) == 0, "state store registered");
    expect(xero_call("set_log_level", "{\"level\":\"debug\"}"), "\"ok\":true", "log level debug", NULL, 0);

    /* The administrator's setup, the sign-in state kept in the host's store. */
    const char *conn = "{\"connection\":\"xero-c-host\"}";
    char answer[65536], url[4096], callback[4096], request[8192];
    expect(xero_configure(config_json(&sim, "xero-c-host", state_dir,
                                      ",\"state_store\":\"host\",\"functions\":[\"debtors\",\"inventory\","
                                      "\"sales_invoices\"]")),
           "\"ok\":true", "configured", answer, sizeof answer);
    CHECK(strstr(answer, "sim-secret") == NULL, "the secret is not echoed");
    expect(xero_status(conn), "\"signed_in\":false", "not signed in yet", NULL, 0);

    /* "Authenticate sign in": the consent URL, the browser (the simulator consents at once), the callback. */
    expect(xero_authorize_url(conn), "\"url\":\"", "authorize URL", answer, sizeof answer);
    CHECK(json_string(answer, "url", url, sizeof url), "the answer has the URL");
    CHECK(consent(url, callback, sizeof callback), "the consent redirects back to the ERP");
    snprintf(request, sizeof request, "{\"connection\":\"xero-c-host\",\"callback_url\":\"%s\"}", callback);
    expect(xero_authenticate(request), "\"ok\":true", "signed in", NULL, 0);
    expect(xero_connections(conn), "\"tenant_name\":\"Huge ERP Test Ltd\"", "the organisation is listed", NULL, 0);
    expect(xero_set_tenant("{\"connection\":\"xero-c-host\",\"tenant_name\":\"Huge ERP Test Ltd\"}"), "\"ok\":true",
           "tenant set", NULL, 0);
    expect(xero_status(conn), "\"state_store\":\"host\"", "status", answer, sizeof answer);
    CHECK(strstr(answer, "\"signed_in\":true") && strstr(answer, "Huge ERP Test Ltd"), "signed in, tenant set");
    int slot = slot_of(&store, "auth/xero-c-host");
    CHECK(slot >= 0 && store.revisions[slot] >= 2, "the host's store holds the sign-in, written more than once");
    CHECK(slot < 0 || strstr(store.values[slot], "sim-secret") == NULL, "no client secret in the stored state");

    /* A debtor, an item and an invoice. */
    expect(xero_push_contacts("{\"connection\":\"xero-c-host\",\"contacts\":[{\"code\":\"DC001\",\"role\":\"debtor\","
                              "\"name\":\"C Host Builders Ltd\",\"email\":\"ap@c-host.example\"}]}"),
           "\"outcome\":\"created\"", "debtor created", NULL, 0);
    expect(xero_push_items("{\"connection\":\"xero-c-host\",\"items\":[{\"code\":\"BEAM-C6M\",\"name\":\"Steel beam "
                           "6 m\",\"sales_price\":\"19.9950\",\"purchase_price\":\"12.40\",\"tracked\":false}]}"),
           "\"outcome\":\"created\"", "item created", NULL, 0);
    const char *invoice =
        "{\"connection\":\"xero-c-host\",\"invoices\":[{\"number\":\"SI-C1001\",\"type\":\"sales\",\"debtor\":\"DC001\","
        "\"date\":\"2026-11-26\",\"due_date\":\"2026-12-26\",\"lines\":[{\"item\":\"BEAM-C6M\",\"description\":"
        "\"Steel beams\",\"quantity\":\"3\",\"unit_price\":\"19.995\",\"tax_code\":\"OUTPUT\"}]}]}";
    expect(xero_push_invoices(invoice), "\"outcome\":\"created\"", "invoice created", answer, sizeof answer);
    CHECK(strstr(answer, "\"total\":\"65.99\""), "Xero's total, exact: 59.99 + 10 % tax");
    expect(xero_push_invoices(invoice), "\"outcome\":\"unchanged\"", "pushed again: nothing written twice", NULL, 0);
    expect(xero_get_documents("{\"connection\":\"xero-c-host\",\"documents\":[{\"type\":\"sales\",\"kind\":"
                              "\"invoice\",\"number\":\"SI-C1001\"}]}"),
           "\"found\":true", "the invoice is read back", NULL, 0);

    /* Errors: a broken rule names its field; a function not ticked is refused. */
    expect(xero_configure(config_json(&sim, "xero-c-bad", state_dir, ",\"defaults\":{\"sales_account\":\"\"}")),
           "\"path\":\"defaults.sales_account\"", "validation names the field", answer, sizeof answer);
    CHECK(strstr(answer, "\"code\":\"validation\"") && !strstr(answer, "sim-secret"), "validation, no secret");
    expect(xero_push_payments("{\"connection\":\"xero-c-host\",\"payments\":[],\"request_id\":\"r-9\"}"),
           "\"code\":\"function_disabled\"", "payments are not ticked", answer, sizeof answer);
    CHECK(strstr(answer, "\"request_id\":\"r-9\""), "request_id echoed on an error");

    /* What the callbacks saw. */
    CHECK(sink.records > 0 && sink.requests > 0, "log records arrived, HTTP requests among them");
    CHECK(!sink.secret_seen, "no secret in any log record");
    CHECK(store.loads > 0 && store.loads == store.freed, "every value the store handed out came back to store_free");

    CHECK(xero_set_log_callback(NULL, NULL) == 0, "log callback removed");
    CHECK(xero_set_state_store(NULL, NULL, NULL, NULL) == 0, "state store removed");
    stop_sim(&sim);
    for (int i = 0; i < SLOTS; i++) {
        free(store.keys[i]);
        free(store.values[i]);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
