/* baseline-sqlite.c: the SQLite baseline. The same information as
 * scamdex's store, the way a competent SQLite user would load it, in one
 * file and one transaction (prepared statements, WAL):
 *   report(id INTEGER PRIMARY KEY, body)          the whole report
 *   report_ident(ident, report), indexed by ident  for listing
 *   ident(key PRIMARY KEY, summary) WITHOUT ROWID  identifier -> summary
 * (SUMMARY_LEN bytes, built from the same reports as the LMDB baseline's,
 * rows inserted in key order). A look-up is one SELECT on ident, and the
 * summary is read as a check reads it. */
#include <limits.h>
#include <stdio.h>

#include <sqlite3.h>

#include "baseline.h"

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

static int sqlite_import(const char *path, const struct dataset *ds,
			 const struct sorted *s)
{
	sqlite3 *db;
	sqlite3_stmt *rep, *ri, *id;
	if (sql_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db) ||
	    sql_exec(db, sql_pragmas) ||
	    sql_exec(db, "CREATE TABLE report (id INTEGER PRIMARY KEY, "
			 "body BLOB NOT NULL);"
			 "CREATE TABLE report_ident (ident BLOB NOT NULL, "
			 "report INTEGER NOT NULL);"
			 "CREATE TABLE ident (key BLOB PRIMARY KEY, "
			 "summary BLOB NOT NULL) WITHOUT ROWID") ||
	    sql_exec(db, "BEGIN") ||
	    sql_prepare(db, "INSERT INTO report VALUES (?1, ?2)", &rep) ||
	    sql_prepare(db, "INSERT INTO report_ident VALUES (?1, ?2)", &ri) ||
	    sql_prepare(db, "INSERT INTO ident VALUES (?1, ?2)", &id))
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
	uint8_t sum[SUMMARY_LEN];
	for (size_t i = 0; i < s->ndistinct; i++) {
		const struct key *key = &s->keys[s->start[i]];
		summarize(ds, s, i, sum);
		sqlite3_bind_blob(id, 1, key->p, (int)key->len, SQLITE_STATIC);
		sqlite3_bind_blob(id, 2, sum, SUMMARY_LEN, SQLITE_STATIC);
		if (sql_step_done(db, id))
			return 1;
	}
	sqlite3_finalize(rep);
	sqlite3_finalize(ri);
	sqlite3_finalize(id);
	if (sql_exec(db, "CREATE INDEX report_ident_ident "
			 "ON report_ident (ident);"
			 "COMMIT;"
			 "PRAGMA wal_checkpoint(TRUNCATE)"))
		return 1;
	sqlite3_close(db);
	return 0;
}

/* Values read by the lookups go here, so that no read is optimized away. */
static volatile unsigned sink;

struct sqlite_reader {
	sqlite3 *db;
	sqlite3_stmt *get;
	int32_t today;
};

static int sqlite_get(void *ctx, const void *item, int *found)
{
	struct sqlite_reader *r = ctx;
	const struct key *key = item;
	sqlite3_bind_blob(r->get, 1, key->p, (int)key->len, SQLITE_STATIC);
	int rc = sqlite3_step(r->get);
	*found = 0;
	if (rc == SQLITE_ROW) {
		uint32_t w[3] = {0, 0, 0};
		*found = summary_read(sqlite3_column_blob(r->get, 0),
				      (size_t)sqlite3_column_bytes(r->get, 0),
				      r->today, w) > 0;
		sink += w[0] + w[1] + w[2];
	}
	sqlite3_reset(r->get);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc;
}

int cmd_sqlite(int reps, const char *work, const struct dataset *ds,
	       struct prep_times *t, const struct keylist *hits,
	       const struct keylist *miss, const struct keylist *uniform)
{
	static const char *const files[] = {"sqlite.db", "sqlite.db-wal",
					    "sqlite.db-shm", NULL};
	char path[PATH_MAX];
	if (join(path, work, "sqlite.db"))
		return 1;
	if (ds && timed_loads("sqlite", reps, ds, t, work, files, path,
			      sqlite_import))
		return 1;
	if (!hits)
		return 0;

	struct sqlite_reader rd[MAX_THREADS];
	void *ctx[MAX_THREADS];
	for (int i = 0; i < MAX_THREADS; i++) {
		/* A competent reader maps the file, gives it a big cache and
		 * keeps one read transaction open (as the LMDB reader keeps
		 * its txn), instead of one per statement. */
		rd[i].today = bench_today();
		if (sql_open(path, SQLITE_OPEN_READONLY, &rd[i].db) ||
		    sql_exec(rd[i].db, "PRAGMA mmap_size=2147418112;"
				       "PRAGMA cache_size=-262144;"
				       "BEGIN") ||
		    sql_prepare(rd[i].db,
				"SELECT summary FROM ident WHERE key = ?1",
				&rd[i].get))
			return 1;
		ctx[i] = &rd[i];
	}
	int rc =
	    run_lookups("sqlite", reps, hits, miss, uniform, ctx, sqlite_get);
	for (int i = 0; i < MAX_THREADS; i++) {
		sqlite3_finalize(rd[i].get);
		sql_exec(rd[i].db, "COMMIT");
		sqlite3_close(rd[i].db);
	}
	return rc;
}
