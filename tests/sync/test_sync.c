/* test_sync.c: export and import between real databases: the happy path,
 * tampering, untrusted keys, replays, truncation, gaps, forged relays and
 * the bank audience. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_io.h"
#include "helpers.h"
#include "store.h"

TestSuite(sync, .fini = th_cleanup);

static office A, B, C;
static uint8_t ids[64][16];
static size_t n_ids;

/* The default batch (tests that change sdx_import_batch set it back). */
static const size_t batch0 = SDX_IMPORT_BATCH;

/* A and B trust each other; A holds `n` reports (every 3rd police-only),
 * one retracted. */
static void two_offices(int n)
{
	th_two_offices(&A, &B, n, 42, ids);
	n_ids = (size_t)n;
}

/* A bundle written for office `to`, taken by o (--accept-for). */
static void import_for(office *o, const char *p, const char *to,
		       sdx_import_result *res)
{
	int rc = sdx_bundle_import_for(o->db, p, to, res);
	cr_assert_eq(rc, 0, "%s: %s", sdx_strerror(rc), res->reason);
}

Test(sync, export_import_converges)
{
	char p[256], *da, *db_;
	sdx_export_result ex;
	sdx_import_result res;
	two_offices(5);
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.ops, 6);
	cr_assert_eq(ex.origins, 1);
	cr_assert_eq(ex.redacted, 0);
	th_import_ok(&B, p, &res);
	cr_assert_str_eq(res.sender, "HN-PA05");
	cr_assert_eq(res.ops, 6);
	cr_assert_eq(res.applied, 6);
	cr_assert_eq(res.duplicates, 0);
	cr_assert_eq(res.gap, 0);
	cr_assert_eq(res.replay, 0);
	da = th_dump(&A, ids, n_ids, SDX_AUD_POLICE, 0);
	db_ = th_dump(&B, ids, n_ids, SDX_AUD_POLICE, 0);
	cr_assert_str_eq(da, db_);
	free(da);
	free(db_);
	/* the same bundle again: nothing new, said so */
	th_import_ok(&B, p, &res);
	cr_assert_eq(res.applied, 0);
	cr_assert_eq(res.duplicates, 6);
	cr_assert_eq(res.replay, 1);
	/* in batches of 2 operations: the same result */
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	sdx_import_batch = 2;
	import_for(&C, p, "HCM-PA05", &res);
	sdx_import_batch = batch0;
	cr_assert_eq(res.applied, 6);
	da = th_dump(&A, ids, n_ids, SDX_AUD_POLICE, 1);
	db_ = th_dump(&C, ids, n_ids, SDX_AUD_POLICE, 1);
	cr_assert_str_eq(da, db_);
	free(da);
	free(db_);
	th_close(&C);
	/* B announces A=6 in its bundle; A's next export sends nothing */
	th_path(p, sizeof p, "b-a.sdxb");
	cr_assert_eq(th_export(&B, &A, SDX_AUD_POLICE, p, &ex), 0);
	th_import_ok(&A, p, &res);
	cr_assert_eq(res.applied, 0);
	th_path(p, sizeof p, "a-b2.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.ops, 0);
	th_close(&A);
	th_close(&B);
}

/* The importer tells the store exactly what each batch brings (pass 1
 * counted the reports' identifiers and their bytes), so the map grows
 * before a batch and not at its commit, where the whole batch would be
 * applied again: no commit asks for more room than its batch's expect
 * made (told only the bodies' bytes, every batch did). */
Test(sync, batches_applied_once)
{
	char p[256], *da, *db_;
	sdx_export_result ex;
	sdx_import_result res;
	two_offices(60);
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.ops, 61);
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	sdx_import_batch = 8;
	import_for(&C, p, "HCM-PA05", &res);
	sdx_import_batch = batch0;
	cr_assert_eq(res.applied, 61);
	cr_assert_eq(C.db->expect_short, 0);
	cr_assert_eq(C.db->replays, 0);
	da = th_dump(&A, ids, n_ids, SDX_AUD_POLICE, 1);
	db_ = th_dump(&C, ids, n_ids, SDX_AUD_POLICE, 1);
	cr_assert_str_eq(da, db_);
	free(da);
	free(db_);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

/* Everything a database holds that a failed import could touch. */
static char *state_of(office *o)
{
	char *d = th_dump(o, ids, n_ids, SDX_AUD_POLICE, 0), *out;
	sdx_vv_entry vv[8];
	size_t n = 0;
	cr_assert_eq(sdx_peer_get_vv(o->db, "HN-PA05", vv, 8, &n), 0);
	out = malloc(strlen(d) + 64);
	sprintf(out, "%speer vv %zu %llu\n", d, n,
		n ? (unsigned long long)vv[0].seq : 0ull);
	free(d);
	return out;
}

static long file_size(const char *p)
{
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	return (long)st.st_size;
}

static void flip(const char *p, long i)
{
	FILE *f = fopen(p, "r+b");
	int c;
	fseek(f, i, SEEK_SET);
	c = fgetc(f);
	fseek(f, i, SEEK_SET);
	fputc(c ^ 0x20, f);
	fclose(f);
}

Test(sync, every_changed_byte_refused_db_unchanged)
{
	char p[256], *before, *after;
	sdx_export_result ex;
	sdx_import_result res;
	long n;
	two_offices(2);
	th_path(p, sizeof p, "small.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	n = file_size(p);
	before = state_of(&B);
	/* one batch (the file is read once) and batches of one operation
	 * (pass 1 applies the first, pass 2 the others) */
	for (long i = 0; i < 2 * n; i++) {
		int rc;
		sdx_import_batch = i < n ? batch0 : 1;
		flip(p, i % n);
		rc = sdx_bundle_import(B.db, p, &res);
		cr_assert_lt(rc, 0, "byte %ld changed and accepted", i % n);
		cr_assert_neq(res.reason[0], '\0');
		cr_assert_eq(res.applied, 0);
		flip(p, i % n);
	}
	sdx_import_batch = batch0;
	after = state_of(&B);
	cr_assert_str_eq(before, after);
	free(after);
	/* and the intact bundle still goes in */
	th_import_ok(&B, p, &res);
	cr_assert_eq(res.applied, 3);
	free(before);
	th_close(&A);
	th_close(&B);
}

Test(sync, truncated_refused)
{
	char p[256], *before, *after;
	sdx_export_result ex;
	sdx_import_result res;
	long n;
	two_offices(3);
	th_path(p, sizeof p, "t.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	n = file_size(p);
	before = state_of(&B);
	for (long len = n - 1; len >= 0; len -= 13) {
		cr_assert_eq(truncate(p, len), 0);
		cr_assert_eq(sdx_bundle_import(B.db, p, &res), SDX_EBUNDLE,
			     "length %ld: %s", len, res.reason);
		if (len == n - 1)
			cr_assert_str_eq(res.reason, "truncated bundle");
	}
	cr_assert_eq(truncate(p, 0), 0);
	cr_assert_eq(sdx_bundle_import(B.db, p, &res), SDX_EBUNDLE);
	cr_assert_str_eq(res.reason, "empty file");
	after = state_of(&B);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	th_close(&A);
	th_close(&B);
}

Test(sync, untrusted_sender_and_origin)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	uint64_t rng = 7;
	uint8_t id[16];
	two_offices(2);
	th_office(&C, "DN-PA05");
	/* C is unknown to B */
	th_trust(&C, &B);
	th_add_report(&C, &rng, SDX_AUD_BANK, id);
	th_path(p, sizeof p, "c-b.sdxb");
	cr_assert_eq(th_export(&C, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(sdx_bundle_import(B.db, p, &res), SDX_EUNTRUSTED);
	cr_assert_str_eq(res.reason, "sender DN-PA05 is not trusted");
	/* A trusts C and relays C's ops to B, who trusts A but not C */
	th_trust(&A, &C);
	th_trust(&C, &A);
	th_path(p, sizeof p, "c-a.sdxb");
	cr_assert_eq(th_export(&C, &A, SDX_AUD_POLICE, p, &ex), 0);
	th_import_ok(&A, p, &res);
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.origins, 2);
	cr_assert_eq(sdx_bundle_import(B.db, p, &res), SDX_EUNTRUSTED);
	cr_assert_str_eq(res.reason, "origin DN-PA05 is not trusted");
	/* trusted: the relayed run verifies with C's own signature */
	th_trust(&B, &C);
	th_import_ok(&B, p, &res);
	cr_assert_eq(res.applied, 4);
	/* a key that is not the trusted one: signature refused */
	{
		sdx_key k = C.key;
		cr_assert_eq(sdx_keygen("DN-PA05", &C.key), 0);
		th_path(p, sizeof p, "c-b2.sdxb");
		th_add_report(&C, &rng, SDX_AUD_BANK, id);
		cr_assert_eq(th_export(&C, &B, SDX_AUD_POLICE, p, &ex), 0);
		cr_assert_eq(sdx_bundle_import(B.db, p, &res), SDX_ESIGNATURE);
		C.key = k;
	}
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

Test(sync, replayed_old_bundle_is_a_noop)
{
	char p1[256], p2[256], *before, *after;
	sdx_export_result ex;
	sdx_import_result res;
	uint64_t rng = 9;
	two_offices(2);
	th_path(p1, sizeof p1, "old.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p1, &ex), 0);
	th_add_report(&A, &rng, SDX_AUD_BANK, ids[n_ids++]);
	th_path(p2, sizeof p2, "new.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p2, &ex), 0);
	th_import_ok(&B, p2, &res);
	cr_assert_eq(res.applied, 4);
	before = state_of(&B);
	th_import_ok(&B, p1, &res);
	cr_assert_eq(res.replay, 1);
	cr_assert_eq(res.applied, 0);
	cr_assert_eq(res.duplicates, 3);
	cr_assert_str_eq(res.reason,
			 "nothing new: an old or repeated bundle of HN-PA05");
	after = state_of(&B);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	th_close(&A);
	th_close(&B);
}

Test(sync, gap_skipped_then_healed)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	uint64_t rng = 11;
	two_offices(2); /* A: 3 ops */
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	th_trust(&A, &C);
	/* B takes 1..3 and tells A so */
	th_path(p, sizeof p, "a-b1.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	th_import_ok(&B, p, &res);
	th_path(p, sizeof p, "b-a.sdxb");
	cr_assert_eq(th_export(&B, &A, SDX_AUD_POLICE, p, &ex), 0);
	th_import_ok(&A, p, &res);
	th_add_report(&A, &rng, SDX_AUD_BANK, ids[n_ids++]);
	th_add_report(&A, &rng, SDX_AUD_BANK, ids[n_ids++]);
	th_path(p, sizeof p, "a-b2.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.ops, 2);
	/* C gets B's bundle (ops 4..5) without 1..3: skipped, noted */
	import_for(&C, p, "HCM-PA05", &res);
	cr_assert_eq(res.ops, 2);
	cr_assert_eq(res.applied, 0);
	cr_assert_eq(res.gap, 2);
	cr_assert_str_eq(res.reason,
			 "2 operations skipped: HN-PA05 seq 1..3 are missing "
			 "here; the next bundle brings them");
	/* C's next bundle tells A it has nothing; A's answer heals it */
	th_path(p, sizeof p, "c-a.sdxb");
	cr_assert_eq(th_export(&C, &A, SDX_AUD_POLICE, p, &ex), 0);
	th_import_ok(&A, p, &res);
	th_path(p, sizeof p, "a-c.sdxb");
	cr_assert_eq(th_export(&A, &C, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.ops, 5);
	th_import_ok(&C, p, &res);
	cr_assert_eq(res.applied, 5);
	th_same_fingerprints(&A, &C);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

struct grab {
	uint8_t body[2][4096];
	size_t len[2];
	int n;
};

static int grab_op(const sdx_op *op, void *ctx)
{
	struct grab *g = ctx;
	if (g->n < 2 && op->body && op->body_len <= sizeof g->body[0]) {
		memcpy(g->body[g->n], op->body, op->body_len);
		g->len[g->n++] = op->body_len;
	}
	return 0;
}

static uint8_t *find(uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return p + i;
	return NULL;
}

/* A hub that alters a relayed operation cannot re-sign it. */
Test(sync, forged_relay_refused)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	sdx_origin_info oi;
	sdx_bwriter w;
	uint8_t prev[32];
	FILE *f;
	two_offices(1); /* A: 2 ops (add, retract) */
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	th_trust(&C, &B);
	th_trust(&B, &C);
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	th_import_ok(&B, p, &res);
	/* B (the hub) writes a bundle for C with A's run, op 2 altered */
	cr_assert_eq(sdx_origin_get(B.db, "HN-PA05", &oi), 0);
	cr_assert_eq(oi.sig_seq, 2);
	sdx_chain_start("HN-PA05", prev);
	th_path(p, sizeof p, "forged.sdxb");
	f = fopen(p, "wb");
	cr_assert_eq(sdx_bw_open(&w, f), 0);
	sdx_vv_entry vv = {"HN-PA05", 2};
	cr_assert_eq(sdx_bw_header(&w, "HCM-PA05", "DN-PA05", 1, 0, &vv, 1), 0);
	cr_assert_eq(sdx_bw_run(&w, "HN-PA05", 1, prev), 0);
	{
		/* op 1 as it is, op 2 (the retraction) with its reason
		 * changed: both decode, the chain no longer matches */
		struct grab g = {0};
		cr_assert_eq(sdx_oplog_scan(B.db, "HN-PA05", 0, grab_op, &g),
			     0);
		cr_assert_eq(g.n, 2);
		cr_assert_eq(sdx_bw_op(&w, 1, SDX_OP_ADD, g.body[0], g.len[0]),
			     0);
		uint8_t *at = find(g.body[1], g.len[1], "wrong number");
		cr_assert_not_null(at);
		at[0] = 'W';
		cr_assert_eq(
		    sdx_bw_op(&w, 2, SDX_OP_RETRACT, g.body[1], g.len[1]), 0);
	}
	cr_assert_eq(sdx_bw_segsig(&w, 2, oi.sig), 0);
	cr_assert_eq(sdx_bw_finish(&w, &B.key), 0);
	sdx_bw_close(&w);
	fclose(f);
	cr_assert_eq(sdx_bundle_import(C.db, p, &res), SDX_ESIGNATURE, "%s",
		     res.reason);
	cr_assert_str_eq(res.reason, "origin HN-PA05: signature over seq "
				     "1..2 does not verify");
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

static int contains(const char *p, const char *needle)
{
	FILE *f = fopen(p, "rb");
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(buf + i, needle, k) == 0)
			return 1;
	return 0;
}

Test(sync, bank_bundle_holds_no_police_data)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	sdx_breader r;
	sdx_bitem it;
	int redacted = 0, bodies = 0, rc;
	static sdx_report rep;
	two_offices(6); /* ids 2 and 5 police-only */
	cr_assert_eq(sdx_report_retract(A.db, ids[2], "POLICE-RETRACT-NOTE",
					"PA05", SDX_DATE_NONE),
		     0);
	th_office_role(&C, "VCB", SDX_OFFICE_BANK);
	th_trust(&C, &A);
	th_trust(&A, &C);
	th_path(p, sizeof p, "bank.sdxb");
	cr_assert_eq(th_export(&A, &C, SDX_AUD_BANK, p, &ex), 0);
	cr_assert_eq(ex.ops, 8);
	cr_assert_eq(ex.redacted, 3); /* 2 adds, the retraction of one */
	cr_assert_not(contains(p, "POLICE-ONLY"));
	cr_assert_not(contains(p, "POLICE-RETRACT-NOTE"));
	cr_assert(contains(p, "wrong number")); /* a bank report's */
	cr_assert(contains(p, "shared narrative"));
	/* decode every item */
	cr_assert_eq(sdx_br_open(&r, p), 0);
	while ((rc = sdx_br_next(&r, &it)) == 0) {
		if (it.kind == SDX_BI_HEADER)
			cr_assert_eq(it.audience, SDX_AUD_BANK);
		if (it.kind == SDX_BI_REDACTED)
			redacted++;
		if (it.kind == SDX_BI_OP && it.type == SDX_OP_ADD) {
			cr_assert_eq(sdx_report_decode(it.bytes, it.len, &rep),
				     0);
			cr_assert_eq(rep.audience, SDX_AUD_BANK);
			cr_assert_null(strstr(rep.narrative, "POLICE"));
			bodies++;
		}
	}
	sdx_br_close(&r);
	cr_assert_eq(rc, 1);
	cr_assert_eq(redacted, 3);
	cr_assert_eq(bodies, 4);
	/* the bank applies it: same sequence, same fingerprints */
	th_import_ok(&C, p, &res);
	cr_assert_eq(res.applied, 8);
	cr_assert_eq(res.redacted, 3);
	cr_assert_eq(sdx_report_get(C.db, ids[2], SDX_AUD_POLICE, &rep),
		     SDX_ENOTFOUND);
	cr_assert_eq(sdx_report_get(C.db, ids[1], SDX_AUD_BANK, &rep), 0);
	th_same_fingerprints(&A, &C);
	/* a bank database writes bank bundles only, whatever is asked */
	th_trust(&B, &C);
	th_trust(&C, &B);
	th_path(p, sizeof p, "bank-police.sdxb");
	cr_assert_eq(th_export(&C, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.audience, SDX_AUD_BANK);
	cr_assert_eq(ex.ops, 8);
	cr_assert_eq(ex.redacted, 3);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

/* A relay that holds a dispute in clear but not its police-only report
 * (the report reached it redacted) must still not pass the dispute's note
 * to a bank: the op itself says it is police-only. */
Test(sync, police_state_op_stays_police_through_a_relay)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	office H;
	static sdx_report rep;
	two_offices(3); /* id 2 police-only */
	th_office(&H, "HUB");
	th_office_role(&C, "VCB", SDX_OFFICE_BANK);
	th_trust(&H, &A);
	th_trust(&H, &B);
	th_trust(&A, &H);
	th_trust(&B, &H);
	th_trust(&H, &C);
	th_trust(&C, &H);
	th_trust(&C, &A);
	th_trust(&C, &B);
	/* B learns the police-only report and disputes it */
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	th_import_ok(&B, p, &res);
	cr_assert_eq(sdx_report_dispute(B.db, ids[2], "DISPUTE-SECRET", "PC02",
					SDX_DATE_NONE),
		     0);
	/* the hub gets A's ops redacted, then B's dispute in clear */
	th_path(p, sizeof p, "a-h.sdxb");
	cr_assert_eq(th_export(&A, &H, SDX_AUD_BANK, p, &ex), 0);
	th_import_ok(&H, p, &res);
	cr_assert_eq(sdx_report_get(H.db, ids[2], SDX_AUD_POLICE, &rep),
		     SDX_ENOTFOUND);
	th_path(p, sizeof p, "b-h.sdxb");
	cr_assert_eq(th_export(&B, &H, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert(contains(p, "DISPUTE-SECRET"));
	th_import_ok(&H, p, &res);
	/* the hub forwards to a bank: the dispute goes as a digest only */
	th_path(p, sizeof p, "h-c.sdxb");
	cr_assert_eq(th_export(&H, &C, SDX_AUD_BANK, p, &ex), 0);
	cr_assert_not(contains(p, "DISPUTE-SECRET"));
	cr_assert_eq(ex.redacted, 2); /* the police-only add, its dispute */
	th_import_ok(&C, p, &res);
	th_same_fingerprints(&B, &C);
	/* the dispute in clear inside a bank bundle (B's own, signed by B)
	 * is refused whole */
	{
		sdx_bwriter w;
		uint8_t prev[32], chain[32], sig[64];
		struct grab g = {0};
		FILE *f;
		cr_assert_eq(sdx_oplog_scan(B.db, "HCM-PA05", 0, grab_op, &g),
			     0);
		cr_assert_eq(g.n, 1);
		sdx_chain_start("HCM-PA05", prev);
		cr_assert_eq(sdx_oplog_chain(B.db, "HCM-PA05", 1, chain), 0);
		cr_assert_eq(
		    sdx_segment_sign(&B.key, "HCM-PA05", 1, chain, sig), 0);
		th_path(p, sizeof p, "b-c-forged.sdxb");
		f = fopen(p, "wb");
		cr_assert_eq(sdx_bw_open(&w, f), 0);
		sdx_vv_entry vv = {"HCM-PA05", 1};
		cr_assert_eq(sdx_bw_header(&w, "HCM-PA05", "VCB", SDX_AUD_BANK,
					   0, &vv, 1),
			     0);
		cr_assert_eq(sdx_bw_run(&w, "HCM-PA05", 1, prev), 0);
		cr_assert_eq(
		    sdx_bw_op(&w, 1, SDX_OP_DISPUTE, g.body[0], g.len[0]), 0);
		cr_assert_eq(sdx_bw_segsig(&w, 1, sig), 0);
		cr_assert_eq(sdx_bw_finish(&w, &B.key), 0);
		sdx_bw_close(&w);
		fclose(f);
		th_trust(&C, &B);
		cr_assert_eq(sdx_bundle_import(C.db, p, &res), SDX_EBUNDLE);
		cr_assert_str_eq(res.reason, "origin HCM-PA05 seq 1: a "
					     "police-only dispute in a bank "
					     "bundle");
	}
	th_close(&H);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

Test(sync, wrong_key_or_peer)
{
	char p[256];
	sdx_key k;
	two_offices(1);
	th_path(p, sizeof p, "x.sdxb");
	cr_assert_eq(sdx_keygen("OTHER", &k), 0);
	cr_assert_eq(
	    sdx_bundle_export(A.db, &k, "HCM-PA05", SDX_AUD_BANK, 0, p, NULL),
	    SDX_EKEY);
	cr_assert_eq(sdx_bundle_export(A.db, &A.key, "HN-PA05", SDX_AUD_BANK, 0,
				       p, NULL),
		     SDX_EINVAL);
	cr_assert_eq(sdx_bundle_export(A.db, &A.key, "bad peer", SDX_AUD_BANK,
				       0, p, NULL),
		     SDX_EINVAL);
	cr_assert_eq(access(p, F_OK), -1);
	th_close(&A);
	th_close(&B);
}

/* The file changes between the passes: nothing unverified commits. */
static long flip_at;

static void flip_between(const char *path)
{
	flip(path, flip_at);
}

/* Without the private copy (no O_TMPFILE, no room), pass 2 reads the
 * bundle itself again and finds the change by hashing again. */
Test(sync, changed_between_passes)
{
	char p[256], *before, *after;
	sdx_export_result ex;
	sdx_import_result res;
	long n;
	int rc;
	sdx_import_copy = 0;
	two_offices(6); /* 7 ops */
	th_path(p, sizeof p, "race.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	n = file_size(p);
	before = state_of(&B);
	sdx_import_between = flip_between;
	flip_at = n - 300; /* inside the last operations */
	/* batches of 2: pass 1 verifies and applies nothing; pass 2
	 * commits the batches whose chain is the one verified, refuses the
	 * batch that changed, and the batches before it stay */
	sdx_import_batch = 2;
	rc = sdx_bundle_import(B.db, p, &res);
	cr_assert_lt(rc, 0);
	cr_assert_str_eq(res.reason,
			 "the bundle changed while it was imported");
	cr_assert_lt(res.applied, 7);
	cr_assert_geq(res.applied, 2);
	cr_assert_eq(res.applied % 2, 0);
	after = state_of(&B);
	cr_assert_str_neq(before, after);
	free(after);
	/* importing the intact file again completes it */
	flip(p, flip_at);
	sdx_import_between = NULL;
	rc = sdx_bundle_import(B.db, p, &res);
	cr_assert_eq(rc, 0, "%s", res.reason);
	cr_assert_eq(res.applied + res.duplicates, 7);
	cr_assert_gt(res.duplicates, 0);
	th_same_fingerprints(&A, &B);
	/* one batch: verified whole first, then applied from a second
	 * read; a change between the two is found (the segment signature
	 * no longer verifies) and nothing commits */
	th_close(&B);
	th_office_in(&B, "HCM-PA05", "HCM-PA05-2");
	th_trust(&B, &A);
	free(before);
	before = state_of(&B);
	sdx_import_batch = batch0;
	sdx_import_between = flip_between;
	rc = sdx_bundle_import(B.db, p, &res);
	sdx_import_between = NULL;
	cr_assert_lt(rc, 0);
	cr_assert_eq(res.applied, 0);
	after = state_of(&B);
	cr_assert_str_eq(before, after);
	free(after);
	flip(p, flip_at);
	th_import_ok(&B, p, &res);
	cr_assert_eq(res.applied, 7);
	th_same_fingerprints(&A, &B);
	/* a change before the import (pass 1 sees it): refused, unchanged */
	th_close(&B);
	th_office_in(&B, "HCM-PA05", "HCM-PA05-3");
	th_trust(&B, &A);
	free(before);
	before = state_of(&B);
	flip(p, flip_at);
	rc = sdx_bundle_import(B.db, p, &res);
	cr_assert_lt(rc, 0);
	cr_assert_eq(res.applied, 0);
	after = state_of(&B);
	cr_assert_str_eq(before, after);
	free(after);
	flip(p, flip_at);
	free(before);
	sdx_import_copy = 1;
	th_close(&A);
	th_close(&B);
}

/* With the private copy, pass 2 applies the bytes pass 1 verified,
 * whatever happens to the bundle's file between the passes: the
 * import completes with the operations as signed. */
Test(sync, changed_between_passes_copy)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	two_offices(6); /* 7 ops */
	th_path(p, sizeof p, "race.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	flip_at = file_size(p) - 300; /* inside the last operations */
	for (int batch = 0; batch < 4; batch++) {
		/* the copy in memory, then in a file next to the database */
		sdx_import_copy = batch < 2 ? 1 : 2;
		if (batch) {
			th_close(&B);
			char name[32];
			snprintf(name, sizeof name, "HCM-PA05-%d", batch + 1);
			th_office_in(&B, "HCM-PA05", name);
			th_trust(&B, &A);
		}
		sdx_import_batch = batch % 2 ? 2 : batch0;
		sdx_import_between = flip_between;
		int rc = sdx_bundle_import(B.db, p, &res);
		sdx_import_between = NULL;
		sdx_import_batch = batch0;
		sdx_import_copy = 1;
		cr_assert_eq(rc, 0, "%s", res.reason);
		cr_assert_eq(res.applied, 7);
		th_same_fingerprints(&A, &B);
		flip(p, flip_at); /* back as signed */
	}
	th_close(&A);
	th_close(&B);
}

/* Between the passes: every write to the import's copy in memory, as
 * another program of the same user would try it through /proc. */
static int copy_writes, copy_found;

static void write_the_copy(const char *path)
{
	(void)path;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	cr_assert(d);
	while ((e = readdir(d))) {
		char link[300], target[256];
		snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, "/memfd:scamdex-import ", 22) != 0)
			continue;
		copy_found++;
		int fd = open(link, O_RDWR);
		if (fd < 0)
			continue;
		uint8_t z[64] = {0};
		if (pwrite(fd, z, sizeof z, 200) > 0)
			copy_writes++;
		else
			cr_assert_eq(errno, EPERM);
		close(fd);
	}
	closedir(d);
}

/* The copy in memory is sealed: nothing writes it between the passes,
 * and the import applies what was signed. */
Test(sync, copy_in_memory_is_sealed)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	two_offices(6);
	th_path(p, sizeof p, "sealed.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	copy_writes = copy_found = 0;
	sdx_import_between = write_the_copy;
	int rc = sdx_bundle_import(B.db, p, &res);
	sdx_import_between = NULL;
	cr_assert_eq(copy_found, 1, "the copy in memory");
	cr_assert_eq(copy_writes, 0);
	cr_assert_eq(rc, 0, "%s", res.reason);
	cr_assert_eq(res.applied, 7);
	th_same_fingerprints(&A, &B);
	th_close(&A);
	th_close(&B);
}

/* An origin that signed two histories (a fork): a bundle whose run
 * holds our last op of that origin with another chain, and goes on, is
 * refused whole before anything is applied (the store takes the chains
 * as verified). The same bundle restricted to what we hold is only
 * duplicates. */
Test(sync, forked_origin_refused)
{
	char p[256], *before, *after;
	sdx_export_result ex;
	sdx_import_result res;
	office A2;
	uint64_t rng = 99;
	uint8_t id[16];
	two_offices(2); /* A: 3 ops */
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	th_import_ok(&B, p, &res);
	cr_assert_eq(res.applied, 3);
	/* the same office and key, another history of 5 ops */
	th_office_in(&A2, "HN-PA05", "HN-PA05-fork");
	A2.key = A.key;
	cr_assert_eq(
	    sdx_trust_set(A2.db, "HN-PA05", A.key.pubkey, SDX_OFFICE_POLICE),
	    0);
	th_trust(&A2, &B);
	for (int i = 0; i < 5; i++)
		th_add_report(&A2, &rng, SDX_AUD_BANK, id);
	th_path(p, sizeof p, "fork.sdxb");
	cr_assert_eq(th_export(&A2, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.ops, 5);
	before = state_of(&B);
	for (int batch = 1; batch <= 2; batch++) {
		sdx_import_batch = batch == 1 ? batch0 : 2;
		cr_assert_eq(sdx_bundle_import(B.db, p, &res), SDX_ESIGNATURE,
			     "%s", res.reason);
		cr_assert_str_eq(res.reason, "origin HN-PA05: history "
					     "differs from ours at seq 3");
		cr_assert_eq(res.applied, 0);
		after = state_of(&B);
		cr_assert_str_eq(before, after);
		free(after);
	}
	sdx_import_batch = batch0;
	free(before);
	th_close(&A2);
	th_close(&A);
	th_close(&B);
}

/* Issue 15, roles: the audience of an export comes from the peer's role
 * (the caller's only narrows), so asking for police toward a bank still
 * writes a bank bundle without any police-only body. */
Test(sync, role_of_peer_decides_audience)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	two_offices(6); /* ids 2 and 5 police-only */
	th_office_role(&C, "VCB", SDX_OFFICE_BANK);
	th_trust(&A, &C);
	th_trust(&C, &A);
	th_path(p, sizeof p, "to-bank.sdxb");
	cr_assert_eq(th_export(&A, &C, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.audience, SDX_AUD_BANK);
	cr_assert_eq(ex.redacted, 2);
	cr_assert_not(contains(p, "POLICE-ONLY"));
	th_import_ok(&C, p, &res);
	cr_assert_eq(res.audience, SDX_AUD_BANK);
	/* toward a police peer the default is police; bank narrows */
	th_path(p, sizeof p, "to-police.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.audience, SDX_AUD_POLICE);
	cr_assert_eq(ex.redacted, 0);
	cr_assert_eq(th_export(&A, &B, SDX_AUD_BANK, p, &ex), 0);
	cr_assert_eq(ex.audience, SDX_AUD_BANK);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

/* A bank database refuses a police bundle (a sender that wrongly trusts
 * it as police), and a police bundle from an office trusted as a bank is
 * refused: nothing of either is applied. */
Test(sync, bank_refuses_police_bundle)
{
	char p[256], *before, *after;
	sdx_export_result ex;
	sdx_import_result res;
	two_offices(3);
	th_office_role(&C, "VCB", SDX_OFFICE_BANK);
	/* A believes VCB is police */
	cr_assert_eq(
	    sdx_trust_set(A.db, "VCB", C.key.pubkey, SDX_OFFICE_POLICE), 0);
	th_trust(&C, &A);
	th_path(p, sizeof p, "wrong.sdxb");
	cr_assert_eq(th_export(&A, &C, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.audience, SDX_AUD_POLICE);
	before = th_fingerprints(&C);
	cr_assert_eq(sdx_bundle_import(C.db, p, &res), SDX_EROLE);
	cr_assert_str_eq(res.reason,
			 "a police bundle is refused by a bank database");
	after = th_fingerprints(&C);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	/* B trusts A as a bank: A's police bundle is refused */
	cr_assert_eq(
	    sdx_trust_set(B.db, "HN-PA05", A.key.pubkey, SDX_OFFICE_BANK), 0);
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(sdx_bundle_import(B.db, p, &res), SDX_EROLE);
	cr_assert_str_eq(res.reason, "sender HN-PA05 has role bank: a police "
				     "bundle from it is refused");
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

/* Trust records made before roles (sdx_trust_add) give no role: such a
 * peer gets no bundle and such a sender's bundle is refused, each with
 * the command that fixes it; a database without a role neither exports
 * nor imports. */
Test(sync, records_without_role_are_refused)
{
	char p[256];
	sdx_export_result ex;
	sdx_import_result res;
	sdx_origin_info info;
	two_offices(2);
	th_office_role(&C, "OLD", SDX_OFFICE_POLICE);
	cr_assert_eq(sdx_trust_add(A.db, "OLD", C.key.pubkey), 0);
	cr_assert_eq(sdx_origin_get(A.db, "OLD", &info), 0);
	cr_assert_eq(info.role, SDX_OFFICE_NOROLE);
	th_path(p, sizeof p, "old.sdxb");
	cr_assert_eq(th_export(&A, &C, SDX_AUD_POLICE, p, &ex), SDX_EROLE);
	cr_assert_eq(access(p, F_OK), -1);
	/* adding again with a role fixes it; sdx_trust_add keeps it */
	cr_assert_eq(
	    sdx_trust_set(A.db, "OLD", C.key.pubkey, SDX_OFFICE_POLICE), 0);
	cr_assert_eq(sdx_trust_add(A.db, "OLD", C.key.pubkey), 0);
	cr_assert_eq(sdx_origin_get(A.db, "OLD", &info), 0);
	cr_assert_eq(info.role, SDX_OFFICE_POLICE);
	/* C trusts A without a role: A's bundle is refused */
	cr_assert_eq(sdx_trust_add(C.db, "HN-PA05", A.key.pubkey), 0);
	cr_assert_eq(th_export(&A, &C, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(sdx_bundle_import(C.db, p, &res), SDX_EROLE);
	cr_assert_str_eq(res.reason,
			 "sender HN-PA05 has no role (trusted before roles: "
			 "run 'scamdex-sync trust add HN-PA05 KEY --role "
			 "police|bank')");
	/* the unknown peer is not trusted at all */
	cr_assert_eq(
	    sdx_bundle_export(A.db, &A.key, "NOBODY", SDX_AUD_BANK, 0, p, NULL),
	    SDX_EUNTRUSTED);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}

Test(sync, database_without_role)
{
	char dir[256], p[256];
	sdx_db *db;
	sdx_key k;
	int role;
	office X;
	th_office(&X, "X");
	th_path(dir, sizeof dir, "norole");
	cr_assert_eq(sdx_db_open(dir, SDX_OPEN_CREATE, &db), 0);
	cr_assert_eq(sdx_db_set_office(db, "NR"), 0);
	cr_assert_eq(sdx_db_role(db, &role), 0);
	cr_assert_eq(role, SDX_OFFICE_NOROLE);
	cr_assert_eq(sdx_keygen("NR", &k), 0);
	cr_assert_eq(sdx_trust_set(db, "X", X.key.pubkey, SDX_OFFICE_POLICE),
		     0);
	th_path(p, sizeof p, "nr.sdxb");
	cr_assert_eq(sdx_bundle_export(db, &k, "X", SDX_AUD_BANK, 0, p, NULL),
		     SDX_EROLE);
	/* set once; the other role afterwards is refused */
	cr_assert_eq(sdx_db_set_role(db, SDX_OFFICE_BANK), 0);
	cr_assert_eq(sdx_db_set_role(db, SDX_OFFICE_BANK), 0);
	cr_assert_eq(sdx_db_set_role(db, SDX_OFFICE_POLICE), SDX_EEXISTS);
	cr_assert_eq(sdx_db_role(db, &role), 0);
	cr_assert_eq(role, SDX_OFFICE_BANK);
	sdx_db_close(db);
	sdx_key_wipe(&k);
	th_close(&X);
}

/* Issue 15, addressing: a bundle written for one office is refused by
 * another (nothing applied), unless it names that office with
 * accept_for; naming a third office does not help. */
Test(sync, bundle_for_another_office_refused)
{
	char p[256], *before, *after;
	sdx_export_result ex;
	sdx_import_result res;
	two_offices(3);
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	before = th_fingerprints(&C);
	cr_assert_eq(sdx_bundle_import(C.db, p, &res), SDX_EADDRESS);
	cr_assert_str_eq(res.reason, "addressed to HCM-PA05, not to this "
				     "office DN-PA05 (--accept-for HCM-PA05 "
				     "takes it)");
	cr_assert_str_eq(res.to, "HCM-PA05");
	cr_assert_eq(res.applied, 0);
	cr_assert_eq(sdx_bundle_verify(C.db, p, &res), SDX_EADDRESS);
	cr_assert_eq(sdx_bundle_import_for(C.db, p, "VCB", &res), SDX_EADDRESS);
	after = th_fingerprints(&C);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	import_for(&C, p, "HCM-PA05", &res);
	cr_assert_eq(res.applied, 4);
	/* its own office's bundle needs nothing */
	th_import_ok(&B, p, &res);
	cr_assert_str_eq(res.to, "HCM-PA05");
	cr_assert_eq(res.applied, 4);
	th_close(&A);
	th_close(&B);
	th_close(&C);
}
