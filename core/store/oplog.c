/* oplog.c: the operation log, origins (version vector, chain,
 * fingerprint, signature, trust) and peers' version vectors. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

#include "hash.h"
#include "grow.h"

#define ORIGIN_LEN 168
#define OPLOG_HDR 68
#define OPF_REDACTED 0x1u
#define OPF_REF 0x2u /* value holds the report id, the body is in `report` */
/* seed of the keyed operation hash in the set fingerprint */
#define FP_SEED 0x73636d6478667031ull /* "scmdxfp1" */

static void origin_encode(const origin_rec *o, uint8_t b[ORIGIN_LEN])
{
	memset(b, 0, ORIGIN_LEN);
	b[0] = 1;
	b[1] = (uint8_t)o->trusted;
	le32_put(b + 4, o->index);
	le64_put(b + 8, o->seq);
	memcpy(b + 16, o->chain, 32);
	memcpy(b + 48, o->fp, 16);
	le64_put(b + 64, o->sig_seq);
	memcpy(b + 72, o->sig, 64);
	memcpy(b + 136, o->pubkey, 32);
}

static int origin_decode(const MDB_val *k, const MDB_val *d, origin_rec *o)
{
	const uint8_t *b = d->mv_data;
	if (d->mv_size != ORIGIN_LEN || b[0] != 1 ||
	    k->mv_size > SDX_OFFICE_MAX)
		return SDX_ECORRUPT;
	memcpy(o->id, k->mv_data, k->mv_size);
	o->id[k->mv_size] = 0;
	o->trusted = b[1];
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

static int valid_office(const char *s)
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
	if (!valid_office(origin))
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
		o->dirty = 1;
	} else if (rc) {
		return rc;
	}
	w->norig++;
	*out = o;
	return 0;
}

static void fp_update(origin_rec *o, uint64_t seq, int type,
		      const uint8_t digest[32])
{
	uint8_t buf[SDX_OFFICE_MAX + 1 + 8 + 1 + 32], h[16];
	size_t n = strlen(o->id);
	memcpy(buf, o->id, n);
	buf[n++] = 0;
	be64_put(buf + n, seq);
	n += 8;
	buf[n++] = (uint8_t)type;
	memcpy(buf + n, digest, 32);
	n += 32;
	sdx_hash128_seeded(buf, n, FP_SEED, h);
	for (int i = 0; i < 16; i++)
		o->fp[i] ^= h[i];
}

static int oplog_put(struct wtxn *w, origin_rec *o, uint64_t seq, int type,
		     int audience, const uint8_t digest[32],
		     const uint8_t chain[32], const uint8_t *body, size_t len,
		     const uint8_t *ref)
{
	uint8_t kb[12];
	be32_put(kb, o->index);
	be64_put(kb + 4, seq);
	if (ref) {
		body = ref;
		len = 16;
	}
	MDB_val k = {12, kb}, d = {OPLOG_HDR + (body ? len : 0), NULL};
	/* one cursor for the txn: a log grows at its end, where the
	 * cursor's page already is */
	int rc = 0;
	if (!w->log_cur)
		rc = mdb_cursor_open(w->txn, w->db->oplog, &w->log_cur);
	if (rc || (rc = mdb_cursor_put(w->log_cur, &k, &d, MDB_RESERVE)))
		return rc;
	uint8_t *v = d.mv_data;
	v[0] = (uint8_t)type;
	v[1] = (uint8_t)audience;
	v[2] = ref ? OPF_REF : body ? 0 : OPF_REDACTED;
	v[3] = 0;
	memcpy(v + 4, digest, 32);
	memcpy(v + 36, chain, 32);
	if (body && len)
		memcpy(v + OPLOG_HDR, body, len);
	o->seq = seq;
	memcpy(o->chain, chain, 32);
	fp_update(o, seq, type, digest);
	o->dirty = 1;
	return 0;
}

int oplog_own_body(struct wtxn *w, uint32_t oindex, uint64_t oseq,
		   const uint8_t *body, size_t len)
{
	uint8_t kb[12];
	be32_put(kb, oindex);
	be64_put(kb + 4, oseq);
	MDB_val k = {12, kb}, d;
	int rc = mdb_get(w->txn, w->db->oplog, &k, &d);
	if (rc)
		return rc;
	if (d.mv_size < OPLOG_HDR)
		return SDX_ECORRUPT;
	uint8_t hdr[OPLOG_HDR];
	memcpy(hdr, d.mv_data, OPLOG_HDR);
	hdr[2] &= (uint8_t)~OPF_REF;
	MDB_val nd = {OPLOG_HDR + len, NULL};
	if ((rc = mdb_put(w->txn, w->db->oplog, &k, &nd, MDB_RESERVE)))
		return rc;
	memcpy(nd.mv_data, hdr, OPLOG_HDR);
	memcpy((uint8_t *)nd.mv_data + OPLOG_HDR, body, len);
	return 0;
}

int oplog_append_local(struct wtxn *w, int type, int audience,
		       const uint8_t *body, size_t len, const uint8_t *ref,
		       uint64_t *seq)
{
	origin_rec *o;
	int rc = origin_load(w, w->db->office, 1, &o);
	if (rc)
		return rc;
	uint8_t digest[32], chain[32];
	sdx_digest(body, len, digest);
	sdx_chain_next(o->chain, type, digest, chain);
	*seq = o->seq + 1;
	return oplog_put(w, o, o->seq + 1, type, audience, digest, chain, body,
			 len, ref);
}

/* Recompute every origin's chain and fingerprint from its operations
 * (bodies digested again, ADD bodies read from `report`) and report each
 * difference through say(). */
int oplog_verify(MDB_txn *txn, struct sdx_db *db,
		 int (*say)(void *ctx, const char *msg), void *ctx)
{
	MDB_cursor *oc, *c;
	MDB_val k, d;
	char msg[256];
	int rc = mdb_cursor_open(txn, db->origin, &oc);
	if (rc)
		return rc;
	if ((rc = mdb_cursor_open(txn, db->oplog, &c))) {
		mdb_cursor_close(oc);
		return rc;
	}
	for (rc = mdb_cursor_get(oc, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(oc, &k, &d, MDB_NEXT)) {
		origin_rec o, calc;
		if (origin_decode(&k, &d, &o)) {
			snprintf(msg, sizeof msg,
				 "origin record %.*s cannot be decoded",
				 (int)(k.mv_size > 64 ? 64 : k.mv_size),
				 (const char *)k.mv_data);
			if ((rc = say(ctx, msg)))
				break;
			continue;
		}
		calc = o;
		sdx_chain_start(o.id, calc.chain);
		memset(calc.fp, 0, 16);
		uint64_t seq = 0;
		int bad = 0;
		uint8_t kb[12];
		be32_put(kb, o.index);
		be64_put(kb + 4, 1);
		MDB_val ok = {12, kb}, od;
		int r2;
		for (r2 = mdb_cursor_get(c, &ok, &od, MDB_SET_RANGE); !r2;
		     r2 = mdb_cursor_get(c, &ok, &od, MDB_NEXT)) {
			const uint8_t *key = ok.mv_data, *v = od.mv_data;
			if (ok.mv_size != 12 || be32_get(key) != o.index)
				break;
			uint64_t s = be64_get(key + 4);
			if (s != seq + 1 || od.mv_size < OPLOG_HDR) {
				bad = 1;
				snprintf(msg, sizeof msg,
					 "oplog of %s: operation %llu "
					 "after %llu",
					 o.id, (unsigned long long)s,
					 (unsigned long long)seq);
				break;
			}
			uint8_t digest[32];
			const uint8_t *body = v + OPLOG_HDR;
			size_t blen = od.mv_size - OPLOG_HDR;
			MDB_val rk = {16, (void *)body}, rv;
			if (v[2] & OPF_REF) {
				if (blen != 16 ||
				    mdb_get(txn, db->report, &rk, &rv)) {
					bad = 1;
					snprintf(msg, sizeof msg,
						 "oplog of %s: operation "
						 "%llu names a missing report",
						 o.id, (unsigned long long)s);
					break;
				}
				body = rv.mv_data;
				blen = rv.mv_size;
			}
			if (!(v[2] & OPF_REDACTED)) {
				sdx_digest(body, blen, digest);
				if (memcmp(digest, v + 4, 32)) {
					bad = 1;
					snprintf(msg, sizeof msg,
						 "oplog of %s: the body of "
						 "operation %llu does not "
						 "match its digest",
						 o.id, (unsigned long long)s);
					break;
				}
			}
			sdx_chain_next(calc.chain, v[0], v + 4, calc.chain);
			if (memcmp(calc.chain, v + 36, 32)) {
				bad = 1;
				snprintf(msg, sizeof msg,
					 "oplog of %s: chain broken at "
					 "operation %llu",
					 o.id, (unsigned long long)s);
				break;
			}
			fp_update(&calc, s, v[0], v + 4);
			seq = s;
		}
		if (!bad && (seq != o.seq || memcmp(calc.chain, o.chain, 32) ||
			     memcmp(calc.fp, o.fp, 16))) {
			bad = 1;
			snprintf(msg, sizeof msg,
				 "origin %s: record says %llu "
				 "operations, the log holds %llu%s",
				 o.id, (unsigned long long)o.seq,
				 (unsigned long long)seq,
				 seq == o.seq
				     ? " with another chain or fingerprint"
				     : "");
		}
		if (bad && (rc = say(ctx, msg)))
			break;
	}
	mdb_cursor_close(c);
	mdb_cursor_close(oc);
	return rc;
}

/* ---- reading ---- */

const char *sdx_op_type_name(int type)
{
	static const char *const names[] = {
	    "?", "add", "retract", "allow", "disallow", "dispute", "resolve"};
	return type >= 1 && type <= 6 ? names[type] : "?";
}

int sdx_oplog_scan(sdx_db *db, const char *origin, uint64_t after, sdx_op_cb cb,
		   void *ctx)
{
	if (!db || !origin || !cb)
		return SDX_EINVAL;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	origin_rec o;
	rc = origin_read(rd->txn, db, origin, &o);
	if (rc) {
		reader_put(rd);
		return rc == SDX_ENOTFOUND ? 0 : rc;
	}
	MDB_cursor *c;
	if ((rc = mdb_cursor_open(rd->txn, db->oplog, &c))) {
		reader_put(rd);
		return store_err(rc);
	}
	uint8_t kb[12];
	be32_put(kb, o.index);
	be64_put(kb + 4, after + 1);
	MDB_val k = {12, kb}, d;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		const uint8_t *key = k.mv_data, *v = d.mv_data;
		if (k.mv_size != 12 || be32_get(key) != o.index)
			break;
		if (d.mv_size < OPLOG_HDR) {
			rc = SDX_ECORRUPT;
			break;
		}
		sdx_op op;
		op.origin = o.id;
		op.seq = be64_get(key + 4);
		op.type = v[0];
		op.audience = v[1];
		op.body = (v[2] & OPF_REDACTED) ? NULL : v + OPLOG_HDR;
		op.body_len = d.mv_size - OPLOG_HDR;
		if (v[2] & OPF_REF) {
			MDB_val rk = {16, (void *)(v + OPLOG_HDR)}, rv;
			if (op.body_len != 16 ||
			    mdb_get(rd->txn, db->report, &rk, &rv)) {
				rc = SDX_ECORRUPT;
				break;
			}
			op.body = rv.mv_data;
			op.body_len = rv.mv_size;
		}
		memcpy(op.digest, v + 4, 32);
		memcpy(op.chain, v + 36, 32);
		if ((rc = cb(&op, ctx)))
			break;
	}
	mdb_cursor_close(c);
	reader_put(rd);
	return walk_end(rc);
}

int sdx_oplog_chain(sdx_db *db, const char *origin, uint64_t seq,
		    uint8_t out[32])
{
	if (!db || !origin || !out)
		return SDX_EINVAL;
	if (seq == 0) {
		sdx_chain_start(origin, out);
		return 0;
	}
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	origin_rec o;
	rc = origin_read(rd->txn, db, origin, &o);
	if (!rc) {
		uint8_t kb[12];
		be32_put(kb, o.index);
		be64_put(kb + 4, seq);
		MDB_val k = {12, kb}, d;
		rc = mdb_get(rd->txn, db->oplog, &k, &d);
		if (!rc && d.mv_size >= OPLOG_HDR)
			memcpy(out, (const uint8_t *)d.mv_data + 36, 32);
		else
			rc = rc == MDB_NOTFOUND ? SDX_ENOTFOUND
			     : rc		? store_err(rc)
						: SDX_ECORRUPT;
	}
	reader_put(rd);
	return rc;
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
	memcpy(out->pubkey, o->pubkey, 32);
}

/* Every record of sub-db `dbi` in key order, in one read snapshot,
 * through fn; fn returns non-zero to stop, and that value is returned. */
static int scan_all(sdx_db *db, MDB_dbi dbi,
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
	return scan_all(db, db->origin, origins_one, &w);
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

static int set_sig(struct wtxn *w, const char *origin, uint64_t seq,
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
	return set_sig(w, a->origin, a->seq, a->sig);
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
};

static int trust_fn(struct wtxn *w, void *ctx)
{
	struct trust_args *a = ctx;
	origin_rec *o;
	int rc = origin_load(w, a->office, a->pubkey != NULL, &o);
	if (rc)
		return rc;
	if (a->pubkey) {
		o->trusted = 1;
		memcpy(o->pubkey, a->pubkey, 32);
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
	struct trust_args a = {office, pubkey};
	return store_write(db, trust_fn, &a);
}

int sdx_trust_remove(sdx_db *db, const char *office)
{
	if (!db || !office)
		return SDX_EINVAL;
	struct trust_args a = {office, NULL};
	return store_write(db, trust_fn, &a);
}

/* peer value: per entry u8 length, origin bytes, u64 seq (LE) */
static int peer_put(struct wtxn *w, const char *peer, const sdx_vv_entry *vv,
		    size_t n)
{
	if (!valid_office(peer))
		return SDX_EINVAL;
	if (n > 65536)
		return SDX_ETOOLONG;
	MDB_val k = {strlen(peer), (void *)peer}, d = {0, NULL};
	for (size_t i = 0; i < n; i++) {
		if (!valid_office(vv[i].origin))
			return SDX_EINVAL;
		d.mv_size += 1 + strlen(vv[i].origin) + 8;
	}
	if (d.mv_size == 0) {
		int rc = mdb_del(w->txn, w->db->peer, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	int rc = mdb_put(w->txn, w->db->peer, &k, &d, MDB_RESERVE);
	if (rc)
		return rc;
	uint8_t *p = d.mv_data;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(vv[i].origin);
		*p++ = (uint8_t)l;
		memcpy(p, vv[i].origin, l);
		p += l;
		le64_put(p, vv[i].seq);
		p += 8;
	}
	return 0;
}

/* Decodes a peer value; calls out for each entry (when vv non-NULL,
 * fills up to cap). Returns the count or a negative status. */
static long peer_decode(const MDB_val *d, sdx_vv_entry *vv, size_t cap)
{
	const uint8_t *p = d->mv_data, *end = p + d->mv_size;
	long n = 0;
	while (p < end) {
		size_t l = *p++;
		if (l == 0 || l > SDX_OFFICE_MAX || (size_t)(end - p) < l + 8)
			return SDX_ECORRUPT;
		if (vv && (size_t)n < cap) {
			memcpy(vv[n].origin, p, l);
			vv[n].origin[l] = 0;
			vv[n].seq = le64_get(p + l);
		}
		p += l + 8;
		n++;
	}
	return n;
}

struct vv_args {
	const char *peer;
	const sdx_vv_entry *vv;
	size_t n;
};

static int vv_fn(struct wtxn *w, void *ctx)
{
	struct vv_args *a = ctx;
	return peer_put(w, a->peer, a->vv, a->n);
}

int sdx_peer_set_vv(sdx_db *db, const char *peer, const sdx_vv_entry *vv,
		    size_t n)
{
	if (!db || !peer || (n && !vv))
		return SDX_EINVAL;
	struct vv_args a = {peer, vv, n};
	return store_write(db, vv_fn, &a);
}

int sdx_peer_get_vv(sdx_db *db, const char *peer, sdx_vv_entry *vv, size_t cap,
		    size_t *n)
{
	if (!db || !peer || !n || (cap && !vv))
		return SDX_EINVAL;
	*n = 0;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	MDB_val k = {strlen(peer), (void *)peer}, d;
	rc = mdb_get(rd->txn, db->peer, &k, &d);
	if (!rc) {
		long cnt = peer_decode(&d, vv, cap);
		if (cnt < 0)
			rc = (int)cnt;
		else
			*n = (size_t)cnt;
	} else {
		rc = rc == MDB_NOTFOUND ? 0 : store_err(rc);
	}
	reader_put(rd);
	return rc;
}

struct peers_walk {
	sdx_peer_cb cb;
	void *ctx;
	sdx_vv_entry *vv; /* grown as needed, freed by sdx_peers */
};

static int peers_one(const MDB_val *k, const MDB_val *d, void *ctx)
{
	struct peers_walk *w = ctx;
	long cnt = peer_decode(d, NULL, 0);
	char peer[SDX_OFFICE_MAX + 1];
	if (cnt < 0 || k->mv_size > SDX_OFFICE_MAX)
		return SDX_ECORRUPT;
	sdx_vv_entry *nv = realloc(w->vv, ((size_t)cnt + 1) * sizeof *nv);
	if (!nv)
		return SDX_ENOMEM;
	w->vv = nv;
	peer_decode(d, w->vv, (size_t)cnt);
	memcpy(peer, k->mv_data, k->mv_size);
	peer[k->mv_size] = 0;
	return w->cb(peer, w->vv, (size_t)cnt, w->ctx);
}

int sdx_peers(sdx_db *db, sdx_peer_cb cb, void *ctx)
{
	if (!db || !cb)
		return SDX_EINVAL;
	struct peers_walk w = {cb, ctx, NULL};
	int rc = scan_all(db, db->peer, peers_one, &w);
	free(w.vv);
	return rc;
}

/* ---- applying received operations ---- */

/* The session's steps, in order, to run again on a grown map: tag,
 * 32-bit length, bytes. Only a full map reads it, so past 16 MiB it
 * waits in a file (spill.c), not in anonymous memory. */
static int replay_add(struct spill *r, const char *dir, uint8_t tag,
		      const void *a, size_t an, const void *b, size_t bn)
{
	uint8_t h[5];
	size_t off;
	int rc;
	h[0] = tag;
	le32_put(h + 1, (uint32_t)(an + bn));
	if ((rc = spill_append(r, dir, h, 5, &off)) ||
	    (an && (rc = spill_append(r, dir, a, an, &off))) ||
	    (bn && (rc = spill_append(r, dir, b, bn, &off))))
		return rc;
	return 0;
}

struct sdx_apply {
	struct sdx_db *db;
	struct wtxn w;
	int verified; /* sdx_apply_verified: digests and chains checked */
	struct spill log;
	struct addset adds; /* the session's new reports, written at commit */
	int open;
};

static int session_begin(struct sdx_apply *a)
{
	int rc = wtxn_begin(a->db, &a->w);
	a->w.adds = &a->adds;
	addset_clear(&a->adds);
	a->adds.dir = store_dir(a->db);
	a->adds.nodedup = 1; /* twins are found at commit (addset.c) */
	return rc;
}

enum { R_OP = 1, R_SIG = 2, R_VV = 3 };

/* op header in the replay log */
struct op_hdr {
	char origin[SDX_OFFICE_MAX + 1];
	uint64_t seq;
	int32_t type, audience, redacted;
	uint8_t digest[32], chain[32];
};

static int op_do(struct wtxn *w, int verified, const sdx_op *op, int *applied)
{
	*applied = 0;
	if (!op->origin || op->seq == 0 || op->type < SDX_OP_ADD ||
	    op->type > SDX_OP_RESOLVE || (op->body && op->body_len == 0) ||
	    op->audience < 0 || op->audience > SDX_AUD_POLICE)
		return SDX_EINVAL;
	origin_rec *o;
	int rc = origin_load(w, op->origin, 1, &o);
	if (rc)
		return rc;
	if (op->seq <= o->seq)
		return 0;
	if (op->seq > o->seq + 1)
		return SDX_EGAP;
	uint8_t chain[32];
	if (op->body && !verified) {
		uint8_t digest[32];
		sdx_digest(op->body, op->body_len, digest);
		if (memcmp(digest, op->digest, 32))
			return SDX_ESIGNATURE;
	}
	if (!verified) {
		sdx_chain_next(o->chain, op->type, op->digest, chain);
		if (memcmp(chain, op->chain, 32))
			return SDX_ESIGNATURE;
	}
	/* decode before writing anything: a bad body changes nothing */
	uint8_t ref[16];
	int has_ref = 0;
	if (op->body) {
		op_ctx oc = {o->id, op->seq, 0, o->index};
		if ((rc = apply_body(w, &oc, op->type, op->body, op->body_len,
				     ref, &has_ref)))
			return rc;
	}
	rc = oplog_put(w, o, op->seq, op->type, op->audience, op->digest,
		       op->chain, op->body, op->body_len, has_ref ? ref : NULL);
	if (!rc)
		*applied = 1;
	return rc;
}

static int replay_one(struct wtxn *w, int verified, uint8_t tag,
		      const uint8_t *p, size_t n)
{
	if (tag == R_OP) {
		struct op_hdr h;
		memcpy(&h, p, sizeof h);
		sdx_op op = {h.origin,
			     h.seq,
			     h.type,
			     h.audience,
			     h.redacted ? NULL : p + sizeof h,
			     n - sizeof h,
			     {0},
			     {0}};
		memcpy(op.digest, h.digest, 32);
		memcpy(op.chain, h.chain, 32);
		int applied;
		return op_do(w, verified, &op, &applied);
	}
	if (tag == R_SIG) {
		uint64_t seq;
		memcpy(&seq, p + SDX_OFFICE_MAX + 1, 8);
		return set_sig(w, (const char *)p, seq, p + SDX_OFFICE_MAX + 9);
	}
	if (tag == R_VV)
		return peer_put(w, (const char *)p,
				(const sdx_vv_entry *)(const void *)(p + 64),
				(n - 64) / sizeof(sdx_vv_entry));
	return SDX_EINVAL;
}

/* After MDB_MAP_FULL: grow, start over, redo what the session did. */
static int recover(struct sdx_apply *a, size_t extra)
{
	int rc = MDB_MAP_FULL;
	for (int tries = 0; rc == MDB_MAP_FULL && tries < 40; tries++) {
		wtxn_abort(&a->w);
		if ((rc = store_grow(a->db, tries ? 1 : extra)))
			break;
		if ((rc = session_begin(a)))
			break;
		const uint8_t *log;
		if ((rc = spill_seal(&a->log, &log)))
			break;
		for (size_t off = 0; !rc && off < a->log.len;) {
			uint8_t tag = log[off];
			size_t n = le32_get(log + off + 1);
			rc = replay_one(&a->w, a->verified, tag, log + off + 5,
					n);
			off += 5 + n;
		}
	}
	if (rc)
		a->open = 0;
	return rc;
}

int sdx_apply_begin(sdx_db *db, sdx_apply **out)
{
	if (!db || !out)
		return SDX_EINVAL;
	*out = NULL;
	if (db->rdonly)
		return SDX_EREADONLY;
	struct sdx_apply *a = calloc(1, sizeof *a);
	if (!a)
		return SDX_ENOMEM;
	a->db = db;
	pthread_mutex_lock(&db->wmtx);
	int rc = session_begin(a);
	if (rc) {
		pthread_mutex_unlock(&db->wmtx);
		free(a);
		return store_err(rc);
	}
	a->open = 1;
	*out = a;
	return 0;
}

int sdx_apply_verified(sdx_apply *a)
{
	if (!a || !a->open)
		return SDX_EINVAL;
	a->verified = 1;
	return 0;
}

int sdx_apply_expect(sdx_apply *a, size_t ops, size_t bytes)
{
	if (!a || !a->open || a->log.len)
		return SDX_EINVAL;
	/* about two identifiers an op; nothing written in the session yet */
	int rc = wtxn_make_room(&a->w, store_need(a->db, ops, 2 * ops, bytes));
	if (!a->w.txn)
		a->open = 0;
	return store_err(rc);
}

/* Runs one step, recovering from a full map. */
static int step(struct sdx_apply *a, uint8_t tag, const void *h, size_t hn,
		const void *body, size_t bn,
		int (*fn)(struct sdx_apply *a, const void *arg, int *out),
		const void *arg, int *out)
{
	if (!a->open)
		return SDX_EINVAL;
	int rc;
	for (int tries = 0;; tries++) {
		rc = fn(a, arg, out);
		if (rc != MDB_MAP_FULL || tries >= 40)
			break;
		if ((rc = recover(a, 1)))
			return store_err(rc);
	}
	if (rc)
		return store_err(rc);
	return replay_add(&a->log, a->adds.dir, tag, h, hn, body, bn);
}

static int op_fn(struct sdx_apply *a, const void *arg, int *out)
{
	return op_do(&a->w, a->verified, arg, out);
}

int sdx_apply_op(sdx_apply *a, const sdx_op *op, int *applied)
{
	int dummy;
	if (!a || !op || !op->origin)
		return SDX_EINVAL;
	if (!applied)
		applied = &dummy;
	struct op_hdr h;
	memset(&h, 0, sizeof h);
	if (bounded_copy(h.origin, SDX_OFFICE_MAX, op->origin))
		return SDX_EINVAL;
	h.seq = op->seq;
	h.type = op->type;
	h.audience = op->audience;
	h.redacted = op->body == NULL;
	memcpy(h.digest, op->digest, 32);
	memcpy(h.chain, op->chain, 32);
	return step(a, R_OP, &h, sizeof h, op->body,
		    op->body ? op->body_len : 0, op_fn, op, applied);
}

struct sig_step {
	const char *origin;
	uint64_t seq;
	const uint8_t *sig;
};

static int sig_fn(struct sdx_apply *a, const void *arg, int *out)
{
	const struct sig_step *s = arg;
	return set_sig(&a->w, s->origin, s->seq, s->sig);
}

int sdx_apply_signature(sdx_apply *a, const char *origin, uint64_t seq,
			const uint8_t sig[64])
{
	if (!a || !origin || !sig)
		return SDX_EINVAL;
	uint8_t h[SDX_OFFICE_MAX + 1 + 8 + 64] = {0};
	if (bounded_copy((char *)h, SDX_OFFICE_MAX, origin))
		return SDX_EINVAL;
	memcpy(h + SDX_OFFICE_MAX + 1, &seq, 8);
	memcpy(h + SDX_OFFICE_MAX + 9, sig, 64);
	struct sig_step s = {origin, seq, sig};
	return step(a, R_SIG, h, sizeof h, NULL, 0, sig_fn, &s, NULL);
}

static int vv_step_fn(struct sdx_apply *a, const void *arg, int *out)
{
	const struct vv_args *v = arg;
	return peer_put(&a->w, v->peer, v->vv, v->n);
}

int sdx_apply_peer_vv(sdx_apply *a, const char *peer, const sdx_vv_entry *vv,
		      size_t n)
{
	if (!a || !peer || (n && !vv))
		return SDX_EINVAL;
	uint8_t h[64] = {0};
	if (bounded_copy((char *)h, SDX_OFFICE_MAX, peer))
		return SDX_EINVAL;
	struct vv_args v = {peer, vv, n};
	return step(a, R_VV, h, sizeof h, vv, n * sizeof *vv, vv_step_fn, &v,
		    NULL);
}

int sdx_apply_commit(sdx_apply *a)
{
	if (!a)
		return SDX_EINVAL;
	int rc = SDX_EINVAL;
	/* a map too small for the new reports grows now (the session's
	 * operations are replayed once) rather than after a failed write */
	size_t short_by =
	    a->open ? store_room_short(a->db, addset_bytes(&a->adds, a->db))
		    : 0;
	if (short_by && (rc = recover(a, short_by)))
		a->open = 0;
	for (int tries = 0; a->open && tries < 40; tries++) {
		size_t stored;
		rc = addset_write(&a->adds, &a->w, &stored);
		if (rc)
			wtxn_abort(&a->w);
		else
			rc = wtxn_commit(&a->w);
		if (rc != MDB_MAP_FULL)
			break;
		if ((rc = recover(a, 1)))
			break;
		rc = MDB_MAP_FULL;
	}
	if (a->w.txn)
		wtxn_abort(&a->w);
	rc = store_err(rc);
	pthread_mutex_unlock(&a->db->wmtx);
	addset_free(&a->adds);
	spill_free(&a->log);
	free(a);
	return rc;
}

void sdx_apply_abort(sdx_apply *a)
{
	if (!a)
		return;
	wtxn_abort(&a->w);
	pthread_mutex_unlock(&a->db->wmtx);
	addset_free(&a->adds);
	spill_free(&a->log);
	free(a);
}
