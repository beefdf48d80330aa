/* role.c: this database's own role (meta "role"), and role names. */
#include "store.h"

const char *sdx_office_role_name(int role)
{
	return role == SDX_OFFICE_BANK	   ? "bank"
	       : role == SDX_OFFICE_POLICE ? "police"
					   : "none";
}

int sdx_office_role_parse(const char *s, int *role)
{
	if (!s || !role)
		return SDX_EINVAL;
	if (!strcmp(s, "bank"))
		*role = SDX_OFFICE_BANK;
	else if (!strcmp(s, "police"))
		*role = SDX_OFFICE_POLICE;
	else
		return SDX_EINVAL;
	return 0;
}

static int set_role(struct wtxn *w, void *ctx)
{
	int role = *(const int *)ctx;
	uint64_t cur;
	int rc = meta_get_u64(w->txn, w->db, "role", &cur);
	if (!rc)
		return cur == (uint64_t)role ? 0 : SDX_EEXISTS;
	if (rc != MDB_NOTFOUND)
		return rc;
	return meta_put_u64(w->txn, w->db, "role", (uint64_t)role);
}

int sdx_db_set_role(sdx_db *db, int role)
{
	if (!db || (role != SDX_OFFICE_BANK && role != SDX_OFFICE_POLICE))
		return SDX_EINVAL;
	if (db->rdonly)
		return SDX_EREADONLY;
	return store_write(db, set_role, &role);
}

int store_role(MDB_txn *txn, struct sdx_db *db)
{
	uint64_t v;
	if (meta_get_u64(txn, db, "role", &v) || v > SDX_OFFICE_POLICE)
		return SDX_OFFICE_NOROLE;
	return (int)v;
}

int sdx_db_role(sdx_db *db, int *role)
{
	if (!db || !role)
		return SDX_EINVAL;
	*role = SDX_OFFICE_NOROLE;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	uint64_t v;
	rc = meta_get_u64(rd->txn, db, "role", &v);
	reader_put(rd);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return store_err(rc);
	if (v > SDX_OFFICE_POLICE)
		return SDX_ECORRUPT;
	*role = (int)v;
	return 0;
}
