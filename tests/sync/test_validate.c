/* test_validate.c: the strings of received operations are checked again
 * on import (core/store/validate.c): a signed bundle from a trusted office
 * whose operations hold terminal escapes, bad UTF-8, bidirectional
 * controls or identifiers not in canonical form. Each such operation is
 * refused (held, not applied), counted and named; the rest of the bundle
 * is applied. Real databases in a temporary directory. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "codec.h"
#include "hash.h"
#include "helpers.h"

TestSuite(validate, .fini = th_cleanup);

static office A, B;
static char refusals[2048];

static void on_refused(void *ctx, const char *origin, uint64_t seq, int type,
		       const char *why)
{
	size_t n = strlen(refusals);
	(void)ctx;
	snprintf(refusals + n, sizeof refusals - n, "%s %llu %s: %s\n", origin,
		 (unsigned long long)seq, sdx_op_type_name(type), why);
}

static codec_str str(const char *s)
{
	return (codec_str){s, strlen(s)};
}

/* A report body of A's: one phone identifier, the given texts. */
static void report_body(uint8_t *buf, size_t *len, const char *phone,
			const char *agency, const char *narrative,
			const char *category_label)
{
	codec_report_view v;
	memset(&v, 0, sizeof v);
	v.origin = str("HN-PA05");
	v.agency = str(agency);
	v.case_ref = str("");
	v.narrative = str(narrative);
	v.category_label = str(category_label);
	v.channel_label = str("");
	v.incident_date = v.received_date = SDX_DATE_NONE;
	v.category = 1;
	v.amount = -1;
	v.audience = SDX_AUD_BANK;
	v.n_idents = 1;
	v.idents[0].kind = SDX_KIND_PHONE;
	v.idents[0].role = SDX_ROLE_CALLER;
	v.idents[0].canonical = str(phone);
	cr_assert_eq(codec_report_view_encode(&v, 1, buf, 512, len), 0);
}

static void report_id(const uint8_t *body, size_t len, uint8_t id[16])
{
	codec_report_view v;
	uint8_t buf[CODEC_REPORT_MAX];
	size_t n;
	cr_assert_eq(codec_report_view_decode(body, len, &v), 0);
	cr_assert_eq(codec_report_view_encode(&v, 0, buf, sizeof buf, &n), 0);
	sdx_hash128(buf, n, id);
}

static int reported(office *o, const char *phone)
{
	sdx_check_result c;
	sdx_norm_error err;
	cr_assert_eq(sdx_check(o->db, SDX_KIND_PHONE, phone, strlen(phone),
			       SDX_DATE_NONE, &c, &err),
		     0);
	return (int)c.reports;
}

Test(validate, unclean_strings_refused_rest_applied)
{
	static uint8_t bodies[12][512];
	size_t lens[12];
	int types[12];
	uint8_t clean_id[16];
	char p[256];
	sdx_import_result res;
	sdx_import_opts opts = {NULL, on_refused, NULL};
	int n = 0;
	th_office(&A, "HN-PA05");
	th_office(&B, "HANOI");
	th_trust(&B, &A);
	/* 1: an escape sequence in the agency (it would clear a terminal) */
	types[n] = SDX_OP_ADD;
	report_body(bodies[n], &lens[n], "+84795550001", "PA05\x1b[2J", "", "");
	n++;
	/* 2: bad UTF-8 in the narrative */
	types[n] = SDX_OP_ADD;
	report_body(bodies[n], &lens[n], "+84795550002", "PA05", "ok \xff\xfe",
		    "");
	n++;
	/* 3: a phone number not in its canonical form */
	types[n] = SDX_OP_ADD;
	report_body(bodies[n], &lens[n], "0795550003", "PA05", "", "");
	n++;
	/* 4: a C1 control (CSI, U+009B) in the category label */
	types[n] = SDX_OP_ADD;
	report_body(bodies[n], &lens[n], "+84795550004", "PA05", "",
		    "l\xc2\x9b"
		    "31m");
	n++;
	/* 5: clean, a narrative of two lines (line feeds are text there) */
	types[n] = SDX_OP_ADD;
	report_body(bodies[n], &lens[n], "+84795550005", "PA05 Hà Nội",
		    "called twice\n\tthen texted", "");
	report_id(bodies[n], lens[n], clean_id);
	n++;
	/* 6: a dispute of it whose author holds a right-to-left override */
	types[n] = SDX_OP_DISPUTE;
	cr_assert_eq(codec_state_op_encode(clean_id, "objects",
					   "PA05\xe2\x80\xae"
					   "gnp.exe",
					   sdx_date_today(), SDX_AUD_BANK,
					   bodies[n], 512, &lens[n]),
		     0);
	n++;
	/* 7: a carriage return in a retraction note */
	types[n] = SDX_OP_RETRACT;
	cr_assert_eq(codec_state_op_encode(clean_id, "done\rOK", "PA05",
					   sdx_date_today(), SDX_AUD_BANK,
					   bodies[n], 512, &lens[n]),
		     0);
	n++;
	/* 8: an allowlist entry for a number not in canonical form */
	types[n] = SDX_OP_ALLOW;
	cr_assert_eq(codec_allow_op_encode(SDX_KIND_PHONE, "+84 79 555 0008",
					   "hotline", "PA05", sdx_date_today(),
					   0, bodies[n], 512, &lens[n]),
		     0);
	n++;
	/* 9: a clean allowlist entry */
	types[n] = SDX_OP_ALLOW;
	cr_assert_eq(codec_allow_op_encode(SDX_KIND_PHONE, "+84795550009",
					   "hotline", "PA05", sdx_date_today(),
					   0, bodies[n], 512, &lens[n]),
		     0);
	n++;
	/* 10: DEL in the agency (ASCII, judged without a decoder call) */
	types[n] = SDX_OP_ADD;
	report_body(bodies[n], &lens[n], "+84795550010",
		    "PA\x7f"
		    "05",
		    "", "");
	n++;
	/* 11: a tab in the agency: only a narrative may hold one */
	types[n] = SDX_OP_ADD;
	report_body(bodies[n], &lens[n], "+84795550011", "PA\t05", "", "");
	n++;
	snprintf(p, sizeof p, "%s/unclean.sdxb", th_tmpdir());
	th_forge(&A, "HANOI", p, n, types, bodies, lens);
	refusals[0] = 0;
	cr_assert_eq(sdx_bundle_import_opts(B.db, p, &opts, &res), 0, "%s",
		     res.reason);
	cr_assert_eq(res.ops, 11);
	cr_assert_eq(res.refused, 9);
	cr_assert_eq(res.applied, 2);
	cr_assert_str_eq(
	    refusals,
	    "HN-PA05 1 add: the agency holds a control character\n"
	    "HN-PA05 2 add: the narrative is not valid UTF-8\n"
	    "HN-PA05 3 add: an identifier that is not in its canonical form\n"
	    "HN-PA05 4 add: the category_label holds a control character\n"
	    "HN-PA05 6 dispute: the by holds a bidirectional control "
	    "character\n"
	    "HN-PA05 7 retract: the note holds a control character\n"
	    "HN-PA05 8 allow: an identifier that is not in its canonical "
	    "form\n"
	    "HN-PA05 10 add: the agency holds a control character\n"
	    "HN-PA05 11 add: the agency holds a control character\n");
	cr_assert_eq(reported(&B, "+84795550001"), 0);
	cr_assert_eq(reported(&B, "+84795550002"), 0);
	cr_assert_eq(reported(&B, "+84795550003"), 0);
	cr_assert_eq(reported(&B, "+84795550004"), 0);
	cr_assert_eq(reported(&B, "+84795550010"), 0);
	cr_assert_eq(reported(&B, "+84795550011"), 0);
	cr_assert_eq(reported(&B, "+84795550005"), 1);
	{
		static sdx_report rep;
		cr_assert_eq(
		    sdx_report_get(B.db, clean_id, SDX_AUD_POLICE, &rep), 0);
		cr_assert_str_eq(rep.narrative, "called twice\n\tthen texted");
		cr_assert_eq(rep.state, 0); /* neither disputed nor retracted */
	}
	{
		sdx_check_result c;
		sdx_norm_error err;
		cr_assert_eq(sdx_check(B.db, SDX_KIND_PHONE, "+84795550009", 12,
				       SDX_DATE_NONE, &c, &err),
			     0);
		cr_assert_neq(c.flags & SDX_CHECK_ALLOWLISTED, 0);
	}
	/* held in the log all the same: the chain goes on, the log verifies */
	cr_assert_eq(th_verify(&B), 0);
	th_close(&A);
	th_close(&B);
}
