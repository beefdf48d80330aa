/* test_encode.c: the one-pass encoding the store uses for every report
 * added (codec_report_view_encode_id) gives the bytes and the id of the
 * two passes it replaces: the body with the received date, the id the
 * XXH3-128 of the encoding without it. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include <scamdex/scamdex.h>

#include "codec.h"
#include "hash.h"

static sdx_report r;

static void fill(unsigned seed)
{
	sdx_report_init(&r);
	snprintf(r.origin, sizeof r.origin, "office-%u", seed % 7);
	if (seed % 3)
		snprintf(r.agency, sizeof r.agency, "Công an tỉnh %u",
			 seed % 11);
	if (seed % 5)
		snprintf(r.case_ref, sizeof r.case_ref, "%u/CAT-PA04", seed);
	if (seed % 4)
		r.incident_date = (int32_t)(seed * 37 % 30000) - 500;
	r.category = (int)(seed % 32);
	r.channel = (int)(seed * 7 % 256);
	r.amount = seed % 6 ? (int64_t)seed * 1000003 : -1;
	r.confirmation = (int)(seed % SDX_CONF_COUNT);
	r.audience = (int)(seed % 2);
	if (seed % 2)
		snprintf(r.narrative, sizeof r.narrative,
			 "Nạn nhân chuyển %u triệu đồng", seed);
	r.n_idents = 1 + seed % 4;
	for (size_t i = 0; i < r.n_idents; i++) {
		r.idents[i].kind = (sdx_kind)(1 + (seed + i) % 5);
		r.idents[i].role = (sdx_role)((seed + i) % 4);
		snprintf(r.idents[i].canonical, SDX_CANON_MAX, "x%zu-%u", i,
			 seed % 13);
	}
}

static void same_as_two_passes(int32_t received)
{
	codec_report_view v;
	uint8_t a[CODEC_REPORT_MAX], b[CODEC_REPORT_MAX];
	uint8_t id_a[16], id_b[16];
	size_t la = 0, lb = 0;

	cr_assert_eq(codec_report_view_from(&r, &v), 0);
	v.received_date = received;
	cr_assert_eq(codec_report_view_encode(&v, 0, a, sizeof a, &la), 0);
	sdx_hash128(a, la, id_a);
	cr_assert_eq(codec_report_view_encode(&v, 1, a, sizeof a, &la), 0);
	memset(b, 0xA5, sizeof b);
	cr_assert_eq(codec_report_view_encode_id(&v, b, sizeof b, &lb,
						 sdx_hash128, id_b),
		     0);
	cr_assert_eq(lb, la, "received %d: length %zu, want %zu", (int)received,
		     lb, la);
	cr_assert_eq(memcmp(a, b, la), 0, "received %d: bytes differ",
		     (int)received);
	cr_assert_eq(memcmp(id_a, id_b, 16), 0, "received %d: id differs",
		     (int)received);
	/* a buffer one byte short fails as the two passes do */
	cr_assert_eq(
	    codec_report_view_encode_id(&v, b, la - 1, &lb, sdx_hash128, id_b),
	    SDX_ETOOLONG);
}

Test(encode, one_pass_equals_two_passes)
{
	static const int32_t dates[] = {
	    SDX_DATE_NONE, 0,	  1,	 23,	24,	   255,
	    256,	   20000, 65535, 65536, INT32_MAX, -1,
	    -24,	   -25,	  -256,	 -257,	-65537,	   INT32_MIN + 1};
	for (unsigned seed = 0; seed < 200; seed++) {
		fill(seed);
		for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
			same_as_two_passes(dates[i]);
	}
}

Test(encode, id_is_sdx_report_id)
{
	/* the public id of a report whose origin is given */
	codec_report_view v;
	uint8_t body[CODEC_REPORT_MAX], id[16], pub[16];
	size_t len;

	fill(42);
	r.received_date = 20300;
	cr_assert_eq(sdx_report_id(&r, pub), 0);
	cr_assert_eq(codec_report_view_from(&r, &v), 0);
	cr_assert_eq(codec_report_view_encode_id(&v, body, sizeof body, &len,
						 sdx_hash128, id),
		     0);
	cr_assert_eq(memcmp(id, pub, 16), 0);
}
