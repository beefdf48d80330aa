/* write.c: the local write API. Every change is built as an operation
 * body, applied through apply.c and appended to the log under this
 * office's origin, all in one transaction. Batches keep the bodies they
 * added so that they can be replayed if the map has to grow. */
#include "store.h"

#include <stdlib.h>

#include "hash.h"

static int local_add(struct wtxn *w, struct prepared *p, int *added)
{
	int rc = apply_add(w, p->body, p->len, &p->v, p->id, added);
	if (rc || !*added)
		return rc;
	uint64_t seq;
	return oplog_append_local(w, SDX_OP_ADD, p->v.audience, p->body, p->len,
				  p->id, &seq);
}

struct add_args {
	const sdx_report *r;
	struct prepared *p;
	int added;
};

static int add_fn(struct wtxn *w, void *ctx)
{
	struct add_args *a = ctx;
	int rc = prepare(w->db, a->r, w->today, a->p);
	if (rc)
		return rc;
	return local_add(w, a->p, &a->added);
}

int sdx_report_add(sdx_db *db, const sdx_report *r, uint8_t id[16], int *added)
{
	if (!db || !r)
		return SDX_EINVAL;
	if (db->rdonly)
		return SDX_EREADONLY;
	struct prepared *p = malloc(sizeof *p);
	if (!p)
		return SDX_ENOMEM;
	struct add_args a = {r, p, 0};
	int rc = store_write(db, add_fn, &a);
	if (!rc) {
		if (id)
			memcpy(id, p->id, 16);
		if (added)
			*added = a.added;
	}
	free(p);
	return rc;
}

/* ---- batches ----
 * sdx_batch_add only decides (duplicate or new, against the database and
 * the batch itself) and keeps the encoded report in an addset; commit
 * writes the set in key order (addset.c) and the log in sequence. A full
 * map is handled by growing and writing the kept batch again. */

struct sdx_batch {
	struct sdx_db *db;
	struct wtxn w;
	int open;
	size_t stored; /* reports already held (database or batch) */
	struct addset set;
	struct prepared p;
};

static void batch_free(struct sdx_batch *b)
{
	addset_free(&b->set);
	free(b);
}

static int batch_begin(sdx_db *db, int bulk, sdx_batch **out)
{
	if (!db || !out)
		return SDX_EINVAL;
	*out = NULL;
	if (db->rdonly)
		return SDX_EREADONLY;
	struct sdx_batch *b = calloc(1, sizeof *b);
	if (!b)
		return SDX_ENOMEM;
	b->db = db;
	b->set.nodedup = bulk; /* bulk: the database is asked at commit */
	b->set.merge_ok = bulk;
	b->set.dir = store_dir(db);
	pthread_mutex_lock(&db->wmtx);
	int rc = wtxn_begin(db, &b->w);
	if (rc) {
		pthread_mutex_unlock(&db->wmtx);
		free(b);
		return store_err(rc);
	}
	b->open = 1;
	*out = b;
	return 0;
}

int sdx_batch_begin(sdx_db *db, sdx_batch **out)
{
	return batch_begin(db, 0, out);
}

int sdx_batch_begin_bulk(sdx_db *db, sdx_batch **out)
{
	return batch_begin(db, 1, out);
}

int sdx_batch_reserve(sdx_batch *b, size_t reports)
{
	if (!b || !b->open)
		return SDX_EINVAL;
	return addset_reserve(&b->set, reports);
}

int sdx_batch_add(sdx_batch *b, const sdx_report *r, uint8_t id[16], int *added)
{
	if (!b || !r || !b->open)
		return SDX_EINVAL;
	struct prepared *p = &b->p;
	int rc = prepare(b->db, r, b->w.today, p);
	if (rc)
		return rc;
	if (id)
		memcpy(id, p->id, 16);
	if (added)
		*added = 0;
	if (!b->set.nodedup) {
		const struct addent *e;
		if ((rc = addset_find(&b->set, p->id, &e)))
			return rc;
		if (e)
			return 0;
		MDB_val k = {16, p->id}, d;
		rc = mdb_get(b->w.txn, b->db->report, &k, &d);
		if (!rc)
			return 0;
		if (rc != MDB_NOTFOUND)
			return store_err(rc);
	}
	if ((rc = addset_put(&b->set, &p->v, p->id, p->body, p->len)))
		return rc;
	if (added)
		*added = 1;
	return 0;
}

/* Write everything the batch holds into its transaction. */
static int flush(struct sdx_batch *b)
{
	struct addset *s = &b->set;
	int rc = addset_write(s, &b->w, &b->stored);
	for (size_t i = 0; !rc && i < s->nent; i++) {
		const struct addent *e = &s->ents[i];
		uint64_t seq;
		if (e->stored)
			continue;
		rc =
		    oplog_append_local(&b->w, SDX_OP_ADD, e->audience,
				       s->base + e->off, e->len, e->c.id, &seq);
	}
	return rc;
}

int sdx_batch_commit(sdx_batch *b)
{
	return sdx_batch_commit_counted(b, NULL);
}

int sdx_batch_commit_counted(sdx_batch *b, size_t *stored)
{
	if (stored)
		*stored = 0;
	if (!b)
		return SDX_EINVAL;
	int rc = SDX_EINVAL;
	/* Nothing is written before the flush: a map too small for it is
	 * grown now, not after a failed write. */
	if (b->open &&
	    (rc = wtxn_make_room(&b->w, addset_bytes(&b->set, b->db))))
		b->open = 0;
	for (int tries = 0; b->open && tries < 40; tries++) {
		rc = flush(b);
		if (rc) {
			wtxn_abort(&b->w);
		} else {
			rc = wtxn_commit(&b->w);
		}
		if (rc != MDB_MAP_FULL)
			break;
		/* grow and write the whole batch again */
		if ((rc = store_grow(b->db, 1)) ||
		    (rc = wtxn_begin(b->db, &b->w)))
			break;
		rc = MDB_MAP_FULL;
	}
	if (rc && b->w.txn)
		wtxn_abort(&b->w);
	if (!rc && stored)
		*stored = b->stored;
	pthread_mutex_unlock(&b->db->wmtx);
	batch_free(b);
	return store_err(rc);
}

void sdx_batch_abort(sdx_batch *b)
{
	if (!b)
		return;
	wtxn_abort(&b->w);
	pthread_mutex_unlock(&b->db->wmtx);
	batch_free(b);
}

/* ---- retract, dispute, resolve ---- */

struct state_args {
	int type;
	const uint8_t *id;
	const char *note, *by;
	int32_t date;
};

/* A state change on a police-only report is police-only too: its note
 * is about that report. Local changes need the report (ENOTFOUND). */
static int report_audience(struct wtxn *w, const uint8_t id[16], int *aud)
{
	MDB_val k = {16, (void *)id}, d;
	codec_report_view v;
	int rc = mdb_get(w->txn, w->db->report, &k, &d);
	if (rc == MDB_NOTFOUND)
		return SDX_ENOTFOUND;
	if (rc)
		return store_err(rc);
	if ((rc = codec_report_view_decode(d.mv_data, d.mv_size, &v)))
		return rc;
	*aud = v.audience;
	return 0;
}

static int state_fn(struct wtxn *w, void *ctx)
{
	struct state_args *a = ctx;
	int32_t date = a->date == SDX_DATE_NONE ? w->today : a->date;
	uint8_t body[CODEC_OP_MAX];
	size_t len;
	codec_state_op o;
	int audience = SDX_AUD_BANK;
	int rc = report_audience(w, a->id, &audience);
	if (rc ||
	    (rc = codec_state_op_encode(a->id, a->note, a->by, date, audience,
					body, sizeof body, &len)) ||
	    (rc = codec_state_op_decode(body, len, &o)))
		return rc;
	origin_rec *org;
	if ((rc = origin_load(w, w->db->office, 1, &org)))
		return rc;
	op_ctx oc = {w->db->office, org->seq + 1, 1, org->index,
		     store_role(w->txn, w->db)};
	if ((rc = apply_state(w, &oc, a->type, &o)))
		return rc;
	uint64_t seq;
	return oplog_append_local(w, a->type, audience, body, len, NULL, &seq);
}

static int state_change(sdx_db *db, int type, const uint8_t id[16],
			const char *note, const char *by, int32_t date)
{
	if (!db || !id)
		return SDX_EINVAL;
	if (db->rdonly)
		return SDX_EREADONLY;
	if (strnlen(note ? note : "", SDX_NOTE_MAX + 1) > SDX_NOTE_MAX ||
	    strnlen(by ? by : "", SDX_AGENCY_MAX + 1) > SDX_AGENCY_MAX)
		return SDX_ETOOLONG;
	struct state_args a = {type, id, note, by, date};
	return store_write(db, state_fn, &a);
}

int sdx_report_retract(sdx_db *db, const uint8_t id[16], const char *reason,
		       const char *by, int32_t date)
{
	return state_change(db, SDX_OP_RETRACT, id, reason, by, date);
}

int sdx_report_dispute(sdx_db *db, const uint8_t id[16], const char *note,
		       const char *by, int32_t date)
{
	return state_change(db, SDX_OP_DISPUTE, id, note, by, date);
}

int sdx_report_resolve(sdx_db *db, const uint8_t id[16], const char *note,
		       const char *by, int32_t date)
{
	return state_change(db, SDX_OP_RESOLVE, id, note, by, date);
}

/* ---- allowlist ---- */

struct allow_args {
	int type;
	sdx_kind kind;
	const char *canonical, *note, *by;
};

static int allow_fn(struct wtxn *w, void *ctx)
{
	struct allow_args *a = ctx;
	uint8_t body[CODEC_OP_MAX], ek[EKEY_MAX];
	size_t len;
	codec_allow_op o;
	allow_rec cur;
	/* Lamport clock: one past the standing entry's, which orders
	 * after every other this office holds for the identifier */
	uint64_t clock = 1;
	size_t n = strnlen(a->canonical, SDX_CANON_MAX);
	size_t eklen = ekey_make(a->kind, a->canonical, n, ek);
	int rc = allow_get(w->txn, w->db, ek, eklen, &cur);
	if (!rc)
		clock = cur.clock + 1;
	else if (rc != SDX_ENOTFOUND)
		return rc;
	rc = codec_allow_op_encode((int)a->kind, a->canonical, a->note, a->by,
				   w->today, clock, body, sizeof body, &len);
	if (rc || (rc = codec_allow_op_decode(body, len, &o)))
		return rc;
	origin_rec *org;
	if ((rc = origin_load(w, w->db->office, 1, &org)))
		return rc;
	op_ctx oc = {w->db->office, org->seq + 1, 1, org->index,
		     store_role(w->txn, w->db)};
	if ((rc = apply_allow(w, &oc, a->type, &o)))
		return rc;
	uint64_t seq;
	return oplog_append_local(w, a->type, SDX_AUD_BANK, body, len, NULL,
				  &seq);
}

static int allow_change(sdx_db *db, int type, sdx_kind kind,
			const char *canonical, const char *note, const char *by)
{
	if (!db || !canonical || kind < SDX_KIND_PHONE ||
	    kind > SDX_KIND_DOMAIN)
		return SDX_EINVAL;
	if (db->rdonly)
		return SDX_EREADONLY;
	size_t n = strnlen(canonical, SDX_CANON_MAX);
	if (n == 0)
		return SDX_EINVAL;
	if (n >= SDX_CANON_MAX ||
	    strnlen(note ? note : "", SDX_NOTE_MAX + 1) > SDX_NOTE_MAX ||
	    strnlen(by ? by : "", SDX_AGENCY_MAX + 1) > SDX_AGENCY_MAX)
		return SDX_ETOOLONG;
	struct allow_args a = {type, kind, canonical, note, by};
	return store_write(db, allow_fn, &a);
}

int sdx_allow(sdx_db *db, sdx_kind kind, const char *canonical,
	      const char *note, const char *by)
{
	return allow_change(db, SDX_OP_ALLOW, kind, canonical, note, by);
}

int sdx_disallow(sdx_db *db, sdx_kind kind, const char *canonical,
		 const char *note, const char *by)
{
	return allow_change(db, SDX_OP_DISALLOW, kind, canonical, note, by);
}
