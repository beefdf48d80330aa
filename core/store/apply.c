/* apply.c: the one path every change takes, local or received: add a
 * report, retract, dispute/resolve, allow/disallow. Each keeps every
 * affected summary, index and the filter up to date in the same
 * transaction. Convergence: a retraction of an unknown report is kept and
 * takes effect when the report arrives; dispute/resolve are
 * last-writer-wins by (date, origin, seq), allow/disallow by (Lamport
 * clock, origin, seq). */
#include "store.h"

#include "grow.h"
#include "hash.h"

static int entity_load(struct wtxn *w, const uint8_t *ek, size_t eklen,
		       entity_sum *s, int *is_new)
{
	MDB_val k = {eklen, (void *)ek}, d;
	int rc = mdb_get(w->txn, w->db->entity, &k, &d);
	if (rc == MDB_NOTFOUND) {
		entity_zero(s);
		*is_new = 1;
		return 0;
	}
	*is_new = 0;
	if (rc)
		return rc;
	return entity_decode(d.mv_data, d.mv_size, s);
}

static int entity_store(struct wtxn *w, const uint8_t *ek, size_t eklen,
			const entity_sum *s, int is_new)
{
	int rc;
	if (is_new &&
	    (rc = filter_add_key(w, ek, eklen, sdx_hash64(ek, eklen))))
		return rc;
	uint8_t v[ENTITY_MAX];
	MDB_val k = {eklen, (void *)ek}, d = {entity_encode(s, v), v};
	return mdb_put(w->txn, w->db->entity, &k, &d, 0);
}

/* Mark agency ah as one of the entity's (val: AGENCY_BANK or
 * AGENCY_POLICE); *was: 0 when it was not yet, else its value then. A
 * bank-visible report turns a police-only entry into AGENCY_BANK. */
static int agency_mark(struct wtxn *w, const uint8_t *ek, size_t eklen,
		       uint64_t ah, uint8_t val, int *was)
{
	uint8_t key[EKEY_MAX + 8];
	memcpy(key, ek, eklen);
	be64_put(key + eklen, ah);
	MDB_val k = {eklen + 8, key}, d = {1, &val};
	int rc = 0;
	*was = 0;
	if (!w->ea_cur)
		rc = mdb_cursor_open(w->txn, w->db->entity_agency, &w->ea_cur);
	if (!rc)
		rc = mdb_cursor_put(w->ea_cur, &k, &d, MDB_NOOVERWRITE);
	if (rc != MDB_KEYEXIST)
		return rc;
	/* d: the value there */
	*was = d.mv_size == 1 ? *(const uint8_t *)d.mv_data : AGENCY_BANK;
	if (*was == AGENCY_POLICE && val == AGENCY_BANK) {
		MDB_val d2 = {1, &val};
		return mdb_put(w->txn, w->db->entity_agency, &k, &d2, 0);
	}
	return 0;
}

/* Count agency ah among the entity's distinct agencies, and among the
 * bank view's when the report is bank-visible. One agency lives in the
 * summary itself; the set in entity_agency starts at two, and its values
 * say which agencies the bank view holds (AGENCY_BANK). */
static int agency_add(struct wtxn *w, const uint8_t *ek, size_t eklen,
		      entity_sum *s, uint64_t ah, int police)
{
	int rc, was = 0;
	int bankview = (s->flags & ENT_BANKVIEW) != 0;
	struct entity_bank *b = &s->bank;
	if (s->agencies == 0) {
		s->agencies = 1;
		s->agency1 = ah;
	} else if (s->agencies > 1 || s->agency1 != ah) {
		if (s->agencies == 1) {
			/* the set starts: agency1 is the bank view's own
			 * unless the bank view has none */
			int vis = !bankview || (b->agencies == 1 &&
						b->agency1 == s->agency1);
			if ((rc = agency_mark(w, ek, eklen, s->agency1,
					      vis ? AGENCY_BANK : AGENCY_POLICE,
					      &was)))
				return rc;
		}
		if ((rc = agency_mark(w, ek, eklen, ah,
				      police ? AGENCY_POLICE : AGENCY_BANK,
				      &was)))
			return rc;
		s->agencies += was == 0;
	}
	if (police || !bankview)
		return 0;
	if (b->agencies == 0) {
		b->agencies = 1;
		b->agency1 = ah;
	} else if (b->agencies > 1 || b->agency1 != ah) {
		/* the set holds ah now; it is new to the bank view unless
		 * its entry said AGENCY_BANK before */
		b->agencies += was != AGENCY_BANK;
	}
	return 0;
}

static int account_index(struct wtxn *w, const codec_str *canon)
{
	const char *colon = memchr(canon->p, ':', canon->len);
	if (!colon)
		return 0;
	size_t binlen = (size_t)(colon - canon->p);
	MDB_val k = {canon->len - binlen - 1, (void *)(colon + 1)},
		d = {binlen, (void *)canon->p};
	if (k.mv_size == 0 || binlen == 0)
		return 0;
	int rc = 0;
	if (!w->ab_cur)
		rc = mdb_cursor_open(w->txn, w->db->account_bank, &w->ab_cur);
	if (!rc)
		rc = mdb_cursor_put(w->ab_cur, &k, &d, MDB_NODUPDATA);
	return rc == MDB_KEYEXIST ? 0 : rc;
}

static int str_is(codec_str s, const char *z)
{
	return s.len == strlen(z) && memcmp(s.p, z, s.len) == 0;
}

static int refuse(struct wtxn *w, const char *why)
{
	w->refusal = why;
	return APPLY_REFUSED;
}

/* May this office change report v (its origin v.origin) itself? Its own
 * reports, and reports naming an origin that is no trusted peer (a
 * local label: scamdex-import --origin), which no peer accepts anyway. */
static int local_may(struct wtxn *w, const codec_report_view *v)
{
	char id[SDX_OFFICE_MAX + 1];
	origin_rec o;
	if (str_is(v->origin, w->db->office))
		return 1;
	if (v->origin.len > SDX_OFFICE_MAX)
		return 1;
	memcpy(id, v->origin.p, v->origin.len);
	id[v->origin.len] = 0;
	return origin_read(w->txn, w->db, id, &o) != 0 || !o.trusted;
}

/* Dates more than two days ahead of this database's clock (time zones
 * aside) are refused: last-writer-wins must not be won by a date in the
 * year 2999. */
static int future(const struct wtxn *w, int32_t date)
{
	return date != SDX_DATE_NONE && date > w->today + 2;
}

int apply_state_flags(struct wtxn *w, const uint8_t id[16], const uint8_t *body,
		      size_t len, unsigned *flags)
{
	rstate st;
	int rc = rstate_get(w->txn, w->db, id, &st);
	*flags = 0;
	if (rc)
		return rc == SDX_ENOTFOUND ? 0 : rc;
	*flags = st.flags;
	/* a retraction that waited for the report, from another origin
	 * than the report's: refused now that the report says whose it is */
	if ((st.flags & SDX_RSTATE_RETRACTED) && st.r_origin[0] && body) {
		codec_report_view v;
		if ((rc = codec_report_view_decode(body, len, &v)))
			return rc;
		if (!str_is(v.origin, st.r_origin)) {
			st.flags &= ~(unsigned)SDX_RSTATE_RETRACTED;
			st.retract_date = SDX_DATE_NONE;
			st.retract_note[0] = st.retract_by[0] = 0;
			st.r_origin[0] = 0;
			*flags = st.flags;
			return rstate_put(w->txn, w->db, id, &st);
		}
	}
	return 0;
}

int apply_contrib(struct wtxn *w, const uint8_t *ek, size_t eklen,
		  entity_sum *s, const contrib *c)
{
	int rc;
	int retracted = (c->sflags & SDX_RSTATE_RETRACTED) != 0;
	int police = (c->has_agency & CONTRIB_POLICE) != 0;
	entity_sum_add_aud(s, c->date, c->category, c->confirmation, c->sflags,
			   police);
	if (!retracted && (c->has_agency & CONTRIB_AGENCY) &&
	    (rc = agency_add(w, ek, eklen, s, c->ah, police)))
		return rc;
	uint8_t er[ER_LEN];
	er_make(c->date, c->id, retracted ? ER_RETRACTED : 0, er);
	MDB_val ekv = {eklen, (void *)ek}, erv = {ER_LEN, er};
	struct er_pending *p = w->er_pend;
	if (p) { /* a merge writes it (addset.c) */
		if ((rc = sdx_grow(&p->v, &p->cap, (p->n + 1) * ER_LEN, 1,
				   16 * ER_LEN)))
			return rc;
		memcpy(p->v + p->n++ * ER_LEN, er, ER_LEN);
	} else if ((!w->er_cur &&
		    (rc = mdb_cursor_open(w->txn, w->db->entity_report,
					  &w->er_cur))) ||
		   (rc = mdb_cursor_put(w->er_cur, &ekv, &erv, 0))) {
		return rc;
	}
	if (ek[0] == SDX_KIND_BANK) {
		codec_str canon = {(const char *)ek + 1, eklen - 1};
		return account_index(w, &canon);
	}
	return 0;
}

int same_entity(const codec_report_view *v, size_t i)
{
	return i > 0 && v->idents[i].kind == v->idents[i - 1].kind &&
	       v->idents[i].canonical.len == v->idents[i - 1].canonical.len &&
	       !memcmp(v->idents[i].canonical.p, v->idents[i - 1].canonical.p,
		       v->idents[i].canonical.len);
}

void contrib_from_view(contrib *c, const codec_report_view *v,
		       const uint8_t id[16], unsigned sflags)
{
	memcpy(c->id, id, 16);
	c->date = v->incident_date;
	c->category = (uint8_t)v->category; /* < 32 (report_codec.c) */
	c->confirmation = (uint8_t)v->confirmation;
	c->has_agency = (v->agency.len > 0 ? CONTRIB_AGENCY : 0) |
			(v->audience != SDX_AUD_BANK ? CONTRIB_POLICE : 0);
	c->ah = v->agency.len ? sdx_hash64(v->agency.p, v->agency.len) : 0;
	c->sflags = (uint8_t)sflags;
}

int apply_add(struct wtxn *w, const uint8_t *body, size_t len,
	      const codec_report_view *v, const uint8_t id[16], int *added)
{
	struct sdx_db *db = w->db;
	MDB_val k = {16, (void *)id}, d = {len, (void *)body};
	int rc = mdb_put(w->txn, db->report, &k, &d, MDB_NOOVERWRITE);
	*added = 0;
	if (rc == MDB_KEYEXIST)
		return 0;
	if (rc)
		return rc;
	contrib c;
	unsigned sflags;
	if ((rc = apply_state_flags(w, id, body, len, &sflags)))
		return rc;
	contrib_from_view(&c, v, id, sflags);
	uint8_t ek[EKEY_MAX];
	for (size_t i = 0; i < v->n_idents; i++) {
		const codec_ident *in = &v->idents[i];
		if (same_entity(v, i))
			continue;
		size_t eklen =
		    ekey_make(in->kind, in->canonical.p, in->canonical.len, ek);
		entity_sum s;
		int is_new;
		if ((rc = entity_load(w, ek, eklen, &s, &is_new)) ||
		    (rc = apply_contrib(w, ek, eklen, &s, &c)) ||
		    (rc = entity_store(w, ek, eklen, &s, is_new)))
			return rc;
	}
	*added = 1;
	return 0;
}

static void rstate_zero(rstate *s)
{
	memset(s, 0, sizeof *s);
	s->retract_date = SDX_DATE_NONE;
	s->d_date = SDX_DATE_NONE;
	s->ld_date = SDX_DATE_NONE;
}

static int copy_str(char *dst, size_t max, codec_str s)
{
	if (s.len > max)
		return SDX_ETOOLONG;
	memcpy(dst, s.p, s.len);
	dst[s.len] = 0;
	return 0;
}

static int retract(struct wtxn *w, const op_ctx *oc, const codec_state_op *o)
{
	struct sdx_db *db = w->db;
	rstate st;
	int rc = rstate_get(w->txn, db, o->id, &st);
	if (rc == SDX_ENOTFOUND)
		rstate_zero(&st);
	else if (rc)
		return rc;
	MDB_val k = {16, (void *)o->id}, d;
	rc = mdb_get(w->txn, db->report, &k, &d);
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	int exists = rc == 0;
	if (!exists && oc->local)
		return SDX_ENOTFOUND;
	codec_report_view v;
	if (exists && (rc = codec_report_view_decode(d.mv_data, d.mv_size, &v)))
		return rc;
	/* only the report's origin may retract it */
	if (exists &&
	    (oc->local ? !local_may(w, &v) : !str_is(v.origin, oc->origin)))
		return oc->local ? SDX_EROLE
				 : refuse(w, "only the report's origin may "
					     "retract it");
	if (st.flags & SDX_RSTATE_RETRACTED) {
		/* a pending retraction from another origin gives way to
		 * one from the report's origin when the report comes; until
		 * then the first stands */
		return oc->local ? SDX_EEXISTS : 0;
	}
	st.flags |= SDX_RSTATE_RETRACTED;
	st.retract_date = o->date;
	if ((rc = copy_str(st.retract_note, SDX_NOTE_MAX, o->note)) ||
	    (rc = copy_str(st.retract_by, SDX_AGENCY_MAX, o->by)) ||
	    (rc = bounded_copy(st.r_origin, SDX_OFFICE_MAX, oc->origin)) ||
	    (rc = rstate_put(w->txn, db, o->id, &st)))
		return rc;
	if (!exists)
		return 0; /* pending: applied when the report arrives */
	uint8_t ek[EKEY_MAX], er_old[ER_LEN], er_new[ER_LEN];
	er_make(v.incident_date, o->id, 0, er_old);
	er_make(v.incident_date, o->id, ER_RETRACTED, er_new);
	for (size_t i = 0; i < v.n_idents; i++) {
		if (same_entity(&v, i))
			continue;
		size_t eklen =
		    ekey_make(v.idents[i].kind, v.idents[i].canonical.p,
			      v.idents[i].canonical.len, ek);
		MDB_val ekv = {eklen, ek}, ov = {ER_LEN, er_old},
			nv = {ER_LEN, er_new};
		rc = mdb_del(w->txn, db->entity_report, &ekv, &ov);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
		if ((rc = mdb_put(w->txn, db->entity_report, &ekv, &nv, 0)))
			return rc;
		entity_sum s;
		if ((rc = entity_recompute(w->txn, db, ek, eklen, &s, 1)) ||
		    (rc = entity_store(w, ek, eklen, &s, 0)))
			return rc;
	}
	return 0;
}

static int dispute(struct wtxn *w, const op_ctx *oc, int want,
		   const codec_state_op *o)
{
	struct sdx_db *db = w->db;
	rstate st;
	int rc = rstate_get(w->txn, db, o->id, &st);
	if (rc == SDX_ENOTFOUND)
		rstate_zero(&st);
	else if (rc)
		return rc;
	MDB_val k = {16, (void *)o->id}, d;
	rc = mdb_get(w->txn, db->report, &k, &d);
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	int exists = rc == 0;
	int was = (st.flags & SDX_RSTATE_DISPUTED) != 0;
	if (oc->local) {
		if (!exists)
			return SDX_ENOTFOUND;
		if (was == want)
			return SDX_EEXISTS;
	}
	/* anyone trusted may dispute; only the report's origin resolves,
	 * and its origin's log holds the report before the resolution, so
	 * one for a report not held here cannot be the origin's: judged
	 * now, not left to stand when the report comes */
	if (!want && !exists)
		return refuse(w, "only the report's origin may resolve a "
				 "dispute, after its report");
	if (!want && exists) {
		codec_report_view rv;
		if ((rc = codec_report_view_decode(d.mv_data, d.mv_size, &rv)))
			return rc;
		if (oc->local ? !local_may(w, &rv)
			      : !str_is(rv.origin, oc->origin))
			return oc->local ? SDX_EROLE
					 : refuse(w, "only the report's origin "
						     "may resolve a dispute");
	}
	/* the state: the newest change stands; the history: the newest
	 * dispute, kept when a resolution follows (each a register of its
	 * own, so any order of arrival gives the same record) */
	int newer = stamp_cmp(o->date, oc->origin, oc->seq, st.d_date,
			      st.d_origin, st.d_seq) > 0;
	int newer_dispute =
	    want &&
	    (!st.ld_seq || stamp_cmp(o->date, oc->origin, oc->seq, st.ld_date,
				     st.ld_origin, st.ld_seq) > 0);
	if (!newer && !newer_dispute)
		return 0; /* an older change: the newer one stands */
	if (newer_dispute) {
		st.ld_date = o->date;
		st.ld_seq = oc->seq;
		if ((rc = bounded_copy(st.ld_origin, SDX_OFFICE_MAX,
				       oc->origin)) ||
		    (rc = copy_str(st.ld_note, SDX_NOTE_MAX, o->note)) ||
		    (rc = copy_str(st.ld_by, SDX_AGENCY_MAX, o->by)))
			return rc;
	}
	if (newer) {
		if (want)
			st.flags |= SDX_RSTATE_DISPUTED;
		else
			st.flags &= ~SDX_RSTATE_DISPUTED;
		st.d_date = o->date;
		st.d_seq = oc->seq;
		if ((rc = bounded_copy(st.d_origin, SDX_OFFICE_MAX,
				       oc->origin)) ||
		    (rc = copy_str(st.d_note, SDX_NOTE_MAX, o->note)) ||
		    (rc = copy_str(st.d_by, SDX_AGENCY_MAX, o->by)))
			return rc;
	}
	if ((rc = rstate_put(w->txn, db, o->id, &st)))
		return rc;
	if (!newer || !exists || was == want ||
	    (st.flags & SDX_RSTATE_RETRACTED))
		return 0;
	codec_report_view v;
	if ((rc = codec_report_view_decode(d.mv_data, d.mv_size, &v)))
		return rc;
	uint8_t ek[EKEY_MAX];
	for (size_t i = 0; i < v.n_idents; i++) {
		if (same_entity(&v, i))
			continue;
		size_t eklen =
		    ekey_make(v.idents[i].kind, v.idents[i].canonical.p,
			      v.idents[i].canonical.len, ek);
		entity_sum s;
		int is_new;
		if ((rc = entity_load(w, ek, eklen, &s, &is_new)))
			return rc;
		if (want)
			s.disputed++;
		else if (s.disputed)
			s.disputed--;
		/* the bank view counts the bank-visible reports' disputes */
		if ((s.flags & ENT_BANKVIEW) && v.audience == SDX_AUD_BANK) {
			if (want)
				s.bank.disputed++;
			else if (s.bank.disputed)
				s.bank.disputed--;
		}
		if ((rc = entity_store(w, ek, eklen, &s, is_new)))
			return rc;
	}
	return 0;
}

int apply_state(struct wtxn *w, const op_ctx *oc, int type,
		const codec_state_op *o)
{
	if (future(w, o->date))
		return oc->local ? SDX_EINVAL
				 : refuse(w, "dated more than two days ahead");
	switch (type) {
	case SDX_OP_RETRACT:
		return retract(w, oc, o);
	case SDX_OP_DISPUTE:
		return dispute(w, oc, 1, o);
	case SDX_OP_RESOLVE:
		return dispute(w, oc, 0, o);
	default:
		return SDX_EINVAL;
	}
}

int apply_allow(struct wtxn *w, const op_ctx *oc, int type,
		const codec_allow_op *o)
{
	struct sdx_db *db = w->db;
	int want = type == SDX_OP_ALLOW;
	uint8_t ek[EKEY_MAX];
	/* the allowlist is the police's */
	if (oc->role != SDX_OFFICE_POLICE) {
		if (oc->local && oc->role == SDX_OFFICE_NOROLE)
			; /* a database outside sync */
		else if (oc->local)
			return SDX_EROLE;
		else
			return refuse(w, "allowlist entries come from police "
					 "offices only");
	}
	if (future(w, o->date))
		return oc->local ? SDX_EINVAL
				 : refuse(w, "dated more than two days ahead");
	if (o->canonical.len >= SDX_CANON_MAX)
		return SDX_ETOOLONG;
	size_t eklen = ekey_make(o->kind, o->canonical.p, o->canonical.len, ek);
	allow_rec a;
	int rc = allow_get(w->txn, db, ek, eklen, &a);
	int have = rc == 0;
	if (rc && rc != SDX_ENOTFOUND)
		return rc;
	int was = have && a.allowed;
	if (oc->local && was == want)
		return SDX_EEXISTS;
	/* last writer wins by the Lamport clock (the author's counter for
	 * this identifier), not by a date the author chose */
	if (have && allow_cmp(o->clock, o->date, oc->origin, oc->seq, &a) <= 0)
		return 0;
	a.allowed = want;
	a.date = o->date;
	a.seq = oc->seq;
	a.clock = o->clock;
	if ((rc = bounded_copy(a.origin, SDX_OFFICE_MAX, oc->origin)) ||
	    (rc = copy_str(a.note, SDX_NOTE_MAX, o->note)) ||
	    (rc = copy_str(a.by, SDX_AGENCY_MAX, o->by)) ||
	    (rc = allow_put(w->txn, db, ek, eklen, &a)))
		return rc;
	if (was == want)
		return 0;
	entity_sum s;
	int is_new;
	if ((rc = entity_load(w, ek, eklen, &s, &is_new)))
		return rc;
	if (want)
		s.flags |= ENT_ALLOWLISTED;
	else
		s.flags &= ~ENT_ALLOWLISTED;
	return entity_store(w, ek, eklen, &s, is_new);
}

/* Received operations are applied in a session (oplog.c), whose addset
 * takes every ADD: written at commit, in key order, where the database
 * and the set are asked too whether they held the report already (then
 * the op's oplog entry gets its own copy of the body if the one that
 * stands differs: see addset.c). */
int apply_body(struct wtxn *w, const op_ctx *oc, int type, const uint8_t *body,
	       size_t len, uint8_t ref[16], int *has_ref)
{
	int rc;
	*has_ref = 0;
	switch (type) {
	case SDX_OP_ADD: {
		codec_report_view v;
		uint8_t idbuf[CODEC_REPORT_MAX];
		size_t idlen;
		if ((rc = codec_report_view_decode(body, len, &v)) ||
		    (rc = codec_report_view_encode(&v, 0, idbuf, sizeof idbuf,
						   &idlen)))
			return rc == SDX_ETOOLONG ? SDX_ECORRUPT : rc;
		const char *why;
		if ((why = validate_report(&v)))
			return refuse(w, why);
		/* provenance is the signer's: a report names its origin */
		if (!str_is(v.origin, oc->origin))
			return refuse(w, v.origin.len
					     ? "the report names another "
					       "origin than its signer"
					     : "the report names no "
					       "origin");
		int ok = 1;
		if (!oc->local &&
		    (rc = agency_allowed(w, oc->origin, v.agency.p,
					 v.agency.len, &ok)))
			return rc;
		if (!ok)
			return refuse(w, "the report's agency is not one its "
					 "origin's trust record lists");
		if (v.confirmation == SDX_CONF_COURT &&
		    oc->role != SDX_OFFICE_POLICE)
			return refuse(w, "court confirmation from an office "
					 "that is not police");
		if (future(w, v.incident_date) || future(w, v.received_date))
			return refuse(w, "dated more than two days ahead");
		sdx_hash128(idbuf, idlen, ref);
		if ((rc = addset_put(w->adds, &v, ref, body, len)))
			return rc;
		addset_logged(w->adds, oc->oindex, oc->seq);
		*has_ref = 1;
		return 0;
	}
	case SDX_OP_RETRACT:
	case SDX_OP_DISPUTE:
	case SDX_OP_RESOLVE: {
		codec_state_op o;
		const char *why;
		if ((rc = codec_state_op_decode(body, len, &o)))
			return rc;
		if ((why = validate_state_op(&o)))
			return refuse(w, why);
		return apply_state(w, oc, type, &o);
	}
	case SDX_OP_ALLOW:
	case SDX_OP_DISALLOW: {
		codec_allow_op o;
		const char *why;
		if ((rc = codec_allow_op_decode(body, len, &o)))
			return rc;
		if ((why = validate_allow_op(&o)))
			return refuse(w, why);
		return apply_allow(w, oc, type, &o);
	}
	default:
		return SDX_ECORRUPT;
	}
}
