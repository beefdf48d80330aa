/* state.c: per-report state (retraction, dispute) and allowlist records,
 * both small little-endian records with length-prefixed strings. */
#include "store.h"

struct buf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void put_raw(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->err = 1;
		return;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	uint8_t l[2] = {(uint8_t)n, (uint8_t)(n >> 8)};
	put_raw(b, l, 2);
	put_raw(b, s, n);
}

struct cur {
	const uint8_t *p;
	size_t len, pos;
	int err;
};

static void get_raw(struct cur *c, void *out, size_t n)
{
	if (c->pos + n > c->len) {
		c->err = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, c->p + c->pos, n);
	c->pos += n;
}

static void get_str(struct cur *c, char *out, size_t max)
{
	uint8_t l[2];
	get_raw(c, l, 2);
	size_t n = l[0] | (size_t)l[1] << 8;
	if (c->err || n > max || c->pos + n > c->len) {
		c->err = 1;
		out[0] = 0;
		return;
	}
	memcpy(out, c->p + c->pos, n);
	out[n] = 0;
	c->pos += n;
}

int rstate_get(MDB_txn *txn, struct sdx_db *db, const uint8_t id[16], rstate *s)
{
	MDB_val k = {16, (void *)id}, d;
	int rc = mdb_get(txn, db->rstate, &k, &d);
	if (rc)
		return rc == MDB_NOTFOUND ? SDX_ENOTFOUND : store_err(rc);
	struct cur c = {d.mv_data, d.mv_size, 0, 0};
	uint8_t h[24];
	get_raw(&c, h, sizeof h);
	if (c.err || h[0] != 1)
		return SDX_ECORRUPT;
	s->flags = h[1];
	s->retract_date = (int32_t)le32_get(h + 4);
	s->d_date = (int32_t)le32_get(h + 8);
	s->d_seq = le64_get(h + 12);
	get_str(&c, s->retract_note, SDX_NOTE_MAX);
	get_str(&c, s->retract_by, SDX_AGENCY_MAX);
	get_str(&c, s->d_origin, SDX_OFFICE_MAX);
	get_str(&c, s->d_note, SDX_NOTE_MAX);
	get_str(&c, s->d_by, SDX_AGENCY_MAX);
	s->r_origin[0] = 0;
	if (!c.err && c.pos < c.len) /* records before authority lack it */
		get_str(&c, s->r_origin, SDX_OFFICE_MAX);
	s->ld_date = SDX_DATE_NONE;
	s->ld_seq = 0;
	s->ld_origin[0] = s->ld_note[0] = s->ld_by[0] = 0;
	if (!c.err && c.pos < c.len) { /* the newest dispute, since 2026-12 */
		uint8_t t[12];
		get_raw(&c, t, sizeof t);
		s->ld_date = (int32_t)le32_get(t);
		s->ld_seq = le64_get(t + 4);
		get_str(&c, s->ld_origin, SDX_OFFICE_MAX);
		get_str(&c, s->ld_note, SDX_NOTE_MAX);
		get_str(&c, s->ld_by, SDX_AGENCY_MAX);
	} else if (s->flags & SDX_RSTATE_DISPUTED) {
		/* an older record of an open dispute: it is the newest one */
		s->ld_date = s->d_date;
		s->ld_seq = s->d_seq;
		strcpy(s->ld_origin, s->d_origin);
		strcpy(s->ld_note, s->d_note);
		strcpy(s->ld_by, s->d_by);
	}
	return c.err ? SDX_ECORRUPT : 0;
}

int rstate_put(MDB_txn *txn, struct sdx_db *db, const uint8_t id[16],
	       const rstate *s)
{
	uint8_t mem[2048];
	struct buf b = {mem, 0, sizeof mem, 0};
	uint8_t h[24] = {1, (uint8_t)s->flags};
	le32_put(h + 4, (uint32_t)s->retract_date);
	le32_put(h + 8, (uint32_t)s->d_date);
	le64_put(h + 12, s->d_seq);
	put_raw(&b, h, sizeof h);
	put_str(&b, s->retract_note);
	put_str(&b, s->retract_by);
	put_str(&b, s->d_origin);
	put_str(&b, s->d_note);
	put_str(&b, s->d_by);
	put_str(&b, s->r_origin);
	if (s->ld_seq) {
		uint8_t t[12];
		le32_put(t, (uint32_t)s->ld_date);
		le64_put(t + 4, s->ld_seq);
		put_raw(&b, t, sizeof t);
		put_str(&b, s->ld_origin);
		put_str(&b, s->ld_note);
		put_str(&b, s->ld_by);
	}
	if (b.err)
		return SDX_ETOOLONG;
	MDB_val k = {16, (void *)id}, d = {b.len, mem};
	return mdb_put(txn, db->rstate, &k, &d, 0);
}

int allow_get(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek, size_t eklen,
	      allow_rec *a)
{
	MDB_val k = {eklen, (void *)ek}, d;
	int rc = mdb_get(txn, db->allow, &k, &d);
	if (rc)
		return rc == MDB_NOTFOUND ? SDX_ENOTFOUND : store_err(rc);
	struct cur c = {d.mv_data, d.mv_size, 0, 0};
	uint8_t h[24];
	/* version 1: 16 bytes of header; 2 (with the clock): 24 */
	get_raw(&c, h, 16);
	if (c.err || (h[0] != 1 && h[0] != 2))
		return SDX_ECORRUPT;
	a->clock = 0;
	if (h[0] == 2) {
		get_raw(&c, h + 16, 8);
		a->clock = le64_get(h + 16);
	}
	a->allowed = h[1];
	a->date = (int32_t)le32_get(h + 4);
	a->seq = le64_get(h + 8);
	get_str(&c, a->origin, SDX_OFFICE_MAX);
	get_str(&c, a->note, SDX_NOTE_MAX);
	get_str(&c, a->by, SDX_AGENCY_MAX);
	return c.err ? SDX_ECORRUPT : 0;
}

int allow_put(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek, size_t eklen,
	      const allow_rec *a)
{
	uint8_t mem[1024];
	struct buf b = {mem, 0, sizeof mem, 0};
	uint8_t h[24] = {a->clock ? 2 : 1, (uint8_t)a->allowed};
	le32_put(h + 4, (uint32_t)a->date);
	le64_put(h + 8, a->seq);
	le64_put(h + 16, a->clock);
	put_raw(&b, h, a->clock ? 24 : 16);
	put_str(&b, a->origin);
	put_str(&b, a->note);
	put_str(&b, a->by);
	if (b.err)
		return SDX_ETOOLONG;
	MDB_val k = {eklen, (void *)ek}, d = {b.len, mem};
	return mdb_put(txn, db->allow, &k, &d, 0);
}

int stamp_cmp(int32_t d1, const char *o1, uint64_t s1, int32_t d2,
	      const char *o2, uint64_t s2)
{
	if (d1 != d2)
		return d1 < d2 ? -1 : 1;
	int c = strcmp(o1, o2);
	if (c)
		return c < 0 ? -1 : 1;
	return s1 < s2 ? -1 : s1 > s2;
}

int allow_cmp(uint64_t c1, int32_t d1, const char *o1, uint64_t s1,
	      const allow_rec *b)
{
	if (c1 != b->clock)
		return c1 < b->clock ? -1 : 1;
	if (c1 == 0)
		return stamp_cmp(d1, o1, s1, b->date, b->origin, b->seq);
	int c = strcmp(o1, b->origin);
	if (c)
		return c < 0 ? -1 : 1;
	return s1 < b->seq ? -1 : s1 > b->seq;
}
