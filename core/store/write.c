/* write.c: the local write API. Every change is built as an operation
 * body, applied through apply.c and appended to the log under this
 * office's origin, all in one transaction. Batches keep the bodies they
 * added so that they can be replayed if the map has to grow. */
#include "store.h"

#include <stdlib.h>

#include "hash.h"

/* A report ready to apply: its body (canonical CBOR with the received
 * date), its id (hash of the body without it) and a view. */
struct prepared {
	codec_report_view v;
	uint8_t id[16];
	size_t len;
	uint8_t body[CODEC_REPORT_MAX];
};

static int valid_origin(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

static int prepare(struct sdx_db *db, const sdx_report *r, int32_t today,
		   struct prepared *p)
{
	if (!r)
		return SDX_EINVAL;
	int rc = codec_report_view_from(r, &p->v);
	if (rc)
		return rc;
	if (p->v.origin.len == 0) {
		p->v.origin.p = db->office;
		p->v.origin.len = strlen(db->office);
	} else if (!valid_origin(r->origin)) {
		return SDX_EINVAL;
	}
	if (p->v.received_date == SDX_DATE_NONE)
		p->v.received_date = today;
	if ((rc = codec_report_view_encode(&p->v, 0, p->body, sizeof p->body,
					   &p->len)))
		return rc;
	sdx_hash128(p->body, p->len, p->id);
	return codec_report_view_encode(&p->v, 1, p->body, sizeof p->body,
					&p->len);
}

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

int sdx_report_add(sdx_db *db, const sdx_report *r, uint8_t id[16],
		   int *added)
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

/* ---- batches ---- */

struct sdx_batch {
	struct sdx_db *db;
	struct wtxn w;
	int open;
	uint8_t *log; /* u32 length + body, per added report */
	size_t loglen, logcap;
	struct prepared p;
};

static int log_body(struct sdx_batch *b, const uint8_t *body, size_t len)
{
	size_t need = b->loglen + 4 + len;
	if (need > b->logcap) {
		size_t cap = b->logcap ? b->logcap * 2 : 1 << 20;
		while (cap < need)
			cap *= 2;
		uint8_t *n = realloc(b->log, cap);
		if (!n)
			return SDX_ENOMEM;
		b->log = n;
		b->logcap = cap;
	}
	le32_put(b->log + b->loglen, (uint32_t)len);
	memcpy(b->log + b->loglen + 4, body, len);
	b->loglen = need;
	return 0;
}

/* Grow the map and redo the batch so far in a fresh transaction. */
static int recover(struct sdx_batch *b)
{
	int rc = MDB_MAP_FULL;
	for (int tries = 0; rc == MDB_MAP_FULL && tries < 40; tries++) {
		wtxn_abort(&b->w);
		if ((rc = store_grow(b->db, 1)) || (rc = wtxn_begin(b->db, &b->w)))
			break;
		for (size_t off = 0; !rc && off < b->loglen;) {
			size_t n = le32_get(b->log + off);
			const uint8_t *body = b->log + off + 4;
			off += 4 + n;
			int added;
			uint8_t idbuf[CODEC_REPORT_MAX];
			size_t idlen;
			if ((rc = codec_report_view_decode(body, n, &b->p.v)) ||
			    (rc = codec_report_view_encode(&b->p.v, 0, idbuf,
							   sizeof idbuf, &idlen)))
				break;
			sdx_hash128(idbuf, idlen, b->p.id);
			memcpy(b->p.body, body, n);
			b->p.len = n;
			/* the view must point into the copy */
			if ((rc = codec_report_view_decode(b->p.body, n, &b->p.v)))
				break;
			rc = local_add(&b->w, &b->p, &added);
		}
	}
	if (rc)
		b->open = 0;
	return rc;
}

int sdx_batch_begin(sdx_db *db, sdx_batch **out)
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

int sdx_batch_add(sdx_batch *b, const sdx_report *r, uint8_t id[16],
		  int *added)
{
	if (!b || !r)
		return SDX_EINVAL;
	if (!b->open)
		return SDX_EINVAL;
	int rc = prepare(b->db, r, b->w.today, &b->p);
	if (rc)
		return rc;
	int add = 0;
	for (int tries = 0;; tries++) {
		rc = local_add(&b->w, &b->p, &add);
		if (rc != MDB_MAP_FULL || tries >= 40)
			break;
		/* recover() reuses b->p: prepare this report again after */
		if ((rc = recover(b)) || (rc = prepare(b->db, r, b->w.today, &b->p)))
			break;
	}
	if (rc) {
		/* the transaction may hold part of this report: unusable */
		if (rc != SDX_EINVAL && rc != SDX_ETOOLONG) {
			wtxn_abort(&b->w);
			b->open = 0;
		}
		return store_err(rc);
	}
	if (add && (rc = log_body(b, b->p.body, b->p.len)))
		return rc;
	if (id)
		memcpy(id, b->p.id, 16);
	if (added)
		*added = add;
	return 0;
}

int sdx_batch_commit(sdx_batch *b)
{
	if (!b)
		return SDX_EINVAL;
	int rc = SDX_EINVAL;
	if (b->open) {
		rc = wtxn_commit(&b->w);
		while (rc == MDB_MAP_FULL) {
			if ((rc = recover(b)))
				break;
			rc = wtxn_commit(&b->w);
		}
		rc = store_err(rc);
	}
	pthread_mutex_unlock(&b->db->wmtx);
	free(b->log);
	free(b);
	return rc;
}

void sdx_batch_abort(sdx_batch *b)
{
	if (!b)
		return;
	wtxn_abort(&b->w);
	pthread_mutex_unlock(&b->db->wmtx);
	free(b->log);
	free(b);
}

/* ---- retract, dispute, resolve ---- */

struct state_args {
	int type;
	const uint8_t *id;
	const char *note, *by;
	int32_t date;
};

static int state_fn(struct wtxn *w, void *ctx)
{
	struct state_args *a = ctx;
	int32_t date = a->date == SDX_DATE_NONE ? w->today : a->date;
	uint8_t body[CODEC_OP_MAX];
	size_t len;
	codec_state_op o;
	int rc = codec_state_op_encode(a->id, a->note, a->by, date, body,
				       sizeof body, &len);
	if (rc || (rc = codec_state_op_decode(body, len, &o)))
		return rc;
	origin_rec *org;
	if ((rc = origin_load(w, w->db->office, 1, &org)))
		return rc;
	op_ctx oc = {w->db->office, org->seq + 1, 1};
	if ((rc = apply_state(w, &oc, a->type, &o)))
		return rc;
	uint64_t seq;
	return oplog_append_local(w, a->type, SDX_AUD_BANK, body, len, NULL,
				  &seq);
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
	uint8_t body[CODEC_OP_MAX];
	size_t len;
	codec_allow_op o;
	int rc = codec_allow_op_encode((int)a->kind, a->canonical, a->note,
				       a->by, w->today, body, sizeof body, &len);
	if (rc || (rc = codec_allow_op_decode(body, len, &o)))
		return rc;
	origin_rec *org;
	if ((rc = origin_load(w, w->db->office, 1, &org)))
		return rc;
	op_ctx oc = {w->db->office, org->seq + 1, 1};
	if ((rc = apply_allow(w, &oc, a->type, &o)))
		return rc;
	uint64_t seq;
	return oplog_append_local(w, a->type, SDX_AUD_BANK, body, len, NULL,
				  &seq);
}

static int allow_change(sdx_db *db, int type, sdx_kind kind,
			const char *canonical, const char *note, const char *by)
{
	if (!db || !canonical || kind < SDX_KIND_PHONE || kind > SDX_KIND_DOMAIN)
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
