/* oplog.c: the operation log: appending, the fingerprint, reading,
 * and verify's check of every origin's chain. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

#include "hash.h"

/* seed of the keyed operation hash in the set fingerprint */
#define FP_SEED 0x73636d6478667031ull /* "scmdxfp1" */

void fp_update(origin_rec *o, uint64_t seq, int type, const uint8_t digest[32])
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

/* Write entry (o's index, seq); at_end: it is the log's new last one. */
static int entry_put(struct wtxn *w, const origin_rec *o, uint64_t seq,
		     int type, int audience, const uint8_t digest[32],
		     const uint8_t chain[32], const uint8_t *body, size_t len,
		     const uint8_t *ref, int at_end, int refused)
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
	if (!at_end)
		rc = mdb_put(w->txn, w->db->oplog, &k, &d, MDB_RESERVE);
	else if (!w->log_cur)
		rc = mdb_cursor_open(w->txn, w->db->oplog, &w->log_cur);
	if (rc ||
	    (at_end && (rc = mdb_cursor_put(w->log_cur, &k, &d, MDB_RESERVE))))
		return rc;
	uint8_t *v = d.mv_data;
	map_ahead(w, v);
	v[0] = (uint8_t)(type & ~SDX_MARK_MASK);
	v[1] = (uint8_t)audience;
	v[2] = (uint8_t)((ref	 ? OPF_REF
			  : body ? 0
				 : OPF_REDACTED) |
			 (refused ? OPF_REFUSED : 0));
	v[3] = (uint8_t)(type & SDX_MARK_MASK);
	memcpy(v + 4, digest, 32);
	memcpy(v + 36, chain, 32);
	if (body && len)
		memcpy(v + OPLOG_HDR, body, len);
	return 0;
}

int oplog_put(struct wtxn *w, origin_rec *o, uint64_t seq, int type,
	      int audience, const uint8_t digest[32], const uint8_t chain[32],
	      const uint8_t *body, size_t len, const uint8_t *ref)
{
	int rc = entry_put(w, o, seq, type, audience, digest, chain, body, len,
			   ref, 1, 0);
	if (rc)
		return rc;
	o->seq = seq;
	memcpy(o->chain, chain, 32);
	fp_update(o, seq, type, digest);
	o->dirty = 1;
	return 0;
}

int oplog_put_refused(struct wtxn *w, origin_rec *o, uint64_t seq, int type,
		      int audience, const uint8_t digest[32],
		      const uint8_t chain[32], const uint8_t *body, size_t len)
{
	int rc = entry_put(w, o, seq, type, audience, digest, chain, body, len,
			   NULL, 1, 1);
	if (rc)
		return rc;
	o->seq = seq;
	memcpy(o->chain, chain, 32);
	fp_update(o, seq, type, digest);
	o->dirty = 1;
	return 0;
}

int oplog_is_redacted(struct wtxn *w, const origin_rec *o, uint64_t seq,
		      const uint8_t digest[32], const uint8_t chain[32])
{
	uint8_t kb[12];
	be32_put(kb, o->index);
	be64_put(kb + 4, seq);
	MDB_val k = {12, kb}, d;
	int rc = mdb_get(w->txn, w->db->oplog, &k, &d);
	if (rc)
		return rc == MDB_NOTFOUND ? SDX_ECORRUPT : rc;
	const uint8_t *v = d.mv_data;
	if (d.mv_size < OPLOG_HDR)
		return SDX_ECORRUPT;
	return (v[2] & OPF_REDACTED) && !memcmp(v + 4, digest, 32) &&
	       !memcmp(v + 36, chain, 32);
}

int oplog_fill(struct wtxn *w, const origin_rec *o, uint64_t seq, int type,
	       int audience, const uint8_t digest[32], const uint8_t chain[32],
	       const uint8_t *body, size_t len, const uint8_t *ref, int refused)
{
	return entry_put(w, o, seq, type, audience, digest, chain, body, len,
			 refused ? NULL : ref, 0, refused);
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
	/* the mark signs the audience; a police-only body's digest is
	 * keyed with this office's secret (scamdex-bundle(5)) */
	uint8_t digest[32], chain[32], secret[32];
	type |= SDX_MARK_V2;
	if (audience == SDX_AUD_POLICE) {
		type |= SDX_MARK_POLICE;
		if ((rc = dsecret_own(w, secret)))
			return rc;
		sdx_digest_keyed(body, len, secret, digest);
	} else {
		sdx_digest(body, len, digest);
	}
	sdx_chain_next(o->chain, type, digest, chain);
	*seq = o->seq + 1;
	return oplog_put(w, o, o->seq + 1, type, audience, digest, chain, body,
			 len, ref);
}

/* ---- reading ---- */

const char *sdx_op_type_name(int type)
{
	static const char *const names[] = {
	    "?", "add", "retract", "allow", "disallow", "dispute", "resolve"};
	return type >= 1 && type <= 6 ? names[type] : "?";
}

/* A read transaction and an oplog cursor for origin's operations:
 * SDX_ENOTFOUND (nothing to release) when the origin is unknown. */
static int scan_open(sdx_db *db, const char *origin, struct reader **rd,
		     origin_rec *o, MDB_cursor **c)
{
	int rc = reader_get(db, rd);
	if (rc)
		return rc;
	if ((rc = origin_read((*rd)->txn, db, origin, o)) ||
	    (rc = store_err(mdb_cursor_open((*rd)->txn, db->oplog, c)))) {
		reader_put(*rd);
		return rc;
	}
	return 0;
}

int sdx_oplog_scan(sdx_db *db, const char *origin, uint64_t after, sdx_op_cb cb,
		   void *ctx)
{
	if (!db || !origin || !cb)
		return SDX_EINVAL;
	struct reader *rd;
	origin_rec o;
	MDB_cursor *c;
	int rc = scan_open(db, origin, &rd, &o, &c);
	if (rc)
		return rc == SDX_ENOTFOUND ? 0 : rc;
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
		op.mark = v[3];
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

int sdx_oplog_first_redacted(sdx_db *db, const char *origin, uint64_t *seq)
{
	if (!db || !origin || !seq)
		return SDX_EINVAL;
	*seq = 0;
	struct reader *rd;
	origin_rec o;
	MDB_cursor *c;
	int rc = scan_open(db, origin, &rd, &o, &c);
	if (rc)
		return rc == SDX_ENOTFOUND ? 0 : rc;
	uint8_t kb[12];
	be32_put(kb, o.index);
	be64_put(kb + 4, 1);
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
		if (v[2] & OPF_REDACTED) {
			*seq = be64_get(key + 4);
			break;
		}
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
