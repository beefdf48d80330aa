/* baseline-lookup.c: the baselines' look-up passes on threads (hits,
 * misses, mixed streams, uniform hits) and the JSON lines they print. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "baseline.h"
#include "bench-mix.h"

void emit(const char *metric, const char *system, int rep, size_t ops,
	  double secs, double cpu)
{
	printf("{\"metric\":\"%s\",\"system\":\"%s\",\"rep\":%d,"
	       "\"ops\":%zu,\"secs\":%.6f,\"cpu_secs\":%.6f}\n",
	       metric, system, rep, ops, secs, cpu);
	fflush(stdout);
}

void emit_size(const char *system, uint64_t bytes, size_t reports)
{
	printf("{\"metric\":\"size\",\"system\":\"%s\",\"bytes\":%" PRIu64
	       ",\"reports\":%zu}\n",
	       system, bytes, reports);
	fflush(stdout);
}

struct lookup_job {
	const struct keylist *kl;
	size_t start;
	size_t found;
	int err;
	double t0, t1, cpu; /* the thread's own clock: a busy machine may
			     * run the whole pass before the main thread */
	pthread_barrier_t *barrier;
	void *ctx; /* per-system state */
	get_fn get;
};

static void *lookup_thread(void *arg)
{
	struct lookup_job *j = arg;
	const struct keylist *kl = j->kl;
	pthread_barrier_wait(j->barrier);
	j->t0 = now();
	double c0 = thread_cpu();
	for (size_t i = 0; i < kl->n; i++) {
		int found = 0;
		size_t at = j->start + i;
		if (at >= kl->n)
			at -= kl->n;
		j->err = j->get(j->ctx, &kl->keys[at], &found);
		if (j->err)
			break;
		j->found += (size_t)found;
	}
	j->cpu = thread_cpu() - c0;
	j->t1 = now();
	return NULL;
}

/* One pass of `threads` threads over every key (thread t starts at a
 * different offset); returns the wall time, or a negative value, and
 * the threads' CPU time in *cpu. */
static double lookup_pass(const struct keylist *kl, int threads, void **ctx,
			  get_fn get, size_t *found, double *cpu)
{
	pthread_t tid[MAX_THREADS];
	struct lookup_job jobs[MAX_THREADS];
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
	for (int t = 0; t < threads; t++) {
		jobs[t] = (struct lookup_job){
		    .kl = kl,
		    .start = kl->n / (size_t)threads * (size_t)t,
		    .barrier = &barrier,
		    .ctx = ctx[t],
		    .get = get,
		};
		pthread_create(&tid[t], NULL, lookup_thread, &jobs[t]);
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

/* The mixed stream of one hit, then `misses` misses (bench-mix.h). */
static int mixed(const struct keylist *hits, const struct keylist *miss,
		 size_t misses, struct keylist *out, size_t *nhits)
{
	size_t n;
	size_t *o = mix_order(hits->n, miss->n, misses, &n, nhits);
	out->buf = NULL;
	out->keys = o ? malloc(n * sizeof *out->keys) : NULL;
	if (!out->keys) {
		free(o);
		return fail("mixed stream", "out of memory or no keys");
	}
	for (size_t i = 0; i < n; i++)
		out->keys[i] = o[i] < hits->n ? hits->keys[o[i]]
					      : miss->keys[o[i] - hits->n];
	out->n = n;
	free(o);
	return 0;
}

struct stream {
	const char *metric;
	const struct keylist *kl;
	int threads;
	size_t want; /* hits expected per thread */
};

int run_lookups(const char *system, int reps, const struct keylist *hits,
		const struct keylist *miss, const struct keylist *uniform,
		void **ctx, get_fn get)
{
	struct keylist m11, m19;
	size_t h11, h19, found;
	double cpu;
	if (mixed(hits, miss, 1, &m11, &h11) ||
	    mixed(hits, miss, 9, &m19, &h19))
		return 1;
	const struct stream streams[] = {
	    {"check_1t", hits, 1, hits->n},
	    {"check_2t", hits, 2, hits->n},
	    {"check_miss", miss, 1, 0},
	    {"check_mixed_1_1", &m11, 1, h11},
	    {"check_mixed_1_9", &m19, 1, h19},
	    {"check_1t_uniform", uniform, 1, uniform ? uniform->n : 0},
	};
	const size_t nstreams = sizeof streams / sizeof streams[0];
	int rc = 1;
	if (lookup_pass(hits, 1, ctx, get, &found, &cpu) < 0 ||
	    found != hits->n) {
		fail(system, "warm-up: a hit was not found");
		goto out;
	}
	if (lookup_pass(miss, 1, ctx, get, &found, &cpu) < 0 || found != 0) {
		fail(system, "warm-up: a miss was found");
		goto out;
	}
	for (int rep = 1; rep <= reps; rep++) {
		for (size_t i = 0; i < nstreams; i++) {
			const struct stream *s = &streams[i];
			if (!s->kl)
				continue;
			double secs = lookup_pass(s->kl, s->threads, ctx, get,
						  &found, &cpu);
			if (secs < 0 || found != s->want * (size_t)s->threads) {
				fail(system, s->metric);
				goto out;
			}
			emit(s->metric, system, rep,
			     s->kl->n * (size_t)s->threads, secs, cpu);
		}
	}
	rc = 0;
out:
	free(m11.keys);
	free(m19.keys);
	return rc;
}
