/* allowinfo.c: who marked an identifier official, when, and why: what
 * 'scamdex show' says about an allowlisted identifier. */
#include "store.h"

int sdx_allow_info(sdx_db *db, sdx_kind kind, const char *canonical,
		   sdx_allow_entry *out)
{
	uint8_t ek[1 + SDX_CANON_MAX];
	MDB_txn *txn;
	allow_rec a;
	if (!db || !canonical || !out)
		return SDX_EINVAL;
	size_t len = strlen(canonical);
	if (len == 0 || len >= SDX_CANON_MAX)
		return SDX_EINVAL;
	size_t eklen = ekey_make((int)kind, canonical, len, ek);
	int rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return store_err(rc);
	rc = allow_get(txn, db, ek, eklen, &a);
	mdb_txn_abort(txn);
	if (rc)
		return rc;
	if (!a.allowed)
		return SDX_ENOTFOUND;
	out->date = a.date;
	memcpy(out->origin, a.origin, sizeof out->origin);
	memcpy(out->note, a.note, sizeof out->note);
	memcpy(out->by, a.by, sizeof out->by);
	return 0;
}
