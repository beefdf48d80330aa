/* entity.c: entity keys, a summary's arithmetic (counting a report into
 * it, its bank view), and recomputing a summary from its reports
 * (retractions, disputes, verify). Its record layout: entity_layout.c. */
#include "store.h"

#include <stdlib.h>

#include "grow.h"
#include "hash.h"

size_t ekey_make(int kind, const char *canon, size_t len, uint8_t *key)
{
	key[0] = (uint8_t)kind;
	memcpy(key + 1, canon, len);
	return 1 + len;
}

size_t ekey_bank_account(const void *bin, size_t binlen, const char *acct,
			 size_t len, uint8_t *key)
{
	char canon[SDX_CANON_MAX];
	if (binlen + 1 + len >= sizeof canon)
		return 0;
	memcpy(canon, bin, binlen);
	canon[binlen] = ':';
	memcpy(canon + binlen + 1, acct, len);
	return ekey_make(SDX_KIND_BANK, canon, binlen + 1 + len, key);
}

void entity_zero(entity_sum *s)
{
	memset(s, 0, sizeof *s);
	s->first_seen = s->last_seen = SDX_DATE_NONE;
	for (int i = 0; i < ENT_RECENT - 1; i++)
		s->older[i] = SDX_DATE_NONE;
}

void entity_bank_from(struct entity_bank *b, const entity_sum *s)
{
	b->max_conf = s->max_conf;
	b->older_unknown = s->older_unknown;
	b->active = s->active;
	b->retracted = s->retracted;
	b->agencies = s->agencies;
	b->categories = s->categories;
	b->disputed = s->disputed;
	b->undated = s->undated;
	b->agency1 = s->agency1;
	b->first_seen = s->first_seen;
	b->last_seen = s->last_seen;
	memcpy(b->older, s->older, sizeof b->older);
	b->kept = s->kept;
}

void entity_as_bank(entity_sum *s)
{
	if (!(s->flags & ENT_BANKVIEW))
		return;
	const struct entity_bank *b = &s->bank;
	s->max_conf = b->max_conf;
	s->older_unknown = b->older_unknown;
	s->active = b->active;
	s->retracted = b->retracted;
	s->agencies = b->agencies;
	s->categories = b->categories;
	s->disputed = b->disputed;
	s->undated = b->undated;
	s->agency1 = b->agency1;
	s->first_seen = b->first_seen;
	s->last_seen = b->last_seen;
	memcpy(s->older, b->older, sizeof s->older);
	s->kept = b->kept;
}

/* Insert date d of a new active report into the kept newest dates
 * (last_seen, older[]), `dated` the dated reports before it. Keeps the
 * ENT_RECENT newest with repeats when every date was kept; otherwise (a
 * record from layout 2-3) d joins only when newer than the last kept, so
 * the kept ones stay the newest. SDX_DATE_NONE (INT32_MIN) pads. */
static void recent_insert(entity_sum *s, uint32_t dated, int32_t d)
{
	int32_t top[ENT_RECENT];
	top[0] = s->last_seen;
	memcpy(top + 1, s->older, sizeof s->older);
	uint32_t n = s->kept;
	if (n > ENT_RECENT)
		n = ENT_RECENT;
	if (n > 0 && d <= top[n - 1] && (n == ENT_RECENT || n < dated))
		return; /* not among the kept newest (or ties the last) */
	uint32_t i = n < ENT_RECENT ? n : ENT_RECENT - 1;
	for (; i > 0 && top[i - 1] < d; i--)
		top[i] = top[i - 1];
	top[i] = d;
	if (n < ENT_RECENT)
		n++;
	s->kept = n;
	s->last_seen = top[0];
	memcpy(s->older, top + 1, sizeof s->older);
}

void entity_sum_add(entity_sum *s, int32_t date, int category, int confirmation,
		    unsigned sflags)
{
	if (sflags & SDX_RSTATE_RETRACTED) {
		s->retracted++;
		return;
	}
	uint32_t dated = s->active - s->undated;
	s->active++;
	s->categories |= 1u << category;
	if (confirmation > s->max_conf)
		s->max_conf = confirmation;
	if (date != SDX_DATE_NONE) {
		if (s->first_seen == SDX_DATE_NONE || date < s->first_seen)
			s->first_seen = date;
		recent_insert(s, dated, date);
	} else {
		s->undated++;
	}
	if (sflags & SDX_RSTATE_DISPUTED)
		s->disputed++;
}

void entity_sum_add_aud(entity_sum *s, int32_t date, int category,
			int confirmation, unsigned sflags, int police)
{
	if (police && !(s->flags & ENT_BANKVIEW)) {
		entity_bank_from(&s->bank, s);
		s->flags |= ENT_BANKVIEW;
	}
	if (!police && (s->flags & ENT_BANKVIEW)) {
		entity_sum t = *s;
		entity_as_bank(&t);
		entity_sum_add(&t, date, category, confirmation, sflags);
		entity_bank_from(&s->bank, &t);
	}
	entity_sum_add(s, date, category, confirmation, sflags);
}

void er_make(int32_t date, const uint8_t id[16], unsigned flags,
	     uint8_t out[ER_LEN])
{
	be32_put(out, (uint32_t)date ^ 0x80000000u);
	memcpy(out + 4, id, 16);
	out[20] = (uint8_t)flags;
}

int32_t er_date(const uint8_t *v)
{
	return (int32_t)(be32_get(v) ^ 0x80000000u);
}

/* An active report's agency: its hash, and whether the report is
 * police-only. Sorted by hash, a bank-visible one first. */
struct ah {
	uint64_t h;
	int police;
};

static int ah_cmp(const void *a, const void *b)
{
	const struct ah *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->police - y->police;
}

/* An entity_agency entry's value: the agency has a bank-visible active
 * report (AGENCY_BANK; every entry of an entity without ENT_BANKVIEW, and
 * what layout 2 wrote) or police-only ones alone (AGENCY_POLICE). */
static int agency_rewrite(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek,
			  size_t eklen, const struct ah *h, size_t n)
{
	uint8_t key[EKEY_MAX + 8];
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, db->entity_agency, &c);
	if (rc)
		return rc;
	memcpy(key, ek, eklen);
	MDB_val k = {eklen, key}, d;
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	while (!rc && k.mv_size >= eklen && !memcmp(k.mv_data, ek, eklen)) {
		if (k.mv_size == eklen + 8 && (rc = mdb_cursor_del(c, 0)))
			break;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	/* h sorted: a hash's bank-visible entry comes first */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && h[j].h == h[i].h)
			j++;
		uint8_t v = h[i].police ? AGENCY_POLICE : AGENCY_BANK;
		be64_put(key + eklen, h[i].h);
		MDB_val kk = {eklen + 8, key}, dd = {1, &v};
		if ((rc = mdb_put(txn, db->entity_agency, &kk, &dd, 0)))
			return rc;
		i = j;
	}
	return 0;
}

/* The distinct agencies of hs[0..n) (sorted): all, and the
 * bank-visible ones; agency1 the smallest of each. */
static void agencies_count(const struct ah *hs, size_t n, entity_sum *s)
{
	for (size_t i = 0; i < n; i++) {
		int first = i == 0 || hs[i].h != hs[i - 1].h;
		if (first) {
			if (!s->agencies)
				s->agency1 = hs[i].h;
			s->agencies++;
		}
		/* a bank-visible one sorts first among its hash's */
		if (first && !hs[i].police) {
			if (!s->bank.agencies)
				s->bank.agency1 = hs[i].h;
			s->bank.agencies++;
		}
	}
}

int entity_recompute(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek,
		     size_t eklen, entity_sum *s, int agency_fix)
{
	entity_zero(s);
	allow_rec a;
	int rc = allow_get(txn, db, ek, eklen, &a);
	if (!rc && a.allowed)
		s->flags |= ENT_ALLOWLISTED;
	else if (rc && rc != SDX_ENOTFOUND)
		return rc;
	struct ah *hs = NULL;
	size_t nh = 0, caph = 0;
	MDB_cursor *c;
	if ((rc = mdb_cursor_open(txn, db->entity_report, &c)))
		return rc;
	MDB_val k = {eklen, (void *)ek}, d;
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_KEY);
	if (!rc)
		rc = mdb_cursor_get(c, &k, &d, MDB_FIRST_DUP);
	while (!rc) {
		const uint8_t *v = d.mv_data;
		if (d.mv_size != ER_LEN) {
			rc = MDB_CORRUPTED;
			break;
		}
		MDB_val rk = {16, (void *)(v + 4)}, rv;
		codec_report_view rep;
		if ((rc = mdb_get(txn, db->report, &rk, &rv)))
			break;
		if ((rc = codec_report_view_decode(rv.mv_data, rv.mv_size,
						   &rep)))
			break;
		int police = rep.audience != SDX_AUD_BANK;
		if (v[20] & ER_RETRACTED) {
			entity_sum_add_aud(s, rep.incident_date, rep.category,
					   rep.confirmation,
					   SDX_RSTATE_RETRACTED, police);
		} else {
			if (rep.agency.len) {
				if ((rc = sdx_grow(&hs, &caph, nh + 1,
						   sizeof *hs, 16)))
					break;
				hs[nh].h =
				    sdx_hash64(rep.agency.p, rep.agency.len);
				hs[nh++].police = police;
			}
			rstate st;
			int r2 = rstate_get(txn, db, v + 4, &st);
			if (r2 && r2 != SDX_ENOTFOUND) {
				rc = r2;
				break;
			}
			/* the entry, not rstate, says whether it counts as
			 * retracted; only the dispute is taken from rstate */
			entity_sum_add_aud(
			    s, rep.incident_date, rep.category,
			    rep.confirmation,
			    !r2 ? st.flags & SDX_RSTATE_DISPUTED : 0, police);
		}
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_DUP);
	}
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND)
		rc = 0;
	if (!rc) {
		if (nh)
			qsort(hs, nh, sizeof *hs, ah_cmp);
		agencies_count(hs, nh, s);
		if (!(s->flags & ENT_BANKVIEW))
			s->bank.agencies = 0, s->bank.agency1 = 0;
		if (agency_fix)
			rc = agency_rewrite(txn, db, ek, eklen, hs,
					    s->agencies >= 2 ? nh : 0);
	}
	free(hs);
	return rc;
}

/* Schema 2 -> 3: the entities of every police-only report get their
 * bank view (and their entity_agency entries' values). Reports are read
 * in key order; an entity named by several is recomputed each time (the
 * result is the same). */
int entity_migrate_bank(MDB_txn *txn, struct sdx_db *db)
{
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, db->report, &c);
	if (rc)
		return rc;
	MDB_val k, d;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		codec_report_view v;
		if ((rc = codec_report_view_decode(d.mv_data, d.mv_size, &v)))
			break;
		if (v.audience == SDX_AUD_BANK)
			continue;
		for (size_t i = 0; !rc && i < v.n_idents; i++) {
			uint8_t ek[EKEY_MAX], rec[ENTITY_MAX];
			if (v.idents[i].canonical.len >= SDX_CANON_MAX) {
				rc = SDX_ECORRUPT;
				break;
			}
			size_t eklen =
			    ekey_make(v.idents[i].kind, v.idents[i].canonical.p,
				      v.idents[i].canonical.len, ek);
			entity_sum s;
			MDB_val ekv = {eklen, ek}, old;
			rc = mdb_get(txn, db->entity, &ekv, &old);
			if (rc == MDB_NOTFOUND) {
				rc = 0; /* not counted anywhere: nothing */
				continue;
			}
			if (rc ||
			    (rc = entity_recompute(txn, db, ek, eklen, &s, 1)))
				break;
			MDB_val nv = {entity_encode(&s, rec), rec};
			rc = mdb_put(txn, db->entity, &ekv, &nv, 0);
		}
		if (rc)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}
