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
 * the batch itself) and keeps the encoded report; commit writes all of
 * it in key order: reports sorted by id, the log in sequence, and each
 * entity read and written once for all of its reports in the batch.
 * Sorted writes touch each B-tree page once instead of once per report,
 * and a full map is handled by growing and writing the kept batch
 * again. */

struct bent {
	uint8_t id[16];
	size_t off;
	uint32_t len;
	int audience;
	contrib c;
};

struct bcon {
	uint64_t prefix; /* first key bytes, big-endian: most compares */
	size_t koff;
	uint32_t klen;
	uint32_t ent;
};

struct sdx_batch {
	struct sdx_db *db;
	struct wtxn w;
	int open;
	uint8_t *log;
	size_t loglen, logcap;
	struct bent *ents;
	size_t nent, capent;
	uint8_t *keys;
	size_t keylen, keycap;
	struct bcon *cons;
	size_t ncon, capcon;
	uint32_t *set; /* ids in the batch: entry index + 1 */
	size_t setcap;
	struct prepared p;
};

static int reserve(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	void *n = realloc(*p, c * elem);
	if (!n)
		return SDX_ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

static size_t set_slot(const struct sdx_batch *b, const uint8_t id[16],
		       int *found)
{
	size_t mask = b->setcap - 1, j = le64_get(id) & mask;
	*found = 0;
	while (b->set[j]) {
		if (!memcmp(b->ents[b->set[j] - 1].id, id, 16)) {
			*found = 1;
			break;
		}
		j = (j + 1) & mask;
	}
	return j;
}

static int set_grow(struct sdx_batch *b)
{
	size_t cap = b->setcap ? b->setcap * 2 : 4096;
	uint32_t *s = calloc(cap, sizeof *s);
	if (!s)
		return SDX_ENOMEM;
	free(b->set);
	b->set = s;
	b->setcap = cap;
	for (size_t i = 0; i < b->nent; i++) {
		int found;
		size_t j = set_slot(b, b->ents[i].id, &found);
		b->set[j] = (uint32_t)(i + 1);
	}
	return 0;
}

static void batch_free(struct sdx_batch *b)
{
	free(b->log);
	free(b->ents);
	free(b->keys);
	free(b->cons);
	free(b->set);
	free(b);
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
	if ((b->nent + 1) * 2 > b->setcap && (rc = set_grow(b)))
		return rc;
	int found;
	size_t slot = set_slot(b, p->id, &found);
	if (found)
		return 0;
	MDB_val k = {16, p->id}, d;
	rc = mdb_get(b->w.txn, b->db->report, &k, &d);
	if (!rc)
		return 0;
	if (rc != MDB_NOTFOUND)
		return store_err(rc);
	size_t nkeys = 0;
	for (size_t i = 0; i < p->v.n_idents; i++)
		nkeys += 1 + p->v.idents[i].canonical.len;
	if ((rc = reserve((void **)&b->log, &b->logcap, b->loglen + p->len,
			  1)) ||
	    (rc = reserve((void **)&b->ents, &b->capent, b->nent + 1,
			  sizeof *b->ents)) ||
	    (rc = reserve((void **)&b->keys, &b->keycap, b->keylen + nkeys,
			  1)) ||
	    (rc = reserve((void **)&b->cons, &b->capcon,
			  b->ncon + p->v.n_idents, sizeof *b->cons)))
		return rc;
	struct bent *e = &b->ents[b->nent];
	memcpy(e->id, p->id, 16);
	e->off = b->loglen;
	e->len = (uint32_t)p->len;
	e->audience = p->v.audience;
	memcpy(e->c.id, p->id, 16);
	e->c.date = p->v.incident_date;
	e->c.category = p->v.category;
	e->c.confirmation = p->v.confirmation;
	e->c.has_agency = p->v.agency.len > 0;
	e->c.ah =
	    e->c.has_agency ? sdx_hash64(p->v.agency.p, p->v.agency.len) : 0;
	e->c.sflags = 0;
	memcpy(b->log + b->loglen, p->body, p->len);
	b->loglen += p->len;
	for (size_t i = 0; i < p->v.n_idents; i++) {
		const codec_ident *in = &p->v.idents[i];
		if (i > 0 && in->kind == p->v.idents[i - 1].kind &&
		    in->canonical.len == p->v.idents[i - 1].canonical.len &&
		    !memcmp(in->canonical.p, p->v.idents[i - 1].canonical.p,
			    in->canonical.len))
			continue;
		struct bcon *c = &b->cons[b->ncon++];
		c->koff = b->keylen;
		c->klen =
		    (uint32_t)ekey_make(in->kind, in->canonical.p,
					in->canonical.len, b->keys + b->keylen);
		c->ent = (uint32_t)b->nent;
		uint8_t pre[8] = {0};
		memcpy(pre, b->keys + b->keylen, c->klen < 8 ? c->klen : 8);
		c->prefix = be64_get(pre);
		b->keylen += c->klen;
	}
	b->set[slot] = (uint32_t)(++b->nent);
	if (added)
		*added = 1;
	return 0;
}

static _Thread_local const uint8_t *sort_keys;

static int con_cmp(const void *x, const void *y)
{
	const struct bcon *a = x, *b = y;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int c = memcmp(sort_keys + a->koff, sort_keys + b->koff, n);
	if (c)
		return c;
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	return a->ent < b->ent ? -1 : a->ent > b->ent;
}

struct idref {
	uint8_t id[16];
	uint32_t ent;
};

static int idref_cmp(const void *x, const void *y)
{
	return memcmp(x, y, 16);
}

/* Write everything the batch holds into its transaction. */
static int flush(struct sdx_batch *b)
{
	struct wtxn *w = &b->w;
	int rc = 0;
	struct idref *order = malloc((b->nent ? b->nent : 1) * sizeof *order);
	if (!order)
		return SDX_ENOMEM;
	for (size_t i = 0; i < b->nent; i++) {
		memcpy(order[i].id, b->ents[i].id, 16);
		order[i].ent = (uint32_t)i;
	}
	if (b->nent)
		qsort(order, b->nent, sizeof *order, idref_cmp);
	MDB_cursor *c;
	if ((rc = mdb_cursor_open(w->txn, b->db->report, &c))) {
		free(order);
		return rc;
	}
	for (size_t i = 0; !rc && i < b->nent; i++) {
		const struct bent *e = &b->ents[order[i].ent];
		MDB_val k = {16, (void *)e->id}, d = {e->len, b->log + e->off};
		rc = mdb_cursor_put(c, &k, &d, MDB_NOOVERWRITE);
	}
	mdb_cursor_close(c);
	free(order);
	for (size_t i = 0; !rc && i < b->nent; i++) {
		struct bent *e = &b->ents[i];
		uint64_t seq;
		if ((rc = apply_state_flags(w, e->id, &e->c.sflags)))
			break;
		rc = oplog_append_local(w, SDX_OP_ADD, e->audience,
					b->log + e->off, e->len, e->id, &seq);
	}
	if (rc)
		return rc;
	sort_keys = b->keys;
	if (b->ncon) /* cons is NULL in a batch of duplicates only */
		qsort(b->cons, b->ncon, sizeof *b->cons, con_cmp);
	/* one cursor on `entity`: an existing summary is overwritten where
	 * the read found it, without a second descent */
	MDB_cursor *ec;
	if ((rc = mdb_cursor_open(w->txn, b->db->entity, &ec)))
		return rc;
	for (size_t i = 0; !rc && i < b->ncon;) {
		const uint8_t *ek = b->keys + b->cons[i].koff;
		size_t eklen = b->cons[i].klen, j = i;
		entity_sum s;
		MDB_val k = {eklen, (void *)ek}, d;
		rc = mdb_cursor_get(ec, &k, &d, MDB_SET_KEY);
		int is_new = rc == MDB_NOTFOUND;
		if (is_new)
			entity_zero(&s);
		else if (rc || (rc = entity_decode(d.mv_data, d.mv_size, &s)))
			break;
		rc = 0;
		for (; !rc && j < b->ncon && b->cons[j].klen == eklen &&
		       !memcmp(b->keys + b->cons[j].koff, ek, eklen);
		     j++)
			rc = apply_contrib(w, ek, eklen, &s,
					   &b->ents[b->cons[j].ent].c);
		if (rc)
			break;
		uint8_t v[ENTITY_LEN];
		entity_encode(&s, v);
		MDB_val kk = {eklen, (void *)ek}, dd = {ENTITY_LEN, v};
		if (is_new) {
			if ((rc = filter_add(w, sdx_hash64(ek, eklen))))
				break;
			rc = mdb_cursor_put(ec, &kk, &dd, 0);
		} else {
			rc = mdb_cursor_put(ec, &kk, &dd, MDB_CURRENT);
		}
		i = j;
	}
	mdb_cursor_close(ec);
	return rc;
}

int sdx_batch_commit(sdx_batch *b)
{
	if (!b)
		return SDX_EINVAL;
	int rc = SDX_EINVAL;
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
	int rc =
	    codec_allow_op_encode((int)a->kind, a->canonical, a->note, a->by,
				  w->today, body, sizeof body, &len);
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
