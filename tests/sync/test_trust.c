/* test_trust.c: the trust model around bundles (issue 15): what a
 * redacted operation may and may not stand for, authority over reports,
 * provenance. Real databases in a temporary directory. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "helpers.h"

TestSuite(trust, .fini = th_cleanup);

static office A, B, C;
static uint8_t ids[16][16];

/* A (police) holds 4 reports, the 2nd police-only; A and B (police)
 * trust each other. */
static void setup(void)
{
	uint64_t rng = 5;
	th_office(&A, "HN-PA05");
	th_office(&B, "HANOI");
	th_trust(&A, &B);
	th_trust(&B, &A);
	for (int i = 0; i < 4; i++)
		th_add_report(&A, &rng, i == 1 ? SDX_AUD_POLICE : SDX_AUD_BANK,
			      ids[i]);
}

static void same_fingerprints(office *x, office *y)
{
	char *fx = th_fingerprints(x), *fy = th_fingerprints(y);
	cr_assert_str_eq(fx, fy);
	free(fx);
	free(fy);
}

/* The loss by default: a police office that gets a bank bundle
 * (an operator narrowed the audience) must not count the police-only
 * report as held: the next police bundle brings it. */
Test(trust, redacted_is_not_held_by_police)
{
	static sdx_report rep;
	sdx_import_result res;
	setup();
	th_exchange(&A, &B, SDX_AUD_BANK, "a-b-bank.sdxb", &res);
	cr_assert_eq(res.ops, 4);
	cr_assert_eq(res.applied, 1); /* op 1; op 2 redacted, 3..4 after it */
	cr_assert_eq(res.withheld, 3);
	cr_assert_eq(res.redacted, 0);
	cr_assert_str_eq(res.reason,
			 "3 operations not held: police-only ones came as "
			 "digests (a police office's bundle brings them)");
	/* B tells A what it holds; A's next bundle brings the rest */
	th_exchange(&B, &A, SDX_AUD_POLICE, "b-a.sdxb", &res);
	th_exchange(&A, &B, SDX_AUD_POLICE, "a-b.sdxb", &res);
	cr_assert_eq(res.applied, 3);
	cr_assert_eq(res.withheld, 0);
	cr_assert_eq(sdx_report_get(B.db, ids[1], SDX_AUD_POLICE, &rep), 0);
	cr_assert_str_eq(rep.origin, "HN-PA05");
	same_fingerprints(&A, &B);
	cr_assert_eq(th_verify(&B), 0);
	th_close(&A);
	th_close(&B);
}

/* A police database that holds an operation as its digest alone (as one
 * could before roles) announces its origin only up to before it, and the
 * body, when it comes, takes the digest's place. */
Test(trust, digest_held_before_roles_heals)
{
	static struct th_ops all;
	static sdx_report rep;
	sdx_import_result res;
	sdx_vv_entry vv[4];
	size_t n;
	uint64_t red;
	sdx_apply *ap;
	setup();
	/* B holds A's 4 ops, the police-only one (op 2) as a digest */
	memset(&all, 0, sizeof all);
	cr_assert_eq(sdx_oplog_scan(A.db, "HN-PA05", 0, th_keep_op, &all), 0);
	cr_assert_eq(all.n, 4);
	cr_assert_eq(sdx_apply_begin(B.db, &ap), 0);
	for (int i = 0; i < 4; i++) {
		sdx_op op = all.op[i];
		int applied;
		op.origin = "HN-PA05";
		if (i == 1) {
			op.body = NULL;
			op.body_len = 0;
		}
		int rc = sdx_apply_op(ap, &op, &applied);
		cr_assert_eq(rc, 0, "op %d: %s", i, sdx_strerror(rc));
		cr_assert_eq(applied, 1);
	}
	cr_assert_eq(sdx_apply_commit(ap), 0);
	cr_assert_eq(sdx_oplog_first_redacted(B.db, "HN-PA05", &red), 0);
	cr_assert_eq(red, 2);
	same_fingerprints(&A, &B);
	/* B's bundle announces HN-PA05 = 1, not 4 */
	th_exchange(&B, &A, SDX_AUD_POLICE, "b-a.sdxb", &res);
	cr_assert_eq(sdx_peer_get_vv(A.db, "HANOI", vv, 4, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(vv[0].origin, "HN-PA05");
	cr_assert_eq(vv[0].seq, 1);
	/* so A sends 2..4, and the body of op 2 fills its place */
	th_exchange(&A, &B, SDX_AUD_POLICE, "a-b.sdxb", &res);
	cr_assert_eq(res.ops, 3);
	cr_assert_eq(res.applied, 1);
	cr_assert_eq(res.duplicates, 2);
	cr_assert_eq(sdx_report_get(B.db, ids[1], SDX_AUD_POLICE, &rep), 0);
	cr_assert_eq(sdx_oplog_first_redacted(B.db, "HN-PA05", &red), 0);
	cr_assert_eq(red, 0);
	same_fingerprints(&A, &B);
	cr_assert_eq(th_verify(&B), 0);
	/* and B announces everything now */
	th_exchange(&B, &A, SDX_AUD_POLICE, "b-a2.sdxb", &res);
	cr_assert_eq(sdx_peer_get_vv(A.db, "HANOI", vv, 4, &n), 0);
	cr_assert_eq(vv[0].seq, 4);
	th_close(&A);
	th_close(&B);
}

/* The hiding relay: B sends A's police-only report as a digest
 * in a police bundle, correctly chained and signed by A. C must refuse
 * it rather than count the report as held. */
Test(trust, digest_in_police_bundle_refused)
{
	static struct th_ops all;
	char p[256];
	sdx_import_result res;
	setup();
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	th_trust(&C, &B);
	th_exchange(&A, &B, SDX_AUD_POLICE, "a-b.sdxb", &res);
	memset(&all, 0, sizeof all);
	cr_assert_eq(sdx_oplog_scan(B.db, "HN-PA05", 0, th_keep_op, &all), 0);
	th_path(p, sizeof p, "hiding.sdxb");
	/* op 2, the police-only one, as its digest */
	th_relay_bundle(&B, "HN-PA05", "DN-PA05", SDX_AUD_POLICE, &all, 0x2,
			NULL, p);
	cr_assert_eq(sdx_bundle_import(C.db, p, &res), SDX_EBUNDLE);
	cr_assert_str_eq(res.reason, "origin HN-PA05 seq 2: a redacted "
				     "operation in a police bundle");
	cr_assert_eq(res.applied, 0);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

/* ---- authority and provenance ---- */

#include "codec.h"

static char refusals[1024];

static void on_refused(void *ctx, const char *origin, uint64_t seq, int type,
		       const char *why)
{
	size_t n = strlen(refusals);
	(void)ctx;
	snprintf(refusals + n, sizeof refusals - n, "%s %llu %s: %s\n", origin,
		 (unsigned long long)seq, sdx_op_type_name(type), why);
}

/* The bank that retracted a police report and allowlisted a
 * reported number dated 2999: both are held (the chain goes on, relays
 * pass them) but refused everywhere, each logged with its reason; its
 * dispute is taken, with its author. Nothing of it blocks the rest. */
/* A bank-visible state change (retract, dispute or resolve: the type
 * goes with the bundle) on report id, written by VCB today. */
static void vcb_state_body(const uint8_t id[16], const char *note,
			   uint8_t body[512], size_t *len)
{
	cr_assert_eq(codec_state_op_encode(id, note, "VCB", sdx_date_today(),
					   SDX_AUD_BANK, body, 512, len),
		     0);
}

Test(trust, bank_cannot_retract_or_allowlist)
{
	static sdx_report rep;
	static uint8_t bodies[4][512];
	size_t lens[4];
	int types[4] = {SDX_OP_RETRACT, SDX_OP_ALLOW, SDX_OP_DISPUTE,
			SDX_OP_RESOLVE};
	char p[256];
	sdx_import_result res;
	sdx_import_opts opts = {NULL, on_refused, NULL};
	setup();
	th_office_role(&C, "VCB", SDX_OFFICE_BANK);
	th_trust(&A, &C);
	th_trust(&C, &A);
	th_trust(&B, &C);
	th_exchange(&A, &C, SDX_AUD_BANK, "a-c.sdxb", &res);
	/* the bank's own API refuses to retract another origin's report */
	cr_assert_eq(
	    sdx_report_retract(C.db, ids[0], "x", "VCB", SDX_DATE_NONE),
	    SDX_EROLE);
	cr_assert_eq(sdx_allow(C.db, SDX_KIND_PHONE, th_ident(0), "x", "VCB"),
		     SDX_EROLE);
	/* a modified one sends them anyway */
	vcb_state_body(ids[0], "not a scam", bodies[0], &lens[0]);
	cr_assert_eq(codec_allow_op_encode(SDX_KIND_PHONE, th_ident(0),
					   "official", "VCB", 375000, 0,
					   bodies[1], 512, &lens[1]),
		     0);
	vcb_state_body(ids[0], "customer objects", bodies[2], &lens[2]);
	vcb_state_body(ids[2], "settled", bodies[3], &lens[3]);
	/* the dispute on ids[2] first, so the resolve has one to end */
	th_path(p, sizeof p, "forged.sdxb");
	th_forge(&C, "HN-PA05", p, 4, types, bodies, lens);
	refusals[0] = 0;
	cr_assert_eq(sdx_bundle_import_opts(A.db, p, &opts, &res), 0, "%s",
		     res.reason);
	cr_assert_eq(res.ops, 4);
	cr_assert_eq(res.applied, 1);
	cr_assert_eq(res.refused, 3);
	cr_assert_str_eq(refusals,
			 "VCB 1 retract: only the report's origin may retract "
			 "it\n"
			 "VCB 2 allow: allowlist entries come from police "
			 "offices only\n"
			 "VCB 4 resolve: only the report's origin may resolve "
			 "a dispute\n");
	cr_assert_str_eq(res.reason,
			 "3 refused (held, not applied: no authority)");
	cr_assert_eq(sdx_report_get(A.db, ids[0], SDX_AUD_POLICE, &rep), 0);
	cr_assert_eq(rep.state & SDX_RSTATE_RETRACTED, 0);
	cr_assert_neq(rep.state & SDX_RSTATE_DISPUTED, 0);
	cr_assert_str_eq(rep.state_by, "VCB");
	{
		sdx_check_result c;
		sdx_norm_error err;
		cr_assert_eq(sdx_check(A.db, SDX_KIND_PHONE, th_ident(0),
				       strlen(th_ident(0)), SDX_DATE_NONE, &c,
				       &err),
			     0);
		cr_assert_eq(c.flags & SDX_CHECK_ALLOWLISTED, 0);
	}
	/* relayed to B: the same judgement, the same fingerprints */
	/* (B gets A's reports in the same bundle: a retraction judged
	 * when its report lands, at commit, is dropped then, not counted) */
	th_exchange(&A, &B, SDX_AUD_POLICE, "a-b.sdxb", &res);
	cr_assert_geq(res.refused, 1);
	{
		char *da = th_dump(&A, ids, 4, SDX_AUD_POLICE, 1),
		     *db = th_dump(&B, ids, 4, SDX_AUD_POLICE, 1);
		cr_assert_str_eq(da, db);
		free(da);
		free(db);
	}
	same_fingerprints(&A, &B);
	cr_assert_eq(th_verify(&A), 0);
	cr_assert_eq(th_verify(&B), 0);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

/* Provenance is the signer's: a bank's report naming a police office as
 * its origin, or confirmed by a court, is held but refused. */
Test(trust, report_naming_another_origin_refused)
{
	static sdx_report r, rep;
	sdx_import_result res;
	uint8_t forged[16], court[16], fine[16];
	const char *ph = "+84795550999";
	setup();
	th_office_role(&C, "VCB", SDX_OFFICE_BANK);
	th_trust(&A, &C);
	th_trust(&C, &A);
	sdx_report_init(&r);
	snprintf(r.origin, sizeof r.origin, "HN-PA05");
	snprintf(r.agency, sizeof r.agency, "PA05 Ha Noi");
	r.category = 1;
	cr_assert_eq(sdx_report_add_ident(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
					  ph, strlen(ph), NULL),
		     0);
	cr_assert_eq(sdx_report_add(C.db, &r, forged, NULL), 0);
	r.origin[0] = 0;
	r.confirmation = SDX_CONF_COURT;
	snprintf(r.case_ref, sizeof r.case_ref, "court");
	cr_assert_eq(sdx_report_add(C.db, &r, court, NULL), 0);
	r.confirmation = SDX_CONF_REPORTED;
	snprintf(r.case_ref, sizeof r.case_ref, "fine");
	cr_assert_eq(sdx_report_add(C.db, &r, fine, NULL), 0);
	refusals[0] = 0;
	{
		char p[256];
		sdx_export_result ex;
		sdx_import_opts opts = {NULL, on_refused, NULL};
		th_path(p, sizeof p, "c-a.sdxb");
		cr_assert_eq(th_export(&C, &A, SDX_AUD_BANK, p, &ex), 0);
		cr_assert_eq(sdx_bundle_import_opts(A.db, p, &opts, &res), 0,
			     "%s", res.reason);
	}
	cr_assert_eq(res.refused, 2);
	cr_assert_str_eq(refusals,
			 "VCB 1 add: the report names another origin than its "
			 "signer\n"
			 "VCB 2 add: court confirmation from an office that is "
			 "not police\n");
	cr_assert_eq(sdx_report_get(A.db, forged, SDX_AUD_POLICE, &rep),
		     SDX_ENOTFOUND);
	cr_assert_eq(sdx_report_get(A.db, court, SDX_AUD_POLICE, &rep),
		     SDX_ENOTFOUND);
	cr_assert_eq(sdx_report_get(A.db, fine, SDX_AUD_POLICE, &rep), 0);
	cr_assert_str_eq(rep.origin, "VCB");
	cr_assert_eq(th_verify(&A), 0);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

/* ---- verify before apply ---- */

#include <sys/stat.h>

static void file_sum(const char *dir, long *size, unsigned long long *sum)
{
	char p[300];
	snprintf(p, sizeof p, "%s/data.mdb", dir);
	FILE *f = fopen(p, "rb");
	cr_assert_not_null(f);
	int c;
	*size = 0;
	*sum = 1469598103934665603ull;
	while ((c = fgetc(f)) != EOF) {
		*sum = (*sum ^ (unsigned)c) * 1099511628211ull;
		(*size)++;
	}
	fclose(f);
}

/* A bundle whose sender's signature (its last bytes) is forged is
 * refused before anything touches the database: the data file is the
 * same byte for byte (no transaction began, the map did not grow). */
Test(trust, forged_bundle_writes_nothing)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	long s0, s1;
	unsigned long long h0, h1;
	uint64_t rng = 9;
	setup();
	for (int i = 0; i < 300; i++)
		th_add_report(&A, &rng, SDX_AUD_BANK, ids[4]);
	th_path(p, sizeof p, "big.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	{
		FILE *f = fopen(p, "r+b");
		cr_assert_not_null(f);
		fseek(f, -1, SEEK_END);
		int c = fgetc(f);
		fseek(f, -1, SEEK_END);
		fputc(c ^ 1, f);
		fclose(f);
	}
	th_close(&B);
	file_sum(B.dir, &s0, &h0);
	cr_assert_eq(sdx_db_open(B.dir, 0, &B.db), 0);
	cr_assert_eq(sdx_bundle_import(B.db, p, &res), SDX_ESIGNATURE);
	sdx_db_close(B.db);
	B.db = NULL;
	file_sum(B.dir, &s1, &h1);
	cr_assert_eq(s0, s1);
	cr_assert_eq(h0, h1);
	th_close(&A);
}

/* Last-writer-wins on the allowlist by a logical clock, not by a date
 * the author chose: HN-PA05 allows a number with a date two days ahead
 * (the most the receivers take), HANOI, having received it, disallows
 * it today. The disallow counts one past the allow's clock and wins
 * everywhere, in either order of arrival; by dates, the allow would. */
Test(trust, later_disallow_wins_over_a_later_dated_allow)
{
	static uint8_t bodies[1][512];
	size_t lens[1];
	int types[1] = {SDX_OP_ALLOW};
	char p[256], q[256], pc[256];
	sdx_import_result res;
	sdx_allow_entry ae;
	office D;
	setup();
	th_office(&C, "DN-PA05");
	th_office(&D, "HUE-PA05");
	th_trust(&C, &A);
	th_trust(&C, &B);
	th_trust(&D, &A);
	th_trust(&D, &B);
	th_trust(&B, &C);
	th_trust(&B, &D);
	th_trust(&A, &C);
	th_trust(&A, &D);
	th_exchange(&A, &B, SDX_AUD_POLICE, "a-b.sdxb", &res);
	th_exchange(&A, &C, SDX_AUD_POLICE, "a-c.sdxb", &res);
	const char *num = th_ident(7);
	cr_assert_eq(codec_allow_op_encode(SDX_KIND_PHONE, num, "hotline",
					   "PA05", sdx_date_today() + 2, 1,
					   bodies[0], 512, &lens[0]),
		     0);
	th_path(p, sizeof p, "allow-b.sdxb");
	th_forge(&A, "HANOI", p, 1, types, bodies, lens);
	th_import_ok(&B, p, &res);
	cr_assert_eq(res.applied, 1);
	cr_assert_eq(sdx_allow_info(B.db, SDX_KIND_PHONE, num, &ae), 0);
	cr_assert_str_eq(ae.origin, "HN-PA05");
	cr_assert_eq(
	    sdx_disallow(B.db, SDX_KIND_PHONE, num, "a scam line", "PC02"), 0);
	cr_assert_eq(sdx_allow_info(B.db, SDX_KIND_PHONE, num, &ae),
		     SDX_ENOTFOUND);
	/* C: the allow first, then HANOI's bundle (the disallow) */
	th_path(q, sizeof q, "allow-c.sdxb");
	th_forge(&A, "DN-PA05", q, 1, types, bodies, lens);
	th_import_ok(&C, q, &res);
	cr_assert_eq(sdx_allow_info(C.db, SDX_KIND_PHONE, num, &ae), 0);
	th_exchange(&B, &C, SDX_AUD_POLICE, "b-c.sdxb", &res);
	cr_assert_eq(sdx_allow_info(C.db, SDX_KIND_PHONE, num, &ae),
		     SDX_ENOTFOUND);
	/* D: HANOI's bundle (the disallow, relaying the allow) first, then
	 * the allow again */
	th_exchange(&B, &D, SDX_AUD_POLICE, "b-d.sdxb", &res);
	cr_assert_eq(sdx_allow_info(D.db, SDX_KIND_PHONE, num, &ae),
		     SDX_ENOTFOUND);
	th_path(pc, sizeof pc, "allow-d.sdxb");
	th_forge(&A, "HUE-PA05", pc, 1, types, bodies, lens);
	cr_assert_eq(sdx_bundle_import(D.db, pc, &res), 0, "%s", res.reason);
	cr_assert_eq(sdx_allow_info(D.db, SDX_KIND_PHONE, num, &ae),
		     SDX_ENOTFOUND);
	cr_assert_eq(res.duplicates, 1);
	th_close(&A);
	th_close(&B);
	th_close(&C);
	th_close(&D);
}

/* trust add --agencies: the agency strings an origin's reports may name.
 * A report naming another is refused (held, counted, logged with its
 * reason); the rest of the bundle is applied. */
Test(trust, agencies_constrain_an_origin)
{
	char p[256];
	sdx_import_result res;
	sdx_import_opts opts = {NULL, on_refused, NULL};
	sdx_export_result ex;
	static sdx_report rep;
	const char *only[] = {"PA05 Công an Hà Nội", "PA05 HN-PA05"};
	const char *other[] = {"PA05 Công an Hà Nội"};
	char got[256];
	size_t n;
	setup();
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	th_trust(&A, &C);
	cr_assert_eq(sdx_trust_set_agencies(C.db, "HN-PA05", other, 1), 0);
	cr_assert_eq(sdx_trust_agencies(C.db, "HN-PA05", got, sizeof got, &n),
		     0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(got, "PA05 Công an Hà Nội");
	refusals[0] = 0;
	th_path(p, sizeof p, "a-c.sdxb");
	cr_assert_eq(th_export(&A, &C, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(sdx_bundle_import_opts(C.db, p, &opts, &res), 0, "%s",
		     res.reason);
	cr_assert_eq(res.refused, 4);
	cr_assert_eq(res.applied, 0);
	cr_assert_str_eq(res.reason,
			 "4 refused (held, not applied: no authority)");
	cr_assert_str_eq(refusals,
			 "HN-PA05 1 add: the report's agency is not one its "
			 "origin's trust record lists\n"
			 "HN-PA05 2 add: the report's agency is not one its "
			 "origin's trust record lists\n"
			 "HN-PA05 3 add: the report's agency is not one its "
			 "origin's trust record lists\n"
			 "HN-PA05 4 add: the report's agency is not one its "
			 "origin's trust record lists\n");
	cr_assert_eq(sdx_report_get(C.db, ids[0], SDX_AUD_POLICE, &rep),
		     SDX_ENOTFOUND);
	/* listed: taken */
	office D;
	th_office(&D, "HUE-PA05");
	th_trust(&D, &A);
	th_trust(&A, &D);
	cr_assert_eq(sdx_trust_set_agencies(D.db, "HN-PA05", only, 2), 0);
	th_exchange(&A, &D, SDX_AUD_POLICE, "a-d.sdxb", &res);
	cr_assert_eq(res.applied, 4);
	cr_assert_eq(res.refused, 0);
	cr_assert_eq(sdx_report_get(D.db, ids[0], SDX_AUD_POLICE, &rep), 0);
	/* and no list: any agency */
	cr_assert_eq(sdx_trust_set_agencies(D.db, "HN-PA05", NULL, 0), 0);
	cr_assert_eq(sdx_trust_agencies(D.db, "HN-PA05", got, sizeof got, &n),
		     0);
	cr_assert_eq(n, 0);
	th_close(&A);
	th_close(&B);
	th_close(&C);
	th_close(&D);
}

/* A resolution that arrives before its report cannot be its origin's
 * (the origin's own log holds the report first): a bank's forged
 * dispute-then-resolve, reaching HANOI before the report does, is judged
 * on arrival. The dispute stands once the report lands, the same as at
 * HN-PA05, which got the report first. */
Test(trust, resolve_before_its_report_refused)
{
	static sdx_report rep;
	static uint8_t bodies[2][512];
	size_t lens[2];
	int types[2] = {SDX_OP_DISPUTE, SDX_OP_RESOLVE};
	char p[256];
	sdx_import_result res;
	sdx_import_opts opts = {NULL, on_refused, NULL};
	setup();
	th_office_role(&C, "VCB", SDX_OFFICE_BANK);
	th_trust(&A, &C);
	th_trust(&C, &A);
	th_trust(&B, &C);
	th_exchange(&A, &C, SDX_AUD_BANK, "a-c.sdxb", &res);
	vcb_state_body(ids[0], "customer objects", bodies[0], &lens[0]);
	vcb_state_body(ids[0], "settled", bodies[1], &lens[1]);
	th_path(p, sizeof p, "forged-b.sdxb");
	th_forge(&C, "HANOI", p, 2, types, bodies, lens);
	refusals[0] = 0;
	cr_assert_eq(sdx_bundle_import_opts(B.db, p, &opts, &res), 0, "%s",
		     res.reason);
	cr_assert_eq(res.ops, 2);
	cr_assert_eq(res.applied, 1);
	cr_assert_eq(res.refused, 1);
	cr_assert_str_eq(refusals, "VCB 2 resolve: only the report's origin "
				   "may resolve a dispute, after its report\n");
	th_exchange(&A, &B, SDX_AUD_POLICE, "a-b.sdxb", &res);
	cr_assert_eq(sdx_report_get(B.db, ids[0], SDX_AUD_POLICE, &rep), 0);
	cr_assert_neq(rep.state & SDX_RSTATE_DISPUTED, 0);
	cr_assert_str_eq(rep.state_by, "VCB");
	/* HN-PA05 holds the report: the resolve is refused there too */
	th_path(p, sizeof p, "forged-a.sdxb");
	th_forge(&C, "HN-PA05", p, 2, types, bodies, lens);
	refusals[0] = 0;
	cr_assert_eq(sdx_bundle_import_opts(A.db, p, &opts, &res), 0, "%s",
		     res.reason);
	cr_assert_eq(res.refused, 1);
	cr_assert_str_eq(refusals, "VCB 2 resolve: only the report's origin "
				   "may resolve a dispute\n");
	{
		char *da = th_dump(&A, ids, 4, SDX_AUD_POLICE, 1),
		     *db = th_dump(&B, ids, 4, SDX_AUD_POLICE, 1);
		cr_assert_str_eq(da, db);
		free(da);
		free(db);
	}
	th_close(&A);
	th_close(&B);
	th_close(&C);
}
