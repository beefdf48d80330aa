/* keyhist.c: the keys an origin replaced (scamdex-sync trust replace,
 * rekey), in the meta sub-database under "keys:" + origin: entries of
 * u64le upto and the 32-byte public key valid for segments ending at or
 * before upto (after the previous entry's upto), oldest first. The trust
 * record's key signs the segments after the last upto. */
#include "store.h"

#include <stdio.h>

#define ENTRY 40

static size_t hist_key(const char *origin, char key[48])
{
	return (size_t)snprintf(key, 48, "keys:%s", origin);
}

int keyhist_get(MDB_txn *txn, struct sdx_db *db, const char *origin,
		sdx_key_period *out, size_t *n)
{
	char key[48];
	MDB_val k = {hist_key(origin, key), key}, d;
	int rc = mdb_get(txn, db->meta, &k, &d);
	*n = 0;
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (d.mv_size % ENTRY || d.mv_size / ENTRY > SDX_KEYS_MAX)
		return SDX_ECORRUPT;
	for (size_t i = 0; i < d.mv_size / ENTRY; i++) {
		const uint8_t *p = (const uint8_t *)d.mv_data + i * ENTRY;
		out[i].upto = le64_get(p);
		memcpy(out[i].pubkey, p + 8, 32);
	}
	*n = d.mv_size / ENTRY;
	return 0;
}

static int hist_put(struct wtxn *w, const char *origin, const sdx_key_period *v,
		    size_t n)
{
	char key[48];
	uint8_t b[SDX_KEYS_MAX * ENTRY];
	MDB_val k = {hist_key(origin, key), key}, d = {n * ENTRY, b};
	for (size_t i = 0; i < n; i++) {
		le64_put(b + i * ENTRY, v[i].upto);
		memcpy(b + i * ENTRY + 8, v[i].pubkey, 32);
	}
	if (n == 0) {
		int rc = mdb_del(w->txn, w->db->meta, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	return mdb_put(w->txn, w->db->meta, &k, &d, 0);
}

int keyhist_replace(struct wtxn *w, origin_rec *o, const uint8_t pubkey[32],
		    uint64_t after)
{
	sdx_key_period v[SDX_KEYS_MAX + 1];
	size_t n, keep = 0;
	const uint8_t *valid = o->pubkey;
	int rc = keyhist_get(w->txn, w->db, o->id, v, &n);
	if (rc)
		return rc;
	/* a key it had is no new key: a thief could sign with it again */
	if (!memcmp(o->pubkey, pubkey, 32))
		return SDX_EEXISTS;
	for (size_t i = 0; i < n; i++)
		if (!memcmp(v[i].pubkey, pubkey, 32))
			return SDX_EEXISTS;
	/* periods that end before `after` stay; the key valid at `after`
	 * (the one of the first period reaching it, else the record's)
	 * now ends there */
	while (keep < n && v[keep].upto < after)
		keep++;
	if (keep < n)
		valid = v[keep].pubkey;
	if (keep == SDX_KEYS_MAX) {
		/* the oldest period goes: its segments are long relayed */
		memmove(v, v + 1, (SDX_KEYS_MAX - 1) * sizeof *v);
		keep--;
	}
	if (valid != v[keep].pubkey)
		memcpy(v[keep].pubkey, valid, 32);
	v[keep].upto = after;
	if ((rc = hist_put(w, o->id, v, keep + 1)))
		return rc;
	memcpy(o->pubkey, pubkey, 32);
	o->dirty = 1;
	return 0;
}

int sdx_origin_keys(sdx_db *db, const char *origin, sdx_key_period *out,
		    size_t cap, size_t *n)
{
	sdx_key_period v[SDX_KEYS_MAX];
	struct reader *rd;
	size_t m = 0;
	if (!db || !origin || !n || (cap && !out))
		return SDX_EINVAL;
	*n = 0;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	rc = keyhist_get(rd->txn, db, origin, v, &m);
	reader_put(rd);
	if (rc)
		return store_err(rc);
	if (m && cap)
		memcpy(out, v, (m < cap ? m : cap) * sizeof *v);
	*n = m;
	return 0;
}

int sdx_origin_key_for(sdx_db *db, const char *origin, uint64_t seq,
		       uint8_t pubkey[32])
{
	sdx_key_period v[SDX_KEYS_MAX];
	struct reader *rd;
	origin_rec o;
	size_t m = 0;
	if (!db || !origin || !pubkey)
		return SDX_EINVAL;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	rc = origin_read(rd->txn, db, origin, &o);
	if (!rc)
		rc = keyhist_get(rd->txn, db, origin, v, &m);
	reader_put(rd);
	if (rc)
		return rc == SDX_ENOTFOUND ? rc : store_err(rc);
	if (!o.trusted)
		return SDX_ENOTFOUND;
	memcpy(pubkey, o.pubkey, 32);
	for (size_t i = 0; i < m; i++)
		if (seq <= v[i].upto) {
			memcpy(pubkey, v[i].pubkey, 32);
			break;
		}
	return 0;
}
