/* agencies.c: the agency strings a trusted origin's reports may name
 * (meta "agencies:ORIGIN": the strings, each ended by a NUL; absent: any
 * agency). scamdex-sync trust add --agencies sets them; a received
 * report naming another agency is refused (held, not applied). */
#include "store.h"

#include <stdio.h>

#define AG_PREFIX "agencies:"
#define AG_MAX 4096 /* bytes of one origin's list */

static MDB_val ag_key(const char *origin, char *kb, size_t cap)
{
	snprintf(kb, cap, AG_PREFIX "%s", origin);
	MDB_val k = {strlen(kb), kb};
	return k;
}

struct ag_args {
	const char *office;
	const char *const *list;
	size_t n;
};

static int set_fn(struct wtxn *w, void *ctx)
{
	const struct ag_args *a = ctx;
	char kb[sizeof AG_PREFIX + SDX_OFFICE_MAX];
	uint8_t buf[AG_MAX];
	size_t len = 0;
	MDB_val k = ag_key(a->office, kb, sizeof kb);
	if (!a->n) {
		int rc = mdb_del(w->txn, w->db->meta, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	for (size_t i = 0; i < a->n; i++) {
		size_t n = strlen(a->list[i]);
		if (n == 0 || n > SDX_AGENCY_MAX)
			return SDX_EINVAL;
		if (len + n + 1 > sizeof buf)
			return SDX_ETOOLONG;
		memcpy(buf + len, a->list[i], n + 1);
		len += n + 1;
	}
	MDB_val d = {len, buf};
	return mdb_put(w->txn, w->db->meta, &k, &d, 0);
}

int sdx_trust_set_agencies(sdx_db *db, const char *office,
			   const char *const *agencies, size_t n)
{
	if (!db || !office || !office_ok(office) || (n && !agencies))
		return SDX_EINVAL;
	if (db->rdonly)
		return SDX_EREADONLY;
	struct ag_args a = {office, agencies, n};
	return store_write(db, set_fn, &a);
}

int sdx_trust_agencies(sdx_db *db, const char *office, char *buf, size_t cap,
		       size_t *n)
{
	if (!db || !office || !buf || !cap || !n || !office_ok(office))
		return SDX_EINVAL;
	*n = 0;
	buf[0] = 0;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	char kb[sizeof AG_PREFIX + SDX_OFFICE_MAX];
	MDB_val k = ag_key(office, kb, sizeof kb), d;
	rc = mdb_get(rd->txn, db->meta, &k, &d);
	if (!rc) {
		if (d.mv_size > cap) {
			rc = SDX_ETOOLONG;
		} else {
			memcpy(buf, d.mv_data, d.mv_size);
			for (size_t i = 0; i < d.mv_size; i++)
				*n += buf[i] == 0;
		}
	}
	reader_put(rd);
	return rc == MDB_NOTFOUND ? 0 : store_err(rc);
}

int agency_allowed(struct wtxn *w, const char *origin, const char *agency,
		   size_t len, int *ok)
{
	*ok = 1;
	/* once a transaction: does any origin have a list? */
	if (!w->ag_checked) {
		MDB_cursor *c;
		MDB_val k = {sizeof AG_PREFIX - 1, AG_PREFIX}, d;
		int rc = mdb_cursor_open(w->txn, w->db->meta, &c);
		if (rc)
			return rc;
		rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
		w->ag_any = !rc && k.mv_size > sizeof AG_PREFIX - 1 &&
			    !memcmp(k.mv_data, AG_PREFIX, sizeof AG_PREFIX - 1);
		mdb_cursor_close(c);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
		w->ag_checked = 1;
	}
	if (!w->ag_any)
		return 0;
	char kb[sizeof AG_PREFIX + SDX_OFFICE_MAX];
	MDB_val k = ag_key(origin, kb, sizeof kb), d;
	int rc = mdb_get(w->txn, w->db->meta, &k, &d);
	if (rc)
		return rc == MDB_NOTFOUND ? 0 : rc;
	const char *p = d.mv_data, *end = p + d.mv_size;
	*ok = 0;
	while (p < end && !*ok) {
		size_t n = strnlen(p, (size_t)(end - p));
		*ok = n == len && !memcmp(p, agency, len);
		p += n + 1;
	}
	return 0;
}
