/* bench-baseline.c: the raw LMDB and SQLite baselines of the benchmark
 * (tools/bench/bench.sh), run on the same keys as scamdex.
 *
 *   bench-baseline synth N DIR
 *       a deterministic synthetic data set of N identifiers (used when
 *       scamdex-gen is not built): DIR/reports.tsv, hits.keys, miss.keys
 *   bench-baseline lmdb|sqlite REPS WORKDIR REPORTS HITS MISS
 *       REPS loads of REPORTS, then look-ups on the last one
 *   bench-baseline lmdb-load|sqlite-load REPS WORKDIR REPORTS
 *   bench-baseline lmdb-get|sqlite-get REPS WORKDIR HITS MISS
 *       the same in two steps (bench.sh interleaves the look-ups of
 *       every system, so that a busy machine weighs on all alike)
 *
 * REPORTS has one report a line: "<count>\t<key>...\t<body>", where a key
 * is the kind digit followed by the canonical form ("1+84795555373") and
 * body stands for the report's stored form. HITS and MISS hold one key a
 * line. Keys are stored as the kind byte followed by the canonical bytes,
 * as scamdex stores them; nothing is normalized here.
 *
 * Every measurement is one JSON line on standard output:
 *   {"metric":"check_1t","system":"lmdb","rep":1,"ops":N,"secs":S}
 *   {"metric":"size","system":"lmdb","bytes":B,"reports":R}
 * Parsing, sorting and reading the inputs happen before the clock starts;
 * lookups run once untimed (warm) and then REPS timed passes. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>
#include <sqlite3.h>

#define MAX_THREADS 2
#define MAP_SIZE ((size_t)1 << 40) /* sparse; the file grows as written */

struct key {
	const char *p;
	uint32_t len;
	uint32_t report; /* index of the report naming it */
};

struct report {
	const char *body;
	uint32_t body_len;
	uint32_t first_key;
	uint32_t nkeys;
};

struct dataset {
	char *buf;
	struct report *reports;
	size_t nreports;
	struct key *keys; /* in input order */
	size_t nkeys;
};

struct keylist {
	char *buf;
	struct key *keys;
	size_t n;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the whole process (all threads): rates per CPU second do
 * not depend on what else the machine is running. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void emit(const char *metric, const char *system, int rep, size_t ops,
		 double secs, double cpu)
{
	printf("{\"metric\":\"%s\",\"system\":\"%s\",\"rep\":%d,"
	       "\"ops\":%zu,\"secs\":%.6f,\"cpu_secs\":%.6f}\n",
	       metric, system, rep, ops, secs, cpu);
	fflush(stdout);
}

static void emit_size(const char *system, uint64_t bytes, size_t reports)
{
	printf("{\"metric\":\"size\",\"system\":\"%s\",\"bytes\":%" PRIu64
	       ",\"reports\":%zu}\n",
	       system, bytes, reports);
	fflush(stdout);
}

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "bench-baseline: %s: %s\n", what, detail);
	return 1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		fclose(f);
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[st.st_size] = '\0';
		*len = (size_t)st.st_size;
	}
	return buf;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;
	for (const char *p = buf;
	     (p = memchr(p, '\n', len - (size_t)(p - buf))); p++)
		n++;
	return n;
}

/* ---- input files ---- */

static int load_keylist(const char *path, struct keylist *kl)
{
	size_t len;
	kl->buf = slurp(path, &len);
	if (!kl->buf)
		return fail(path, strerror(errno));
	kl->keys = calloc(count_lines(kl->buf, len) + 1, sizeof *kl->keys);
	if (!kl->keys)
		return fail(path, "out of memory");
	kl->n = 0;
	char *p = kl->buf, *end = kl->buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl > p) {
			kl->keys[kl->n].p = p;
			kl->keys[kl->n].len = (uint32_t)(nl - p);
			kl->n++;
		}
		p = nl + 1;
	}
	/* The kind digit becomes the one-byte kind tag. */
	for (size_t i = 0; i < kl->n; i++)
		((char *)kl->keys[i].p)[0] -= '0';
	return 0;
}

static int load_dataset(const char *path, struct dataset *ds)
{
	size_t len;
	ds->buf = slurp(path, &len);
	if (!ds->buf)
		return fail(path, strerror(errno));
	size_t lines = count_lines(ds->buf, len);
	size_t tabs = 0;
	for (size_t i = 0; i < len; i++)
		tabs += ds->buf[i] == '\t';
	ds->reports = calloc(lines + 1, sizeof *ds->reports);
	ds->keys = calloc(tabs + 1, sizeof *ds->keys);
	if (!ds->reports || !ds->keys)
		return fail(path, "out of memory");
	ds->nreports = ds->nkeys = 0;
	char *p = ds->buf, *end = ds->buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		char *tab;
		unsigned long n = strtoul(p, &tab, 10);
		if (*tab != '\t' || n == 0)
			return fail(path, "bad line (want count, keys, body)");
		struct report *r = &ds->reports[ds->nreports];
		r->first_key = (uint32_t)ds->nkeys;
		r->nkeys = (uint32_t)n;
		p = tab + 1;
		for (unsigned long i = 0; i < n; i++) {
			tab = strchr(p, '\t');
			if (!tab || tab == p || *p < '1' || *p > '9')
				return fail(path, "bad key");
			*p -= '0';
			ds->keys[ds->nkeys].p = p;
			ds->keys[ds->nkeys].len = (uint32_t)(tab - p);
			ds->keys[ds->nkeys].report = (uint32_t)ds->nreports;
			ds->nkeys++;
			p = tab + 1;
		}
		r->body = p;
		r->body_len = (uint32_t)(nl - p);
		ds->nreports++;
		p = nl + 1;
	}
	return 0;
}

static int keycmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	uint32_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->report < y->report ? -1 : x->report > y->report;
}

static int same_key(const struct key *x, const struct key *y)
{
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* The keys sorted as LMDB and SQLite order them (memcmp, shorter first),
 * then by report; exact repeats dropped. */
static struct key *sorted_keys(const struct dataset *ds, size_t *n)
{
	struct key *s = malloc((ds->nkeys + 1) * sizeof *s);
	if (!s)
		return NULL;
	memcpy(s, ds->keys, ds->nkeys * sizeof *s);
	qsort(s, ds->nkeys, sizeof *s, keycmp);
	size_t out = 0;
	for (size_t i = 0; i < ds->nkeys; i++)
		if (out == 0 || !same_key(&s[out - 1], &s[i]) ||
		    s[out - 1].report != s[i].report)
			s[out++] = s[i];
	*n = out;
	return s;
}

/* A report id as scamdex keeps one: 16 bytes, big-endian. */
static void report_id(uint32_t index, uint8_t id[16])
{
	memset(id, 0, 16);
	for (int i = 0; i < 4; i++)
		id[15 - i] = (uint8_t)(index >> (8 * i));
}

/* dir + "/" + name into path[PATH_MAX]; 1 (and a message) if too long. */
static int join(char *path, const char *dir, const char *name)
{
	int n = snprintf(path, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX)
		return fail(dir, "path too long");
	return 0;
}

static void remove_db(const char *dir, const char *const *names)
{
	char path[PATH_MAX];
	for (; *names; names++)
		if (join(path, dir, *names) == 0)
			unlink(path);
}

/* ---- lookups on threads ---- */

struct lookup_job {
	const struct keylist *kl;
	size_t start;
	size_t found;
	int err;
	pthread_barrier_t *barrier;
	void *ctx; /* per-system state */
	int (*get)(void *ctx, const struct key *k, int *found);
};

static void *lookup_thread(void *arg)
{
	struct lookup_job *j = arg;
	const struct keylist *kl = j->kl;
	pthread_barrier_wait(j->barrier);
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
	return NULL;
}

/* One pass of `threads` threads over every key (thread t starts at a
 * different offset); returns the wall time, or a negative value, and
 * the CPU time in *cpu. */
static double lookup_pass(const struct keylist *kl, int threads, void **ctx,
			  int (*get)(void *, const struct key *, int *),
			  size_t *found, double *cpu)
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
	double t0 = now(), c0 = cpu_now();
	for (int t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	double secs = now() - t0;
	*cpu = cpu_now() - c0;
	pthread_barrier_destroy(&barrier);
	*found = 0;
	for (int t = 0; t < threads; t++) {
		if (jobs[t].err)
			return -1;
		*found += jobs[t].found;
	}
	return secs;
}

/* Warm-up, then REPS passes each of hits on 1 and 2 threads and misses on
 * 1 thread; checks that every hit is found and no miss is. */
static int run_lookups(const char *system, int reps, const struct keylist *hits,
		       const struct keylist *miss, void **ctx,
		       int (*get)(void *, const struct key *, int *))
{
	size_t found;
	double cpu;
	if (lookup_pass(hits, 1, ctx, get, &found, &cpu) < 0 ||
	    found != hits->n)
		return fail(system, "warm-up: a hit was not found");
	if (lookup_pass(miss, 1, ctx, get, &found, &cpu) < 0 || found != 0)
		return fail(system, "warm-up: a miss was found");
	for (int rep = 1; rep <= reps; rep++) {
		double s = lookup_pass(hits, 1, ctx, get, &found, &cpu);
		if (s < 0 || found != hits->n)
			return fail(system, "hits, 1 thread");
		emit("check_1t", system, rep, hits->n, s, cpu);
		s = lookup_pass(hits, 2, ctx, get, &found, &cpu);
		if (s < 0 || found != 2 * hits->n)
			return fail(system, "hits, 2 threads");
		emit("check_2t", system, rep, 2 * hits->n, s, cpu);
		s = lookup_pass(miss, 1, ctx, get, &found, &cpu);
		if (s < 0 || found != 0)
			return fail(system, "misses, 1 thread");
		emit("check_miss", system, rep, miss->n, s, cpu);
	}
	return 0;
}

/* ---- raw LMDB ---- */

#define MDB_TRY(call)                                                          \
	do {                                                                   \
		int rc_ = (call);                                              \
		if (rc_)                                                       \
			return fail(#call, mdb_strerror(rc_));                 \
	} while (0)

/* Load: report id -> body (MDB_APPEND, ids ascending) and identifier ->
 * report ids (DUPSORT|DUPFIXED, MDB_APPENDDUP, keys sorted), one txn. */
static int lmdb_load(const char *dir, const struct dataset *ds,
		     const struct key *sk, size_t nsk, uint64_t *bytes)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi rep, ent;
	MDB_TRY(mdb_env_create(&env));
	MDB_TRY(mdb_env_set_mapsize(env, MAP_SIZE));
	MDB_TRY(mdb_env_set_maxdbs(env, 4));
	MDB_TRY(mdb_env_open(env, dir, 0, 0644));
	MDB_TRY(mdb_txn_begin(env, NULL, 0, &txn));
	MDB_TRY(mdb_dbi_open(txn, "report", MDB_CREATE, &rep));
	MDB_TRY(mdb_dbi_open(txn, "entity_report",
			     MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &ent));
	uint8_t id[16];
	for (size_t i = 0; i < ds->nreports; i++) {
		report_id((uint32_t)i, id);
		MDB_val k = {16, id};
		MDB_val v = {ds->reports[i].body_len,
			     (void *)ds->reports[i].body};
		MDB_TRY(mdb_put(txn, rep, &k, &v, MDB_APPEND));
	}
	for (size_t i = 0; i < nsk; i++) {
		report_id(sk[i].report, id);
		MDB_val k = {sk[i].len, (void *)sk[i].p};
		MDB_val v = {16, id};
		MDB_TRY(mdb_put(txn, ent, &k, &v, MDB_APPENDDUP));
	}
	MDB_TRY(mdb_txn_commit(txn));
	MDB_envinfo info;
	MDB_stat st;
	mdb_env_info(env, &info);
	mdb_env_stat(env, &st);
	*bytes = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
	mdb_env_close(env);
	return 0;
}

/* Values read by the lookups go here, so that no read is optimized away. */
static volatile unsigned sink;

struct lmdb_reader {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
};

static int lmdb_get(void *ctx, const struct key *key, int *found)
{
	struct lmdb_reader *r = ctx;
	if (!r->txn) {
		int rc = mdb_txn_begin(r->env, NULL, MDB_RDONLY, &r->txn);
		if (rc)
			return rc;
	}
	MDB_val k = {key->len, (void *)key->p}, v;
	int rc = mdb_get(r->txn, r->dbi, &k, &v);
	if (rc == 0) {
		/* read the value, as a caller would */
		sink += ((const uint8_t *)v.mv_data)[v.mv_size - 1];
		*found = 1;
		return 0;
	}
	*found = 0;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int cmd_lmdb(int reps, const char *work, const struct dataset *ds,
		    const struct keylist *hits, const struct keylist *miss)
{
	static const char *const files[] = {"data.mdb", "lock.mdb", NULL};
	char dir[PATH_MAX];
	if (join(dir, work, "lmdb"))
		return 1;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return fail(dir, strerror(errno));
	if (ds) {
		size_t nsk;
		struct key *sk = sorted_keys(ds, &nsk);
		if (!sk)
			return fail("sort", "out of memory");
		uint64_t bytes = 0;
		for (int rep = 1; rep <= reps; rep++) {
			remove_db(dir, files);
			double t0 = now(), c0 = cpu_now();
			if (lmdb_load(dir, ds, sk, nsk, &bytes))
				return 1;
			emit("import", "lmdb", rep, ds->nreports, now() - t0,
			     cpu_now() - c0);
		}
		free(sk);
		emit_size("lmdb", bytes, ds->nreports);
	}
	if (!hits)
		return 0;

	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_TRY(mdb_env_create(&env));
	MDB_TRY(mdb_env_set_mapsize(env, MAP_SIZE));
	MDB_TRY(mdb_env_set_maxdbs(env, 4));
	MDB_TRY(mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0644));
	MDB_TRY(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
	MDB_TRY(mdb_dbi_open(txn, "entity_report", MDB_DUPSORT, &dbi));
	MDB_TRY(mdb_txn_commit(txn)); /* an abort would drop the handle */
	struct lmdb_reader rd[MAX_THREADS];
	void *ctx[MAX_THREADS];
	for (int t = 0; t < MAX_THREADS; t++) {
		rd[t] = (struct lmdb_reader){.env = env, .dbi = dbi};
		ctx[t] = &rd[t];
	}
	/* Each reader's txn is begun on first use and kept (warm, as a
	 * server keeps it); MDB_NOTLS lets the next pass's thread use it. */
	int rc = run_lookups("lmdb", reps, hits, miss, ctx, lmdb_get);
	for (int t = 0; t < MAX_THREADS; t++)
		if (rd[t].txn)
			mdb_txn_abort(rd[t].txn);
	mdb_env_close(env);
	return rc;
}

/* ---- SQLite ---- */

static int sql_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fail(sql, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return 1;
	}
	return 0;
}

static int sql_open(const char *path, int flags, sqlite3 **db)
{
	if (sqlite3_open_v2(path, db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		return fail(path, sqlite3_errmsg(*db));
	return 0;
}

static int sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
			       NULL) != SQLITE_OK)
		return fail(sql, sqlite3_errmsg(db));
	return 0;
}

static int sql_step_done(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return fail("step", sqlite3_errmsg(db));
	sqlite3_reset(st);
	return 0;
}

static const char sql_pragmas[] = "PRAGMA journal_mode=WAL;"
				  "PRAGMA synchronous=NORMAL;"
				  "PRAGMA cache_size=-262144;";

/* The point-lookup table: canonical identifier -> number of reports, one
 * row per identifier, keys inserted in order. */
static int sqlite_keyload(const char *path, const struct key *sk, size_t nsk,
			  size_t *rows)
{
	sqlite3 *db;
	sqlite3_stmt *ins;
	if (sql_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db) ||
	    sql_exec(db, sql_pragmas) ||
	    sql_exec(db, "CREATE TABLE ident (key BLOB PRIMARY KEY, "
			 "reports INTEGER NOT NULL) WITHOUT ROWID") ||
	    sql_exec(db, "BEGIN") ||
	    sql_prepare(db, "INSERT INTO ident VALUES (?1, ?2)", &ins))
		return 1;
	*rows = 0;
	for (size_t i = 0; i < nsk;) {
		size_t j = i + 1;
		while (j < nsk && same_key(&sk[i], &sk[j]))
			j++;
		sqlite3_bind_blob(ins, 1, sk[i].p, (int)sk[i].len,
				  SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, (sqlite3_int64)(j - i));
		if (sql_step_done(db, ins))
			return 1;
		(*rows)++;
		i = j;
	}
	sqlite3_finalize(ins);
	if (sql_exec(db, "COMMIT"))
		return 1;
	sqlite3_close(db);
	return 0;
}

/* The same information as scamdex's import, the way a competent user
 * would load it: reports keyed by id, a report-identifier table indexed by
 * identifier (index built after the rows, inside the one transaction). */
static int sqlite_import(const char *path, const struct dataset *ds,
			 uint64_t *bytes)
{
	sqlite3 *db;
	sqlite3_stmt *rep, *ri;
	if (sql_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db) ||
	    sql_exec(db, sql_pragmas) ||
	    sql_exec(db, "CREATE TABLE report (id INTEGER PRIMARY KEY, "
			 "body BLOB NOT NULL);"
			 "CREATE TABLE report_ident (ident BLOB NOT NULL, "
			 "report INTEGER NOT NULL)") ||
	    sql_exec(db, "BEGIN") ||
	    sql_prepare(db, "INSERT INTO report VALUES (?1, ?2)", &rep) ||
	    sql_prepare(db, "INSERT INTO report_ident VALUES (?1, ?2)", &ri))
		return 1;
	for (size_t i = 0; i < ds->nreports; i++) {
		const struct report *r = &ds->reports[i];
		sqlite3_bind_int64(rep, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_blob(rep, 2, r->body, (int)r->body_len,
				  SQLITE_STATIC);
		if (sql_step_done(db, rep))
			return 1;
		for (uint32_t k = r->first_key; k < r->first_key + r->nkeys;
		     k++) {
			sqlite3_bind_blob(ri, 1, ds->keys[k].p,
					  (int)ds->keys[k].len, SQLITE_STATIC);
			sqlite3_bind_int64(ri, 2, (sqlite3_int64)i + 1);
			if (sql_step_done(db, ri))
				return 1;
		}
	}
	sqlite3_finalize(rep);
	sqlite3_finalize(ri);
	if (sql_exec(db, "CREATE INDEX report_ident_ident "
			 "ON report_ident (ident);"
			 "COMMIT;"
			 "PRAGMA wal_checkpoint(TRUNCATE)"))
		return 1;
	sqlite3_stmt *st;
	if (sql_prepare(db,
			"SELECT page_count * page_size "
			"FROM pragma_page_count, pragma_page_size",
			&st))
		return 1;
	if (sqlite3_step(st) == SQLITE_ROW)
		*bytes = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

struct sqlite_reader {
	sqlite3 *db;
	sqlite3_stmt *get;
};

static int sqlite_get(void *ctx, const struct key *key, int *found)
{
	struct sqlite_reader *r = ctx;
	sqlite3_bind_blob(r->get, 1, key->p, (int)key->len, SQLITE_STATIC);
	int rc = sqlite3_step(r->get);
	*found = rc == SQLITE_ROW && sqlite3_column_int64(r->get, 0) > 0;
	sqlite3_reset(r->get);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc;
}

/* REPS loads of the import schema and of the look-up table; the last
 * look-up table is kept for the look-ups. */
static int sqlite_loads(int reps, const char *work, const struct dataset *ds,
			const char *ident_path, const char *import_path,
			const char *const *ident_files,
			const char *const *import_files)
{
	uint64_t bytes = 0;
	for (int rep = 1; rep <= reps; rep++) {
		remove_db(work, import_files);
		double t0 = now(), c0 = cpu_now();
		if (sqlite_import(import_path, ds, &bytes))
			return 1;
		emit("import", "sqlite", rep, ds->nreports, now() - t0,
		     cpu_now() - c0);
	}
	remove_db(work, import_files);
	emit_size("sqlite", bytes, ds->nreports);

	size_t nsk, rows = 0;
	struct key *sk = sorted_keys(ds, &nsk);
	if (!sk)
		return fail("sort", "out of memory");
	for (int rep = 1; rep <= reps; rep++) {
		remove_db(work, ident_files);
		double t0 = now(), c0 = cpu_now();
		if (sqlite_keyload(ident_path, sk, nsk, &rows))
			return 1;
		emit("keyload", "sqlite", rep, rows, now() - t0,
		     cpu_now() - c0);
	}
	free(sk);

	return 0;
}

static int cmd_sqlite(int reps, const char *work, const struct dataset *ds,
		      const struct keylist *hits, const struct keylist *miss)
{
	static const char *const ident_files[] = {"sqlite-ident.db",
						  "sqlite-ident.db-wal",
						  "sqlite-ident.db-shm", NULL};
	static const char *const import_files[] = {
	    "sqlite-import.db", "sqlite-import.db-wal", "sqlite-import.db-shm",
	    NULL};
	char ident_path[PATH_MAX], import_path[PATH_MAX];
	if (join(ident_path, work, "sqlite-ident.db") ||
	    join(import_path, work, "sqlite-import.db"))
		return 1;

	if (ds && sqlite_loads(reps, work, ds, ident_path, import_path,
			       ident_files, import_files))
		return 1;
	if (!hits)
		return 0;

	struct sqlite_reader rd[MAX_THREADS];
	void *ctx[MAX_THREADS];
	for (int t = 0; t < MAX_THREADS; t++) {
		/* A competent reader maps the file, gives it a big cache and
		 * keeps one read transaction open (as the LMDB reader keeps
		 * its txn), instead of one per statement. */
		if (sql_open(ident_path, SQLITE_OPEN_READONLY, &rd[t].db) ||
		    sql_exec(rd[t].db, "PRAGMA mmap_size=2147418112;"
				       "PRAGMA cache_size=-262144;"
				       "BEGIN") ||
		    sql_prepare(rd[t].db,
				"SELECT reports FROM ident WHERE key = ?1",
				&rd[t].get))
			return 1;
		ctx[t] = &rd[t];
	}
	int rc = run_lookups("sqlite", reps, hits, miss, ctx, sqlite_get);
	for (int t = 0; t < MAX_THREADS; t++) {
		sqlite3_finalize(rd[t].get);
		sql_exec(rd[t].db, "COMMIT");
		sqlite3_close(rd[t].db);
	}
	return rc;
}

/* ---- synthetic data ---- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Identifier number i as a key; injective in i. Mix: 50% phones, 30% bank
 * accounts, 15% handles, 5% domains. j*48271 permutes each range because
 * 48271 is prime to 2 and 5. */
static int synth_key(uint64_t i, char *out, size_t size)
{
	static const char *const bins[] = {"970436", "970415", "970418",
					   "970405", "970422", "970407",
					   "970423", "970432"};
	static const char prefix[] = "35789";
	uint64_t q = i / 20, r = i % 20;
	if (r < 10) {
		uint64_t v = ((q * 10 + r) * 48271u + 7) % 500000000u;
		return snprintf(out, size, "1+84%c%08" PRIu64,
				prefix[v / 100000000u], v % 100000000u);
	}
	if (r < 16) {
		uint64_t v = ((q * 6 + r - 10) * 48271u + 11) % 80000000000u;
		return snprintf(out, size, "2%s:%010" PRIu64,
				bins[v / 10000000000u], v % 10000000000u);
	}
	if (r < 19) {
		uint64_t v = ((q * 3 + r - 16) * 48271u + 3) % 1000000000u;
		return snprintf(out, size, "4telegram:tg_%09" PRIu64, v);
	}
	uint64_t v = (q * 48271u + 5) % 100000000u;
	return snprintf(out, size, "5xac-thuc-%08" PRIu64 ".com", v);
}

static int cmd_synth(uint64_t n, const char *dir)
{
	char path[PATH_MAX], key[128];
	if (join(path, dir, "reports.tsv"))
		return 1;
	FILE *rf = fopen(path, "w");
	if (!rf)
		return fail(path, strerror(errno));
	uint64_t seed = 42;
	for (uint64_t i = 0, report = 0; i < n; report++) {
		uint64_t k = 1 + splitmix(&seed) % 3;
		if (k > n - i)
			k = n - i;
		fprintf(rf, "%" PRIu64, k);
		for (uint64_t j = 0; j < k; j++, i++) {
			synth_key(i, key, sizeof key);
			fprintf(rf, "\t%s", key);
		}
		fprintf(rf,
			"\t{\"agency\":\"Cong an tinh %02" PRIu64 "\","
			"\"case_ref\":\"%" PRIu64 "/CAT-PA05\","
			"\"incident_date\":\"2026-%02" PRIu64 "-%02" PRIu64
			"\",\"category\":\"extortion\",\"channel\":\"zalo\","
			"\"amount\":%" PRIu64 "000000,\"narrative\":\"Goi "
			"dien gia danh cong an, yeu cau chuyen tien\"}\n",
			report % 63, report, 1 + report % 11, 1 + report % 28,
			1 + report % 50);
	}
	if (fclose(rf) != 0)
		return fail(path, strerror(errno));

	/* Lookups: up to a million reported keys in random order, and as
	 * many keys of the same shapes that were never reported. */
	uint64_t m = n < 1000000 ? n : 1000000;
	if (join(path, dir, "hits.keys"))
		return 1;
	FILE *hf = fopen(path, "w");
	if (!hf)
		return fail(path, strerror(errno));
	for (uint64_t j = 0; j < m; j++) {
		synth_key(splitmix(&seed) % n, key, sizeof key);
		fprintf(hf, "%s\n", key);
	}
	if (fclose(hf) != 0)
		return fail(path, strerror(errno));
	if (join(path, dir, "miss.keys"))
		return 1;
	FILE *mf = fopen(path, "w");
	if (!mf)
		return fail(path, strerror(errno));
	for (uint64_t j = 0; j < m; j++) {
		synth_key(n + splitmix(&seed) % (4 * n), key, sizeof key);
		fprintf(mf, "%s\n", key);
	}
	if (fclose(mf) != 0)
		return fail(path, strerror(errno));
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: bench-baseline synth N DIR\n"
		"       bench-baseline lmdb|sqlite REPS WORKDIR REPORTS HITS "
		"MISS\n"
		"       bench-baseline lmdb-load|sqlite-load REPS WORKDIR "
		"REPORTS\n"
		"       bench-baseline lmdb-get|sqlite-get REPS WORKDIR HITS "
		"MISS\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "synth") == 0)
		return cmd_synth(strtoull(argv[2], NULL, 10), argv[3]);
	if (argc < 5)
		return usage();
	const char *mode = argv[1];
	size_t sys_len = strcspn(mode, "-");
	const char *what = mode + sys_len; /* "", "-load" or "-get" */
	int load = strcmp(what, "-get") != 0, get = strcmp(what, "-load") != 0;
	if ((*what && !strcmp(what, "-load") == !strcmp(what, "-get")) ||
	    argc != 4 + load + 2 * get)
		return usage();
	int reps = atoi(argv[2]);
	if (reps < 1)
		return usage();
	struct dataset ds = {0};
	struct keylist hits = {0}, miss = {0};
	int a = 4;
	if (load && load_dataset(argv[a++], &ds))
		return 1;
	if (get &&
	    (load_keylist(argv[a], &hits) || load_keylist(argv[a + 1], &miss)))
		return 1;
	int rc;
	if (sys_len == 4 && strncmp(mode, "lmdb", 4) == 0)
		rc = cmd_lmdb(reps, argv[3], load ? &ds : NULL,
			      get ? &hits : NULL, &miss);
	else if (sys_len == 6 && strncmp(mode, "sqlite", 6) == 0)
		rc = cmd_sqlite(reps, argv[3], load ? &ds : NULL,
				get ? &hits : NULL, &miss);
	else
		rc = usage();
	free(ds.buf);
	free(ds.reports);
	free(ds.keys);
	free(hits.buf);
	free(hits.keys);
	free(miss.buf);
	free(miss.keys);
	return rc;
}
