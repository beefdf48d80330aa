/* entity.c: entity keys, the fixed summary layout, and recomputing a
 * summary from its reports (retractions, disputes, verify). */
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

/* Layout 2 (little-endian): u8 version, u8 flags, u8 max confirmation,
 * u8 1 if the older dates are unknown (else 0), u32 active, u32 retracted,
 * u32 agencies, u32 category bits, i32 first seen, i32 last seen,
 * u32 disputed, u32 undated, then ENT_RECENT - 1 i32: the next newest
 * active incident dates after last seen, newest first, SDX_DATE_NONE where
 * there are fewer, and last the u64 hash of the one agency (meaningful
 * when agencies == 1), which a check never reads. Layout 1 (44 bytes, byte
 * 3 zero) had the agency hash at byte 36 and no dates. */
void entity_encode(const entity_sum *s, uint8_t out[ENTITY_LEN])
{
	memset(out, 0, ENTITY_LEN);
	out[0] = ENTITY_VERSION;
	out[1] = (uint8_t)s->flags;
	out[2] = (uint8_t)s->max_conf;
	out[3] = s->older_unknown ? 1 : 0;
	le32_put(out + 4, s->active);
	le32_put(out + 8, s->retracted);
	le32_put(out + 12, s->agencies);
	le32_put(out + 16, s->categories);
	le32_put(out + 20, (uint32_t)s->first_seen);
	le32_put(out + 24, (uint32_t)s->last_seen);
	le32_put(out + 28, s->disputed);
	le32_put(out + 32, s->undated);
	for (int i = 0; i < ENT_RECENT - 1; i++)
		le32_put(out + 36 + 4 * i, (uint32_t)s->older[i]);
	le64_put(out + 36 + 4 * (ENT_RECENT - 1), s->agency1);
}

int entity_decode_head(const void *p, size_t len, entity_sum *s)
{
	const uint8_t *b = p;
	if (len < ENTITY_V1_LEN || (b[0] != ENTITY_VERSION && b[0] != 1) ||
	    (b[0] == ENTITY_VERSION && len < ENTITY_LEN))
		return SDX_ECORRUPT;
	s->flags = b[1];
	s->max_conf = b[2];
	s->active = le32_get(b + 4);
	s->retracted = le32_get(b + 8);
	s->agencies = le32_get(b + 12);
	s->categories = le32_get(b + 16);
	s->first_seen = (int32_t)le32_get(b + 20);
	s->last_seen = (int32_t)le32_get(b + 24);
	s->disputed = le32_get(b + 28);
	s->undated = le32_get(b + 32);
	if (b[0] == ENTITY_VERSION) {
		s->older_unknown = b[3] & 1;
		return 0;
	}
	/* layout 1: the older dates are known only when every dated report
	 * has the same date (or there is at most one) */
	uint32_t dated = s->active - s->undated;
	s->older_unknown = dated > 1 && s->first_seen != s->last_seen;
	return 0;
}

void entity_decode_older(const void *p, entity_sum *s)
{
	const uint8_t *b = p;
	uint32_t dated = s->active - s->undated;
	for (int i = 0; i < ENT_RECENT - 1; i++) {
		if (b[0] == ENTITY_VERSION)
			s->older[i] = (int32_t)le32_get(b + 36 + 4 * i);
		else
			s->older[i] =
			    !s->older_unknown && (uint32_t)i + 1 < dated
				? s->last_seen
				: SDX_DATE_NONE;
	}
}

int entity_decode(const void *p, size_t len, entity_sum *s)
{
	int rc = entity_decode_head(p, len, s);
	if (rc)
		return rc;
	entity_decode_older(p, s);
	const uint8_t *b = p;
	s->agency1 = le64_get(
	    b + (b[0] == ENTITY_VERSION ? 36 + 4 * (ENT_RECENT - 1) : 36));
	return 0;
}

/* Insert date d into the newest dates (last_seen, older[]), keeping the
 * ENT_RECENT largest with repeats. SDX_DATE_NONE (INT32_MIN) pads. */
static void recent_insert(entity_sum *s, int32_t d)
{
	int32_t top[ENT_RECENT];
	top[0] = s->last_seen;
	memcpy(top + 1, s->older, sizeof s->older);
	int i = ENT_RECENT - 1;
	if (d <= top[i])
		return; /* not among the newest (or ties the last kept) */
	for (; i > 0 && top[i - 1] < d; i--)
		top[i] = top[i - 1];
	top[i] = d;
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
	s->active++;
	s->categories |= 1u << category;
	if (confirmation > s->max_conf)
		s->max_conf = confirmation;
	if (date != SDX_DATE_NONE) {
		if (s->first_seen == SDX_DATE_NONE || date < s->first_seen)
			s->first_seen = date;
		recent_insert(s, date);
	} else {
		s->undated++;
	}
	if (sflags & SDX_RSTATE_DISPUTED)
		s->disputed++;
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

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int agency_rewrite(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek,
			  size_t eklen, const uint64_t *h, size_t n)
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
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && h[j] == h[i])
			j++;
		uint8_t one = 1;
		be64_put(key + eklen, h[i]);
		MDB_val kk = {eklen + 8, key}, dd = {1, &one};
		if ((rc = mdb_put(txn, db->entity_agency, &kk, &dd, 0)))
			return rc;
		i = j;
	}
	return 0;
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
	uint64_t *hs = NULL;
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
		if (v[20] & ER_RETRACTED) {
			s->retracted++;
		} else {
			MDB_val rk = {16, (void *)(v + 4)}, rv;
			codec_report_view rep;
			if ((rc = mdb_get(txn, db->report, &rk, &rv)))
				break;
			if ((rc = codec_report_view_decode(rv.mv_data,
							   rv.mv_size, &rep)))
				break;
			if (rep.agency.len) {
				if ((rc = sdx_grow(&hs, &caph, nh + 1,
						   sizeof *hs, 16)))
					break;
				hs[nh++] =
				    sdx_hash64(rep.agency.p, rep.agency.len);
			}
			rstate st;
			int r2 = rstate_get(txn, db, v + 4, &st);
			if (r2 && r2 != SDX_ENOTFOUND) {
				rc = r2;
				break;
			}
			/* the entry, not rstate, says whether it counts as
			 * retracted; only the dispute is taken from rstate */
			entity_sum_add(s, rep.incident_date, rep.category,
				       rep.confirmation,
				       !r2 ? st.flags & SDX_RSTATE_DISPUTED
					   : 0);
		}
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_DUP);
	}
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND)
		rc = 0;
	if (!rc) {
		if (nh)
			qsort(hs, nh, sizeof *hs, u64_cmp);
		for (size_t i = 0; i < nh; i++)
			if (i == 0 || hs[i] != hs[i - 1])
				s->agencies++;
		s->agency1 = nh ? hs[0] : 0;
		if (agency_fix)
			rc = agency_rewrite(txn, db, ek, eklen, hs,
					    s->agencies >= 2 ? nh : 0);
	}
	free(hs);
	return rc;
}
