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
 * batch changes something (start).
 *
 * A DUPSORT table (entity_report: several values a key) is merged the
 * same way, a key's new values among its old ones (tmerge_dups), the
 * second and later values of a key appended with MDB_APPENDDUP.
 *
 * LMDB gives a page freed by a commit to a later write transaction only
 * once a newer commit follows it (the meta page before the last one may
 * still be needed), so a merge in the very next batch's transaction
 * could not take the pages of the tables the last merge dropped and
 * took as many new ones from the end of the file: an import in large
 * batches left half its file free (1,695 bytes a report as imported at
 * 10 million identifiers, 819 in use). A commit whose merges dropped
 * SETTLE_PAGES pages or more is therefore followed by an empty one
 * (tmerge_settle; for fewer, the sync of one more commit costs more
 * than the pages). */
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
	m->w = w;
	unsigned fl = 0;
	m->dup = !mdb_dbi_flags(r, dbi, &fl) && (fl & MDB_DUPSORT);
	m->dbi = dbi;
	m->on = 1;
	w->db->merges++;
	if ((rc = mdb_cursor_open(r, dbi, &m->rc)))
		return rc;
	rc = mdb_cursor_get(m->rc, &m->k, &m->d, MDB_FIRST);
	m->more = rc == 0;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Append k, d to the rebuilt table. In a DUPSORT table a key's second
 * and later values go in with MDB_APPENDDUP (MDB_APPEND refuses a key
 * equal to the last one). */
static int append(struct tmerge *m, const MDB_val *k, const MDB_val *d)
{
	MDB_val kk = *k, dd = *d;
	unsigned fl = MDB_APPEND;
	if (m->dup && m->nlast && mdb_cmp(m->wtxn, m->dbi, k, &m->last) == 0)
		fl = MDB_APPENDDUP;
	m->last = *k; /* the caller's key stays valid until the next */
	m->nlast = 1;
	int rc = mdb_cursor_put(m->wc, &kk, &dd, fl);
	if (!rc)
		map_ahead_cursor(m->w, m->wc, ++m->appended);
	return rc;
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
	MDB_stat st;
	if (!mdb_stat(m->rtxn, m->dbi, &st))
		m->w->merged += st.ms_branch_pages + st.ms_leaf_pages +
				st.ms_overflow_pages;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (key && mdb_cmp(m->rtxn, m->dbi, &k, key) >= 0)
			break;
		if ((rc = append(m, &k, &d)))
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
		if (m->started)
			rc = append(m, &m->k, &m->d);
		if (rc || (rc = next_old(m)))
			return rc;
	}
	return 0;
}

int tmerge_keep(struct tmerge *m, const MDB_val *key, const MDB_val *old)
{
	if (!m->started)
		return 0;
	return append(m, key, old);
}

int tmerge_put(struct tmerge *m, const MDB_val *key, const MDB_val *data)
{
	int rc;
	if (!m->started && (rc = start(m, key)))
		return rc;
	return append(m, key, data);
}

int tmerge_dups(struct tmerge *m, const MDB_val *key, const uint8_t *vals,
		size_t n, size_t size)
{
	int rc;
	if (!n)
		return 0;
	/* the old entries before key (start writes them if it has not
	 * yet), then key's old values and the new ones in order (a value
	 * held already is written once) */
	while (m->more && mdb_cmp(m->rtxn, m->dbi, &m->k, key) < 0)
		if ((m->started && (rc = append(m, &m->k, &m->d))) ||
		    (rc = next_old(m)))
			return rc;
	if (!m->started && (rc = start(m, key)))
		return rc;
	size_t i = 0;
	while (m->more && mdb_cmp(m->rtxn, m->dbi, &m->k, key) == 0) {
		MDB_val v = {size, (void *)(vals + i * size)};
		int c = i < n ? mdb_dcmp(m->rtxn, m->dbi, &v, &m->d) : 1;
		if (c < 0) {
			rc = append(m, key, &v);
			i++;
		} else {
			i += c == 0;
			if (!(rc = append(m, &m->k, &m->d)))
				rc = next_old(m);
		}
		if (rc)
			return rc;
	}
	for (; i < n; i++) {
		MDB_val v = {size, (void *)(vals + i * size)};
		if ((rc = append(m, key, &v)))
			return rc;
	}
	return 0;
}

int tmerge_close(struct tmerge *m, int rc)
{
	if (!m->on)
		return rc;
	while (!rc && m->started && m->more)
		if (!(rc = append(m, &m->k, &m->d)))
			rc = next_old(m);
	if (m->wc)
		mdb_cursor_close(m->wc);
	if (m->rc)
		mdb_cursor_close(m->rc);
	mdb_txn_abort(m->rtxn);
	tmerge_init(m);
	return rc;
}

void tmerge_settle(struct sdx_db *db)
{
	static const char name[] = "settle";
	struct wtxn w;
	MDB_val k = {sizeof name - 1, (void *)name}, d = {0, (void *)name};
	if (wtxn_begin(db, &w))
		return;
	/* written and deleted: a change, so the commit makes a new meta
	 * page, and nothing stays */
	if (mdb_put(w.txn, db->meta, &k, &d, 0) ||
	    mdb_del(w.txn, db->meta, &k, NULL)) {
		wtxn_abort(&w);
		return;
	}
	(void)wtxn_commit(&w);
}
