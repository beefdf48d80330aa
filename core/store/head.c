/* head.c: the newest signed head of every origin (freshness), in the
 * meta sub-database under "head:" + origin: u64le seq, chain(seq),
 * u64le clock, the origin's signature (112 bytes). */
#include "store.h"

#include <stdio.h>

#define HEAD_LEN 112

static size_t head_key(const char *origin, char key[48])
{
	return (size_t)snprintf(key, 48, "head:%s", origin);
}

static int head_read(MDB_txn *txn, struct sdx_db *db, const char *origin,
		     sdx_head *h)
{
	char key[48];
	MDB_val k = {head_key(origin, key), key}, d;
	int rc = mdb_get(txn, db->meta, &k, &d);
	if (rc)
		return rc == MDB_NOTFOUND ? SDX_ENOTFOUND : rc;
	if (d.mv_size != HEAD_LEN)
		return SDX_ECORRUPT;
	const uint8_t *p = d.mv_data;
	memset(h, 0, sizeof *h);
	bounded_copy(h->origin, SDX_OFFICE_MAX, origin);
	h->seq = le64_get(p);
	memcpy(h->chain, p + 8, 32);
	h->clock = le64_get(p + 40);
	memcpy(h->sig, p + 48, 64);
	return 0;
}

int sdx_head_get(sdx_db *db, const char *origin, sdx_head *out)
{
	struct reader *rd;
	if (!db || !origin || !out || !office_ok(origin))
		return SDX_EINVAL;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	rc = head_read(rd->txn, db, origin, out);
	reader_put(rd);
	return store_err(rc);
}

struct put_args {
	const sdx_head *h;
	int stored;
};

static int put_fn(struct wtxn *w, void *ctx)
{
	struct put_args *a = ctx;
	const sdx_head *h = a->h;
	sdx_head old;
	char key[48];
	uint8_t b[HEAD_LEN];
	a->stored = 0;
	int rc = head_read(w->txn, w->db, h->origin, &old);
	if (rc && rc != SDX_ENOTFOUND)
		return rc;
	if (!rc && (h->clock < old.clock ||
		    (h->clock == old.clock && h->seq <= old.seq)))
		return 0;
	le64_put(b, h->seq);
	memcpy(b + 8, h->chain, 32);
	le64_put(b + 40, h->clock);
	memcpy(b + 48, h->sig, 64);
	MDB_val k = {head_key(h->origin, key), key}, d = {HEAD_LEN, b};
	if ((rc = mdb_put(w->txn, w->db->meta, &k, &d, 0)))
		return rc;
	a->stored = 1;
	return 0;
}

int sdx_head_put(sdx_db *db, const sdx_head *h, int *stored)
{
	if (stored)
		*stored = 0;
	if (!db || !h || !office_ok(h->origin))
		return SDX_EINVAL;
	struct put_args a = {h, 0};
	int rc = store_write(db, put_fn, &a);
	if (!rc && stored)
		*stored = a.stored;
	return rc;
}

int head_drop_after(struct wtxn *w, const char *origin, uint64_t after)
{
	sdx_head h;
	char key[48];
	int rc = head_read(w->txn, w->db, origin, &h);
	if (rc)
		return rc == SDX_ENOTFOUND ? 0 : rc;
	if (h.seq <= after)
		return 0;
	MDB_val k = {head_key(origin, key), key};
	return mdb_del(w->txn, w->db->meta, &k, NULL);
}
