/* libxero_link under load, as a C host sees it: THREADS threads call every entry point at once on CONNECTIONS
 * connections (client credentials, 4 state dirs, some with the host's state store, some encrypted) against
 * xero-sim: sign-ins, tenant, status, pushes of valid records, reads, and bad input of every kind, while another
 * thread replaces and removes the log and progress callbacks and the state store. Every promise of
 * include/xero_link.h that can be observed is checked (callbacks: stress_host.c); a broken one makes the exit
 * status 1. Built plain and with ASan + UBSan by tests/processes/c_stress.rs, which runs it under the sanitizers
 * and under valgrind.
 *
 * Usage: stress BASE_URL STATE_ROOT THREADS CONNECTIONS ITERATIONS BIG (BIG: the size of the long strings among
 * the bad input, in bytes). A slow run, under valgrind, takes small numbers. */
#include "stress.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TENANT "Demo Company (AU)"

static const char *base_url, *state_root;
static int threads, connections, iterations;
static size_t big;
static long run_tag; /* in every record key: a second run against the same simulator pushes new records */
static atomic_int workers_done, all_signed_in;

/* The configuration of connection c: by c % 4, the sign-in in state_dir or in the host's store, tokens plain or
 * sealed; three state dirs, each shared by several connections. Limits high: the simulator enforces none, and
 * the library's own pacing would only make the run slower. */
static void connection_config(char *buf, size_t cap, int c) {
    const char *b = base_url;
    const char *key = ",\"encryption_key\":\"" ENCRYPTION_KEY "\"";
    const char *host = ",\"state_store\":\"host\"";
    snprintf(buf, cap,
             "{\"connection\":\"xero-stress-%02d\",\"client_id\":\"sim-custom-client\",\"client_secret\":\"%s\","
             "\"grant_type\":\"client_credentials\",\"functions\":[\"debtors\",\"inventory\",\"sales_invoices\"],"
             "\"defaults\":{\"sales_account\":\"200\",\"cos_account\":\"310\",\"division\":\"North\","
             "\"sales_rep\":\"Alice Brown\"},\"state_dir\":\"%s/dir%d\","
             "\"limits\":{\"minute_ms\":1000,\"per_minute\":100000,\"concurrent\":20},"
             "\"endpoints\":{\"authorize\":\"%s/identity/connect/authorize\",\"token\":\"%s/connect/token\","
             "\"revocation\":\"%s/connect/revocation\",\"connections\":\"%s/connections\","
             "\"accounting\":\"%s/api.xro/2.0\"}%s%s}",
             c, CLIENT_SECRET, state_root, c % 3, b, b, b, b, b, c % 2 == 0 ? host : "", c % 4 >= 2 ? key : "");
}

static long next_request_id(int thread) {
    static _Thread_local long seq;
    return (long)thread * 1000000L + ++seq;
}

/* Configures connection c, signs in with client credentials (no browser) and chooses the organisation. */
static void sign_in(int thread, int c) {
    char request[4096];
    connection_config(request, sizeof request, c);
    take(call_fn(xero_configure, request), "ok", NULL, -1, "configure");
    long id = next_request_id(thread);
    snprintf(request, sizeof request, "{\"connection\":\"xero-stress-%02d\",\"request_id\":%ld}", c, id);
    take(call_fn(xero_authenticate, request), "ok", "\"tenant_name\":\"" TENANT "\"", id, "authenticate");
    id = next_request_id(thread);
    snprintf(request, sizeof request,
             "{\"connection\":\"xero-stress-%02d\",\"tenant_name\":\"" TENANT "\",\"request_id\":%ld}", c, id);
    take(call_fn(xero_set_tenant, request), "ok", NULL, id, "set_tenant");
}

/* Sends request_format: its first %s becomes "connection":...,"request_id":N, the others the record key of
 * this run, thread and round. */
static void run(int thread, int c, int i, char *(*fn)(const char *), const char *op, const char *request_format,
                const char *needle, const char *what) {
    static _Thread_local char request[8192];
    char head[128], key[48];
    long id = next_request_id(thread);
    snprintf(head, sizeof head, "\"connection\":\"xero-stress-%02d\",\"request_id\":%ld", c, id);
    snprintf(key, sizeof key, "%ld-T%dI%d", run_tag, thread, i);
    snprintf(request, sizeof request, request_format, head, key, key, key, key);
    take(fn ? call_fn(fn, request) : call_op(op, request), "ok", needle, id, what);
}

/* More contacts than one batch holds: the library writes the batches from helper threads, whose log records and
 * progress events must still reach the callbacks on this thread. */
static void many_contacts(int thread, int c, int i) {
    enum { MANY = 60 };
    size_t cap = 256 + MANY * 160, at;
    char *request = malloc(cap);
    if (!request) abort();
    long id = next_request_id(thread);
    at = (size_t)snprintf(request, cap, "{\"connection\":\"xero-stress-%02d\",\"request_id\":%ld,\"contacts\":[", c,
                          id);
    for (int k = 0; k < MANY; k++)
        at += (size_t)snprintf(request + at, cap - at,
                               "%s{\"code\":\"C-%ld-T%dI%dK%d\",\"role\":\"debtor\",\"name\":\"Batch %ld-%d-%d-%d\"}",
                               k ? "," : "", run_tag, thread, i, k, run_tag, thread, i, k);
    snprintf(request + at, cap - at, "]}");
    take(call_fn(xero_push_contacts, request), "ok", "\"summary\":{\"created\":60,", id, "push_contacts of 60");
    free(request);
}

/* One round of valid work: status, a debtor, an item and an invoice that uses both, the invoice again (nothing
 * written twice), read back, and one of the organisation's lookups. Records are the thread's and round's own. */
static void valid_round(int thread, int i) {
    int c = (thread + i) % connections;
    run(thread, c, i, xero_status, NULL, "{%s}", "\"signed_in\":true", "status");
    run(thread, c, i, xero_push_contacts, NULL,
        "{%s,\"contacts\":[{\"code\":\"D-%s\",\"role\":\"debtor\",\"name\":\"Stress debtor %s\","
        "\"email\":\"ap@%s.example\"}]}",
        "\"outcome\":\"created\"", "push_contacts");
    run(thread, c, i, xero_push_items, NULL,
        "{%s,\"items\":[{\"code\":\"IT-%s\",\"name\":\"Stress item %s\",\"sales_price\":\"19.9950\","
        "\"purchase_price\":\"12.40\",\"tracked\":false}]}",
        "\"outcome\":\"created\"", "push_items");
    const char *invoice =
        "{%s,\"invoices\":[{\"number\":\"SI-%s\",\"type\":\"sales\",\"debtor\":\"D-%s\",\"date\":"
        "\"2026-11-26\",\"due_date\":\"2026-12-26\",\"lines\":[{\"item\":\"IT-%s\",\"description\":\"Beams\","
        "\"quantity\":\"3\",\"unit_price\":\"19.995\",\"tax_code\":\"OUTPUT\"}]}]}";
    run(thread, c, i, xero_push_invoices, NULL, invoice, "\"total\":\"65.99\"", "push_invoices");
    run(thread, c, i, NULL, "push_invoices", invoice, "\"outcome\":\"unchanged\"", "push_invoices again");
    run(thread, c, i, xero_get_documents, NULL,
        "{%s,\"documents\":[{\"type\":\"sales\",\"kind\":\"invoice\",\"number\":\"SI-%s\"}]}", "\"found\":true",
        "get_documents");
    char *(*lookups[])(const char *) = {xero_get_accounts, xero_get_tax_rates, xero_get_tracking_categories};
    run(thread, c, i, lookups[i % 3], NULL, "{%s}", NULL, "a lookup");
    if (i == 0 && thread % 2 == 0) many_contacts(thread, c, i);
    if (i % 4 == 3) { /* the same configuration again, while other threads use the connection */
        char config[4096];
        connection_config(config, sizeof config, c);
        take(call_fn(xero_configure, config), "ok", NULL, -1, "configure again");
    }
}

struct worker {
    pthread_t id;
    int thread;
};

static pthread_barrier_t signed_in;

static void *work(void *arg) {
    const struct worker *w = arg;
    for (int c = w->thread; c < connections; c += threads) sign_in(w->thread, c);
    pthread_barrier_wait(&signed_in);
    atomic_store(&all_signed_in, 1);
    for (int i = 0; i < iterations; i++) {
        valid_round(w->thread, i);
        bad_inputs(w->thread, i, big);
    }
    check_thread_store_frees();
    atomic_fetch_add(&workers_done, 1);
    return NULL;
}

/* A push made right after the replacements, on the thread that made them: it may call only the callbacks and the
 * store just registered (a connection in the host's store; it logs its requests and reports progress). */
static void push_after_replacing(void) {
    char request[256];
    long id = next_request_id(999);
    snprintf(request, sizeof request,
             "{\"connection\":\"xero-stress-00\",\"request_id\":%ld,\"contacts\":[{\"code\":\"P-%ld\",\"role\":"
             "\"debtor\",\"name\":\"Churn %ld\"}]}",
             id, run_tag, run_tag);
    take(call_fn(xero_push_contacts, request), "ok", "\"summary\":", id, "a push after replacing");
}

/* Replaces the callbacks and the store, and changes the log level, until every worker is done. */
static void *churn(void *arg) {
    (void)arg;
    const char *levels[] = {"{\"level\":\"trace\"}", "{\"level\":\"debug\"}", "{\"level\":\"info\"}",
                            "{\"level\":\"error\"}"};
    for (int i = 0; atomic_load(&workers_done) < threads; i++) {
        replace_log_callback(i % 5 == 4);
        replace_progress_callback(i % 5 == 2);
        replace_state_store(i);
        take(call_op("set_log_level", levels[i % 4]), "ok", NULL, -1, "set_log_level");
        if (i % 32 == 0 && atomic_load(&all_signed_in)) push_after_replacing();
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 2000000}, NULL);
    }
    return NULL;
}

/* After the storm, on one thread: the store removed, a host-store connection says so; version and NULL free. */
static void quiet_checks(void) {
    if (strcmp(xero_version(), XERO_VERSION) != 0) fail("xero_version() is %s, not XERO_VERSION", xero_version());
    if (xero_abi_version() != XERO_ABI_VERSION) fail("xero_abi_version() is %u", xero_abi_version());
    replace_log_callback(1);
    replace_progress_callback(1);
    remove_state_store();
    take(call_fn(xero_status, "{\"connection\":\"xero-stress-00\"}"), "store", NULL, -1, "host store removed");
    take(call_fn(xero_status, "{\"connection\":\"xero-stress-01\"}"), "ok", "\"signed_in\":true", -1, "sqlite");
    xero_string_free(NULL);
}

int main(int argc, char **argv) {
    if (argc != 7 || (threads = atoi(argv[3])) < 1 || (connections = atoi(argv[4])) < 4 || connections > 100 ||
        (iterations = atoi(argv[5])) < 1 || atoi(argv[6]) < 1) {
        fprintf(stderr, "usage: %s BASE_URL STATE_ROOT THREADS CONNECTIONS(4-100) ITERATIONS BIG\n", argv[0]);
        return 2;
    }
    big = (size_t)atoi(argv[6]);
    base_url = argv[1];
    run_tag = (long)getpid();
    state_root = argv[2];
    replace_state_store(0);
    struct worker *workers = calloc((size_t)threads, sizeof *workers);
    pthread_t churner;
    if (!workers || pthread_barrier_init(&signed_in, NULL, (unsigned)threads) != 0) return 2;
    if (pthread_create(&churner, NULL, churn, NULL) != 0) return 2;
    for (int t = 0; t < threads; t++) {
        workers[t].thread = t;
        if (pthread_create(&workers[t].id, NULL, work, &workers[t]) != 0) return 2;
    }
    for (int t = 0; t < threads; t++) pthread_join(workers[t].id, NULL);
    pthread_join(churner, NULL);
    pthread_barrier_destroy(&signed_in);
    free(workers);
    quiet_checks();
    check_callbacks_and_free();
    int n = atomic_load(&broken);
    printf("stress: %d threads, %d connections, %d iterations: %d broken promise(s)\n", threads, connections,
           iterations, n);
    return n ? 1 : 0;
}
