/* Bad input on every entry point, called directly and through xero_call: each gets its error envelope, with the
 * code README's table gives it, and the library lives on. */
#include "stress.h"

#include <stdlib.h>
#include <string.h>

static const struct entry {
    const char *name;
    char *(*fn)(const char *);
} entries[] = {
    {"configure", xero_configure},
    {"authorize_url", xero_authorize_url},
    {"authenticate", xero_authenticate},
    {"connections", xero_connections},
    {"set_tenant", xero_set_tenant},
    {"status", xero_status},
    {"disconnect", xero_disconnect},
    {"push_invoice", xero_push_invoice},
    {"push_invoices", xero_push_invoices},
    {"push_contacts", xero_push_contacts},
    {"push_items", xero_push_items},
    {"push_credit_notes", xero_push_credit_notes},
    {"push_payments", xero_push_payments},
    {"get_accounts", xero_get_accounts},
    {"get_tax_rates", xero_get_tax_rates},
    {"get_tracking_categories", xero_get_tracking_categories},
    {"get_documents", xero_get_documents},
};
#define ENTRIES (sizeof entries / sizeof entries[0])

/* A request and the error it gets; `configure` (which needs a whole configuration) may get another. */
struct bad {
    const char *request;
    const char *code;
    const char *configure_code;
};

static const struct bad bad[] = {
    {NULL, "bad_json", "bad_json"},
    {"", "bad_json", "bad_json"},
    {"not json at all", "bad_json", "bad_json"},
    {"{\"connection\":", "bad_json", "bad_json"},
    {"{\"connection\":\"xero-\xff\xfe\"}", "bad_json", "bad_json"},
    {"{\"connection\":\"xero-stress-00\"} trailing", "bad_json", "bad_json"},
    {"[\"xero-stress-00\"]", "bad_request", "bad_request"},
    {"\"xero-stress-00\"", "bad_request", "bad_request"},
    {"{\"connection\":7}", "bad_request", "bad_request"},
    {"{\"connection\":null}", "bad_request", "bad_request"},
    {"{\"connection\":\"xero-stress-00\",\"connection\":\"xero-stress-01\"}", "bad_request", "bad_request"},
    {"{\"connection\":\"xero-stress-00\",\"no_such_member\":1}", "bad_request", "bad_request"},
    {"{\"connection\":\"xero-nobody\",\"contacts\":[],\"items\":[],\"invoices\":[],\"invoice\":{}}", "error", "error"},
};
#define BADS (sizeof bad / sizeof bad[0])

static void both_ways(const struct entry *e, const char *request, const char *code, const char *what) {
    char label[128];
    snprintf(label, sizeof label, "%s(%s)", e->name, what);
    take(call_fn(e->fn, request), code, NULL, -1, label);
    snprintf(label, sizeof label, "xero_call(\"%s\", %s)", e->name, what);
    take(call_op(e->name, request), code, NULL, -1, label);
}

/* `depth` nested arrays inside an object, with `padding` spaces in front. */
static char *nested(size_t depth, size_t padding) {
    char *s = malloc(padding + 2 * depth + 16);
    if (!s) abort();
    memset(s, ' ', padding);
    char *p = s + padding;
    p += sprintf(p, "{\"a\":");
    memset(p, '[', depth);
    memset(p + depth, ']', depth);
    strcpy(p + 2 * depth, "}");
    return s;
}

/* `head` (an object's start up to a string's opening quote), `size` times `fill`, and `"}`. */
static char *with_long_string(const char *head, size_t size, char fill) {
    size_t at = strlen(head);
    char *s = malloc(at + size + 3);
    if (!s) abort();
    memcpy(s, head, at);
    memset(s + at, fill, size);
    strcpy(s + at + size, "\"}");
    return s;
}

/* Over the size limit (16 MiB: one thread), nested 129 and a million deep, a connection name of `big` bytes. */
static void huge_inputs(const struct entry *e, int thread, size_t big) {
    char *deeper = nested(129, 0), *deepest = nested(1000000, 0);
    char *long_name = with_long_string("{\"connection\":\"", big, 'x');
    both_ways(e, deeper, "bad_json", "129 deep");
    both_ways(e, deepest, "bad_json", "10^6 deep");
    both_ways(e, long_name, "error", "a long connection name");
    if (thread == 0) {
        char *over_size = nested(4, 17u << 20);
        both_ways(e, over_size, "bad_json", "17 MiB");
        free(over_size);
    }
    free(deeper);
    free(deepest);
    free(long_name);
}

/* Operation names xero_call does not know (one of `big` bytes), and an answer that echoes a long request_id. */
static void unknown_operations(int thread, int round, size_t big) {
    static const char *names[] = {"", "frobnicate", "status ", "STATUS", "push_\xff", "debug_panic\n"};
    take(call_op(NULL, "{}"), "unknown_operation", NULL, -1, "xero_call(NULL, {})");
    take(call_op(NULL, NULL), "error", NULL, -1, "xero_call(NULL, NULL)");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        take(call_op(names[i], "{\"connection\":\"xero-stress-00\"}"), "unknown_operation", NULL, -1, names[i]);
    if (round != 0) return;
    char *name = malloc(big + 1);
    if (!name) abort();
    memset(name, 'o', big);
    name[big] = '\0';
    take(call_op(name, "{}"), "unknown_operation", NULL, -1, "a long operation name");
    free(name);
    char head[64];
    snprintf(head, sizeof head, "{\"connection\":\"xero-stress-%02d\",\"request_id\":\"", thread % 4);
    char *request = with_long_string(head, big, 'r');
    take(call_fn(xero_status, request), "ok", "rrrrrrrr\"}", -1, "status with a long request_id");
    free(request);
}

void bad_inputs(int thread, int round, size_t big) {
    for (size_t e = 0; e < ENTRIES; e++) {
        for (size_t b = 0; b < BADS; b++) {
            const char *code = e == 0 ? bad[b].configure_code : bad[b].code;
            both_ways(&entries[e], bad[b].request, code, bad[b].request ? bad[b].request : "NULL");
        }
    }
    unknown_operations(thread, round, big);
    if (round == 0) huge_inputs(&entries[(size_t)thread % ENTRIES], thread, big);
}
