/* The C contract of libxero_link as a C host sees it: version, configure, bad input, panics, ownership.
 * Built with -Wall -Wextra -Wpedantic -Werror by tests/c_program.rs and run under valgrind. */
#include "xero_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond, what)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what);  \
            failures++;                                                     \
        }                                                                   \
    } while (0)

/* Calls f(request), checks the answer contains `needle`, frees it. */
static void expect(char *answer, const char *needle, const char *what) {
    CHECK(answer != NULL, "answer is never NULL");
    if (answer == NULL) return;
    if (strstr(answer, needle) == NULL) {
        fprintf(stderr, "FAIL %s: expected %s in %s\n", what, needle, answer);
        failures++;
    }
    xero_string_free(answer);
}

static int log_records = 0;
static void on_log(void *user_data, int32_t level, const char *target, const char *message) {
    CHECK(user_data == &log_records, "user_data comes back");
    CHECK(level >= XERO_LOG_ERROR && level <= XERO_LOG_TRACE, "level in range");
    CHECK(target != NULL && message != NULL, "strings are not NULL");
    log_records++;
}

/* A host state store as a C host writes one: a few keys in memory, each value with its revision. The values
 * handed to the library are malloc'ed copies that the library gives back through host_free. */
#define SLOTS 8
struct host_store {
    char *keys[SLOTS];
    char *values[SLOTS];
    int64_t revisions[SLOTS];
    int handed_out, freed;
};

static char *copy_string(const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

static int slot_of(struct host_store *st, const char *key) {
    for (int i = 0; i < SLOTS; i++)
        if (st->keys[i] && strcmp(st->keys[i], key) == 0) return i;
    return -1;
}

static int32_t host_load(void *user_data, const char *key, char **value_out, int64_t *revision_out) {
    struct host_store *st = user_data;
    int i = slot_of(st, key);
    if (i < 0) return XERO_STATE_NOT_FOUND;
    *value_out = copy_string(st->values[i]);
    if (*value_out == NULL) return XERO_STATE_ERROR;
    *revision_out = st->revisions[i];
    st->handed_out++;
    return XERO_STATE_OK;
}

static int32_t host_cas(void *user_data, const char *key, int64_t expected_revision, const char *value) {
    struct host_store *st = user_data;
    int i = slot_of(st, key);
    int64_t current = i < 0 ? 0 : st->revisions[i];
    if (current != expected_revision) return XERO_STATE_CONFLICT;
    if (i < 0) {
        for (i = 0; i < SLOTS && st->keys[i]; i++) {}
        if (i == SLOTS) return XERO_STATE_ERROR;
        st->keys[i] = copy_string(key);
    }
    char *copy = copy_string(value);
    if (copy == NULL) return XERO_STATE_ERROR;
    free(st->values[i]);
    st->values[i] = copy;
    st->revisions[i] = expected_revision + 1;
    return XERO_STATE_OK;
}

static void host_free(void *user_data, char *value) {
    struct host_store *st = user_data;
    st->freed++;
    free(value);
}

static void host_store_checks(const char *state_dir) {
    struct host_store st;
    memset(&st, 0, sizeof st);

    /* Registration: load and cas together, or neither (removes the store). */
    CHECK(xero_set_state_store(host_load, NULL, host_free, &st) == -1, "load without cas refused");
    CHECK(xero_set_state_store(NULL, host_cas, NULL, &st) == -1, "cas without load refused");
    CHECK(xero_set_state_store(NULL, NULL, NULL, NULL) == 0, "no store");

    char config[2048];
    snprintf(config, sizeof config,
             "{\"connection\":\"xero-hoststore\",\"client_id\":\"ID\",\"client_secret\":\"TOPSECRET\","
             "\"redirect_uri\":\"https://erp.example.com/cb\",\"state_store\":\"host\",\"state_dir\":\"%s\"}",
             state_dir);
    expect(xero_configure(config), "\"ok\":true", "host-store connection configured");
    expect(xero_status("{\"connection\":\"xero-hoststore\"}"), "xero_set_state_store", "no store: clear error");

    CHECK(xero_set_state_store(host_load, host_cas, host_free, &st) == 0, "store registered");
    expect(xero_authorize_url("{\"connection\":\"xero-hoststore\"}"), "\"ok\":true", "sign-in started in the host store");
    expect(xero_status("{\"connection\":\"xero-hoststore\"}"), "\"pending_sign_ins\":1", "state read back");
    int i = slot_of(&st, "auth/xero-hoststore");
    CHECK(i >= 0 && st.revisions[i] >= 1, "the host holds the connection's state");
    CHECK(i < 0 || strstr(st.values[i], "TOPSECRET") == NULL, "no client secret in the state");
    CHECK(st.handed_out > 0 && st.handed_out == st.freed, "every loaded value came back to host_free");

    CHECK(xero_set_state_store(NULL, NULL, NULL, NULL) == 0, "store removed");
    for (int k = 0; k < SLOTS; k++) {
        free(st.keys[k]);
        free(st.values[k]);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s STATE_DIR\n", argv[0]);
        return 2;
    }
    const char *state_dir = argv[1];

    /* Version: the runtime library matches the header it was compiled against. */
    CHECK(strcmp(xero_version(), XERO_VERSION) == 0, "xero_version() == XERO_VERSION");
    CHECK(xero_abi_version() == XERO_ABI_VERSION, "xero_abi_version() == XERO_ABI_VERSION");
    expect(xero_call("version", "{\"request_id\":\"v1\"}"), "\"request_id\":\"v1\"", "version op echoes request_id");

    /* A valid configuration is accepted, and the secret never comes back. */
    char config[2048];
    snprintf(config, sizeof config,
             "{\"connection\":\"xero-hugeerp\",\"client_id\":\"ID\",\"client_secret\":\"TOPSECRET\","
             "\"redirect_uri\":\"https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls\","
             "\"functions\":[\"debtors\",\"sales_invoices\"],\"defaults\":{\"sales_account\":\"200\"},"
             "\"state_dir\":\"%s\"}",
             state_dir);
    char *answer = xero_configure(config);
    CHECK(strstr(answer, "\"ok\":true") != NULL, "valid config accepted");
    CHECK(strstr(answer, "TOPSECRET") == NULL, "secret not echoed");
    xero_string_free(answer);

    /* An invalid configuration names its field. */
    snprintf(config, sizeof config,
             "{\"connection\":\"xero-hugeerp\",\"client_id\":\"ID\",\"client_secret\":\"S\","
             "\"redirect_uri\":\"https://erp.example.com/cb\",\"defaults\":{\"sales_account\":\"\"},"
             "\"state_dir\":\"%s\"}",
             state_dir);
    expect(xero_configure(config), "\"path\":\"defaults.sales_account\"", "invalid field is named");

    /* Bad input of every kind gets an error envelope, never a crash. */
    expect(xero_configure(NULL), "\"code\":\"bad_json\"", "NULL");
    expect(xero_configure(""), "\"code\":\"bad_json\"", "empty");
    expect(xero_configure("[]"), "\"code\":\"bad_request\"", "array");
    expect(xero_configure("{"), "\"code\":\"bad_json\"", "truncated");
    expect(xero_configure("{\"connection\":\"\xff\"}"), "UTF-8", "invalid UTF-8");
    expect(xero_configure("{\"connection\":7}"), "\"path\":\"connection\"", "wrong type");
    expect(xero_call(NULL, "{}"), "\"code\":\"unknown_operation\"", "NULL operation");
    expect(xero_call("frobnicate", "{}"), "\"code\":\"unknown_operation\"", "unknown operation");

    size_t big = 10u * 1024u * 1024u;
    char *huge = malloc(big + 1);
    CHECK(huge != NULL, "malloc");
    if (huge) {
        memset(huge, '[', big);
        huge[big] = '\0';
        expect(xero_configure(huge), "\"ok\":false", "10 MB of nesting");
        free(huge);
    }

    /* A panic inside the library comes back as "internal", and the library keeps working. */
    CHECK(xero_set_log_callback(on_log, &log_records) == 0, "log callback installed");
    expect(xero_call("debug_panic", "{\"confirm\":\"panic\"}"), "\"code\":\"internal\"", "panic boundary");
    CHECK(log_records > 0, "the panic was logged through the callback");
    CHECK(xero_set_log_callback(NULL, NULL) == 0, "log callback removed");
    expect(xero_call("version", "{}"), "\"ok\":true", "alive after a panic");

    /* Operations of later milestones answer a clear error. */
    expect(xero_push_invoice("{}"), "\"ok\":false", "push_invoice answers");

    host_store_checks(state_dir);

    xero_string_free(NULL);

    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("c api test: all checks passed\n");
    return 0;
}
