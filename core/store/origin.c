/* origin.c: origins (version vector entry, chain, fingerprint, signature,
 * trust, role) in sub-db `origin`, cached in a write transaction. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

#define ORIGIN_LEN 168

static void origin_encode(const origin_rec *o, uint8_t b[ORIGIN_LEN])
{
	memset(b, 0, ORIGIN_LEN);
	b[0] = 1;
	b[1] = (uint8_t)o->trusted;
	b[2] =
	    (uint8_t)(o->role + 1); /* 0: none (a record made before roles) */
	le32_put(b + 4, o->index);
	le64_put(b + 8, o->seq);
	memcpy(b + 16, o->chain, 32);
	memcpy(b + 48, o->fp, 16);
	le64_put(b + 64, o->sig_seq);
	memcpy(b + 72, o->sig, 64);
	memcpy(b + 136, o->pubkey, 32);
}

int origin_decode(const MDB_val *k, const MDB_val *d, origin_rec *o)
{
	const uint8_t *b = d->mv_data;
	if (d->mv_size != ORIGIN_LEN || b[0] != 1 ||
	    k->mv_size > SDX_OFFICE_MAX)
		return SDX_ECORRUPT;
	memcpy(o->id, k->mv_data, k->mv_size);
	o->id[k->mv_size] = 0;
	o->trusted = b[1];
	o->role = b[2] > 2 ? SDX_OFFICE_NOROLE : (int)b[2] - 1;
	o->index = le32_get(b + 4);
	o->seq = le64_get(b + 8);
	memcpy(o->chain, b + 16, 32);
	memcpy(o->fp, b + 48, 16);
	o->sig_seq = le64_get(b + 64);
	memcpy(o->sig, b + 72, 64);
	memcpy(o->pubkey, b + 136, 32);
	o->dirty = 0;
	return 0;
}

int origin_read(MDB_txn *txn, struct sdx_db *db, const char *origin,
		origin_rec *o)
{
	MDB_val k = {strlen(origin), (void *)origin}, d;
	int rc = mdb_get(txn, db->origin, &k, &d);
	if (rc)
		return rc == MDB_NOTFOUND ? SDX_ENOTFOUND : store_err(rc);
	return origin_decode(&k, &d, o);
}

static int origin_write(struct wtxn *w, origin_rec *o)
{
	uint8_t b[ORIGIN_LEN];
	origin_encode(o, b);
	MDB_val k = {strlen(o->id), o->id}, d = {ORIGIN_LEN, b};
	int rc = mdb_put(w->txn, w->db->origin, &k, &d, 0);
	if (!rc)
		o->dirty = 0;
	return rc;
}

int origin_flush(struct wtxn *w)
{
	for (int i = 0; i < w->norig; i++) {
		if (!w->orig[i].dirty)
			continue;
		int rc = origin_write(w, &w->orig[i]);
		if (rc)
			return rc;
	}
	return 0;
}

int office_ok(const char *s)
{
	size_t n = strnlen(s, SDX_OFFICE_MAX + 1);
	if (n == 0 || n > SDX_OFFICE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

int origin_load(struct wtxn *w, const char *origin, int create,
		origin_rec **out)
{
	for (int i = 0; i < w->norig; i++)
		if (!strcmp(w->orig[i].id, origin)) {
			*out = &w->orig[i];
			return 0;
		}
	if (!office_ok(origin))
		return SDX_EINVAL;
	int rc;
	if (w->norig == WTXN_ORIGINS) {
		if ((rc = origin_flush(w)))
			return rc;
		w->norig = 0;
	}
	origin_rec *o = &w->orig[w->norig];
	rc = origin_read(w->txn, w->db, origin, o);
	if (rc == SDX_ENOTFOUND) {
		if (!create)
			return rc;
		memset(o, 0, sizeof *o);
		bounded_copy(o->id, SDX_OFFICE_MAX, origin);
		uint64_t next = 0;
		rc = meta_get_u64(w->txn, w->db, "next_origin", &next);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
		o->index = (uint32_t)next;
		if ((rc = meta_put_u64(w->txn, w->db, "next_origin", next + 1)))
			return rc;
		sdx_chain_start(origin, o->chain);
		o->role = SDX_OFFICE_NOROLE;
		o->dirty = 1;
	} else if (rc) {
		return rc;
	}
	w->norig++;
	*out = o;
	return 0;
}

static void info_from(const origin_rec *o, sdx_origin_info *out)
{
	memset(out, 0, sizeof *out);
	memcpy(out->origin, o->id, sizeof out->origin);
	out->seq = o->seq;
	memcpy(out->chain, o->chain, 32);
	memcpy(out->fingerprint, o->fp, 16);
	out->sig_seq = o->sig_seq;
	memcpy(out->sig, o->sig, 64);
	out->trusted = o->trusted;
	out->role = o->role;
	memcpy(out->pubkey, o->pubkey, 32);
}

/* Every record of sub-db `dbi` in key order, in one read snapshot,
 * through fn; fn returns non-zero to stop, and that value is returned. */
int store_scan_all(struct sdx_db *db, MDB_dbi dbi,
		   int (*fn)(const MDB_val *k, const MDB_val *d, void *ctx),
		   void *ctx)
{
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	MDB_cursor *c;
	if ((rc = mdb_cursor_open(rd->txn, dbi, &c))) {
		reader_put(rd);
		return store_err(rc);
	}
	MDB_val k, d;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		if ((rc = fn(&k, &d, ctx)))
			break;
	mdb_cursor_close(c);
	reader_put(rd);
	return walk_end(rc);
}

struct origins_walk {
	sdx_origin_cb cb;
	void *ctx;
};

static int origins_one(const MDB_val *k, const MDB_val *d, void *ctx)
{
	struct origins_walk *w = ctx;
	origin_rec o;
	sdx_origin_info info;
	int rc = origin_decode(k, d, &o);
	if (rc)
		return rc;
	info_from(&o, &info);
	return w->cb(&info, w->ctx);
}

int sdx_origins(sdx_db *db, sdx_origin_cb cb, void *ctx)
{
	if (!db || !cb)
		return SDX_EINVAL;
	struct origins_walk w = {cb, ctx};
	return store_scan_all(db, db->origin, origins_one, &w);
}

int sdx_origin_get(sdx_db *db, const char *origin, sdx_origin_info *out)
{
	if (!db || !origin || !out)
		return SDX_EINVAL;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	origin_rec o;
	rc = origin_read(rd->txn, db, origin, &o);
	reader_put(rd);
	if (rc)
		return rc;
	info_from(&o, out);
	return 0;
}

/* ---- small writes on origins and peers ---- */

struct sig_args {
	const char *origin;
	uint64_t seq;
	const uint8_t *sig;
};

int origin_set_sig(struct wtxn *w, const char *origin, uint64_t seq,
		   const uint8_t sig[64])
{
	origin_rec *o;
	int rc = origin_load(w, origin, 0, &o);
	if (rc)
		return rc;
	if (seq > o->seq)
		return SDX_EINVAL;
	if (seq <= o->sig_seq)
		return 0;
	o->sig_seq = seq;
	memcpy(o->sig, sig, 64);
	o->dirty = 1;
	return 0;
}

static int set_sig_fn(struct wtxn *w, void *ctx)
{
	struct sig_args *a = ctx;
	return origin_set_sig(w, a->origin, a->seq, a->sig);
}

int sdx_origin_set_signature(sdx_db *db, const char *origin, uint64_t seq,
			     const uint8_t sig[64])
{
	if (!db || !origin || !sig)
		return SDX_EINVAL;
	struct sig_args a = {origin, seq, sig};
	return store_write(db, set_sig_fn, &a);
}

struct trust_args {
	const char *office;
	const uint8_t *pubkey;
	int role; /* SDX_OFFICE_NOROLE: keep the record's */
};

static int trust_fn(struct wtxn *w, void *ctx)
{
	struct trust_args *a = ctx;
	origin_rec *o;
	int rc = origin_load(w, a->office, a->pubkey != NULL, &o);
	if (rc)
		return rc;
	if (!a->pubkey && !o->trusted)
		return SDX_ENOTFOUND;
	if (a->pubkey) {
		o->trusted = 1;
		memcpy(o->pubkey, a->pubkey, 32);
		if (a->role != SDX_OFFICE_NOROLE)
			o->role = a->role;
	} else {
		o->trusted = 0;
		memset(o->pubkey, 0, 32);
	}
	o->dirty = 1;
	return 0;
}

int sdx_trust_add(sdx_db *db, const char *office, const uint8_t pubkey[32])
{
	if (!db || !office || !pubkey)
		return SDX_EINVAL;
	struct trust_args a = {office, pubkey, SDX_OFFICE_NOROLE};
	return store_write(db, trust_fn, &a);
}

int sdx_trust_set(sdx_db *db, const char *office, const uint8_t pubkey[32],
		  int role)
{
	if (!db || !office || !pubkey ||
	    (role != SDX_OFFICE_BANK && role != SDX_OFFICE_POLICE))
		return SDX_EINVAL;
	struct trust_args a = {office, pubkey, role};
	return store_write(db, trust_fn, &a);
}

int sdx_trust_remove(sdx_db *db, const char *office)
{
	if (!db || !office)
		return SDX_EINVAL;
	struct trust_args a = {office, NULL, SDX_OFFICE_NOROLE};
	return store_write(db, trust_fn, &a);
}
