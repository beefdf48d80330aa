/* test_concurrency.c: reader threads checking on one handle while a
 * writer adds batches; a summary is never seen half-written. */
#include "helpers.h"

#include <pthread.h>
#include <stdatomic.h>

#define PER_BATCH 10
#define BATCHES 40

static atomic_int done;

struct rctx {
	sdx_db *db;
	long checks;
	int bad;
};

static void *reader(void *p)
{
	struct rctx *c = p;
	int32_t today = day("2026-11-28");
	while (!atomic_load(&done)) {
		sdx_check_result r;
		sdx_norm_error err;
		int rc = sdx_check(c->db, SDX_KIND_PHONE, "+84795555373", 12,
				   today, &r, &err);
		if (rc) {
			c->bad++;
			continue;
		}
		/* every batch adds PER_BATCH reports, all in the last 3 days,
		 * from 2 agencies once there is one batch */
		if (r.reports % PER_BATCH || r.last_3d != r.reports ||
		    r.last_30d != r.reports || (r.reports && r.agencies != 2) ||
		    r.verdict != (r.reports ? SDX_VERDICT_REPORTED
					    : SDX_VERDICT_UNKNOWN))
			c->bad++;
		c->checks++;
	}
	return NULL;
}

Test(concurrency, readers_never_see_torn_summaries)
{
	sdx_db_set_initial_mapsize(256 * 1024); /* growth while reading */
	sdx_db *db = fresh_db(NULL);
	pthread_t th[2];
	struct rctx rc[2] = {{db, 0, 0}, {db, 0, 0}};
	atomic_store(&done, 0);
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, reader, &rc[i]);
	for (int b = 0; b < BATCHES; b++) {
		sdx_batch *bt;
		cr_assert_eq(sdx_batch_begin(db, &bt), 0);
		for (int i = 0; i < PER_BATCH; i++) {
			sdx_report r;
			mkreport(&r, i % 2 ? "PA05" : "Bank A",
				 SDX_CAT_EXTORTION, "2026-11-27");
			snprintf(r.case_ref, sizeof r.case_ref, "%d/%d", b, i);
			snprintf(r.narrative, sizeof r.narrative, "%0*d", 2000,
				 b);
			addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
			      "+84795555373");
			char other[32];
			snprintf(other, sizeof other, "+8491%03d%04d", b, i);
			addid(&r, SDX_KIND_PHONE, SDX_ROLE_OTHER, other);
			int rcode = sdx_batch_add(bt, &r, NULL, NULL);
			cr_assert_eq(rcode, 0, "%s", sdx_strerror(rcode));
		}
		cr_assert_eq(sdx_batch_commit(bt), 0);
	}
	atomic_store(&done, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(rc[0].bad, 0);
	cr_assert_eq(rc[1].bad, 0);
	cr_assert_gt(rc[0].checks + rc[1].checks, 0);
	sdx_check_result r = check_ok(db, SDX_KIND_PHONE, "+84795555373");
	cr_assert_eq(r.reports, PER_BATCH * BATCHES);
	sdx_db_close(db);
}
