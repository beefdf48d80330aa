/* test_marks.c: the signed audience mark of every operation and the
 * keyed digests of police-only bodies (scamdex-bundle(5), MARKS AND
 * DIGEST SECRETS): a relay cannot pass a bank-visible operation off as
 * police-only to a bank, a bank cannot recover a police-only report from
 * its digest by guessing, and the digest secret reaches police offices
 * only. Real databases in a temporary directory. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "helpers.h"

TestSuite(marks, .fini = th_cleanup);

static office A, B, V;
static uint8_t ids[8][16];

/* A (police, HN-PA05) holds 4 reports, the 2nd police-only; B (police,
 * HANOI) relays them; V is a bank trusting both. */
static void setup(void)
{
	uint64_t rng = 11;
	sdx_import_result res;
	th_office(&A, "HN-PA05");
	th_office(&B, "HANOI");
	th_office_role(&V, "VCB", SDX_OFFICE_BANK);
	th_trust(&A, &B);
	th_trust(&B, &A);
	th_trust(&A, &V);
	th_trust(&B, &V);
	th_trust(&V, &A);
	th_trust(&V, &B);
	for (int i = 0; i < 4; i++)
		th_add_report(&A, &rng, i == 1 ? SDX_AUD_POLICE : SDX_AUD_BANK,
			      ids[i]);
	th_exchange(&A, &B, SDX_AUD_POLICE, "a-b.sdxb", &res);
	cr_assert_eq(res.applied, 4);
}

/* Every new operation carries its audience in the chain byte. */
Test(marks, every_new_operation_is_marked)
{
	static struct th_ops all;
	setup();
	cr_assert_eq(sdx_oplog_scan(B.db, "HN-PA05", 0, th_keep_op, &all), 0);
	cr_assert_eq(all.n, 4);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(all.op[i].mark,
			     i == 1 ? SDX_MARK_V2 | SDX_MARK_POLICE
				    : SDX_MARK_V2,
			     "op %d mark %#x", i, all.op[i].mark);
	th_close(&A);
	th_close(&B);
	th_close(&V);
}

/* A relay writes the bank bundle with the origin's bank-visible report
 * (seq 1) as a digest, correctly chained and signed by the origin: the
 * signed mark says bank-visible, so the bank refuses the bundle whole
 * instead of holding the report's place without its content. */
Test(marks, relay_cannot_hide_a_bank_visible_op_from_a_bank)
{
	static struct th_ops all;
	char p[256];
	sdx_import_result res;
	sdx_origin_info oi;
	setup();
	cr_assert_eq(sdx_oplog_scan(B.db, "HN-PA05", 0, th_keep_op, &all), 0);
	th_path(p, sizeof p, "hiding.sdxb");
	/* ops 1 and 2 as digests (2: police-only, honestly redacted) */
	th_relay_bundle(&B, "HN-PA05", "VCB", SDX_AUD_BANK, &all, 0x3, NULL, p);
	cr_assert_eq(sdx_bundle_import(V.db, p, &res), SDX_EBUNDLE);
	cr_assert_str_eq(res.reason, "origin HN-PA05 seq 1: a redacted "
				     "operation that its origin marked "
				     "bank-visible");
	cr_assert_eq(res.applied, 0);
	cr_assert_eq(sdx_origin_get(V.db, "HN-PA05", &oi), 0);
	cr_assert_eq(oi.seq, 0);
	/* the relay's honest bank bundle: the police-only report alone is
	 * a digest */
	th_exchange(&B, &V, SDX_AUD_BANK, "b-v.sdxb", &res);
	cr_assert_eq(res.applied, 4);
	cr_assert_eq(res.redacted, 1);
	th_close(&A);
	th_close(&B);
	th_close(&V);
}

static int file_has(const char *path, const uint8_t *needle, size_t n)
{
	static uint8_t buf[1 << 16];
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	cr_assert_lt(len, sizeof buf);
	return memmem(buf, len, needle, n) != NULL;
}

/* The guessing bank: it holds the police-only report's digest
 * and could hash every plausible report (phone, date, category,
 * channel) until one matches. The digest is keyed with HN-PA05's secret:
 * it is not the BLAKE2b of the body, the bank bundle does not carry the
 * secret and the bank never holds it; the police relay does. */
Test(marks, police_only_digest_is_keyed_and_the_secret_stays_police)
{
	static struct th_ops at_a, at_v;
	char pv[256], pb[256];
	sdx_import_result res;
	sdx_export_result ex;
	uint8_t secret[32], plain[32], keyed[32], got[32];
	setup();
	cr_assert_eq(sdx_digest_secret_get(A.db, "HN-PA05", secret), 0);
	cr_assert_eq(sdx_oplog_scan(A.db, "HN-PA05", 0, th_keep_op, &at_a), 0);
	const sdx_op *pol = &at_a.op[1];
	cr_assert_eq(pol->audience, SDX_AUD_POLICE);
	sdx_digest(pol->body, pol->body_len, plain);
	sdx_digest_keyed(pol->body, pol->body_len, secret, keyed);
	/* the bank gets the police-only report as a digest */
	th_path(pv, sizeof pv, "a-v.sdxb");
	cr_assert_eq(th_export(&A, &V, SDX_AUD_BANK, pv, &ex), 0);
	cr_assert_eq(ex.redacted, 1);
	cr_assert_eq(sdx_bundle_import(V.db, pv, &res), 0, "%s", res.reason);
	cr_assert_eq(res.redacted, 1);
	cr_assert_eq(sdx_oplog_scan(V.db, "HN-PA05", 0, th_keep_op, &at_v), 0);
	cr_assert_null(at_v.op[1].body);
	memcpy(got, at_v.op[1].digest, 32);
	cr_assert_eq(memcmp(got, keyed, 32), 0);
	cr_assert_neq(memcmp(got, plain, 32), 0,
		      "the bank's digest is the unkeyed BLAKE2b of the body: "
		      "guessable");
	/* no secret in the bank bundle, none at the bank */
	cr_assert_not(file_has(pv, secret, 32));
	cr_assert_eq(sdx_digest_secret_get(V.db, "HN-PA05", got),
		     SDX_ENOTFOUND);
	cr_assert_eq(sdx_digest_secret_get(V.db, "VCB", got), SDX_ENOTFOUND);
	/* a police bundle carries it, and the police peer keeps it */
	th_path(pb, sizeof pb, "a-b.sdxb");
	cr_assert(file_has(pb, secret, 32));
	cr_assert_eq(sdx_digest_secret_get(B.db, "HN-PA05", got), 0);
	cr_assert_eq(memcmp(got, secret, 32), 0);
	cr_assert_eq(th_verify(&B), 0);
	cr_assert_eq(th_verify(&V), 0);
	th_close(&A);
	th_close(&B);
	th_close(&V);
}

/* A police bundle whose secret item is wrong: the keyed digests do not
 * give the origin's signed chain, and the bundle is refused whole. */
Test(marks, wrong_secret_is_refused)
{
	static struct th_ops all;
	char p[256];
	sdx_import_result res;
	uint8_t bad[32];
	office C;
	setup();
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	th_trust(&C, &B);
	th_trust(&B, &C);
	cr_assert_eq(sdx_oplog_scan(B.db, "HN-PA05", 0, th_keep_op, &all), 0);
	cr_assert_eq(sdx_digest_secret_get(B.db, "HN-PA05", bad), 0);
	bad[0] ^= 1;
	th_path(p, sizeof p, "badsecret.sdxb");
	th_relay_bundle(&B, "HN-PA05", "DN-PA05", SDX_AUD_POLICE, &all, 0, bad,
			p);
	cr_assert_eq(sdx_bundle_import(C.db, p, &res), SDX_ESIGNATURE);
	cr_assert_str_eq(res.reason, "origin HN-PA05: signature over seq 1..4 "
				     "does not verify");
	cr_assert_eq(sdx_digest_secret_get(C.db, "HN-PA05", bad),
		     SDX_ENOTFOUND);
	/* the honest relay's bundle goes in, secret and all */
	th_exchange(&B, &C, SDX_AUD_POLICE, "b-c.sdxb", &res);
	cr_assert_eq(res.applied, 4);
	cr_assert_eq(th_verify(&C), 0);
	th_close(&A);
	th_close(&B);
	th_close(&V);
	th_close(&C);
}
