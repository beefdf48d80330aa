/* test_batches.c: how an import's batches are written. A batch of ADDs
 * that is a large part of the tables rewrites them by a sorted merge
 * (merge.c) like a bulk import; a batch holding any other operation is
 * written by ordinary puts. Either way the database ends as one written
 * in a single batch: same fingerprints, reports, check answers, verify
 * clean. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "helpers.h"
#include "store.h"

TestSuite(sync_batches, .fini = th_cleanup);

static office A, B, C, D;
static uint8_t ids[64][16];
static size_t n_ids;

/* The default batch (tests that change sdx_import_batch set it back). */
static const size_t batch0 = SDX_IMPORT_BATCH;

/* A holds 60 reports (every 3rd police-only), then retracts the first
 * one: op 61 of its log. */
static void sender(void)
{
	th_two_offices(&A, &B, 60, 7, ids);
	n_ids = 60;
}

static void import_for(office *o, const char *p, size_t batch,
		       sdx_import_result *res)
{
	sdx_import_batch = batch;
	int rc = sdx_bundle_import_for(o->db, p, "HCM-PA05", res);
	sdx_import_batch = batch0;
	cr_assert_eq(rc, 0, "%s: %s", sdx_strerror(rc), res->reason);
}

/* Batches of 16: the first goes into empty tables (ordinary puts), the
 * second and third (ADDs only, as many as a third and a fifth of the
 * reports held) are merged, the last holds the retraction of a report
 * an earlier batch committed: it is written by ordinary puts (a merge,
 * reading `entity` from the last commit, would undo the retraction's
 * summaries: its identifiers would show no retracted report). */
Test(sync_batches, merged_batches_same_as_one_batch)
{
	char p[256], *da, *dc, *dd;
	sdx_export_result ex;
	sdx_import_result res;
	sender();
	th_path(p, sizeof p, "a-b.sdxb");
	cr_assert_eq(th_export(&A, &B, SDX_AUD_POLICE, p, &ex), 0);
	cr_assert_eq(ex.ops, 61);
	th_office(&C, "DN-PA05");
	th_trust(&C, &A);
	import_for(&C, p, 16, &res);
	cr_assert_eq(res.applied, 61);
	/* report, entity and entity_report, in the second and in the
	 * third batch */
	cr_assert_eq(C.db->merges, 6, "%lu", C.db->merges);
	cr_assert_eq(C.db->replays, 0);
	th_office(&D, "DN-PA06");
	th_trust(&D, &A);
	import_for(&D, p, batch0, &res);
	cr_assert_eq(res.applied, 61);
	cr_assert_eq(D.db->merges, 0);
	da = th_dump(&A, ids, n_ids, SDX_AUD_POLICE, 1);
	dc = th_dump(&C, ids, n_ids, SDX_AUD_POLICE, 1);
	dd = th_dump(&D, ids, n_ids, SDX_AUD_POLICE, 1);
	cr_assert_str_eq(dc, da);
	cr_assert_str_eq(dd, da);
	cr_assert(strstr(dc, "retracted 1 "), "%s", dc);
	cr_assert_eq(th_verify(&C), 0);
	free(da);
	free(dc);
	free(dd);
	th_close(&A);
	th_close(&B);
	th_close(&C);
	th_close(&D);
}
