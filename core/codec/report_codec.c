/* report_codec.c: canonical CBOR for reports and operation bodies, the
 * one file that includes <cbor.h> (libcbor 0.8's encoding API changed in
 * 0.10). Encoding uses cbor_encode_* into caller buffers; decoding pulls
 * one item at a time from cbor_stream_decode and trusts no length. */
#include "codec.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "cbor_reader.h"
#include "cbor_writer.h"

/* ---- writer: cbor_writer.h ---- */

static int bounded(const char *s, size_t max, codec_str *out)
{
	size_t n = strnlen(s, max + 1);
	if (n > max)
		return SDX_ETOOLONG;
	out->p = s;
	out->len = n;
	return 0;
}

static int str_cmp(codec_str a, codec_str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.p, b.p, n);
	if (c)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

static int ident_cmp(const codec_ident *a, const codec_ident *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	int c = str_cmp(a->canonical, b->canonical);
	if (c)
		return c;
	return a->role < b->role ? -1 : a->role > b->role;
}

static int valid_fields(const codec_report_view *v)
{
	if (v->category < 0 || v->category >= 32 || v->channel < 0 ||
	    v->channel > 255 || v->confirmation < 0 ||
	    v->confirmation >= SDX_CONF_COUNT || v->audience < 0 ||
	    v->audience > SDX_AUD_POLICE || v->amount < -1 || v->n_idents < 1 ||
	    v->n_idents > SDX_REPORT_IDENTS_MAX)
		return SDX_EINVAL;
	for (size_t i = 0; i < v->n_idents; i++) {
		const codec_ident *id = &v->idents[i];
		if (id->kind < SDX_KIND_PHONE || id->kind > SDX_KIND_DOMAIN ||
		    id->role < 0 || id->role > 255 || id->canonical.len == 0)
			return SDX_EINVAL;
		if (id->canonical.len >= SDX_CANON_MAX)
			return SDX_ETOOLONG;
	}
	return 0;
}

/* The encoder. with_received = 0 leaves the received date out; *at4 (if
 * not NULL) is then where its key would go: the length of what comes
 * before it. */
static int view_encode(const codec_report_view *v, int with_received,
		       uint8_t *buf, size_t cap, size_t *len, size_t *at4)
{
	int rc = valid_fields(v);
	if (rc)
		return rc;
	size_t n = 6; /* origin, category, channel, confirmation, audience,
			 idents */
	n += v->agency.len > 0;
	n += v->case_ref.len > 0;
	n += v->incident_date != SDX_DATE_NONE;
	n += with_received && v->received_date != SDX_DATE_NONE;
	n += v->amount >= 0;
	n += v->narrative.len > 0;
	n += v->category_label.len > 0;
	n += v->channel_label.len > 0;

	struct wr w = {buf, cap, 0, 0};
	w_head_map(&w, n);
	w_uint(&w, 0);
	w_text(&w, v->origin.p, v->origin.len);
	if (v->agency.len) {
		w_uint(&w, 1);
		w_text(&w, v->agency.p, v->agency.len);
	}
	if (v->case_ref.len) {
		w_uint(&w, 2);
		w_text(&w, v->case_ref.p, v->case_ref.len);
	}
	if (v->incident_date != SDX_DATE_NONE) {
		w_uint(&w, 3);
		w_int(&w, v->incident_date);
	}
	if (at4)
		*at4 = w.len;
	if (with_received && v->received_date != SDX_DATE_NONE) {
		w_uint(&w, 4);
		w_int(&w, v->received_date);
	}
	w_uint(&w, 5);
	w_uint(&w, (uint64_t)v->category);
	w_uint(&w, 6);
	w_uint(&w, (uint64_t)v->channel);
	if (v->amount >= 0) {
		w_uint(&w, 7);
		w_uint(&w, (uint64_t)v->amount);
	}
	w_uint(&w, 8);
	w_uint(&w, (uint64_t)v->confirmation);
	w_uint(&w, 9);
	w_uint(&w, (uint64_t)v->audience);
	if (v->narrative.len) {
		w_uint(&w, 10);
		w_text(&w, v->narrative.p, v->narrative.len);
	}
	w_uint(&w, 11);
	w_head_array(&w, v->n_idents);
	for (size_t i = 0; i < v->n_idents; i++) {
		w_head_array(&w, 3);
		w_uint(&w, (uint64_t)v->idents[i].kind);
		w_uint(&w, (uint64_t)v->idents[i].role);
		w_text(&w, v->idents[i].canonical.p,
		       v->idents[i].canonical.len);
	}
	/* keys 12 and 13 only when set: reports without them keep the
	 * bytes and ids they always had */
	if (v->category_label.len) {
		w_uint(&w, 12);
		w_text(&w, v->category_label.p, v->category_label.len);
	}
	if (v->channel_label.len) {
		w_uint(&w, 13);
		w_text(&w, v->channel_label.p, v->channel_label.len);
	}
	if (w.err)
		return w.err;
	*len = w.len;
	return 0;
}

int codec_report_view_encode(const codec_report_view *v, int with_received,
			     uint8_t *buf, size_t cap, size_t *len)
{
	return view_encode(v, with_received, buf, cap, len, NULL);
}

/* One pass: the id form (no received date) is encoded d bytes into buf,
 * d being the length of the received date's key and value, and hashed
 * there; then the map head and the fields before key 4 move d bytes to
 * the left and the received date fills the gap: the fields after it are
 * already in place. A map of at most 23 entries (this one has at most
 * 14) has a one-byte head. */
int codec_report_view_encode_id(const codec_report_view *v, uint8_t *buf,
				size_t cap, size_t *len, codec_hash_fn *hash,
				uint8_t id[16])
{
	size_t n, at4;
	int rc;

	if (v->received_date == SDX_DATE_NONE) {
		if ((rc = view_encode(v, 1, buf, cap, len, NULL)))
			return rc;
		hash(buf, *len, id);
		return 0;
	}
	uint8_t f4[16];
	struct wr w4 = {f4, sizeof f4, 0, 0};
	w_uint(&w4, 4);
	w_int(&w4, v->received_date);
	size_t d = w4.len;
	if (cap < d)
		return SDX_ETOOLONG;
	if ((rc = view_encode(v, 0, buf + d, cap - d, &n, &at4)))
		return rc;
	hash(buf + d, n, id);
	buf[0] = (uint8_t)(buf[d] + 1); /* one more map entry */
	memmove(buf + 1, buf + d + 1, at4 - 1);
	memcpy(buf + at4, f4, d);
	*len = n + d;
	return 0;
}

int codec_report_view_from(const sdx_report *r, codec_report_view *vp)
{
	codec_report_view v;
	int rc;
	if ((rc = bounded(r->origin, SDX_OFFICE_MAX, &v.origin)) ||
	    (rc = bounded(r->agency, SDX_AGENCY_MAX, &v.agency)) ||
	    (rc = bounded(r->case_ref, SDX_CASEREF_MAX, &v.case_ref)) ||
	    (rc = bounded(r->narrative, SDX_NARRATIVE_MAX, &v.narrative)) ||
	    (rc = bounded(r->category_label, SDX_LABEL_MAX,
			  &v.category_label)) ||
	    (rc = bounded(r->channel_label, SDX_LABEL_MAX, &v.channel_label)))
		return rc;
	v.incident_date = r->incident_date;
	v.received_date = r->received_date;
	v.category = r->category;
	v.channel = r->channel;
	v.confirmation = r->confirmation;
	v.audience = r->audience;
	v.amount = r->amount;
	if (r->n_idents < 1 || r->n_idents > SDX_REPORT_IDENTS_MAX)
		return SDX_EINVAL;
	/* insertion sort: at most 16 identifiers */
	v.n_idents = 0;
	for (size_t i = 0; i < r->n_idents; i++) {
		codec_ident id;
		id.kind = (int)r->idents[i].kind;
		id.role = (int)r->idents[i].role;
		if ((rc = bounded(r->idents[i].canonical, SDX_CANON_MAX - 1,
				  &id.canonical)))
			return rc;
		size_t j = v.n_idents;
		int dup = 0;
		while (j > 0) {
			int c = ident_cmp(&v.idents[j - 1], &id);
			if (c == 0)
				dup = 1;
			if (c <= 0)
				break;
			j--;
		}
		if (dup)
			continue;
		memmove(&v.idents[j + 1], &v.idents[j],
			(v.n_idents - j) * sizeof v.idents[0]);
		v.idents[j] = id;
		v.n_idents++;
	}
	if ((rc = valid_fields(&v)))
		return rc;
	*vp = v;
	return 0;
}

int codec_report_encode(const sdx_report *r, int with_received, uint8_t *buf,
			size_t cap, size_t *len)
{
	codec_report_view v;
	int rc = codec_report_view_from(r, &v);
	if (rc)
		return rc;
	return codec_report_view_encode(&v, with_received, buf, cap, len);
}

/* ---- reader: one CBOR item at a time ---- */

struct rd {
	const uint8_t *buf;
	size_t len, pos;
	enum tok type;
	uint64_t u;
	const uint8_t *p;
	size_t n;
};

static int next(struct rd *r)
{
	if (r->pos >= r->len)
		return SDX_ECORRUPT;
	struct cbor_token t;
	struct cbor_decoder_result res =
	    codec_token_next(r->buf + r->pos, r->len - r->pos, &t);
	r->type = t.type;
	r->u = t.u;
	r->p = t.p;
	r->n = t.n;
	if (res.status != CBOR_DECODER_FINISHED || res.read == 0 ||
	    res.read > r->len - r->pos)
		return SDX_ECORRUPT;
	r->pos += res.read;
	return r->type == T_BAD ? SDX_ECORRUPT : 0;
}

static int expect(struct rd *r, enum tok t)
{
	int rc = next(r);
	if (rc)
		return rc;
	return r->type == t ? 0 : SDX_ECORRUPT;
}

static int get_uint(struct rd *r, uint64_t max, uint64_t *out)
{
	int rc = expect(r, T_UINT);
	if (rc)
		return rc;
	if (r->u > max)
		return SDX_ECORRUPT;
	*out = r->u;
	return 0;
}

static int get_date(struct rd *r, int32_t *out)
{
	int rc = next(r);
	if (rc)
		return rc;
	if (r->type == T_UINT && r->u <= INT32_MAX)
		*out = (int32_t)r->u;
	else if (r->type == T_NEG && r->u < (uint64_t)INT32_MAX)
		*out = (int32_t)(-1 - (int64_t)r->u); /* INT32_MIN is NONE */
	else
		return SDX_ECORRUPT;
	return 0;
}

static int get_text(struct rd *r, size_t max, codec_str *out)
{
	int rc = expect(r, T_TEXT);
	if (rc)
		return rc;
	if (r->n > max || memchr(r->p, 0, r->n))
		return SDX_ECORRUPT;
	out->p = (const char *)r->p;
	out->len = r->n;
	return 0;
}

/* Reads the map header and checks that keys ascend; *n = entries. */
static int get_map(struct rd *r, size_t max, size_t *n)
{
	int rc = expect(r, T_MAP);
	if (rc)
		return rc;
	if (r->n > max)
		return SDX_ECORRUPT;
	*n = r->n;
	return 0;
}

static int get_key(struct rd *r, int *last)
{
	uint64_t k;
	int rc = get_uint(r, 31, &k); /* keys index a 32-bit "seen" mask */
	if (rc)
		return rc;
	if ((int)k <= *last)
		return SDX_ECORRUPT;
	*last = (int)k;
	return 0;
}

static const codec_str empty = {"", 0};

int codec_report_view_decode(const uint8_t *buf, size_t len,
			     codec_report_view *v)
{
	struct rd r = {buf, len, 0, T_BAD, 0, NULL, 0};
	size_t n;
	int rc, last = -1;
	uint64_t u = 0;
	unsigned seen = 0;
	v->origin = v->agency = v->case_ref = v->narrative = empty;
	v->category_label = v->channel_label = empty;
	v->incident_date = v->received_date = SDX_DATE_NONE;
	v->category = v->channel = v->confirmation = v->audience = 0;
	v->amount = -1;
	v->n_idents = 0;
	if ((rc = get_map(&r, 14, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = get_key(&r, &last)))
			return rc;
		seen |= 1u << last;
		switch (last) {
		case 0:
			rc = get_text(&r, SDX_OFFICE_MAX, &v->origin);
			break;
		case 1:
			rc = get_text(&r, SDX_AGENCY_MAX, &v->agency);
			break;
		case 2:
			rc = get_text(&r, SDX_CASEREF_MAX, &v->case_ref);
			break;
		case 3:
			rc = get_date(&r, &v->incident_date);
			break;
		case 4:
			rc = get_date(&r, &v->received_date);
			break;
		case 5:
			rc = get_uint(&r, 31, &u);
			v->category = (int)u;
			break;
		case 6:
			rc = get_uint(&r, 255, &u);
			v->channel = (int)u;
			break;
		case 7:
			rc = get_uint(&r, INT64_MAX, &u);
			v->amount = (int64_t)u;
			break;
		case 8:
			rc = get_uint(&r, SDX_CONF_COUNT - 1, &u);
			v->confirmation = (int)u;
			break;
		case 9:
			rc = get_uint(&r, SDX_AUD_POLICE, &u);
			v->audience = (int)u;
			break;
		case 10:
			rc = get_text(&r, SDX_NARRATIVE_MAX, &v->narrative);
			break;
		case 11:
			if ((rc = expect(&r, T_ARRAY)))
				return rc;
			if (r.n < 1 || r.n > SDX_REPORT_IDENTS_MAX)
				return SDX_ECORRUPT;
			v->n_idents = r.n;
			for (size_t j = 0; j < v->n_idents && !rc; j++) {
				codec_ident *id = &v->idents[j];
				if ((rc = expect(&r, T_ARRAY)))
					return rc;
				if (r.n != 3)
					return SDX_ECORRUPT;
				if ((rc = get_uint(&r, SDX_KIND_DOMAIN, &u)))
					return rc;
				id->kind = (int)u;
				if ((rc = get_uint(&r, 255, &u)))
					return rc;
				id->role = (int)u;
				if ((rc = get_text(&r, SDX_CANON_MAX - 1,
						   &id->canonical)))
					return rc;
				if (id->kind < SDX_KIND_PHONE ||
				    id->canonical.len == 0)
					return SDX_ECORRUPT;
				if (j > 0 &&
				    ident_cmp(&v->idents[j - 1], id) >= 0)
					return SDX_ECORRUPT;
			}
			break;
		case 12:
			rc = get_text(&r, SDX_LABEL_MAX, &v->category_label);
			break;
		case 13:
			rc = get_text(&r, SDX_LABEL_MAX, &v->channel_label);
			break;
		default:
			return SDX_ECORRUPT;
		}
		if (rc)
			return rc;
	}
	/* required: origin, category, channel, confirmation, audience, idents
	 */
	const unsigned req =
	    1u << 0 | 1u << 5 | 1u << 6 | 1u << 8 | 1u << 9 | 1u << 11;
	if ((seen & req) != req || r.pos != len)
		return SDX_ECORRUPT;
	return 0;
}

static void copy_str(char *dst, codec_str s)
{
	memcpy(dst, s.p, s.len);
	dst[s.len] = 0;
}

int codec_report_decode(const uint8_t *buf, size_t len, sdx_report *out)
{
	codec_report_view v;
	int rc = codec_report_view_decode(buf, len, &v);
	if (rc)
		return rc;
	copy_str(out->origin, v.origin);
	copy_str(out->agency, v.agency);
	copy_str(out->case_ref, v.case_ref);
	copy_str(out->narrative, v.narrative);
	copy_str(out->category_label, v.category_label);
	copy_str(out->channel_label, v.channel_label);
	out->incident_date = v.incident_date;
	out->received_date = v.received_date;
	out->category = v.category;
	out->channel = v.channel;
	out->amount = v.amount;
	out->confirmation = v.confirmation;
	out->audience = v.audience;
	out->n_idents = v.n_idents;
	for (size_t i = 0; i < v.n_idents; i++) {
		out->idents[i].kind = (sdx_kind)v.idents[i].kind;
		out->idents[i].role = (sdx_role)v.idents[i].role;
		copy_str(out->idents[i].canonical, v.idents[i].canonical);
	}
	memset(out->id, 0, sizeof out->id);
	out->state = 0;
	out->state_note[0] = 0;
	out->state_by[0] = 0;
	out->state_date = SDX_DATE_NONE;
	out->dispute_note[0] = out->dispute_by[0] = 0;
	out->dispute_date = SDX_DATE_NONE;
	out->resolve_note[0] = out->resolve_by[0] = 0;
	out->resolve_date = SDX_DATE_NONE;
	return 0;
}

/* ---- operation bodies ---- */

/* The tail that state and allowlist bodies share: note and by (left out
 * when empty) at keys `key` and `key + 1`, the date at `key + 2`; then the
 * body's length, or the first error. */
static int w_note_by_date(struct wr *w, uint64_t key, codec_str n, codec_str b,
			  int32_t date, size_t *len)
{
	if (n.len) {
		w_uint(w, key);
		w_text(w, n.p, n.len);
	}
	if (b.len) {
		w_uint(w, key + 1);
		w_text(w, b.p, b.len);
	}
	w_uint(w, key + 2);
	w_int(w, date);
	if (w->err)
		return w->err;
	*len = w->len;
	return 0;
}

int codec_state_op_encode(const uint8_t id[16], const char *note,
			  const char *by, int32_t date, int audience,
			  uint8_t *buf, size_t cap, size_t *len)
{
	codec_str n, b;
	int rc;
	if (audience != SDX_AUD_BANK && audience != SDX_AUD_POLICE)
		return SDX_EINVAL;
	if ((rc = bounded(note ? note : "", SDX_NOTE_MAX, &n)) ||
	    (rc = bounded(by ? by : "", SDX_AGENCY_MAX, &b)))
		return rc;
	int police = audience == SDX_AUD_POLICE;
	struct wr w = {buf, cap, 0, 0};
	w_head_map(&w, 2 + (n.len > 0) + (b.len > 0) + police);
	w_uint(&w, 0);
	w_bytes(&w, id, 16);
	if ((rc = w_note_by_date(&w, 1, n, b, date, len)))
		return rc;
	if (police) {
		w_uint(&w, 4);
		w_uint(&w, SDX_AUD_POLICE);
		if (w.err)
			return w.err;
		*len = w.len;
	}
	return 0;
}

int codec_state_op_decode(const uint8_t *buf, size_t len, codec_state_op *o)
{
	struct rd r = {buf, len, 0, T_BAD, 0, NULL, 0};
	size_t n;
	int rc, last = -1;
	unsigned seen = 0;
	o->note = o->by = empty;
	o->date = SDX_DATE_NONE;
	o->audience = SDX_AUD_BANK;
	if ((rc = get_map(&r, 5, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = get_key(&r, &last)))
			return rc;
		seen |= 1u << last;
		switch (last) {
		case 0:
			if ((rc = expect(&r, T_BYTES)))
				return rc;
			if (r.n != 16)
				return SDX_ECORRUPT;
			memcpy(o->id, r.p, 16);
			break;
		case 1:
			rc = get_text(&r, SDX_NOTE_MAX, &o->note);
			break;
		case 2:
			rc = get_text(&r, SDX_AGENCY_MAX, &o->by);
			break;
		case 3:
			rc = get_date(&r, &o->date);
			break;
		case 4: { /* present only for police-only: one form per op */
			uint64_t u;
			rc = get_uint(&r, SDX_AUD_POLICE, &u);
			if (!rc && u != SDX_AUD_POLICE)
				return SDX_ECORRUPT;
			o->audience = SDX_AUD_POLICE;
			break;
		}
		default:
			return SDX_ECORRUPT;
		}
		if (rc)
			return rc;
	}
	if ((seen & 9u) != 9u || r.pos != len)
		return SDX_ECORRUPT;
	return 0;
}

int codec_allow_op_encode(int kind, const char *canonical, const char *note,
			  const char *by, int32_t date, uint64_t clock,
			  uint8_t *buf, size_t cap, size_t *len)
{
	codec_str c, n, b;
	int rc;
	if ((rc = bounded(canonical, SDX_CANON_MAX - 1, &c)) ||
	    (rc = bounded(note ? note : "", SDX_NOTE_MAX, &n)) ||
	    (rc = bounded(by ? by : "", SDX_AGENCY_MAX, &b)))
		return rc;
	if (kind < SDX_KIND_PHONE || kind > SDX_KIND_DOMAIN || c.len == 0)
		return SDX_EINVAL;
	struct wr w = {buf, cap, 0, 0};
	w_head_map(&w, 3 + (n.len > 0) + (b.len > 0) + (clock > 0));
	w_uint(&w, 0);
	w_uint(&w, (uint64_t)kind);
	w_uint(&w, 1);
	w_text(&w, c.p, c.len);
	if ((rc = w_note_by_date(&w, 2, n, b, date, len)))
		return rc;
	if (clock > 0) {
		w_uint(&w, 5);
		w_uint(&w, clock);
		if (w.err)
			return w.err;
		*len = w.len;
	}
	return 0;
}

int codec_allow_op_decode(const uint8_t *buf, size_t len, codec_allow_op *o)
{
	struct rd r = {buf, len, 0, T_BAD, 0, NULL, 0};
	size_t n;
	int rc, last = -1;
	unsigned seen = 0;
	uint64_t u = 0;
	o->note = o->by = o->canonical = empty;
	o->date = SDX_DATE_NONE;
	o->clock = 0;
	if ((rc = get_map(&r, 6, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = get_key(&r, &last)))
			return rc;
		seen |= 1u << last;
		switch (last) {
		case 0:
			rc = get_uint(&r, SDX_KIND_DOMAIN, &u);
			o->kind = (int)u;
			break;
		case 1:
			rc = get_text(&r, SDX_CANON_MAX - 1, &o->canonical);
			break;
		case 2:
			rc = get_text(&r, SDX_NOTE_MAX, &o->note);
			break;
		case 3:
			rc = get_text(&r, SDX_AGENCY_MAX, &o->by);
			break;
		case 4:
			rc = get_date(&r, &o->date);
			break;
		case 5:
			rc = get_uint(&r, UINT64_MAX, &o->clock);
			if (!rc && o->clock == 0)
				rc = SDX_ECORRUPT;
			break;
		default:
			return SDX_ECORRUPT;
		}
		if (rc)
			return rc;
	}
	if ((seen & 0x13u) != 0x13u || r.pos != len ||
	    o->kind < SDX_KIND_PHONE || o->canonical.len == 0)
		return SDX_ECORRUPT;
	return 0;
}
