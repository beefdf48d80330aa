/* bench-inproc.c: in-process checks through the C API on the benchmark's
 * own data set, so that they line up with the raw LMDB and SQLite
 * look-ups of bench-baseline on the same keys (tools/bench/bench.sh).
 *
 *   bench-inproc REPS DB HITS MISS
 *
 * HITS and MISS hold one key a line: the kind digit followed by the
 * canonical form. Each is checked with sdx_check(kind, canonical): the
 * caller names the kind, as a payment system that checks a destination
 * account does; normalization, the filter, the summary and the time
 * windows all run. One warm pass, then REPS passes each of hits on 1 and
 * 2 threads and misses on 1 thread, one JSON line per pass as
 * bench-baseline prints them. Every hit must be reported and no miss. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <scamdex/scamdex.h>

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
	pthread_barrier_t *barrier;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process (all threads), for rates that do not depend on
 * the machine's load. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
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
	return NULL;
}

/* One pass of `threads` threads over every key; the wall time, or a
 * negative value on an error (printed); the process's CPU time in *cpu. */
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
	double t0 = now(), c0 = cpu_now();
	for (int t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	double secs = now() - t0;
	*cpu = cpu_now() - c0;
	pthread_barrier_destroy(&barrier);
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

int main(int argc, char **argv)
{
	if (argc != 5 || atoi(argv[1]) < 1) {
		fprintf(stderr, "usage: bench-inproc REPS DB HITS MISS\n");
		return 2;
	}
	int reps = atoi(argv[1]);
	struct keylist hits, miss;
	if (load(argv[3], &hits) || load(argv[4], &miss))
		return 1;
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
		double s = pass(db, &hits, 1, today, &found, &cpu);
		if (s < 0)
			goto out;
		emit("check_1t", rep, hits.n, s, cpu);
		if ((s = pass(db, &hits, 2, today, &found, &cpu)) < 0)
			goto out;
		emit("check_2t", rep, 2 * hits.n, s, cpu);
		if ((s = pass(db, &miss, 1, today, &found, &cpu)) < 0)
			goto out;
		emit("check_miss", rep, miss.n, s, cpu);
	}
	status = 0;
out:
	sdx_db_close(db);
	free(hits.buf);
	free(hits.keys);
	free(miss.buf);
	free(miss.keys);
	return status;
}
