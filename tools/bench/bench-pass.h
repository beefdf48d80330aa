/* bench-pass.h: the timed look-up passes that bench-baseline (raw LMDB,
 * SQLite) and bench-inproc (scamdex) share, so that all three systems
 * are measured by the same code: the clocks, one pass on threads (each
 * timed by its own clock), the streams (hits on 1 and 2 threads,
 * misses, the mixed streams of bench-mix.h, uniform hits) and the JSON
 * line of each pass. */
#ifndef BENCH_PASS_H
#define BENCH_PASS_H

#include <stddef.h>

#define MAX_THREADS 2

/* Wall clock (monotonic), CPU time of the process (all threads) and of
 * the calling thread, in seconds: rates per CPU second do not depend on
 * what else the machine is running. */
double now(void);
double cpu_now(void);
double thread_cpu(void);

/* Defined by each program: prints "PROGRAM: what: detail" to standard
 * error and returns 1. */
int fail(const char *what, const char *detail);

/* {"metric":M,"system":S,"rep":R,"ops":N,"secs":T,"cpu_secs":C}, one
 * line on standard output, flushed. */
void emit(const char *metric, const char *system, int rep, size_t ops,
	  double secs, double cpu);

/* A program's key list seen by the passes: n keys of size bytes each
 * (each program has its own struct key). */
struct pass_list {
	const void *keys;
	size_t size;
	size_t n;
};
#define PASS_LIST(kl)                                                          \
	((struct pass_list){(kl)->keys, sizeof *(kl)->keys, (kl)->n})

/* Looks one key up with ctx (a thread's own): *found = 1 when reported;
 * 0, or an error that stops the pass (printed by the function). */
typedef int (*get_fn)(void *ctx, const void *key, int *found);

/* One warm pass of the hits and of the misses, then REPS passes of
 * every stream: hits on 1 and 2 threads (check_1t, check_2t), misses
 * (check_miss), the mixed streams (check_mixed_1_1, check_mixed_1_9)
 * and, if uniform is not NULL, uniform hits (check_1t_uniform), one
 * emit() line each as `system`. Thread t uses ctx[t]. Every hit must be
 * found and no miss; 0, or 1 after the message. */
int pass_streams(const char *system, int reps, const struct pass_list *hits,
		 const struct pass_list *miss, const struct pass_list *uniform,
		 void **ctx, get_fn get);

#endif
