/* dsecret.c: digest secrets (meta "dsecret:ORIGIN", 32 bytes). Every
 * origin keys the digests of its police-only operations with a secret
 * of its own (scamdex-bundle(5)); a database keeps its own and those its
 * police peers sent with operations they verified. The database files
 * are mode 0600, like the office key. */
#include "store.h"

#include <stdio.h>

#define DS_PREFIX "dsecret:"

static MDB_val ds_key(const char *origin, char *kb, size_t cap)
{
	snprintf(kb, cap, DS_PREFIX "%s", origin);
	MDB_val k = {strlen(kb), kb};
	return k;
}

int dsecret_read(MDB_txn *txn, struct sdx_db *db, const char *origin,
		 uint8_t out[32])
{
	char kb[sizeof DS_PREFIX + SDX_OFFICE_MAX];
	MDB_val k = ds_key(origin, kb, sizeof kb), d;
	int rc = mdb_get(txn, db->meta, &k, &d);
	if (rc)
		return rc;
	if (d.mv_size != 32)
		return MDB_CORRUPTED;
	memcpy(out, d.mv_data, 32);
	return 0;
}

int dsecret_write(MDB_txn *txn, struct sdx_db *db, const char *origin,
		  const uint8_t secret[32])
{
	uint8_t have[32];
	int rc = dsecret_read(txn, db, origin, have);
	if (!rc)
		return memcmp(have, secret, 32) ? SDX_EEXISTS : 0;
	if (rc != MDB_NOTFOUND)
		return rc;
	char kb[sizeof DS_PREFIX + SDX_OFFICE_MAX];
	MDB_val k = ds_key(origin, kb, sizeof kb), d = {32, (void *)secret};
	return mdb_put(txn, db->meta, &k, &d, 0);
}

int dsecret_own(struct wtxn *w, uint8_t out[32])
{
	if (w->own_secret_ok) {
		memcpy(out, w->own_secret, 32);
		return 0;
	}
	int rc = dsecret_read(w->txn, w->db, w->db->office, w->own_secret);
	if (rc == MDB_NOTFOUND) {
		if ((rc = sdx_digest_secret_make(w->own_secret)) ||
		    (rc = dsecret_write(w->txn, w->db, w->db->office,
					w->own_secret)))
			return rc;
	} else if (rc) {
		return rc;
	}
	w->own_secret_ok = 1;
	memcpy(out, w->own_secret, 32);
	return 0;
}

int store_op_digest(struct wtxn *w, const char *origin, int mark,
		    const uint8_t *body, size_t len, uint8_t out[32])
{
	uint8_t secret[32];
	int rc;
	if (!(mark & SDX_MARK_POLICE)) {
		sdx_digest(body, len, out);
		return 0;
	}
	if ((rc = dsecret_read(w->txn, w->db, origin, secret)))
		return rc == MDB_NOTFOUND ? SDX_EKEY : rc;
	sdx_digest_keyed(body, len, secret, out);
	return 0;
}

int sdx_digest_secret_get(sdx_db *db, const char *origin, uint8_t out[32])
{
	if (!db || !origin || !out || !office_ok(origin))
		return SDX_EINVAL;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	rc = dsecret_read(rd->txn, db, origin, out);
	reader_put(rd);
	if (rc == MDB_NOTFOUND)
		return SDX_ENOTFOUND;
	return store_err(rc);
}

static int ensure_fn(struct wtxn *w, void *ctx)
{
	int *made = ctx;
	uint8_t s[32];
	int rc = dsecret_read(w->txn, w->db, w->db->office, s);
	*made = 0;
	if (rc != MDB_NOTFOUND)
		return rc;
	*made = 1;
	return dsecret_own(w, s);
}

int sdx_digest_secret_ensure(sdx_db *db, int *made)
{
	int dummy;
	if (!db)
		return SDX_EINVAL;
	if (db->rdonly)
		return SDX_EREADONLY;
	return store_write(db, ensure_fn, made ? made : &dummy);
}
