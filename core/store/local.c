/* local.c: the records a database keeps for its own office only (sub-db
 * `local`: tokens, access grants) and the audit log (sub-db `audit`).
 * Neither is in the operation log, so nothing here reaches a peer. Both
 * sub-databases are made on their first write; a database that has none
 * reads as empty. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <scamdex/local.h>

#include "store.h"

/* mdb_dbi_open must not run in two transactions of one process at once */
static pthread_mutex_t dbi_mtx = PTHREAD_MUTEX_INITIALIZER;

int store_local_dbi(MDB_txn *txn, const char *name, int create, MDB_dbi *out)
{
	pthread_mutex_lock(&dbi_mtx);
	int rc = mdb_dbi_open(txn, name, create ? MDB_CREATE : 0, out);
	pthread_mutex_unlock(&dbi_mtx);
	return rc;
}

/* A local key: table, NUL, key. */
static int lkey(const char *table, const char *key, char *buf, MDB_val *k)
{
	if (!table || !key)
		return SDX_EINVAL;
	size_t t = strlen(table), n = strlen(key);
	if (!t || !n)
		return SDX_EINVAL;
	if (t > SDX_LOCAL_TABLE_MAX || n > SDX_LOCAL_KEY_MAX)
		return SDX_ETOOLONG;
	memcpy(buf, table, t + 1);
	memcpy(buf + t + 1, key, n);
	k->mv_size = t + 1 + n;
	k->mv_data = buf;
	return 0;
}

#define LKEY_MAX (SDX_LOCAL_TABLE_MAX + 1 + SDX_LOCAL_KEY_MAX)

struct put_ctx {
	MDB_val k, v;
	int del;
	int found;
};

static int put_fn(struct wtxn *w, void *arg)
{
	struct put_ctx *c = arg;
	MDB_dbi dbi;
	int rc = store_local_dbi(w->txn, "local", 1, &dbi);
	if (rc)
		return rc;
	if (!c->del)
		return mdb_put(w->txn, dbi, &c->k, &c->v, 0);
	rc = mdb_del(w->txn, dbi, &c->k, NULL);
	c->found = rc == 0;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int sdx_local_put(sdx_db *db, const char *table, const char *key,
		  const void *val, size_t len)
{
	char buf[LKEY_MAX];
	struct put_ctx c = {{0, 0}, {len, (void *)val}, 0, 0};
	int rc = lkey(table, key, buf, &c.k);
	if (rc)
		return rc;
	if (len > SDX_LOCAL_VALUE_MAX)
		return SDX_ETOOLONG;
	if (!val && len)
		return SDX_EINVAL;
	return store_write(db, put_fn, &c);
}

int sdx_local_del(sdx_db *db, const char *table, const char *key)
{
	char buf[LKEY_MAX];
	struct put_ctx c = {{0, 0}, {0, 0}, 1, 0};
	int rc = lkey(table, key, buf, &c.k);
	if (rc)
		return rc;
	rc = store_write(db, put_fn, &c);
	if (rc == 0 && !c.found)
		return SDX_ENOTFOUND;
	return rc;
}

/* A read transaction of its own (the handle is MDB_NOTLS, so it may sit
 * beside this thread's parked one). */
static int read_begin(sdx_db *db, const char *name, MDB_txn **txn, MDB_dbi *dbi)
{
	int rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, txn);
	if (rc)
		return store_err(rc);
	rc = store_local_dbi(*txn, name, 0, dbi);
	if (rc) {
		mdb_txn_abort(*txn);
		*txn = NULL;
		return rc == MDB_NOTFOUND ? SDX_ENOTFOUND : store_err(rc);
	}
	return 0;
}

int sdx_local_get(sdx_db *db, const char *table, const char *key, void *buf,
		  size_t size, size_t *len)
{
	char kb[LKEY_MAX];
	MDB_val k, v;
	MDB_txn *txn;
	MDB_dbi dbi;
	int rc = lkey(table, key, kb, &k);
	if (rc)
		return rc;
	if ((rc = read_begin(db, "local", &txn, &dbi)))
		return rc;
	rc = mdb_get(txn, dbi, &k, &v);
	if (rc == 0) {
		if (len)
			*len = v.mv_size;
		if (v.mv_size > size)
			rc = SDX_ETOOLONG;
		else if (v.mv_size)
			memcpy(buf, v.mv_data, v.mv_size);
	} else {
		rc = rc == MDB_NOTFOUND ? SDX_ENOTFOUND : store_err(rc);
	}
	mdb_txn_abort(txn);
	return rc;
}

int sdx_local_scan(sdx_db *db, const char *table, sdx_local_cb cb, void *ctx)
{
	char key[SDX_LOCAL_KEY_MAX + 1];
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *cur;
	if (!table || !table[0] || !cb)
		return SDX_EINVAL;
	size_t t = strlen(table);
	if (t > SDX_LOCAL_TABLE_MAX)
		return SDX_ETOOLONG;
	int rc = read_begin(db, "local", &txn, &dbi);
	if (rc == SDX_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if ((rc = mdb_cursor_open(txn, dbi, &cur))) {
		mdb_txn_abort(txn);
		return store_err(rc);
	}
	MDB_val k = {t + 1, (void *)table}, v;
	char prefix[SDX_LOCAL_TABLE_MAX + 1];
	memcpy(prefix, table, t + 1);
	k.mv_data = prefix;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size <= t + 1 || memcmp(k.mv_data, prefix, t + 1))
			break;
		size_t n = k.mv_size - t - 1;
		if (n > SDX_LOCAL_KEY_MAX)
			continue;
		memcpy(key, (char *)k.mv_data + t + 1, n);
		key[n] = '\0';
		if ((rc = cb(key, v.mv_data, v.mv_size, ctx)))
			break;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return walk_end(rc);
}

/* ---- the audit log ---- */

#define AKEY_LEN 12 /* big-endian microseconds, big-endian sequence */

static int64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A large record goes to fresh pages of the writable map: fault them in
 * with one call rather than one page fault per 4 KiB page (a batch's
 * records are about a megabyte each). Only an optimization: a kernel
 * without MADV_POPULATE_WRITE (before 5.14) faults them one by one. */
static void prefault(struct sdx_db *db, void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	if (!db->writemap || len < (64u << 10))
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p & ~(page - 1);
	uintptr_t e = ((uintptr_t)p + len + page - 1) & ~(page - 1);
	(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
	(void)db;
	(void)p;
	(void)len;
#endif
}

struct append_ctx {
	int64_t usec;
	const void *const *recs;
	const size_t *lens;
	size_t n;
};

/* Keys only grow: a clock that stepped back takes the last key's time
 * and the next sequence number, so records stay in append order. */
static int append_fn(struct wtxn *w, void *arg)
{
	struct append_ctx *c = arg;
	MDB_dbi dbi;
	MDB_cursor *cur;
	int rc = store_local_dbi(w->txn, "audit", 1, &dbi);
	if (rc || (rc = mdb_cursor_open(w->txn, dbi, &cur)))
		return rc;
	uint64_t t = (uint64_t)c->usec;
	uint32_t seq = 0;
	MDB_val k, v;
	rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == AKEY_LEN) {
		uint64_t lt = be64_get(k.mv_data);
		if (lt >= t) {
			t = lt;
			seq = be32_get((uint8_t *)k.mv_data + 8) + 1;
		}
	} else if (rc != MDB_NOTFOUND && rc != 0) {
		mdb_cursor_close(cur);
		return rc;
	}
	rc = 0;
	uint8_t key[AKEY_LEN];
	for (size_t i = 0; i < c->n && rc == 0; i++, seq++) {
		be64_put(key, t);
		be32_put(key + 8, seq);
		k.mv_size = AKEY_LEN;
		k.mv_data = key;
		v.mv_size = c->lens[i];
		rc = mdb_cursor_put(cur, &k, &v, MDB_APPEND | MDB_RESERVE);
		if (rc == 0) {
			prefault(w->db, v.mv_data, v.mv_size);
			if (c->lens[i])
				memcpy(v.mv_data, c->recs[i], c->lens[i]);
		}
	}
	mdb_cursor_close(cur);
	return rc;
}

/* store_write without the commit's fsync: the environment's MDB_NOSYNC
 * is set only while this commit runs, under the writer mutex every
 * writer of the handle takes. */
static int write_nosync(struct sdx_db *db, int (*fn)(struct wtxn *, void *),
			void *ctx)
{
	struct wtxn w;
	int rc;
	pthread_mutex_lock(&db->wmtx);
	for (int tries = 0; tries < 40; tries++) {
		rc = wtxn_begin(db, &w);
		if (rc)
			break;
		rc = fn(&w, ctx);
		if (rc) {
			wtxn_abort(&w);
		} else {
			mdb_env_set_flags(db->env, MDB_NOSYNC, 1);
			rc = wtxn_commit(&w);
			mdb_env_set_flags(db->env, MDB_NOSYNC, 0);
		}
		if (rc != MDB_MAP_FULL)
			break;
		if ((rc = store_grow(db, 1)))
			break;
		rc = MDB_MAP_FULL;
	}
	pthread_mutex_unlock(&db->wmtx);
	return store_err(rc);
}

int sdx_audit_append(sdx_db *db, int64_t usec, const void *const *recs,
		     const size_t *lens, size_t n)
{
	if (!db || (n && (!recs || !lens)))
		return SDX_EINVAL;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (lens[i] > SDX_AUDIT_RECORD_MAX || (!recs[i] && lens[i]))
			return lens[i] > SDX_AUDIT_RECORD_MAX ? SDX_ETOOLONG
							      : SDX_EINVAL;
		total += lens[i] + 64;
	}
	if (n == 0)
		return 0;
	struct append_ctx c = {usec > 0 ? usec : now_usec(), recs, lens, n};
	/* room first: a large batch record would otherwise fill the map */
	size_t short_by = store_room_short(db, total);
	if (short_by) {
		pthread_mutex_lock(&db->wmtx);
		int rc = store_grow(db, short_by);
		pthread_mutex_unlock(&db->wmtx);
		if (rc)
			return store_err(rc);
	}
	return write_nosync(db, append_fn, &c);
}

int sdx_audit_scan(sdx_db *db, int64_t since, sdx_audit_cb cb, void *ctx)
{
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *cur;
	if (!db || !cb)
		return SDX_EINVAL;
	int rc = read_begin(db, "audit", &txn, &dbi);
	if (rc == SDX_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if ((rc = mdb_cursor_open(txn, dbi, &cur))) {
		mdb_txn_abort(txn);
		return store_err(rc);
	}
	uint8_t key[AKEY_LEN];
	be64_put(key, since > 0 ? (uint64_t)since : 0);
	be32_put(key + 8, 0);
	MDB_val k = {AKEY_LEN, key}, v;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != AKEY_LEN)
			continue;
		if ((rc = cb((int64_t)be64_get(k.mv_data), v.mv_data, v.mv_size,
			     ctx)))
			break;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return walk_end(rc);
}

struct prune_ctx {
	uint64_t before;
	uint64_t removed;
};

static int prune_fn(struct wtxn *w, void *arg)
{
	struct prune_ctx *c = arg;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	c->removed = 0;
	int rc = store_local_dbi(w->txn, "audit", 1, &dbi);
	if (rc || (rc = mdb_cursor_open(w->txn, dbi, &cur)))
		return rc;
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
		if (k.mv_size == AKEY_LEN && be64_get(k.mv_data) >= c->before)
			break;
		if ((rc = mdb_cursor_del(cur, 0)))
			break;
		c->removed++;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int sdx_audit_prune(sdx_db *db, int64_t before, uint64_t *removed)
{
	struct prune_ctx c = {before > 0 ? (uint64_t)before : 0, 0};
	if (removed)
		*removed = 0;
	if (!db)
		return SDX_EINVAL;
	int rc = store_write(db, prune_fn, &c);
	if (rc == 0 && removed)
		*removed = c.removed;
	return rc;
}
