/* merge.c: a table rewritten as a sorted merge of what it held and a
 * sorted batch, in the live database.
 *
 * A batch written into a table by ordinary puts copies (copy-on-write)
 * every leaf page it touches, and a large batch of random keys touches
 * nearly every page: each commit rewrites the whole table, page by page,
 * with a descent, a page fault and often a split for each, and leaves
 * the pages two-thirds full. When the batch is a large fraction of the
 * table (MERGE_FRACTION), the table is instead emptied in the write
 * transaction and written again in key order with MDB_APPEND, its old
 * entries read from a read transaction on the last commit, merged with
 * the batch's: full pages, no descents, no splits, the way compact.c
 * copies a database. It is one write transaction like any other: a
 * crash before the commit leaves the table as it was, and readers (of
 * this process or others) keep their snapshots, whose pages LMDB frees
 * only after them. A table that is empty, or that the batch is small
 * against, is written by ordinary puts (tmerge_open leaves the merge
 * off): an empty one would get MDB_APPEND's full pages, and the next
 * batch would split every page it touches. Nothing is written until the
 * batch changes something (start). */
#include "store.h"

/* merge when the batch has at least 1/MERGE_FRACTION as many keys as
 * the table has entries */
#define MERGE_FRACTION 8

void tmerge_init(struct tmerge *m)
{
	memset(m, 0, sizeof *m);
}

int tmerge_open(struct wtxn *w, MDB_dbi dbi, size_t adds, struct tmerge *m)
{
	tmerge_init(m);
	MDB_txn *r;
	int rc = mdb_txn_begin(w->db->env, NULL, MDB_RDONLY, &r);
	if (rc)
		return 0; /* no reader slot: ordinary puts */
	MDB_stat st;
	/* the snapshot must be the one the write transaction started from
	 * (nothing commits while it is open: it holds the writer's lock) */
	if (mdb_txn_id(r) + 1 != mdb_txn_id(w->txn) || mdb_stat(r, dbi, &st) ||
	    st.ms_entries == 0 || adds < st.ms_entries / MERGE_FRACTION) {
		mdb_txn_abort(r);
		return 0;
	}
	m->rtxn = r;
	m->wtxn = w->txn;
	m->dbi = dbi;
	m->on = 1;
	w->db->merges++;
	if ((rc = mdb_cursor_open(r, dbi, &m->rc)))
		return rc;
	rc = mdb_cursor_get(m->rc, &m->k, &m->d, MDB_FIRST);
	m->more = rc == 0;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int next_old(struct tmerge *m)
{
	int rc = mdb_cursor_get(m->rc, &m->k, &m->d, MDB_NEXT);
	m->more = rc == 0;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The first change: the table is emptied and the old entries before
 * `key` (all of them when key is NULL) written again. Until then nothing
 * is written, so a batch that changes nothing (every report held
 * already) leaves the table's pages alone. */
static int start(struct tmerge *m, const MDB_val *key)
{
	MDB_cursor *c;
	MDB_val k, d;
	int rc;
	if ((rc = mdb_drop(m->wtxn, m->dbi, 0)) ||
	    (rc = mdb_cursor_open(m->wtxn, m->dbi, &m->wc)) ||
	    (rc = mdb_cursor_open(m->rtxn, m->dbi, &c)))
		return rc;
	m->started = 1;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (key && mdb_cmp(m->rtxn, m->dbi, &k, key) >= 0)
			break;
		if ((rc = mdb_cursor_put(m->wc, &k, &d, MDB_APPEND)))
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int tmerge_seek(struct tmerge *m, const MDB_val *key, MDB_val *old, int *found)
{
	*found = 0;
	while (m->more) {
		int c = mdb_cmp(m->rtxn, m->dbi, &m->k, key);
		if (c > 0)
			return 0;
		if (c == 0) {
			*old = m->d; /* valid while the read txn is */
			*found = 1;
			return next_old(m);
		}
		int rc = 0;
		if (m->started) {
			MDB_val k = m->k, d = m->d;
			rc = mdb_cursor_put(m->wc, &k, &d, MDB_APPEND);
		}
		if (rc || (rc = next_old(m)))
			return rc;
	}
	return 0;
}

int tmerge_keep(struct tmerge *m, const MDB_val *key, const MDB_val *old)
{
	if (!m->started)
		return 0;
	MDB_val k = *key, d = *old;
	return mdb_cursor_put(m->wc, &k, &d, MDB_APPEND);
}

int tmerge_put(struct tmerge *m, const MDB_val *key, const MDB_val *data)
{
	int rc;
	if (!m->started && (rc = start(m, key)))
		return rc;
	MDB_val k = *key, d = *data;
	return mdb_cursor_put(m->wc, &k, &d, MDB_APPEND);
}

int tmerge_close(struct tmerge *m, int rc)
{
	if (!m->on)
		return rc;
	while (!rc && m->started && m->more) {
		MDB_val k = m->k, d = m->d;
		if (!(rc = mdb_cursor_put(m->wc, &k, &d, MDB_APPEND)))
			rc = next_old(m);
	}
	if (m->wc)
		mdb_cursor_close(m->wc);
	if (m->rc)
		mdb_cursor_close(m->rc);
	mdb_txn_abort(m->rtxn);
	tmerge_init(m);
	return rc;
}
