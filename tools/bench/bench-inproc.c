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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <scamdex/scamdex.h>

#include "bench-pass.h"

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

int fail(const char *what, const char *detail)
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

/* What each thread checks with: the database and today. */
struct checker {
	sdx_db *db;
	int32_t today;
};

/* sdx_check(kind, canonical): found when reported. */
static int check_get(void *ctx, const void *item, int *found)
{
	const struct checker *c = ctx;
	const struct key *k = item;
	sdx_check_result res;
	sdx_norm_error err;
	int rc = sdx_check(c->db, k->kind, k->p, k->len, c->today, &res, &err);
	if (rc)
		return fail("sdx_check", sdx_strerror(rc));
	*found = res.verdict != SDX_VERDICT_UNKNOWN;
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc != 5 && argc != 6) || atoi(argv[1]) < 1) {
		fprintf(stderr,
			"usage: bench-inproc REPS DB HITS MISS [UNIFORM]\n");
		return 2;
	}
	int reps = atoi(argv[1]);
	struct keylist hits = {0}, miss = {0}, uniform = {0};
	if (load(argv[3], &hits) || load(argv[4], &miss) ||
	    (argc == 6 && load(argv[5], &uniform)))
		return 1;
	struct checker c = {NULL, sdx_date_today()};
	int rc = sdx_db_open(argv[2], SDX_OPEN_RDONLY, &c.db);
	if (rc)
		return fail(argv[2], sdx_strerror(rc));
	void *ctx[MAX_THREADS] = {&c, &c}; /* one handle serves every thread */
	struct pass_list h = PASS_LIST(&hits), m = PASS_LIST(&miss),
			 u = PASS_LIST(&uniform);
	int status = pass_streams("scamdex", reps, &h, &m,
				  argc == 6 ? &u : NULL, ctx, check_get);
	sdx_db_close(c.db);
	free(hits.buf);
	free(hits.keys);
	free(miss.buf);
	free(miss.keys);
	free(uniform.buf);
	free(uniform.keys);
	return status;
}
