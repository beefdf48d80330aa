/* idprefix.c: a report id from a unique prefix of its hex form (at least
 * 8 digits), as people copy ids from a screen. One cursor step: the
 * first id at or after the prefix, and the one after it. */
#include "store.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Does the 16-byte id start with the n hex digits of lo? */
static int starts_with(const uint8_t *id, const uint8_t *lo, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int a = i % 2 ? id[i / 2] & 0xF : id[i / 2] >> 4;
		int b = i % 2 ? lo[i / 2] & 0xF : lo[i / 2] >> 4;
		if (a != b)
			return 0;
	}
	return 1;
}

int sdx_report_id_prefix(sdx_db *db, const char *hex, size_t len,
			 uint8_t id[16])
{
	uint8_t lo[16] = {0};
	if (!db || !hex || !id || len < SDX_ID_PREFIX_MIN || len > 32)
		return SDX_EINVAL;
	for (size_t i = 0; i < len; i++) {
		int v = hexval(hex[i]);
		if (v < 0)
			return SDX_EINVAL;
		lo[i / 2] |= (uint8_t)(i % 2 ? v : v << 4);
	}
	if (len == 32) {
		memcpy(id, lo, 16);
		return 0;
	}
	MDB_txn *txn;
	MDB_cursor *cur;
	int rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return store_err(rc);
	if ((rc = mdb_cursor_open(txn, db->report, &cur))) {
		mdb_txn_abort(txn);
		return store_err(rc);
	}
	MDB_val k = {16, lo}, d;
	rc = mdb_cursor_get(cur, &k, &d, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == 16 && starts_with(k.mv_data, lo, len)) {
		memcpy(id, k.mv_data, 16);
		rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT);
		if (rc == 0 && k.mv_size == 16 &&
		    starts_with(k.mv_data, lo, len))
			rc = SDX_EAMBIGUOUS;
		else if (rc == 0 || rc == MDB_NOTFOUND)
			rc = 0;
		else
			rc = store_err(rc);
	} else if (rc == 0 || rc == MDB_NOTFOUND) {
		rc = SDX_ENOTFOUND;
	} else {
		rc = store_err(rc);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}
