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

    xero_string_free(NULL);

    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("c api test: all checks passed\n");
    return 0;
}
