/* test_concurrency.c: reader threads checking on one handle while a
 * writer adds batches; a summary is never seen half-written, and the
 * readers did check while a commit was in progress. A reader in another
 * process adopts the map another process grew (MDB_MAP_RESIZED). */
#include "helpers.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h" /* struct sdx_db: its map generation */

#define PER_BATCH 10
#define BATCHES 40
#define MAX_BATCHES 400

static atomic_int done;
/* odd while the writer is inside sdx_batch_commit, +1 at each edge */
static atomic_int commit_seq;

struct rctx {
	sdx_db *db;
	_Atomic long tries; /* checks begun, failed or not */
	long checks;
	long in_commit; /* checks begun and ended inside one commit */
	uint32_t min_reports, max_reports;
	int bad;
};

static void *reader(void *p)
{
	struct rctx *c = p;
	int32_t today = day("2026-11-28");
	c->min_reports = UINT32_MAX;
	while (!atomic_load(&done)) {
		sdx_check_result r;
		sdx_norm_error err;
		atomic_fetch_add(&c->tries, 1);
		int s0 = atomic_load(&commit_seq);
		int rc = sdx_check(c->db, SDX_KIND_PHONE, "+84795555373", 12,
				   today, &r, &err);
		if ((s0 & 1) && atomic_load(&commit_seq) == s0)
			c->in_commit++;
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
		if (r.reports < c->min_reports)
			c->min_reports = r.reports;
		if (r.reports > c->max_reports)
			c->max_reports = r.reports;
		c->checks++;
	}
	return NULL;
}

/* A failed step of the writer stops the readers before the test fails:
 * a failing test must not leave its worker spinning. */
static void writer_ok(pthread_t th[2], int rc)
{
	if (!rc)
		return;
	atomic_store(&done, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	cr_assert_fail("the writer: %s", sdx_strerror(rc));
}

Test(concurrency, readers_never_see_torn_summaries)
{
	sdx_db_set_initial_mapsize(256 * 1024); /* growth while reading */
	sdx_db *db = fresh_db(NULL);
	pthread_t th[2];
	struct rctx rc[2] = {{.db = db}, {.db = db}};
	atomic_store(&done, 0);
	atomic_store(&commit_seq, 0);
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, reader, &rc[i]);
	/* the readers are running before the first commit (a check that
	 * fails counts too: waiting for a good one would spin for ever) */
	while (!atomic_load(&rc[0].tries) || !atomic_load(&rc[1].tries))
		sched_yield();
	int b = 0;
	/* at least BATCHES; more (up to MAX_BATCHES) until a reader has
	 * checked inside a commit, however the threads were scheduled */
	for (; b < BATCHES ||
	       (b < MAX_BATCHES && !rc[0].in_commit && !rc[1].in_commit);
	     b++) {
		sdx_batch *bt;
		writer_ok(th, sdx_batch_begin(db, &bt));
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
			writer_ok(th, sdx_batch_add(bt, &r, NULL, NULL));
		}
		atomic_fetch_add(&commit_seq, 1);
		writer_ok(th, sdx_batch_commit(bt));
		atomic_fetch_add(&commit_seq, 1);
	}
	atomic_store(&done, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(rc[0].bad, 0);
	cr_assert_eq(rc[1].bad, 0);
	/* the readers overlapped the writer: checks inside a commit, and
	 * counts that moved while they read */
	cr_assert_gt(rc[0].in_commit + rc[1].in_commit, 0,
		     "no check ran inside a commit in %d batches", b);
	cr_assert(rc[0].max_reports > rc[0].min_reports ||
		      rc[1].max_reports > rc[1].min_reports,
		  "no reader saw the count change");
	sdx_check_result r = check_ok(db, SDX_KIND_PHONE, "+84795555373");
	cr_assert_eq(r.reports, PER_BATCH * b);
	sdx_db_close(db);
}

/* add N reports of the phone, each with a narrative of 2000 bytes */
static void add_reports(sdx_db *db, int from, int n)
{
	sdx_batch *bt;
	cr_assert_eq(sdx_batch_begin(db, &bt), 0);
	for (int i = from; i < from + n; i++) {
		sdx_report r;
		mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-27");
		snprintf(r.case_ref, sizeof r.case_ref, "%d/R", i);
		snprintf(r.narrative, sizeof r.narrative, "%0*d", 2000, i);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
		int rc = sdx_batch_add(bt, &r, NULL, NULL);
		cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	}
	cr_assert_eq(sdx_batch_commit(bt), 0);
}

/* What the reading process tells the test. */
struct child_report {
	long checks;
	int errors;	   /* a check failed */
	int torn;	   /* a count that is not a whole number of batches */
	uint32_t last;	   /* the count of its last check */
	unsigned mapgen;   /* map generations it adopted */
	size_t map_before; /* its map size at open, and at the end */
	size_t map_after;
};

static size_t map_size(sdx_db *db)
{
	MDB_envinfo info;
	mdb_env_info(db->env, &info);
	return info.me_mapsize;
}

/* The reading process: checks until the writer is done, then once more. */
static void reader_process(const char *path, int ready_fd, int done_fd,
			   int out_fd)
{
	struct child_report cr = {0};
	int32_t today = day("2026-11-28");
	sdx_db *db = NULL;
	if (sdx_db_open(path, 0, &db))
		_exit(2);
	cr.map_before = map_size(db);
	sdx_check_result r;
	sdx_norm_error err;
	if (sdx_check(db, SDX_KIND_PHONE, "+84795555373", 12, today, &r, &err))
		cr.errors++;
	char c = 'r';
	if (write(ready_fd, &c, 1) != 1)
		_exit(2);
	unsigned gen0 = atomic_load(&db->mapgen);
	for (int last = 0; !last;) {
		char d;
		last = read(done_fd, &d, 1) == 1; /* non-blocking */
		int rc = sdx_check(db, SDX_KIND_PHONE, "+84795555373", 12,
				   today, &r, &err);
		if (rc) {
			cr.errors++;
			continue;
		}
		if (r.reports % PER_BATCH)
			cr.torn++;
		cr.last = r.reports;
		cr.checks++;
	}
	cr.mapgen = atomic_load(&db->mapgen) - gen0;
	cr.map_after = map_size(db);
	sdx_db_close(db);
	if (write(out_fd, &cr, sizeof cr) != (ssize_t)sizeof cr)
		_exit(2);
	_exit(0);
}

Test(concurrency, reader_process_adopts_a_map_grown_by_another)
{
	sdx_db_set_initial_mapsize(256 * 1024);
	char *t;
	sdx_db *db = fresh_db(&t);
	add_reports(db, 0, PER_BATCH);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", t);
	int ready[2], done_p[2], out[2];
	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(done_p), 0);
	cr_assert_eq(pipe(out), 0);
	fcntl(done_p[0], F_SETFL, O_NONBLOCK);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0)
		reader_process(path, ready[1], done_p[0], out[1]);
	char c;
	cr_assert_eq(read(ready[0], &c, 1), 1,
		     "the reading process did not start");
	/* this process grows the map (256 KiB to several MiB) while the
	 * other one reads */
	cr_assert_eq(sdx_db_open(path, 0, &db), 0);
	size_t before = map_size(db);
	for (int b = 1; b <= 60; b++)
		add_reports(db, b * PER_BATCH, PER_BATCH);
	size_t after = map_size(db);
	sdx_db_close(db);
	cr_assert_eq(write(done_p[1], "d", 1), 1);
	struct child_report cr;
	cr_assert_eq(read(out[0], &cr, sizeof cr), (ssize_t)sizeof cr,
		     "no report from the reading process");
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_gt(after, before * 4, "the writer grew the map %zu -> %zu",
		     before, after);
	cr_assert_eq(cr.errors, 0, "%d checks failed in the reading process",
		     cr.errors);
	cr_assert_eq(cr.torn, 0);
	cr_assert_gt(cr.checks, 0);
	cr_assert_eq(cr.last, 61 * PER_BATCH, "its last check saw %u reports",
		     cr.last);
	/* it met MDB_MAP_RESIZED and adopted the new size */
	cr_assert_gt(cr.mapgen, 0, "the reading process never resized");
	cr_assert_gt(cr.map_after, cr.map_before * 4,
		     "its map stayed at %zu (was %zu)", cr.map_after,
		     cr.map_before);
	free(t);
}
