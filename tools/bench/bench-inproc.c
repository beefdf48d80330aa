/* bench-inproc.c: in-process checks through the C API on the benchmark's
 * own data set, so that they line up with the raw LMDB and SQLite
 * look-ups of bench-baseline on the same keys (tools/bench/bench.sh).
 *
 *   bench-inproc REPS DB HITS MISS [UNIFORM]
 *
 * HITS, MISS and UNIFORM (hits drawn uniformly over the reported
 * identifiers) hold one key a line: the kind digit followed by the
 * canonical form. Each is checked with sdx_check(kind, canonical): the
 * caller names the kind, as a payment system that checks a destination
 * account does; normalization, the filter, the summary and the time
 * windows (today: sdx_date_today, so $SCAMDEX_TODAY) all run. One warm
 * pass, then REPS passes each of hits on 1 and 2 threads, misses, the
 * mixed streams (bench-mix.h: hit, miss, hit... and a hit, nine misses...)
 * and uniform hits on 1 thread, one JSON line per pass as bench-baseline
 * prints them (check_1t, check_2t, check_miss, check_mixed_1_1,
 * check_mixed_1_9, check_1t_uniform). Every hit must be reported and no
 * miss. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <scamdex/scamdex.h>

#include "bench-mix.h"

#define MAX_THREADS 2

struct key {
	const char *p;
	uint32_t len;
	sdx_kind kind;
};

struct keylist {
	char *buf;
	struct key *keys;
	size_t n;
};

struct job {
	sdx_db *db;
	const struct keylist *kl;
	size_t start;
	int32_t today;
	size_t found;
	int err;
	double t0, t1, cpu; /* the thread's own clock: a busy machine may
			     * run the whole pass before the main thread */
	pthread_barrier_t *barrier;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the calling thread: summed over a pass's threads, rates
 * that do not depend on the machine's load. */
static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "bench-inproc: %s: %s\n", what, detail);
	return 1;
}

/* The file's lines as keys; the buffer is kept, lines NUL-terminated. */
static int load(const char *path, struct keylist *kl)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) != 0)
		return fail(path, strerror(errno));
	size_t len = (size_t)st.st_size;
	kl->buf = malloc(len + 1);
	if (!kl->buf || fread(kl->buf, 1, len, f) != len) {
		fclose(f);
		return fail(path, "cannot read");
	}
	fclose(f);
	kl->buf[len] = '\0';
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += kl->buf[i] == '\n';
	kl->keys = calloc(lines, sizeof *kl->keys);
	if (!kl->keys)
		return fail(path, "out of memory");
	kl->n = 0;
	for (char *p = kl->buf, *end = kl->buf + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		if (nl - p >= 2) {
			if (*p < '1' || *p > '5')
				return fail(path,
					    "a line without a kind digit");
			kl->keys[kl->n].kind = (sdx_kind)(*p - '0');
			kl->keys[kl->n].p = p + 1;
			kl->keys[kl->n].len = (uint32_t)(nl - p - 1);
			kl->n++;
		}
		p = nl + 1;
	}
	return 0;
}

static void *run(void *arg)
{
	struct job *j = arg;
	const struct keylist *kl = j->kl;
	sdx_check_result res;
	sdx_norm_error err;
	pthread_barrier_wait(j->barrier);
	j->t0 = now();
	double c0 = thread_cpu();
	for (size_t i = 0; i < kl->n; i++) {
		size_t at = j->start + i;
		if (at >= kl->n)
			at -= kl->n;
		const struct key *k = &kl->keys[at];
		int rc = sdx_check(j->db, k->kind, k->p, k->len, j->today, &res,
				   &err);
		if (rc) {
			j->err = rc;
			break;
		}
		j->found += res.verdict != SDX_VERDICT_UNKNOWN;
	}
	j->cpu = thread_cpu() - c0;
	j->t1 = now();
	return NULL;
}

/* One pass of `threads` threads over every key; the wall time, or a
 * negative value on an error (printed); the threads' CPU time in *cpu. */
static double pass(sdx_db *db, const struct keylist *kl, int threads,
		   int32_t today, size_t *found, double *cpu)
{
	pthread_t tid[MAX_THREADS];
	struct job jobs[MAX_THREADS];
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
	for (int t = 0; t < threads; t++) {
		jobs[t] = (struct job){
		    .db = db,
		    .kl = kl,
		    .start = kl->n / (size_t)threads * (size_t)t,
		    .today = today,
		    .barrier = &barrier,
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
		if (jobs[t].err) {
			fail("sdx_check", sdx_strerror(jobs[t].err));
			return -1;
		}
		*found += jobs[t].found;
	}
	return secs;
}

static void emit(const char *metric, int rep, size_t ops, double secs,
		 double cpu)
{
	printf("{\"metric\":\"%s\",\"system\":\"scamdex\",\"rep\":%d,"
	       "\"ops\":%zu,\"secs\":%.6f,\"cpu_secs\":%.6f}\n",
	       metric, rep, ops, secs, cpu);
	fflush(stdout);
}

/* The mixed stream of one hit, then `misses` misses. */
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
	size_t want; /* reported per thread */
};

int main(int argc, char **argv)
{
	if ((argc != 5 && argc != 6) || atoi(argv[1]) < 1) {
		fprintf(stderr,
			"usage: bench-inproc REPS DB HITS MISS [UNIFORM]\n");
		return 2;
	}
	int reps = atoi(argv[1]);
	struct keylist hits = {0}, miss = {0}, uniform = {0}, m11 = {0},
		       m19 = {0};
	size_t h11 = 0, h19 = 0;
	if (load(argv[3], &hits) || load(argv[4], &miss) ||
	    (argc == 6 && load(argv[5], &uniform)) ||
	    mixed(&hits, &miss, 1, &m11, &h11) ||
	    mixed(&hits, &miss, 9, &m19, &h19))
		return 1;
	const struct stream streams[] = {
	    {"check_1t", &hits, 1, hits.n},
	    {"check_2t", &hits, 2, hits.n},
	    {"check_miss", &miss, 1, 0},
	    {"check_mixed_1_1", &m11, 1, h11},
	    {"check_mixed_1_9", &m19, 1, h19},
	    {"check_1t_uniform", argc == 6 ? &uniform : NULL, 1, uniform.n},
	};
	sdx_db *db;
	int rc = sdx_db_open(argv[2], SDX_OPEN_RDONLY, &db);
	if (rc)
		return fail(argv[2], sdx_strerror(rc));
	int32_t today = sdx_date_today();
	size_t found;
	double cpu;
	int status = 1;
	if (pass(db, &hits, 1, today, &found, &cpu) < 0)
		goto out;
	if (found != hits.n) {
		fprintf(stderr, "bench-inproc: %zu of %zu hits not reported\n",
			hits.n - found, hits.n);
		goto out;
	}
	if (pass(db, &miss, 1, today, &found, &cpu) < 0)
		goto out;
	if (found != 0) {
		fprintf(stderr, "bench-inproc: %zu misses reported\n", found);
		goto out;
	}
	for (int rep = 1; rep <= reps; rep++) {
		for (size_t i = 0; i < sizeof streams / sizeof streams[0];
		     i++) {
			const struct stream *st = &streams[i];
			if (!st->kl)
				continue;
			double s =
			    pass(db, st->kl, st->threads, today, &found, &cpu);
			if (s < 0)
				goto out;
			if (found != st->want * (size_t)st->threads) {
				fprintf(stderr,
					"bench-inproc: %s: %zu reported, "
					"want %zu\n",
					st->metric, found,
					st->want * (size_t)st->threads);
				goto out;
			}
			emit(st->metric, rep, st->kl->n * (size_t)st->threads,
			     s, cpu);
		}
	}
	status = 0;
out:
	sdx_db_close(db);
	free(hits.buf);
	free(hits.keys);
	free(miss.buf);
	free(miss.keys);
	free(uniform.buf);
	free(uniform.keys);
	free(m11.keys);
	free(m19.keys);
	return status;
}
