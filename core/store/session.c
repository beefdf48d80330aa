/* session.c: applying received operations in one write transaction
 * that survives a full map (its steps are replayed on a grown map). */
#include "store.h"

#include <stdlib.h>

#include "hash.h"

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
	/* sdx_apply_source: where the bodies of ops given by
	 * sdx_apply_op_at are read again (the log keeps only where) */
	sdx_apply_read_fn src;
	void *src_ctx;
	struct spill log;
	struct addset adds; /* the session's new reports, written at commit */
	int open;
	size_t expected; /* the room sdx_apply_expect made (0: none) */
};

static int session_begin(struct sdx_apply *a)
{
	int rc = wtxn_begin(a->db, &a->w);
	a->w.adds = &a->adds;
	addset_clear(&a->adds);
	a->adds.dir = store_dir(a->db);
	a->adds.nodedup = 1; /* twins are found at commit (addset.c) */
	/* a large session may rewrite `report` and `entity` by a sorted
	 * merge at its commit (addset.c, merge.c): the merge reads what they
	 * held from the last commit, so it is allowed only while every op of
	 * the session is an ADD (kept in the addset); any other writes those
	 * tables at once (no_merge) */
	a->adds.merge_ok = 1;
	return rc;
}

/* R_OP_AT: an op whose body the log does not keep: its header, then
 * where the source holds the body (8 bytes) */
enum { R_OP = 1, R_SIG = 2, R_VV = 3, R_SECRET = 4, R_OP_AT = 5 };

/* op header in the replay log */
struct op_hdr {
	char origin[SDX_OFFICE_MAX + 1];
	uint64_t seq;
	int32_t type, audience, redacted, mark;
	uint32_t len; /* of the body */
	uint8_t digest[32], chain[32];
};

/* An op other than an ADD (retract, dispute, resolve, allow, disallow)
 * writes `report`, `entity` and their indexes in the transaction at
 * once: the session's commit then writes its reports by ordinary puts,
 * not by a merge from the last commit, which would undo those writes. */
static void no_merge(struct wtxn *w, int type)
{
	if (type != SDX_OP_ADD && w->adds)
		w->adds->merge_ok = 0;
}

/* An operation held here as its digest alone arrives with its body:
 * redacted is not held, so the body takes its place (its digest and
 * chain must be the ones held: the fingerprint does not change). */
static int fill_in(struct wtxn *w, int verified, origin_rec *o,
		   const sdx_op *op, int *applied)
{
	uint8_t digest[32], ref[16];
	int has_ref = 0, rc;
	if (!verified) {
		if ((rc = store_op_digest(w, o->id, op->mark, op->body,
					  op->body_len, digest)))
			return rc;
		if (memcmp(digest, op->digest, 32))
			return SDX_ESIGNATURE;
	}
	rc = oplog_is_redacted(w, o, op->seq, op->digest, op->chain);
	if (rc <= 0)
		return rc;
	op_ctx oc = {o->id, op->seq, 0, o->index, o->role};
	int refused = 0;
	no_merge(w, op->type);
	rc =
	    apply_body(w, &oc, op->type, op->body, op->body_len, ref, &has_ref);
	if (rc == APPLY_REFUSED)
		refused = 1;
	else if (rc)
		return rc;
	rc = oplog_fill(w, o, op->seq, op->type | op->mark, op->audience,
			op->digest, op->chain, op->body, op->body_len,
			has_ref ? ref : NULL, refused);
	if (!rc)
		*applied = refused ? 2 : 1;
	return rc;
}

static int op_do(struct wtxn *w, int verified, const sdx_op *op, int *applied)
{
	*applied = 0;
	if (!op->origin || op->seq == 0 || op->type < SDX_OP_ADD ||
	    op->type > SDX_OP_RESOLVE || (op->body && op->body_len == 0) ||
	    op->audience < 0 || op->audience > SDX_AUD_POLICE ||
	    (op->mark & ~SDX_MARK_MASK) || op->mark == SDX_MARK_POLICE)
		return SDX_EINVAL;
	origin_rec *o;
	int rc = origin_load(w, op->origin, 1, &o);
	if (rc)
		return rc;
	if (op->seq <= o->seq)
		return op->body ? fill_in(w, verified, o, op, applied) : 0;
	if (op->seq > o->seq + 1)
		return SDX_EGAP;
	uint8_t chain[32];
	if (op->body && !verified) {
		uint8_t digest[32];
		if ((rc = store_op_digest(w, o->id, op->mark, op->body,
					  op->body_len, digest)))
			return rc;
		if (memcmp(digest, op->digest, 32))
			return SDX_ESIGNATURE;
	}
	if (!verified) {
		sdx_chain_next(o->chain, op->type | op->mark, op->digest,
			       chain);
		if (memcmp(chain, op->chain, 32))
			return SDX_ESIGNATURE;
	}
	/* decode before writing anything: a bad body changes nothing */
	uint8_t ref[16];
	int has_ref = 0;
	if (op->body) {
		op_ctx oc = {o->id, op->seq, 0, o->index, o->role};
		no_merge(w, op->type);
		rc = apply_body(w, &oc, op->type, op->body, op->body_len, ref,
				&has_ref);
		if (rc == APPLY_REFUSED) {
			/* held in the log (the chain goes on, relays forward
			 * it, every receiver judges it alike), not applied */
			rc = oplog_put_refused(
			    w, o, op->seq, op->type | op->mark, op->audience,
			    op->digest, op->chain, op->body, op->body_len);
			if (!rc)
				*applied = 2;
			return rc;
		}
		if (rc)
			return rc;
	}
	rc = oplog_put(w, o, op->seq, op->type | op->mark, op->audience,
		       op->digest, op->chain, op->body, op->body_len,
		       has_ref ? ref : NULL);
	if (!rc)
		*applied = 1;
	return rc;
}

/* The body of an R_OP_AT step read again from the source: it must be
 * the one whose digest the op carries (the digest the caller verified,
 * or, unverified, the one op_do checks), or the source changed since. */
static int read_again(struct sdx_apply *a, const struct op_hdr *h,
		      const uint8_t *p, uint8_t **body)
{
	uint64_t where;
	uint8_t digest[32];
	memcpy(&where, p, 8);
	if (!(*body = malloc(h->len ? h->len : 1)))
		return SDX_ENOMEM;
	int rc = a->src(a->src_ctx, where, *body, h->len);
	if (!rc &&
	    !(rc = store_op_digest(&a->w, h->origin, h->mark, *body, h->len,
				   digest)) &&
	    memcmp(digest, h->digest, 32))
		rc = SDX_ESIGNATURE;
	return rc;
}

static int replay_one(struct sdx_apply *a, uint8_t tag, const uint8_t *p,
		      size_t n)
{
	struct wtxn *w = &a->w;
	if (tag == R_OP || tag == R_OP_AT) {
		struct op_hdr h;
		uint8_t *body = NULL;
		int rc = 0;
		memcpy(&h, p, sizeof h);
		if (tag == R_OP_AT &&
		    (rc = read_again(a, &h, p + sizeof h, &body))) {
			free(body);
			return rc;
		}
		sdx_op op = {h.origin,
			     h.seq,
			     h.type,
			     h.audience,
			     h.redacted ? NULL
			     : body	? body
					: p + sizeof h,
			     h.len,
			     {0},
			     {0},
			     h.mark};
		memcpy(op.digest, h.digest, 32);
		memcpy(op.chain, h.chain, 32);
		int applied;
		rc = op_do(w, a->verified, &op, &applied);
		free(body);
		return rc;
	}
	if (tag == R_SIG) {
		uint64_t seq;
		memcpy(&seq, p + SDX_OFFICE_MAX + 1, 8);
		return origin_set_sig(w, (const char *)p, seq,
				      p + SDX_OFFICE_MAX + 9);
	}
	if (tag == R_SECRET)
		return dsecret_write(w->txn, w->db, (const char *)p,
				     p + SDX_OFFICE_MAX + 1);
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
	a->db->replays++; /* under the write mutex */
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
			rc = replay_one(a, tag, log + off + 5, n);
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

/* The room made is what the commit asks for the same reports (their
 * bodies and identifier keys wait in the session's addset: addset_bytes),
 * so that a session that said what comes is not replayed at its commit. */
int sdx_apply_expect_idents(sdx_apply *a, size_t ops, size_t idents,
			    size_t bytes)
{
	if (!a || !a->open || a->log.len)
		return SDX_EINVAL;
	/* nothing written in the session yet */
	a->expected = store_need(a->db, ops, idents, bytes);
	int rc = wtxn_make_room(&a->w, a->expected);
	if (!a->w.txn)
		a->open = 0;
	return store_err(rc);
}

/* About two identifiers an op, with keys of up to EXPECT_KEY bytes. */
#define EXPECT_KEY 48

int sdx_apply_expect(sdx_apply *a, size_t ops, size_t bytes)
{
	return sdx_apply_expect_idents(a, ops, 2 * ops,
				       bytes + 2 * ops * EXPECT_KEY);
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

/* where: NULL, or where the source holds op's body (the log keeps that
 * instead of the body) */
static int apply_op(sdx_apply *a, const sdx_op *op, const uint64_t *where,
		    int *applied)
{
	int dummy;
	if (!a || !op || !op->origin || op->body_len > UINT32_MAX)
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
	h.mark = op->mark;
	h.len = op->body ? (uint32_t)op->body_len : 0;
	memcpy(h.digest, op->digest, 32);
	memcpy(h.chain, op->chain, 32);
	if (where && op->body && a->src)
		return step(a, R_OP_AT, &h, sizeof h, where, 8, op_fn, op,
			    applied);
	return step(a, R_OP, &h, sizeof h, op->body, h.len, op_fn, op, applied);
}

int sdx_apply_op(sdx_apply *a, const sdx_op *op, int *applied)
{
	return apply_op(a, op, NULL, applied);
}

int sdx_apply_stable(sdx_apply *a, const uint8_t *base, size_t len)
{
	if (!a || !a->open)
		return SDX_EINVAL;
	a->adds.ext = base;
	a->adds.ext_len = base ? len : 0;
	return 0;
}

int sdx_apply_source(sdx_apply *a, sdx_apply_read_fn fn, void *ctx)
{
	if (!a || !a->open || !fn || a->log.len)
		return SDX_EINVAL;
	a->src = fn;
	a->src_ctx = ctx;
	return 0;
}

int sdx_apply_op_at(sdx_apply *a, const sdx_op *op, uint64_t where,
		    int *applied)
{
	return apply_op(a, op, &where, applied);
}

struct sig_step {
	const char *origin;
	uint64_t seq;
	const uint8_t *sig;
};

static int sig_fn(struct sdx_apply *a, const void *arg, int *out)
{
	const struct sig_step *s = arg;
	return origin_set_sig(&a->w, s->origin, s->seq, s->sig);
}

const char *sdx_apply_refusal(const sdx_apply *a)
{
	return a && a->w.refusal ? a->w.refusal : "";
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

struct secret_step {
	const char *origin;
	const uint8_t *secret;
};

static int secret_fn(struct sdx_apply *a, const void *arg, int *out)
{
	const struct secret_step *s = arg;
	(void)out;
	return dsecret_write(a->w.txn, a->db, s->origin, s->secret);
}

int sdx_apply_digest_secret(sdx_apply *a, const char *origin,
			    const uint8_t secret[32])
{
	if (!a || !origin || !secret || !office_ok(origin))
		return SDX_EINVAL;
	uint8_t h[SDX_OFFICE_MAX + 1 + 32] = {0};
	if (bounded_copy((char *)h, SDX_OFFICE_MAX, origin))
		return SDX_EINVAL;
	memcpy(h + SDX_OFFICE_MAX + 1, secret, 32);
	struct secret_step s = {origin, secret};
	return step(a, R_SECRET, h, sizeof h, NULL, 0, secret_fn, &s, NULL);
}

struct vv_step {
	const char *peer;
	const sdx_vv_entry *vv;
	size_t n;
};

static int vv_step_fn(struct sdx_apply *a, const void *arg, int *out)
{
	const struct vv_step *v = arg;
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
	struct vv_step v = {peer, vv, n};
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
	size_t need = a->open ? addset_bytes(&a->adds, a->db) : 0;
	size_t short_by = need ? store_room_short(a->db, need) : 0;
	if (a->expected && need > a->expected)
		a->db->expect_short++;
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
