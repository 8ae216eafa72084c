/* Shared by the stress program's files: stress.c (the threads and their work), stress_host.c (what the host
 * hands the library: callbacks and a state store, and the checks of what comes back), stress_input.c (bad
 * input on every entry point). */
#ifndef XERO_STRESS_H
#define XERO_STRESS_H

#define _POSIX_C_SOURCE 200809L
#include "xero_link.h"

#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

/* Never in a log record, an answer or the host's store. */
#define CLIENT_SECRET "sim-custom-secret"
#define ENCRYPTION_KEY "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* Broken promises so far; the exit status is 1 when any. */
extern atomic_int broken;
void fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* A xero_* call made the way every call here is made: marked as in progress on this thread, so that a callback
 * can check it runs synchronously on a thread inside a call. */
char *call_fn(char *(*fn)(const char *), const char *request);
char *call_op(const char *operation, const char *request);

/* Checks an answer against the header's promises (never NULL, a JSON envelope) and the call's expectation, then
 * frees it, once. `expect` is "ok", an error code, or "error" for any error; `needle`, when not NULL, must be
 * in the answer; `request_id` (when >= 0) must be echoed. */
void take(char *answer, const char *expect, const char *needle, long request_id, const char *what);

/* The churn thread's moves: a new log or progress callback (or none), the store registered one way or another
 * (every other round the other way); at the end, the store removed. */
void replace_log_callback(int remove);
void replace_progress_callback(int remove);
void replace_state_store(int round);
void remove_state_store(void);

/* On each worker when it is done: every value the store lent on this thread came back on this thread. */
void check_thread_store_frees(void);
/* At the end, alone: the callbacks were called, every loaded value freed once; frees what the host kept. */
void check_callbacks_and_free(void);

/* Bad input of every kind on every entry point; in round 0 also the huge ones (long strings of `big` bytes). */
void bad_inputs(int thread, int round, size_t big);

#endif
