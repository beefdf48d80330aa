/* baseline-lmdb.c: the raw LMDB baseline. The same information as
 * scamdex's store, the way a competent LMDB user would lay it out:
 *   report         report id (16 bytes, ascending) -> the whole report
 *   entity_report  identifier -> report ids (DUPSORT|DUPFIXED), for listing
 *   entity         identifier -> its summary (SUMMARY_LEN bytes, flat)
 * loaded in one transaction from keys sorted beforehand (MDB_APPEND). A
 * look-up is one mdb_get in the flat entity table, and the summary is
 * read (reports and the time windows) as a check reads it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <lmdb.h>

#include "baseline.h"

/* sparse; the file grows as written. -DMAP_SIZE=... for a run under
 * valgrind, whose address space holds no 1 TiB map */
#ifndef MAP_SIZE
#define MAP_SIZE ((size_t)1 << 40)
#endif

#define MDB_TRY(call)                                                          \
	do {                                                                   \
		int rc_ = (call);                                              \
		if (rc_)                                                       \
			return fail(#call, mdb_strerror(rc_));                 \
	} while (0)

static int lmdb_load(const char *dir, const struct dataset *ds,
		     const struct sorted *s)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi rep, er, ent;
	MDB_TRY(mdb_env_create(&env));
	MDB_TRY(mdb_env_set_mapsize(env, MAP_SIZE));
	MDB_TRY(mdb_env_set_maxdbs(env, 4));
	MDB_TRY(mdb_env_open(env, dir, 0, 0644));
	MDB_TRY(mdb_txn_begin(env, NULL, 0, &txn));
	MDB_TRY(mdb_dbi_open(txn, "report", MDB_CREATE, &rep));
	MDB_TRY(mdb_dbi_open(txn, "entity_report",
			     MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &er));
	MDB_TRY(mdb_dbi_open(txn, "entity", MDB_CREATE, &ent));
	uint8_t id[16], sum[SUMMARY_LEN];
	for (size_t i = 0; i < ds->nreports; i++) {
		report_id((uint32_t)i, id);
		MDB_val k = {16, id};
		MDB_val v = {ds->reports[i].body_len,
			     (void *)ds->reports[i].body};
		MDB_TRY(mdb_put(txn, rep, &k, &v, MDB_APPEND));
	}
	for (size_t i = 0; i < s->nkeys; i++) {
		report_id(s->keys[i].report, id);
		MDB_val k = {s->keys[i].len, (void *)s->keys[i].p};
		MDB_val v = {16, id};
		MDB_TRY(mdb_put(txn, er, &k, &v, MDB_APPENDDUP));
	}
	for (size_t i = 0; i < s->ndistinct; i++) {
		const struct key *key = &s->keys[s->start[i]];
		summarize(ds, s, i, sum);
		MDB_val k = {key->len, (void *)key->p};
		MDB_val v = {SUMMARY_LEN, sum};
		MDB_TRY(mdb_put(txn, ent, &k, &v, MDB_APPEND));
	}
	MDB_TRY(mdb_txn_commit(txn));
	mdb_env_close(env);
	return 0;
}

/* Values read by the lookups go here, so that no read is optimized away. */
static volatile unsigned sink;

struct lmdb_reader {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
	int32_t today;
};

static int lmdb_get(void *ctx, const void *item, int *found)
{
	struct lmdb_reader *r = ctx;
	const struct key *key = item;
	if (!r->txn) {
		int rc = mdb_txn_begin(r->env, NULL, MDB_RDONLY, &r->txn);
		if (rc)
			return rc;
	}
	MDB_val k = {key->len, (void *)key->p}, v;
	int rc = mdb_get(r->txn, r->dbi, &k, &v);
	if (rc == 0) {
		uint32_t w[3] = {0, 0, 0};
		uint32_t n = summary_read(v.mv_data, v.mv_size, r->today, w);
		sink += w[0] + w[1] + w[2];
		*found = n > 0;
		return 0;
	}
	*found = 0;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int cmd_lmdb(int reps, const char *work, const struct dataset *ds,
	     struct prep_times *t, const struct keylist *hits,
	     const struct keylist *miss, const struct keylist *uniform)
{
	static const char *const files[] = {"data.mdb", "lock.mdb", NULL};
	char dir[PATH_MAX];
	if (join(dir, work, "lmdb"))
		return 1;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return fail(dir, strerror(errno));
	if (ds && timed_loads("lmdb", reps, ds, t, dir, files, dir, lmdb_load))
		return 1;
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
	MDB_TRY(mdb_dbi_open(txn, "entity", 0, &dbi));
	MDB_TRY(mdb_txn_commit(txn)); /* an abort would drop the handle */
	struct lmdb_reader rd[MAX_THREADS];
	void *ctx[MAX_THREADS];
	for (int i = 0; i < MAX_THREADS; i++) {
		rd[i] = (struct lmdb_reader){
		    .env = env, .dbi = dbi, .today = bench_today()};
		ctx[i] = &rd[i];
	}
	/* Each reader's txn is begun on first use and kept (warm, as a
	 * server keeps it); MDB_NOTLS lets the next pass's thread use it. */
	int rc = run_lookups("lmdb", reps, hits, miss, uniform, ctx, lmdb_get);
	for (int i = 0; i < MAX_THREADS; i++)
		if (rd[i].txn)
			mdb_txn_abort(rd[i].txn);
	mdb_env_close(env);
	return rc;
}
