/* entity_layout.c: an identifier's summary (entity_sum) as the bytes of
 * its `entity` record, and back; what a check reads of it, and the
 * layouts of older schemas. */
#include "store.h"

/* Layout 4 (little-endian), the first ENTITY_BASE_LEN bytes: u8
 * version, u8 flags, u8 max confirmation, u8 dates byte (bit 0: the older
 * dates are unknown; bits 1-5: how many newest dates the record keeps,
 * last seen included, at most ENT_RECENT), u32 active, u32 retracted, u32
 * agencies, u32 category bits, i32 first seen, i32 last seen, u32 disputed, u32
 * undated, then ENT_RECENT_FIXED - 1 i32: the next newest active incident
 * dates after last seen, newest first, SDX_DATE_NONE where there are
 * fewer, and last the u64 hash of the one agency (meaningful when
 * agencies == 1), which a check never reads. These count every report.
 * When flags has ENT_BANKVIEW (the entity has a police-only report),
 * ENTITY_BANK_LEN more bytes follow in the same layout with the version
 * and flags bytes zero: the counts over the bank-visible reports alone.
 * Then the first part's further kept dates, then the bank part's (i32
 * each, newest first). Layout 3 was the parts alone (byte 3 only 0 or
 * 1), layout 2 the first 56 bytes alone (version 2, no bank view); layout
 * 1 (44 bytes, byte 3 zero) had the agency hash at byte 36 and no dates. */
#define OLDER_FIXED (ENT_RECENT_FIXED - 1)
#define AGENCY_AT (36 + 4 * OLDER_FIXED)

static uint32_t extra_count(uint32_t kept)
{
	return kept > ENT_RECENT_FIXED ? kept - ENT_RECENT_FIXED : 0;
}

static void part_put(uint8_t *out, int max_conf, int older_unknown,
		     uint32_t kept, const uint32_t n[6], int32_t first,
		     int32_t last, const int32_t *older, uint64_t agency1)
{
	out[2] = (uint8_t)max_conf;
	out[3] = (uint8_t)((older_unknown ? 1 : 0) | kept << 1);
	le32_put(out + 4, n[0]);
	le32_put(out + 8, n[1]);
	le32_put(out + 12, n[2]);
	le32_put(out + 16, n[3]);
	le32_put(out + 20, (uint32_t)first);
	le32_put(out + 24, (uint32_t)last);
	le32_put(out + 28, n[4]);
	le32_put(out + 32, n[5]);
	for (int i = 0; i < OLDER_FIXED; i++)
		le32_put(out + 36 + 4 * i, (uint32_t)older[i]);
	le64_put(out + AGENCY_AT, agency1);
}

/* The kept dates beyond the fixed ones, at out; returns the bytes. */
static size_t extras_put(uint8_t *out, uint32_t kept, const int32_t *older)
{
	uint32_t n = extra_count(kept);
	for (uint32_t i = 0; i < n; i++)
		le32_put(out + 4 * i, (uint32_t)older[OLDER_FIXED + i]);
	return 4 * n;
}

size_t entity_encode(const entity_sum *s, uint8_t out[ENTITY_MAX])
{
	int bank = (s->flags & ENT_BANKVIEW) != 0;
	size_t len = bank ? ENTITY_LEN : ENTITY_BASE_LEN;
	memset(out, 0, len);
	out[0] = ENTITY_VERSION;
	out[1] = (uint8_t)s->flags;
	const uint32_t n[6] = {s->active,     s->retracted, s->agencies,
			       s->categories, s->disputed,  s->undated};
	part_put(out, s->max_conf, s->older_unknown, s->kept, n, s->first_seen,
		 s->last_seen, s->older, s->agency1);
	len += extras_put(out + len, s->kept, s->older);
	if (bank) {
		const struct entity_bank *b = &s->bank;
		const uint32_t m[6] = {b->active,     b->retracted, b->agencies,
				       b->categories, b->disputed,  b->undated};
		part_put(out + ENTITY_BASE_LEN, b->max_conf, b->older_unknown,
			 b->kept, m, b->first_seen, b->last_seen, b->older,
			 b->agency1);
		len += extras_put(out + len, b->kept, b->older);
	}
	return len;
}

/* Whether record b carries the bank view (layout 3 on). */
static int has_bank(const uint8_t *b)
{
	return b[0] >= 3 && (b[1] & ENT_BANKVIEW);
}

/* How many newest dates part q of a layout-4 record keeps. */
static uint32_t part_kept(const uint8_t *q)
{
	return (uint32_t)q[3] >> 1;
}

/* How many dates part q (of a layout 2 on record) keeps beyond the fixed
 * ones, which follow the parts. */
static uint32_t part_extras(const uint8_t *b, const uint8_t *q)
{
	return b[0] >= 4 ? extra_count(part_kept(q)) : 0;
}

/* The record's part to read: the bank view's when asked for and kept
 * (the length was checked by entity_decode_view). */
static const uint8_t *part(const uint8_t *b, int bank)
{
	return bank && has_bank(b) ? b + ENTITY_BASE_LEN : b;
}

int entity_decode_view(const void *p, size_t len, int bank, entity_sum *s)
{
	const uint8_t *b = p;
	if (len < ENTITY_V1_LEN || b[0] < 1 || b[0] > ENTITY_VERSION ||
	    (b[0] != 1 && len < ENTITY_BASE_LEN))
		return SDX_ECORRUPT;
	if (b[0] >= 4 && part_kept(b) > ENT_RECENT)
		return SDX_ECORRUPT;
	if (has_bank(b)) {
		if (len < ENTITY_LEN ||
		    (b[0] >= 4 && part_kept(b + ENTITY_BASE_LEN) > ENT_RECENT))
			return SDX_ECORRUPT;
		uint32_t e =
		    part_extras(b, b) + part_extras(b, b + ENTITY_BASE_LEN);
		if (len < ENTITY_LEN + 4 * e)
			return SDX_ECORRUPT;
	} else if (b[0] != 1 && len < ENTITY_BASE_LEN + 4 * part_extras(b, b)) {
		return SDX_ECORRUPT;
	}
	s->flags = b[0] >= 3 ? b[1] : b[1] & ~ENT_BANKVIEW;
	const uint8_t *q = part(b, bank);
	s->max_conf = q[2];
	s->active = le32_get(q + 4);
	s->retracted = le32_get(q + 8);
	s->agencies = le32_get(q + 12);
	s->categories = le32_get(q + 16);
	s->first_seen = (int32_t)le32_get(q + 20);
	s->last_seen = (int32_t)le32_get(q + 24);
	s->disputed = le32_get(q + 28);
	s->undated = le32_get(q + 32);
	if (b[0] != 1) {
		s->older_unknown = q[3] & 1;
		return 0;
	}
	/* layout 1: the older dates are known only when every dated report
	 * has the same date (or there is at most one) */
	uint32_t dated = s->active - s->undated;
	s->older_unknown = dated > 1 && s->first_seen != s->last_seen;
	return 0;
}

int entity_decode_head(const void *p, size_t len, entity_sum *s)
{
	return entity_decode_view(p, len, 0, s);
}

/* p's length was checked by entity_decode_view */
void entity_decode_view_older(const void *p, int bank, entity_sum *s)
{
	const uint8_t *b = p, *q = part(b, bank);
	uint32_t dated = s->active - s->undated;
	for (int i = 0; i < ENT_RECENT - 1; i++)
		s->older[i] = SDX_DATE_NONE;
	if (b[0] == 1) {
		/* every dated report has the last date, or older_unknown */
		s->kept = s->older_unknown     ? (dated > 0)
			  : dated < ENT_RECENT ? dated
					       : ENT_RECENT;
		for (uint32_t i = 0; !s->older_unknown && i + 1 < s->kept; i++)
			s->older[i] = s->last_seen;
		return;
	}
	for (int i = 0; i < OLDER_FIXED; i++)
		s->older[i] = (int32_t)le32_get(q + 36 + 4 * i);
	uint32_t e = part_extras(b, q);
	const uint8_t *x = b + (has_bank(b) ? ENTITY_LEN : ENTITY_BASE_LEN);
	if (q != b)
		x += 4 * part_extras(b, b);
	for (uint32_t i = 0; i < e; i++)
		s->older[OLDER_FIXED + i] = (int32_t)le32_get(x + 4 * i);
	s->kept = b[0] >= 4		     ? part_kept(q)
		  : dated < ENT_RECENT_FIXED ? dated
					     : ENT_RECENT_FIXED;
}

void entity_decode_older(const void *p, entity_sum *s)
{
	entity_decode_view_older(p, 0, s);
}

int entity_decode(const void *p, size_t len, entity_sum *s)
{
	int rc = entity_decode_head(p, len, s);
	if (rc)
		return rc;
	entity_decode_older(p, s);
	const uint8_t *b = p;
	s->agency1 = le64_get(b + (b[0] != 1 ? AGENCY_AT : 36));
	if (s->flags & ENT_BANKVIEW) {
		entity_sum t;
		entity_decode_view(p, len, 1, &t);
		entity_decode_view_older(p, 1, &t);
		t.agency1 = le64_get(b + ENTITY_BASE_LEN + AGENCY_AT);
		entity_bank_from(&s->bank, &t);
	}
	return 0;
}
