/* imported.c: the files scamdex-import has loaded, by digest, and the
 * origin each was loaded under (keys "import:" + 32 hex digits in the
 * meta sub-database; value the origin, "" for the database's office).
 * A file imported again under another origin would add every row again
 * as new reports: the importer asks here first. */
#include "store.h"

#include <stdio.h>

static size_t imported_key(const uint8_t digest[16], char key[48])
{
	char hex[33];
	sdx_id_to_hex(digest, hex);
	return (size_t)snprintf(key, 48, "import:%s", hex);
}

int sdx_db_file_origin(sdx_db *db, const uint8_t digest[16], char *origin,
		       size_t size)
{
	char key[48];
	MDB_txn *txn;
	MDB_val k, d;
	if (!db || !digest || !origin || size == 0)
		return SDX_EINVAL;
	k.mv_size = imported_key(digest, key);
	k.mv_data = key;
	int rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return store_err(rc);
	rc = mdb_get(txn, db->meta, &k, &d);
	if (rc == 0) {
		if (d.mv_size >= size) {
			rc = SDX_ETOOLONG;
		} else {
			memcpy(origin, d.mv_data, d.mv_size);
			origin[d.mv_size] = '\0';
		}
	} else {
		rc = rc == MDB_NOTFOUND ? SDX_ENOTFOUND : store_err(rc);
	}
	mdb_txn_abort(txn);
	return rc;
}

struct remember {
	const uint8_t *digest;
	const char *origin;
};

static int remember_fn(struct wtxn *w, void *ctx)
{
	const struct remember *r = ctx;
	char key[48];
	MDB_val k = {imported_key(r->digest, key), key};
	MDB_val d = {strlen(r->origin), (void *)r->origin};
	return mdb_put(w->txn, w->db->meta, &k, &d, 0);
}

int sdx_db_file_remember(sdx_db *db, const uint8_t digest[16],
			 const char *origin)
{
	if (!db || !digest || !origin || strlen(origin) > SDX_OFFICE_MAX)
		return SDX_EINVAL;
	if (db->rdonly)
		return SDX_EREADONLY;
	struct remember r = {digest, origin};
	return store_write(db, remember_fn, &r);
}
