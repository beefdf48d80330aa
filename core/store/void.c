/* void.c: undoing an origin's operations after a seq, when its key was
 * stolen (scamdex-sync trust replace --void-after), and the two commands
 * that replace a key. In one write transaction: the operations leave the
 * log (the origin's head, chain and fingerprint go back), then their
 * effects are worked out again from what remains: a report they added is
 * removed unless another operation held adds it too; the retraction and
 * dispute state of every report they touched, and the allowlist entry of
 * every identifier they touched, are rebuilt by applying again, in log
 * order, the operations that remain; every summary they touched is
 * recomputed, an identifier left with nothing is removed, and the check
 * filter is rebuilt. The result is what the database would hold had the
 * voided operations never come. */
#include "store.h"

#include <stdlib.h>

#include "grow.h"
#include "hash.h"

/* Sorted sets of fixed-size keys (report ids) and of entity keys. */
typedef struct idset {
	uint8_t (*v)[16];
	size_t n, cap;
} idset;

typedef struct ekset {
	uint8_t (*v)[EKEY_MAX + 1]; /* [0]: length - 1, then the key */
	size_t n, cap;
} ekset;

typedef struct voider {
	struct wtxn *w;
	idset added;  /* ids of reports the voided ops added */
	idset states; /* reports whose state is rebuilt */
	ekset allows; /* identifiers whose allowlist entry is rebuilt */
	ekset touched;
	/* origin index -> id and role, for replaying */
	struct oname {
		uint32_t index;
		int role;
		char id[SDX_OFFICE_MAX + 1];
	} * names;
	size_t n_names, cap_names;
	int own_role;
	sdx_void_result *res;
} voider;

static int id_put(idset *s, const uint8_t id[16])
{
	int rc = sdx_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v, 64);
	if (rc)
		return rc;
	memcpy(s->v[s->n++], id, 16);
	return 0;
}

static int id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static void id_sort(idset *s)
{
	size_t j = 0;
	if (!s->n)
		return;
	qsort(s->v, s->n, 16, id_cmp);
	for (size_t i = 1; i < s->n; i++)
		if (memcmp(s->v[i], s->v[j], 16))
			memcpy(s->v[++j], s->v[i], 16);
	s->n = j + 1;
}

static uint8_t *id_find(const idset *s, const uint8_t id[16])
{
	return s->n ? bsearch(id, s->v, s->n, 16, id_cmp) : NULL;
}

static int ek_put(ekset *s, const uint8_t *ek, size_t len)
{
	int rc = sdx_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v, 64);
	if (rc)
		return rc;
	memset(s->v[s->n], 0, sizeof *s->v);
	s->v[s->n][0] = (uint8_t)(len - 1);
	memcpy(s->v[s->n++] + 1, ek, len);
	return 0;
}

static int ek_cmp(const void *a, const void *b)
{
	return memcmp(a, b, EKEY_MAX + 1);
}

static void ek_sort(ekset *s)
{
	size_t j = 0;
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof *s->v, ek_cmp);
	for (size_t i = 1; i < s->n; i++)
		if (ek_cmp(s->v[i], s->v[j]))
			memcpy(s->v[++j], s->v[i], sizeof *s->v);
	s->n = j + 1;
}

static int ek_has(const ekset *s, const uint8_t *ek, size_t len)
{
	uint8_t k[EKEY_MAX + 1] = {0};
	k[0] = (uint8_t)(len - 1);
	memcpy(k + 1, ek, len);
	return s->n && bsearch(k, s->v, s->n, sizeof *s->v, ek_cmp) != NULL;
}

/* The report id an ADD entry adds (v: the oplog value). */
static int add_id(MDB_txn *txn, struct sdx_db *db, const MDB_val *d,
		  uint8_t id[16])
{
	const uint8_t *v = d->mv_data;
	codec_report_view rv;
	uint8_t buf[CODEC_REPORT_MAX];
	size_t len;
	(void)txn;
	(void)db;
	if (v[2] & OPF_REF) {
		if (d->mv_size != OPLOG_HDR + 16)
			return SDX_ECORRUPT;
		memcpy(id, v + OPLOG_HDR, 16);
		return 0;
	}
	if (codec_report_view_decode(v + OPLOG_HDR, d->mv_size - OPLOG_HDR,
				     &rv) ||
	    codec_report_view_encode(&rv, 0, buf, sizeof buf, &len))
		return SDX_ECORRUPT;
	sdx_hash128(buf, len, id);
	return 0;
}

/* The body of an entry whose body is held (not an ADD by reference). */
static int entry_body(const MDB_val *d, const uint8_t **body, size_t *len)
{
	const uint8_t *v = d->mv_data;
	if (d->mv_size < OPLOG_HDR || (v[2] & OPF_REF))
		return SDX_ECORRUPT;
	*body = v + OPLOG_HDR;
	*len = d->mv_size - OPLOG_HDR;
	return 0;
}

/* An entry that changed something when it came (not refused, not a
 * digest alone). */
static int effective(const MDB_val *d)
{
	const uint8_t *v = d->mv_data;
	return d->mv_size >= OPLOG_HDR &&
	       !(v[2] & (OPF_REFUSED | OPF_REDACTED));
}

/* What voided entry d did, noted for undoing. */
static int note_effect(voider *x, const MDB_val *d)
{
	const uint8_t *v = d->mv_data, *body;
	uint8_t id[16], ek[EKEY_MAX];
	size_t len;
	int rc;
	if (!effective(d))
		return 0;
	switch (v[0]) {
	case SDX_OP_ADD:
		if ((rc = add_id(x->w->txn, x->w->db, d, id)))
			return rc;
		return id_put(&x->added, id);
	case SDX_OP_RETRACT:
	case SDX_OP_DISPUTE:
	case SDX_OP_RESOLVE: {
		codec_state_op o;
		if ((rc = entry_body(d, &body, &len)) ||
		    codec_state_op_decode(body, len, &o))
			return SDX_ECORRUPT;
		return id_put(&x->states, o.id);
	}
	case SDX_OP_ALLOW:
	case SDX_OP_DISALLOW: {
		codec_allow_op o;
		if ((rc = entry_body(d, &body, &len)) ||
		    codec_allow_op_decode(body, len, &o) ||
		    o.canonical.len >= SDX_CANON_MAX)
			return SDX_ECORRUPT;
		len = ekey_make(o.kind, o.canonical.p, o.canonical.len, ek);
		return ek_put(&x->allows, ek, len);
	}
	default:
		return SDX_ECORRUPT;
	}
}

/* Take o's entries after `after` out of the log and its fingerprint. */
static int remove_entries(voider *x, origin_rec *o, uint64_t after)
{
	struct wtxn *w = x->w;
	MDB_cursor *c;
	uint8_t kb[12];
	int rc = mdb_cursor_open(w->txn, w->db->oplog, &c);
	if (rc)
		return rc;
	for (;;) {
		/* the first entry after `after` (the previous one is gone) */
		be32_put(kb, o->index);
		be64_put(kb + 4, after + 1);
		MDB_val k = {12, kb}, d;
		if ((rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE)))
			break;
		const uint8_t *key = k.mv_data, *v = d.mv_data;
		if (k.mv_size != 12 || be32_get(key) != o->index)
			break;
		if (d.mv_size < OPLOG_HDR) {
			rc = SDX_ECORRUPT;
			break;
		}
		fp_update(o, be64_get(key + 4), v[0] | v[3], v + 4);
		if ((rc = note_effect(x, &d)) || (rc = mdb_cursor_del(c, 0)))
			break;
		x->res->ops++;
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	/* the head goes back to `after` */
	if (after == 0) {
		sdx_chain_start(o->id, o->chain);
	} else {
		be64_put(kb + 4, after);
		MDB_val k2 = {12, kb}, d2;
		if ((rc = mdb_get(w->txn, w->db->oplog, &k2, &d2)) ||
		    d2.mv_size < OPLOG_HDR)
			return rc == MDB_NOTFOUND || !rc ? SDX_ECORRUPT : rc;
		memcpy(o->chain, (const uint8_t *)d2.mv_data + 36, 32);
	}
	o->seq = after;
	if (o->sig_seq > after) {
		/* a signature over voided operations: none held now (the
		 * origin's next segment brings one) */
		o->sig_seq = 0;
		memset(o->sig, 0, 64);
	}
	o->dirty = 1;
	return 0;
}

/* Every origin's index, id and role (replaying needs them). */
static int load_names(voider *x)
{
	struct wtxn *w = x->w;
	MDB_cursor *c;
	MDB_val k, d;
	int rc;
	/* the origins cached in w may be newer than their records */
	if ((rc = origin_flush(w)))
		return rc;
	if ((rc = mdb_cursor_open(w->txn, w->db->origin, &c)))
		return rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		origin_rec o;
		if ((rc = origin_decode(&k, &d, &o)) ||
		    (rc = sdx_grow(&x->names, &x->cap_names, x->n_names + 1,
				   sizeof *x->names, 16)))
			break;
		x->names[x->n_names].index = o.index;
		x->names[x->n_names].role =
		    !strcmp(o.id, w->db->office) ? x->own_role : o.role;
		memcpy(x->names[x->n_names++].id, o.id, sizeof o.id);
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static const struct oname *name_of(const voider *x, uint32_t index)
{
	for (size_t i = 0; i < x->n_names; i++)
		if (x->names[i].index == index)
			return &x->names[i];
	return NULL;
}

/* Reports added by voided ops and by no op that remains leave. */
static int keep_still_added(voider *x)
{
	struct wtxn *w = x->w;
	MDB_cursor *c;
	MDB_val k, d;
	uint8_t id[16], *hit;
	int rc;
	if (!x->added.n)
		return 0;
	id_sort(&x->added);
	if ((rc = mdb_cursor_open(w->txn, w->db->oplog, &c)))
		return rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		const uint8_t *v = d.mv_data;
		if (!effective(&d) || v[0] != SDX_OP_ADD)
			continue;
		if ((rc = add_id(w->txn, w->db, &d, id)))
			break;
		/* still added: out of the set (zeroed, sorted again) */
		if ((hit = id_find(&x->added, id)))
			memset(hit, 0xff, 16);
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc;
	size_t j = 0;
	static const uint8_t gone[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff};
	for (size_t i = 0; i < x->added.n; i++)
		if (memcmp(x->added.v[i], gone, 16))
			memcpy(x->added.v[j++], x->added.v[i], 16);
	x->added.n = j;
	return 0;
}

/* Report id's entity_report entries, written again with `flags`, and
 * its entities noted as touched; del: removed instead. */
static int report_entries(voider *x, const uint8_t id[16],
			  const codec_report_view *v, int del)
{
	struct wtxn *w = x->w;
	uint8_t ek[EKEY_MAX], e0[ER_LEN], e1[ER_LEN];
	int rc;
	er_make(v->incident_date, id, 0, e0);
	er_make(v->incident_date, id, ER_RETRACTED, e1);
	for (size_t i = 0; i < v->n_idents; i++) {
		if (same_entity(v, i))
			continue;
		size_t eklen =
		    ekey_make(v->idents[i].kind, v->idents[i].canonical.p,
			      v->idents[i].canonical.len, ek);
		MDB_val kk = {eklen, ek}, a = {ER_LEN, e0}, b = {ER_LEN, e1};
		rc = mdb_del(w->txn, w->db->entity_report, &kk, &a);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
		rc = mdb_del(w->txn, w->db->entity_report, &kk, &b);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
		if (!del &&
		    (rc = mdb_put(w->txn, w->db->entity_report, &kk, &a, 0)))
			return rc;
		if ((rc = ek_put(&x->touched, ek, eklen)))
			return rc;
	}
	return 0;
}

/* Report id's stored body, decoded in place (valid for the txn):
 * MDB_NOTFOUND when this database does not hold it. */
static int report_view_get(struct wtxn *w, const uint8_t *id,
			   codec_report_view *v)
{
	MDB_val k = {16, (void *)id}, d;
	int rc = mdb_get(w->txn, w->db->report, &k, &d);
	if (rc)
		return rc;
	return codec_report_view_decode(d.mv_data, d.mv_size, v) ? SDX_ECORRUPT
								 : 0;
}

static int remove_reports(voider *x)
{
	struct wtxn *w = x->w;
	int rc;
	for (size_t i = 0; i < x->added.n; i++) {
		MDB_val k = {16, x->added.v[i]};
		codec_report_view v;
		rc = report_view_get(w, x->added.v[i], &v);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc)
			return rc;
		if ((rc = report_entries(x, x->added.v[i], &v, 1)) ||
		    (rc = mdb_del(w->txn, w->db->report, &k, NULL)) ||
		    (rc = id_put(&x->states, x->added.v[i])))
			return rc;
		x->res->reports++;
	}
	return 0;
}

static int store_sum(struct wtxn *w, const uint8_t *ek, size_t eklen,
		     const entity_sum *s)
{
	uint8_t v[ENTITY_MAX];
	MDB_val k = {eklen, (void *)ek}, d = {entity_encode(s, v), v};
	return mdb_put(w->txn, w->db->entity, &k, &d, 0);
}

/* Recompute every touched entity that exists. */
static int recompute_touched(voider *x)
{
	struct wtxn *w = x->w;
	int rc;
	ek_sort(&x->touched);
	for (size_t i = 0; i < x->touched.n; i++) {
		const uint8_t *ek = x->touched.v[i] + 1;
		size_t eklen = (size_t)x->touched.v[i][0] + 1;
		MDB_val k = {eklen, (void *)ek}, d;
		entity_sum s;
		rc = mdb_get(w->txn, w->db->entity, &k, &d);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc ||
		    (rc = entity_recompute(w->txn, w->db, ek, eklen, &s, 1)) ||
		    (rc = store_sum(w, ek, eklen, &s)))
			return rc;
	}
	return 0;
}

/* Wipe the state of every report in x->states (its entries not
 * retracted) and the allowlist entry of every identifier in x->allows. */
static int wipe(voider *x)
{
	struct wtxn *w = x->w;
	int rc;
	id_sort(&x->states);
	ek_sort(&x->allows);
	for (size_t i = 0; i < x->states.n; i++) {
		MDB_val k = {16, x->states.v[i]};
		codec_report_view v;
		rc = mdb_del(w->txn, w->db->rstate, &k, NULL);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
		rc = report_view_get(w, x->states.v[i], &v);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc)
			return rc;
		if ((rc = report_entries(x, x->states.v[i], &v, 0)))
			return rc;
	}
	for (size_t i = 0; i < x->allows.n; i++) {
		const uint8_t *ek = x->allows.v[i] + 1;
		size_t eklen = (size_t)x->allows.v[i][0] + 1;
		MDB_val k = {eklen, (void *)ek};
		rc = mdb_del(w->txn, w->db->allow, &k, NULL);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
		if ((rc = ek_put(&x->touched, ek, eklen)))
			return rc;
	}
	return recompute_touched(x);
}

/* Apply again, in log order, every remaining operation on a report of
 * x->states or an identifier of x->allows (each judged as when it came:
 * by its origin's authority; what changes nothing changes nothing). */
static int replay(voider *x)
{
	struct wtxn *w = x->w;
	MDB_cursor *c;
	MDB_val k, d;
	int rc;
	if (!x->states.n && !x->allows.n)
		return 0;
	if ((rc = mdb_cursor_open(w->txn, w->db->oplog, &c)))
		return rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		const uint8_t *key = k.mv_data, *v = d.mv_data, *body;
		size_t len;
		int type = v[0], r;
		if (k.mv_size != 12 || !effective(&d) || type == SDX_OP_ADD)
			continue;
		if ((rc = entry_body(&d, &body, &len)))
			break;
		const struct oname *on = name_of(x, be32_get(key));
		if (!on) {
			rc = SDX_ECORRUPT;
			break;
		}
		/* judged as received, this office's own too: a dispute of a
		 * report that is gone now waits for it, as at every peer */
		op_ctx oc = {on->id, be64_get(key + 4), 0, on->index, on->role};
		if (type == SDX_OP_ALLOW || type == SDX_OP_DISALLOW) {
			codec_allow_op o;
			uint8_t ek[EKEY_MAX];
			if (codec_allow_op_decode(body, len, &o) ||
			    o.canonical.len >= SDX_CANON_MAX) {
				rc = SDX_ECORRUPT;
				break;
			}
			size_t eklen = ekey_make(o.kind, o.canonical.p,
						 o.canonical.len, ek);
			if (!ek_has(&x->allows, ek, eklen))
				continue;
			r = apply_allow(w, &oc, type, &o);
		} else {
			codec_state_op o;
			if (codec_state_op_decode(body, len, &o)) {
				rc = SDX_ECORRUPT;
				break;
			}
			if (!id_find(&x->states, o.id))
				continue;
			r = apply_state(w, &oc, type, &o);
		}
		/* no-ops and refusals (as when it came) change nothing */
		if (r && r != SDX_EEXISTS && r != SDX_EROLE &&
		    r != SDX_ENOTFOUND && r != SDX_EINVAL) {
			rc = r;
			break;
		}
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Identifiers left with no report and no allowlist entry leave (with
 * their account index entry); the filter is rebuilt without them. */
static int drop_empty(voider *x)
{
	struct wtxn *w = x->w;
	int rc, dropped = 0;
	if ((rc = recompute_touched(x)))
		return rc;
	for (size_t i = 0; i < x->touched.n; i++) {
		const uint8_t *ek = x->touched.v[i] + 1;
		size_t eklen = (size_t)x->touched.v[i][0] + 1;
		MDB_val k = {eklen, (void *)ek}, d;
		entity_sum s;
		allow_rec a;
		rc = mdb_get(w->txn, w->db->entity, &k, &d);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc || (rc = entity_decode(d.mv_data, d.mv_size, &s)))
			return rc;
		if (s.active || s.retracted)
			continue;
		rc = allow_get(w->txn, w->db, ek, eklen, &a);
		if (rc != SDX_ENOTFOUND) {
			if (rc)
				return rc;
			continue;
		}
		if ((rc = mdb_del(w->txn, w->db->entity, &k, NULL)))
			return rc;
		dropped = 1;
		const char *colon = ek[0] == SDX_KIND_BANK
					? memchr(ek + 1, ':', eklen - 1)
					: NULL;
		if (colon) {
			size_t bl = (size_t)(colon - (const char *)(ek + 1));
			MDB_val ak = {eklen - 1 - bl - 1, (void *)(colon + 1)},
				av = {bl, (void *)(ek + 1)};
			rc = mdb_del(w->txn, w->db->account_bank, &ak, &av);
			if (rc && rc != MDB_NOTFOUND)
				return rc;
		}
	}
	return dropped ? filter_rebuild(w) : 0;
}

int void_after(struct wtxn *w, origin_rec *o, uint64_t after,
	       sdx_void_result *res)
{
	voider x;
	int rc;
	memset(&x, 0, sizeof x);
	x.w = w;
	x.res = res;
	x.own_role = store_role(w->txn, w->db);
	if (o->seq <= after)
		return 0;
	if ((rc = remove_entries(&x, o, after)) || (rc = load_names(&x)) ||
	    (rc = keep_still_added(&x)) || (rc = remove_reports(&x)) ||
	    (rc = wipe(&x)) || (rc = replay(&x)) || (rc = drop_empty(&x)))
		goto out;
	res->states = x.states.n;
	res->allows = x.allows.n;
out:
	free(x.added.v);
	free(x.states.v);
	free(x.allows.v);
	free(x.touched.v);
	free(x.names);
	return rc;
}

/* ---- the two commands ---- */

struct replace_args {
	const char *office;
	const uint8_t *pubkey;
	uint64_t after;
	int own; /* sdx_rekey */
	sdx_void_result *res;
};

static int replace_fn(struct wtxn *w, void *ctx)
{
	struct replace_args *a = ctx;
	origin_rec *o;
	int rc;
	memset(a->res, 0, sizeof *a->res);
	if ((rc = origin_load(w, a->office, 0, &o)))
		return rc;
	if (!o->trusted)
		return SDX_ENOTFOUND;
	if (a->own && a->after > o->seq)
		return SDX_EINVAL;
	if ((rc = keyhist_replace(w, o, a->pubkey, a->after)))
		return rc;
	/* the office keeps its own operations: it made them */
	if (!a->own && ((rc = void_after(w, o, a->after, a->res)) ||
			(rc = head_drop_after(w, a->office, a->after))))
		return rc;
	return peer_cap_all(w, a->office, a->after, &a->res->peers);
}

int sdx_trust_replace(sdx_db *db, const char *office, const uint8_t pubkey[32],
		      uint64_t void_after, sdx_void_result *res)
{
	sdx_void_result dummy;
	if (!db || !office || !pubkey || !office_ok(office) ||
	    !strcmp(office, db->office))
		return SDX_EINVAL;
	struct replace_args a = {office, pubkey, void_after, 0,
				 res ? res : &dummy};
	return store_write(db, replace_fn, &a);
}

int sdx_rekey(sdx_db *db, const uint8_t pubkey[32], uint64_t void_after)
{
	sdx_void_result dummy;
	if (!db || !pubkey)
		return SDX_EINVAL;
	struct replace_args a = {db->office, pubkey, void_after, 1, &dummy};
	return store_write(db, replace_fn, &a);
}
