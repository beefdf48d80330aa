/* bench-check: checks per second on a generated database of N phone
 * numbers, against raw LMDB mdb_get on the same keys in the same run.
 *
 *   bench-check [--n N] [--lookups M] [--dir DIR] [--batch N] [--keep]
 *
 * Builds DIR/db (a temporary directory by default) with N identifiers
 * (one report each, every tenth also in a second report with its
 * neighbour), then measures with 1 and 2 threads: raw mdb_get hits and
 * misses (one long read transaction per thread, no normalization), and
 * sdx_check hits and misses (normalization, filter, summary, windows).
 * Misses are valid, never-reported numbers. Prints the ratios the store
 * targets: check hit >= 0.8 x raw hit, check miss >= 3 x raw miss, 2
 * threads >= 1.8 x 1 thread; and bytes on disk per report and per
 * identifier. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <lmdb.h>

#include <scamdex/scamdex.h>

#define SPACE 30000000ull  /* prefixes 90, 91, 93 x 10^7 numbers */
#define MULT 2654435761ull /* coprime to SPACE: a bijection */

static const char *const prefixes[3] = {"90", "91", "93"};

static void phone(uint64_t i, char out[16])
{
	uint64_t v = (i * MULT) % SPACE;
	snprintf(out, 16, "+84%s%07" PRIu64, prefixes[v / 10000000],
		 v % 10000000);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-check: %s: %s\n", what, sdx_strerror(rc));
	exit(3);
}

static uint64_t batch_size = 100000;

static int build(const char *path, uint64_t n, uint64_t *reports)
{
	sdx_db *db;
	int rc = sdx_db_open(path, SDX_OPEN_CREATE, &db);
	if (rc)
		die("open", rc);
	static const char *const agencies[] = {
	    "PA05 Ha Noi", "PA05 Phu Tho", "PA05 TP HCM", "Vietcombank",
	    "BIDV",	   "Techcombank",  "MB Bank",	  "VPBank"};
	int32_t base;
	sdx_date_parse("2024-01-01", 10, &base);
	sdx_report *r = malloc(sizeof *r);
	sdx_batch *b = NULL;
	uint64_t count = 0, last = 0;
	double t0 = now(), c0 = cpu_now();
	for (uint64_t i = 0; i < n; i++) {
		if (!b && (rc = sdx_batch_begin(db, &b)))
			die("batch", rc);
		for (int second = 0; second < 2; second++) {
			if (second && i % 10 != 0)
				break;
			sdx_report_init(r);
			uint64_t h = next_rand();
			strcpy(r->agency, agencies[h % 8]);
			r->category = 1 + (int)((h >> 8) % 14);
			r->channel = 1 + (int)((h >> 16) % 11);
			r->incident_date = base + (int32_t)((h >> 24) % 1060);
			r->received_date = r->incident_date + 1;
			r->amount = (int64_t)((h >> 32) % 1000) * 100000;
			snprintf(r->case_ref, sizeof r->case_ref,
				 "%" PRIu64 "/%d", i, second);
			r->n_idents = 1;
			r->idents[0].kind = SDX_KIND_PHONE;
			r->idents[0].role = SDX_ROLE_CALLER;
			phone(i, r->idents[0].canonical);
			if (second && i + 1 < n) {
				r->n_idents = 2;
				r->idents[1].kind = SDX_KIND_PHONE;
				r->idents[1].role = SDX_ROLE_CALLER;
				phone(i + 1, r->idents[1].canonical);
			}
			if ((rc = sdx_batch_add(b, r, NULL, NULL)))
				die("add", rc);
			count++;
		}
		if (count - last >= batch_size) {
			if ((rc = sdx_batch_commit(b)))
				die("commit", rc);
			b = NULL;
			last = count;
		}
	}
	if (b && (rc = sdx_batch_commit(b)))
		die("commit", rc);
	double t = now() - t0, c = cpu_now() - c0;
	printf("build: %" PRIu64 " reports, %" PRIu64
	       " identifiers in %.1f s (%.0f reports/s; %.1f s CPU, %.0f "
	       "reports per CPU second)\n",
	       count, n, t, (double)count / t, c, (double)count / c);
	free(r);
	sdx_db_close(db);
	*reports = count;
	return 0;
}

/* ---- lookups ---- */

struct job {
	sdx_db *db;   /* check */
	MDB_env *env; /* raw */
	MDB_dbi dbi;
	char (*keys)[16];
	size_t from, to;
	uint64_t found;
	int32_t today;
};

static void *run_raw(void *p)
{
	struct job *j = p;
	MDB_txn *txn;
	int rc = mdb_txn_begin(j->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		die("raw txn", rc);
	uint8_t kb[20];
	kb[0] = SDX_KIND_PHONE;
	for (size_t i = j->from; i < j->to; i++) {
		size_t n = strlen(j->keys[i]);
		memcpy(kb + 1, j->keys[i], n);
		MDB_val k = {n + 1, kb}, d;
		if (!mdb_get(txn, j->dbi, &k, &d))
			j->found++;
	}
	mdb_txn_abort(txn);
	return NULL;
}

static void *run_check(void *p)
{
	struct job *j = p;
	sdx_check_result res;
	sdx_norm_error err;
	for (size_t i = j->from; i < j->to; i++) {
		int rc = sdx_check(j->db, SDX_KIND_PHONE, j->keys[i],
				   strlen(j->keys[i]), j->today, &res, &err);
		if (rc)
			die("check", rc);
		if (res.verdict != SDX_VERDICT_UNKNOWN)
			j->found++;
	}
	return NULL;
}

/* Links to unreported hosts, 1 to 3 labels below a registrable domain
 * (issue 14: each is answered for the host and its parents, every level
 * by the filter). */
#define URL_MAX 96
static char (*urls)[URL_MAX];

static void *run_url(void *p)
{
	struct job *j = p;
	sdx_check_result res;
	sdx_norm_error err;
	for (size_t i = j->from; i < j->to; i++) {
		int rc = sdx_check(j->db, SDX_KIND_AUTO, urls[i],
				   strlen(urls[i]), j->today, &res, &err);
		if (rc)
			die("check url", rc);
		if (res.verdict != SDX_VERDICT_UNKNOWN)
			j->found++;
	}
	return NULL;
}

/* Runs fn over keys with `threads` threads; returns lookups/s. */
static double measure(void *(*fn)(void *), struct job proto, char (*keys)[16],
		      size_t m, int threads, uint64_t *found)
{
	pthread_t th[2];
	struct job jobs[2];
	double t0 = now();
	for (int t = 0; t < threads; t++) {
		jobs[t] = proto;
		jobs[t].keys = keys;
		jobs[t].from = m * (size_t)t / (size_t)threads;
		jobs[t].to = m * (size_t)(t + 1) / (size_t)threads;
		jobs[t].found = 0;
		pthread_create(&th[t], NULL, fn, &jobs[t]);
	}
	*found = 0;
	for (int t = 0; t < threads; t++) {
		pthread_join(th[t], NULL);
		*found += jobs[t].found;
	}
	return (double)m / (now() - t0);
}

static uint64_t disk_bytes(const char *path)
{
	char f[4200];
	struct stat st;
	snprintf(f, sizeof f, "%s/data.mdb", path);
	if (stat(f, &st))
		return 0;
	return (uint64_t)st.st_blocks * 512;
}

int main(int argc, char **argv)
{
	uint64_t n = 10000000;
	size_t m = 2000000;
	const char *dir = NULL;
	int keep = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--lookups") && i + 1 < argc)
			m = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
			batch_size = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--keep"))
			keep = 1;
		else {
			fprintf(stderr,
				"usage: bench-check [--n N] [--lookups M] "
				"[--dir DIR] [--batch N] [--keep]\n");
			return 2;
		}
	}
	if (n < 10 || n > SPACE / 2 || m < 2) {
		fprintf(stderr, "bench-check: --n must be 10..%llu\n",
			SPACE / 2);
		return 2;
	}
	char tmp[] = "/tmp/bench-check-XXXXXX", path[4096];
	if (!dir) {
		if (!mkdtemp(tmp)) {
			perror("mkdtemp");
			return 3;
		}
		dir = tmp;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		perror(dir);
		return 3;
	}
	snprintf(path, sizeof path, "%s/db", dir);
	sdx_db_set_initial_mapsize((size_t)1 << 30);
	uint64_t reports = 0;
	struct stat st;
	char probe[4200];
	snprintf(probe, sizeof probe, "%s/data.mdb", path);
	if (stat(probe, &st) == 0) {
		printf("build: reusing %s\n", path);
		reports = n + n / 10;
	} else {
		build(path, n, &reports);
	}
	FILE *la = fopen("/proc/loadavg", "r");
	char load[64] = "?";
	if (la) {
		if (!fgets(load, sizeof load, la))
			strcpy(load, "?");
		fclose(la);
		load[strcspn(load, "\n")] = 0;
	}
	printf("machine load average: %s\n", load);
	uint64_t bytes = disk_bytes(path);
	printf("disk: %.1f MB, %.0f bytes/report, %.0f bytes/identifier\n",
	       (double)bytes / 1e6, (double)bytes / (double)reports,
	       (double)bytes / (double)n);

	/* the same random sample of keys for every phase */
	char(*hits)[16] = malloc(m * 16), (*misses)[16] = malloc(m * 16);
	for (size_t i = 0; i < m; i++) {
		phone(next_rand() % n, hits[i]);
		phone(n + next_rand() % n, misses[i]);
	}
	urls = malloc(m * URL_MAX);
	if (!urls)
		die("urls", SDX_ENOMEM);
	static const char *const subs[3] = {"login.", "secure.login.",
					    "a.secure.login."};
	for (size_t i = 0; i < m; i++)
		snprintf(urls[i], URL_MAX,
			 "https://%sbank%08" PRIu64
			 ".example-miss.com/x?id=%zu",
			 subs[i % 3], next_rand() % 100000000u, i);
	int32_t today;
	sdx_date_parse("2026-11-28", 10, &today);
	uint64_t found;
	double raw[2][2], chk[2][2]; /* [hit/miss][threads-1] */

	/* Both handles open at once (raw without a lock file), the phases
	 * interleaved in rounds so that a busy machine treats them alike. */
	MDB_env *env;
	MDB_txn *txn = NULL;
	MDB_dbi dbi = 0;
	int rc = mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 16);
	mdb_env_set_mapsize(env, (size_t)1 << 40);
	if (!rc)
		rc = mdb_env_open(env, path,
				  MDB_RDONLY | MDB_NOTLS | MDB_NOLOCK, 0644);
	if (!rc)
		rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
	if (!rc)
		rc = mdb_dbi_open(txn, "entity", 0, &dbi);
	if (rc)
		die("raw open", rc);
	mdb_txn_commit(txn);
	sdx_db *db;
	if ((rc = sdx_db_open(path, SDX_OPEN_RDONLY, &db)))
		die("open", rc);
	struct job proto = {db, env, dbi, NULL, 0, 0, 0, today};
	/* warm the page cache and both mappings */
	measure(run_raw, proto, hits, m, 2, &found);
	measure(run_raw, proto, misses, m, 2, &found);
	measure(run_check, proto, hits, m, 2, &found);
	measure(run_check, proto, misses, m, 2, &found);
	const int rounds = 4;
	size_t per = m / rounds;
	double time[2][2][2] = {{{0}}}; /* [raw/check][hit/miss][threads-1] */
	for (int r = 0; r < rounds; r++)
		for (int t = 1; t <= 2; t++)
			for (int hm = 0; hm < 2; hm++)
				for (int kind = 0; kind < 2; kind++) {
					char(*keys)[16] = (hm ? misses : hits) +
							  per * (size_t)r;
					double rate = measure(
					    kind ? run_check : run_raw, proto,
					    keys, per, t, &found);
					time[kind][hm][t - 1] +=
					    (double)per / rate;
					if (found != (hm ? 0 : per))
						fprintf(stderr,
							"bench-check: %s %s "
							"found %" PRIu64
							" of %zu\n",
							kind ? "check" : "raw",
							hm ? "miss" : "hit",
							found, per);
				}
	/* unreported hosts in links against raw misses, one thread,
	 * interleaved the same way */
	measure(run_url, proto, hits, m, 1, &found);
	double t_url = 0, t_rawm = 0, c_url = 0, c_rawm = 0;
	for (int r = 0; r < rounds; r++) {
		/* process CPU time: the one worker's (main waits in join) */
		double c0 = cpu_now();
		double rate = measure(run_raw, proto, misses + per * (size_t)r,
				      per, 1, &found);
		double c1 = cpu_now();
		t_rawm += (double)per / rate;
		c_rawm += c1 - c0;
		char(*saved)[URL_MAX] = urls;
		urls += per * (size_t)r;
		rate = measure(run_url, proto, hits, per, 1, &found);
		urls = saved;
		c_url += cpu_now() - c1;
		t_url += (double)per / rate;
		if (found)
			fprintf(stderr,
				"bench-check: url miss found %" PRIu64 "\n",
				found);
	}
	double url_rate = (double)(per * rounds) / t_url;
	double rawm_rate = (double)(per * rounds) / t_rawm;
	for (int hm = 0; hm < 2; hm++)
		for (int t = 0; t < 2; t++) {
			raw[hm][t] = (double)(per * rounds) / time[0][hm][t];
			chk[hm][t] = (double)(per * rounds) / time[1][hm][t];
		}
	sdx_db_close(db);
	mdb_env_close(env);

	printf("lookups: %zu random hits and %zu misses per phase, %" PRIu64
	       " identifiers\n",
	       m, m, n);
	for (int t = 0; t < 2; t++) {
		printf("%d thread%s: raw mdb_get hit %.0f/s miss %.0f/s | "
		       "sdx_check hit %.0f/s miss %.0f/s\n",
		       t + 1, t ? "s" : " ", raw[0][t], raw[1][t], chk[0][t],
		       chk[1][t]);
	}
	printf("ratio check/raw, hits:   %.2f (1 thread), %.2f (2 threads)  "
	       "target >= 0.80\n",
	       chk[0][0] / raw[0][0], chk[0][1] / raw[0][1]);
	printf("ratio check/raw, misses: %.2f (1 thread), %.2f (2 threads)  "
	       "target >= 3.00\n",
	       chk[1][0] / raw[1][0], chk[1][1] / raw[1][1]);
	printf("unreported hosts in links (1 to 3 labels below the "
	       "registrable domain, parents looked up): %.0f/s, raw mdb_get "
	       "miss %.0f/s\n",
	       url_rate, rawm_rate);
	printf("ratio link-host miss/raw miss: %.2f (1 thread)  target >= "
	       "3.00\n",
	       url_rate / rawm_rate);
	printf("per CPU second: link-host miss %.0f/s, raw mdb_get miss "
	       "%.0f/s, ratio %.2f (1 thread)\n",
	       (double)(per * rounds) / c_url, (double)(per * rounds) / c_rawm,
	       c_rawm / c_url);
	printf("scaling 2 threads/1:     check hit %.2f, check miss %.2f, "
	       "raw hit %.2f  target >= 1.80\n",
	       chk[0][1] / chk[0][0], chk[1][1] / chk[1][0],
	       raw[0][1] / raw[0][0]);
	free(hits);
	free(misses);
	free(urls);
	if (!keep && dir == tmp) {
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
		if (system(cmd))
			fprintf(stderr, "bench-check: could not remove %s\n",
				tmp);
	}
	return 0;
}
