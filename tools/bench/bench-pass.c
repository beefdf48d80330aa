/* bench-pass.c: the look-up passes on threads that bench-baseline and
 * bench-inproc share (bench-pass.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-mix.h"
#include "bench-pass.h"

static double clock_secs(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double now(void)
{
	return clock_secs(CLOCK_MONOTONIC);
}

double cpu_now(void)
{
	return clock_secs(CLOCK_PROCESS_CPUTIME_ID);
}

double thread_cpu(void)
{
	return clock_secs(CLOCK_THREAD_CPUTIME_ID);
}

void emit(const char *metric, const char *system, int rep, size_t ops,
	  double secs, double cpu)
{
	printf("{\"metric\":\"%s\",\"system\":\"%s\",\"rep\":%d,"
	       "\"ops\":%zu,\"secs\":%.6f,\"cpu_secs\":%.6f}\n",
	       metric, system, rep, ops, secs, cpu);
	fflush(stdout);
}

struct job {
	_Alignas(64) const struct pass_list *kl; /* a cache line each */
	size_t start;
	size_t found;
	int err;
	double t0, t1, cpu; /* the thread's own clock: a busy machine may
			     * run the whole pass before the main thread */
	pthread_barrier_t *barrier;
	void *ctx; /* per-system state */
	get_fn get;
};

static void *run(void *arg)
{
	struct job *j = arg;
	const struct pass_list *kl = j->kl;
	const char *keys = kl->keys;
	pthread_barrier_wait(j->barrier);
	j->t0 = now();
	double c0 = thread_cpu();
	/* counted in locals, stored once: the jobs sit side by side, and
	 * a store per look-up into a line the other thread reads would cost
	 * both threads a cache line transfer per look-up */
	get_fn get = j->get;
	void *ctx = j->ctx;
	size_t found_all = 0;
	int err = 0;
	for (size_t i = 0; i < kl->n; i++) {
		int found = 0;
		size_t at = j->start + i;
		if (at >= kl->n)
			at -= kl->n;
		err = get(ctx, keys + at * kl->size, &found);
		if (err)
			break;
		found_all += (size_t)found;
	}
	j->found = found_all;
	j->err = err;
	j->cpu = thread_cpu() - c0;
	j->t1 = now();
	return NULL;
}

/* One pass of `threads` threads over every key (thread t starts at a
 * different offset); returns the wall time, or a negative value, and
 * the threads' CPU time in *cpu. */
static double pass(const struct pass_list *kl, int threads, void **ctx,
		   get_fn get, size_t *found, double *cpu)
{
	pthread_t tid[MAX_THREADS];
	struct job jobs[MAX_THREADS];
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
	for (int t = 0; t < threads; t++) {
		jobs[t] = (struct job){
		    .kl = kl,
		    .start = kl->n / (size_t)threads * (size_t)t,
		    .barrier = &barrier,
		    .ctx = ctx[t],
		    .get = get,
		};
		pthread_create(&tid[t], NULL, run, &jobs[t]);
	}
	pthread_barrier_wait(&barrier);
	for (int t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	pthread_barrier_destroy(&barrier);
	/* from the first thread's start to the last one's end */
	double t0 = jobs[0].t0, t1 = jobs[0].t1;
	*cpu = 0;
	for (int t = 0; t < threads; t++) {
		t0 = jobs[t].t0 < t0 ? jobs[t].t0 : t0;
		t1 = jobs[t].t1 > t1 ? jobs[t].t1 : t1;
		*cpu += jobs[t].cpu;
	}
	double secs = t1 - t0;
	*found = 0;
	for (int t = 0; t < threads; t++) {
		if (jobs[t].err)
			return -1;
		*found += jobs[t].found;
	}
	return secs;
}

/* The mixed stream of one hit, then `misses` misses (bench-mix.h), into
 * out (its keys to free). */
static int mixed(const struct pass_list *hits, const struct pass_list *miss,
		 size_t misses, struct pass_list *out, size_t *nhits)
{
	size_t n, size = hits->size;
	size_t *o = mix_order(hits->n, miss->n, misses, &n, nhits);
	char *keys = o ? malloc(n * size) : NULL;
	if (!keys) {
		free(o);
		return fail("mixed stream", "out of memory or no keys");
	}
	for (size_t i = 0; i < n; i++)
		memcpy(keys + i * size,
		       o[i] < hits->n
			   ? (const char *)hits->keys + o[i] * size
			   : (const char *)miss->keys + (o[i] - hits->n) * size,
		       size);
	*out = (struct pass_list){keys, size, n};
	free(o);
	return 0;
}

struct stream {
	const char *metric;
	const struct pass_list *kl;
	int threads;
	size_t want; /* found expected per thread */
};

/* One pass of s, its count checked: the wall time, or a negative value
 * after the message. */
static double checked_pass(const char *system, const struct stream *s,
			   void **ctx, get_fn get, double *cpu)
{
	char msg[128];
	size_t found, want = s->want * (size_t)s->threads;
	double secs = pass(s->kl, s->threads, ctx, get, &found, cpu);
	if (secs < 0) {
		fail(system, s->metric);
		return -1;
	}
	if (found != want) {
		snprintf(msg, sizeof msg, "%s: %zu found, want %zu", s->metric,
			 found, want);
		fail(system, msg);
		return -1;
	}
	return secs;
}

int pass_streams(const char *system, int reps, const struct pass_list *hits,
		 const struct pass_list *miss, const struct pass_list *uniform,
		 void **ctx, get_fn get)
{
	struct pass_list m11 = {0}, m19 = {0};
	size_t h11 = 0, h19 = 0;
	double cpu;
	int rc = 1;
	if (mixed(hits, miss, 1, &m11, &h11) ||
	    mixed(hits, miss, 9, &m19, &h19))
		goto out;
	const struct stream warm[] = {
	    {"warm-up hits", hits, 1, hits->n},
	    {"warm-up misses", miss, 1, 0},
	};
	const struct stream streams[] = {
	    {"check_1t", hits, 1, hits->n},
	    {"check_2t", hits, 2, hits->n},
	    {"check_miss", miss, 1, 0},
	    {"check_mixed_1_1", &m11, 1, h11},
	    {"check_mixed_1_9", &m19, 1, h19},
	    {"check_1t_uniform", uniform, 1, uniform ? uniform->n : 0},
	};
	for (size_t i = 0; i < sizeof warm / sizeof warm[0]; i++)
		if (checked_pass(system, &warm[i], ctx, get, &cpu) < 0)
			goto out;
	for (int rep = 1; rep <= reps; rep++) {
		for (size_t i = 0; i < sizeof streams / sizeof streams[0];
		     i++) {
			const struct stream *s = &streams[i];
			if (!s->kl)
				continue;
			double secs = checked_pass(system, s, ctx, get, &cpu);
			if (secs < 0)
				goto out;
			emit(s->metric, system, rep,
			     s->kl->n * (size_t)s->threads, secs, cpu);
		}
	}
	rc = 0;
out:
	free((void *)m11.keys);
	free((void *)m19.keys);
	return rc;
}
