/* compact.c: a compacted copy of a database. Every sub-database is
 * written again in key order with MDB_APPEND (MDB_APPENDDUP for
 * duplicates), so the copy has no free pages, full B-tree pages and the
 * least depth; LMDB's own compacting copy (MDB_CP_COMPACT) drops the free
 * pages but keeps every page as full as it was. A bulk load into random
 * keys leaves pages about two-thirds full: the copy is smaller and its
 * look-ups touch fewer pages. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* entries written per destination transaction */
#define COMPACT_TXN_ENTRIES 200000

struct copier {
	MDB_env *env;
	MDB_txn *txn;
	size_t pending;
};

static int copier_step(struct copier *c)
{
	if (++c->pending < COMPACT_TXN_ENTRIES)
		return 0;
	int rc = mdb_txn_commit(c->txn);
	c->txn = NULL;
	c->pending = 0;
	return rc ? rc : mdb_txn_begin(c->env, NULL, 0, &c->txn);
}

/* Copy one sub-database, in key (and duplicate) order. */
static int copy_dbi(MDB_txn *src, MDB_dbi sdbi, struct copier *c,
		    const struct dbi_spec *spec)
{
	MDB_dbi ddbi;
	int rc =
	    mdb_dbi_open(c->txn, spec->name, spec->flags | MDB_CREATE, &ddbi);
	if (rc)
		return rc;
	MDB_cursor *sc;
	if ((rc = mdb_cursor_open(src, sdbi, &sc)))
		return rc;
	int dup = (spec->flags & MDB_DUPSORT) != 0;
	MDB_val k, d, prev = {0, NULL};
	for (rc = mdb_cursor_get(sc, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(sc, &k, &d, MDB_NEXT)) {
		/* a key's first duplicate appends the key, the others
		 * append to its duplicates; the source's keys stay mapped
		 * for the read transaction, so prev may point into them */
		unsigned flags = MDB_APPEND;
		if (dup && prev.mv_data && prev.mv_size == k.mv_size &&
		    !memcmp(prev.mv_data, k.mv_data, k.mv_size))
			flags = MDB_APPENDDUP;
		prev = k;
		if ((rc = mdb_put(c->txn, ddbi, &k, &d, flags)) ||
		    (rc = copier_step(c)))
			break;
	}
	mdb_cursor_close(sc);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static void remove_copy(const char *dest)
{
	char path[4096];
	static const char *const files[] = {"data.mdb", "lock.mdb"};
	for (size_t i = 0; i < 2; i++)
		if (snprintf(path, sizeof path, "%s/%s", dest, files[i]) <
		    (int)sizeof path)
			unlink(path);
	rmdir(dest);
}

int sdx_db_compact(sdx_db *db, const char *dest)
{
	if (!db || !dest || !*dest)
		return SDX_EINVAL;
	if (mkdir(dest, 0700))
		return errno == EEXIST ? SDX_EEXISTS : store_err(errno);
	size_t used, mapsize, psize;
	int rc = store_map_use(db, &used, &mapsize, &psize);
	MDB_txn *src = NULL;
	struct reader *rd = NULL;
	struct copier c = {NULL, NULL, 0};
	/* the snapshot is a reader's: the map cannot be resized under it */
	if (!rc && !(rc = reader_get(db, &rd)))
		src = rd->txn;
	if (!rc)
		rc = mdb_env_create(&c.env);
	if (!rc) {
		/* the copy is never larger than the pages in use; the rest
		 * is room for LMDB's bookkeeping */
		mdb_env_set_maxdbs(c.env, 16);
		rc = mdb_env_set_mapsize(c.env, used + used / 4 + (4u << 20));
	}
	if (!rc)
		rc = mdb_env_open(c.env, dest, MDB_NOSYNC, 0600);
	if (!rc)
		rc = mdb_txn_begin(c.env, NULL, 0, &c.txn);
	for (size_t i = 0; !rc && i < store_ndbis; i++) {
		const struct dbi_spec *spec = &store_dbis[i];
		MDB_dbi sdbi =
		    *(const MDB_dbi *)(const void *)((const char *)db +
						     spec->off);
		rc = copy_dbi(src, sdbi, &c, spec);
	}
	/* this office's own tables and audit log come along (local.c) */
	static const struct dbi_spec local_dbis[] = {{"local", 0, 0},
						     {"audit", 0, 0}};
	for (size_t i = 0; !rc && i < 2; i++) {
		MDB_dbi sdbi;
		int e = store_local_dbi(src, local_dbis[i].name, 0, &sdbi);
		if (e == 0)
			rc = copy_dbi(src, sdbi, &c, &local_dbis[i]);
		else if (e != MDB_NOTFOUND)
			rc = e;
	}
	if (!rc) {
		rc = mdb_txn_commit(c.txn);
		c.txn = NULL;
	}
	if (!rc) /* one sync for the whole copy */
		rc = mdb_env_sync(c.env, 1);
	if (c.txn)
		mdb_txn_abort(c.txn);
	if (rd)
		reader_put(rd);
	if (c.env)
		mdb_env_close(c.env);
	if (rc) /* no half copy left behind */
		remove_copy(dest);
	return store_err(rc);
}
