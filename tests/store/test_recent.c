/* test_recent.c: the newest incident dates an entity's summary keeps
 * (layout 2 on) and the time windows sdx_check answers from them. Random date
 * sets around the window boundaries, checked on many days, must give what
 * a brute-force count of the reports and a walk of entity_report give;
 * also after retractions and disputes, for a summary still in layout 1,
 * and the summary the adds leave must be the one recomputed from the
 * reports. */
#include "helpers.h"

#include "store.h"

#define NENT 48
/* more than ENT_RECENT: some entities keep only their newest dates */
#define MAXR 24

struct ent {
	char name[40];
	int n;
	int32_t date[MAXR];
	uint8_t id[MAXR][16];
	int retracted[MAXR];
};

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
	return test_rnd(&rng, n);
}

static int32_t T0;

/* Mostly dates a few days either side of a window's first day (for the
 * days the test checks on), some undated, some far in the past. */
static int32_t pick_date(void)
{
	static const int32_t anchors[] = {0,   -2,   -29,  -182, 1,
					  -30, -183, -400, 3,	 -150};
	uint32_t r = rnd(20);
	if (r == 0)
		return SDX_DATE_NONE;
	if (r == 1)
		return T0 - 1000 - (int32_t)rnd(500);
	int32_t a = anchors[rnd(sizeof anchors / sizeof anchors[0])];
	return T0 + a + (int32_t)rnd(7) - 3;
}

/* The days a check is asked on: the windows move across the dates. */
static const int32_t shifts[] = {0,    -3,   -1,  2,   5,   28, 31,
				 -179, -185, 150, 183, 400, -30};

static void expect(const struct ent *e, int32_t today, uint32_t w[3])
{
	w[0] = w[1] = w[2] = 0;
	for (int i = 0; i < e->n; i++) {
		int32_t d = e->date[i];
		if (e->retracted[i] || d == SDX_DATE_NONE || d > today)
			continue;
		w[0] += d >= today - 2;
		w[1] += d >= today - 29;
		w[2] += d >= today - 182;
	}
}

static void ekey_of(const struct ent *e, uint8_t *ek, size_t *eklen)
{
	*eklen = ekey_make(SDX_KIND_HANDLE, e->name, strlen(e->name), ek);
}

/* The windows by a walk of the entity's entity_report entries. */
static void walk(sdx_db *db, const struct ent *e, int32_t today, uint32_t w[3])
{
	uint8_t ek[EKEY_MAX];
	size_t eklen;
	ekey_of(e, ek, &eklen);
	w[0] = w[1] = w[2] = 0;
	MDB_txn *txn;
	MDB_cursor *c;
	cr_assert_eq(mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn), 0);
	cr_assert_eq(mdb_cursor_open(txn, db->entity_report, &c), 0);
	MDB_val k = {eklen, ek}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET);
	while (!rc) {
		cr_assert_eq(d.mv_size, ER_LEN);
		const uint8_t *v = d.mv_data;
		int32_t dt = er_date(v);
		if (!(v[20] & ER_RETRACTED) && dt != SDX_DATE_NONE &&
		    dt <= today) {
			w[0] += dt >= today - 2;
			w[1] += dt >= today - 29;
			w[2] += dt >= today - 182;
		}
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_DUP);
	}
	cr_assert_eq(rc, MDB_NOTFOUND);
	mdb_cursor_close(c);
	mdb_txn_abort(txn);
}

/* The stored summary must be the one recomputed, byte for byte. */
static void same_as_recomputed(sdx_db *db, const struct ent *e)
{
	uint8_t ek[EKEY_MAX];
	size_t eklen;
	ekey_of(e, ek, &eklen);
	MDB_txn *txn;
	cr_assert_eq(mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn), 0);
	MDB_val k = {eklen, ek}, d;
	cr_assert_eq(mdb_get(txn, db->entity, &k, &d), 0);
	entity_sum s, have;
	cr_assert_eq(entity_recompute(txn, db, ek, eklen, &s, 0), 0);
	cr_assert_eq(entity_decode(d.mv_data, d.mv_size, &have), 0);
	/* the one agency's hash means nothing from two agencies on */
	if (s.agencies != 1)
		s.agency1 = have.agency1;
	uint8_t want[ENTITY_MAX];
	/* no police-only report: no bank view; a date past the fixed ones
	 * takes 4 bytes */
	uint32_t dated = s.active - s.undated;
	uint32_t kept = dated < ENT_RECENT ? dated : ENT_RECENT;
	size_t len = entity_encode(&s, want);
	cr_assert_eq(len, ENTITY_BASE_LEN + 4 * (kept > ENT_RECENT_FIXED
						     ? kept - ENT_RECENT_FIXED
						     : 0));
	cr_assert_eq(d.mv_size, len, "%s: %zu bytes", e->name, d.mv_size);
	cr_assert(!memcmp(d.mv_data, want, len),
		  "%s: stored summary differs from the recomputed one",
		  e->name);
	mdb_txn_abort(txn);
}

static void check_all(sdx_db *db, const struct ent *ents, int n)
{
	for (int i = 0; i < n; i++) {
		const struct ent *e = &ents[i];
		for (size_t s = 0; s < sizeof shifts / sizeof shifts[0]; s++) {
			int32_t today = T0 + shifts[s];
			uint32_t want[3], walked[3];
			expect(e, today, want);
			walk(db, e, today, walked);
			cr_assert_arr_eq(want, walked, sizeof want,
					 "%s: the walk disagrees", e->name);
			sdx_check_result c;
			sdx_norm_error err;
			int rc = sdx_check(db, SDX_KIND_HANDLE, e->name,
					   strlen(e->name), today, &c, &err);
			cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
			cr_assert_eq(c.last_3d, want[0],
				     "%s on day %+d: 3 days %u, want %u",
				     e->name, shifts[s], c.last_3d, want[0]);
			cr_assert_eq(c.last_30d, want[1],
				     "%s on day %+d: 30 days %u, want %u",
				     e->name, shifts[s], c.last_30d, want[1]);
			cr_assert_eq(c.last_6m, want[2],
				     "%s on day %+d: 6 months %u, want %u",
				     e->name, shifts[s], c.last_6m, want[2]);
		}
	}
}

static void mk(sdx_report *r, const struct ent *e, int i)
{
	mkreport(r, i % 3 ? "PA05" : "PA02", SDX_CAT_LOAN, NULL);
	r->incident_date = e->date[i];
	r->amount = i; /* distinct reports even with the same date */
	addid(r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, e->name);
}

/* Entities with 1 to MAXR reports of random dates, added one by one or in
 * batches (in key order there, not in the order of the dates). */
static void fill(sdx_db *db, struct ent *ents, int n, int round)
{
	for (int i = 0; i < n; i++) {
		struct ent *e = &ents[i];
		snprintf(e->name, sizeof e->name, "telegram:r%d_e%d", round, i);
		e->n = 1 + (int)rnd(MAXR);
		for (int j = 0; j < e->n; j++) {
			e->date[j] = pick_date();
			e->retracted[j] = 0;
		}
		/* some entities: many reports on one day */
		if (rnd(8) == 0)
			for (int j = 1; j < e->n; j++)
				e->date[j] = e->date[0];
		if (i % 2) {
			for (int j = 0; j < e->n; j++) {
				sdx_report r;
				mk(&r, e, j);
				add_ok(db, &r, e->id[j]);
			}
		} else {
			sdx_batch *b;
			cr_assert_eq(sdx_batch_begin(db, &b), 0);
			for (int j = 0; j < e->n; j++) {
				sdx_report r;
				int added;
				mk(&r, e, j);
				cr_assert_eq(
				    sdx_batch_add(b, &r, e->id[j], &added), 0);
				cr_assert_eq(added, 1);
			}
			cr_assert_eq(sdx_batch_commit(b), 0);
		}
	}
}

/* One more report of e (fewer than MAXR), dated date. */
static void add_dated(sdx_db *db, struct ent *e, int32_t date)
{
	cr_assert_lt(e->n, MAXR);
	e->date[e->n] = date;
	e->retracted[e->n] = 0;
	sdx_report r;
	mk(&r, e, e->n);
	add_ok(db, &r, e->id[e->n]);
	e->n++;
}

/* Retract every entity's first report: its summary is recomputed. */
static void retract_firsts(sdx_db *db, struct ent *ents, int n)
{
	for (int i = 0; i < n; i++) {
		struct ent *e = &ents[i];
		int rc =
		    sdx_report_retract(db, e->id[0], NULL, NULL, SDX_DATE_NONE);
		cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
		e->retracted[0] = 1;
		same_as_recomputed(db, e);
	}
}

/* Every entity's summary rewritten in an older layout: as_old turns the
 * current record v (of summary s) into it and returns its length, and
 * counts in *lost the records that lost something. */
typedef size_t (*as_old_fn)(const entity_sum *s, uint8_t *v, int *lost);

static int rewrite_summaries(sdx_db *db, const struct ent *ents, int n,
			     as_old_fn as_old)
{
	MDB_txn *txn;
	cr_assert_eq(mdb_txn_begin(db->env, NULL, 0, &txn), 0);
	int lost = 0;
	for (int i = 0; i < n; i++) {
		uint8_t ek[EKEY_MAX], v[ENTITY_MAX];
		size_t eklen;
		ekey_of(&ents[i], ek, &eklen);
		MDB_val k = {eklen, ek}, d;
		cr_assert_eq(mdb_get(txn, db->entity, &k, &d), 0);
		entity_sum s;
		cr_assert_eq(entity_decode(d.mv_data, d.mv_size, &s), 0);
		entity_encode(&s, v);
		MDB_val nv = {as_old(&s, v, &lost), v};
		cr_assert_eq(mdb_put(txn, db->entity, &k, &nv, 0), 0);
	}
	cr_assert_eq(mdb_txn_commit(txn), 0);
	return lost;
}

Test(recent, random_dates_against_the_walk)
{
	T0 = day("2026-11-28");
	sdx_db *db = fresh_db(NULL);
	struct ent *ents = calloc(NENT, sizeof *ents);
	for (int round = 0; round < 4; round++) {
		fill(db, ents, NENT, round);
		check_all(db, ents, NENT);
		for (int i = 0; i < NENT; i++)
			same_as_recomputed(db, &ents[i]);
	}
	free(ents);
	sdx_db_close(db);
}

Test(recent, retractions_and_disputes)
{
	T0 = day("2026-11-28");
	sdx_db *db = fresh_db(NULL);
	struct ent *ents = calloc(NENT, sizeof *ents);
	fill(db, ents, NENT, 9);
	for (int step = 0; step < 3; step++) {
		for (int i = 0; i < NENT; i++) {
			struct ent *e = &ents[i];
			int j = (int)rnd((uint32_t)e->n);
			if (e->retracted[j])
				continue;
			if (rnd(3) == 0) {
				/* a dispute changes no date */
				int rc = sdx_report_dispute(
				    db, e->id[j], NULL, NULL, SDX_DATE_NONE);
				cr_assert(rc == 0 || rc == SDX_EEXISTS, "%s",
					  sdx_strerror(rc));
				continue;
			}
			int rc = sdx_report_retract(db, e->id[j], "wrong",
						    "PA05", SDX_DATE_NONE);
			cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
			e->retracted[j] = 1;
		}
		check_all(db, ents, NENT);
		for (int i = 0; i < NENT; i++)
			same_as_recomputed(db, &ents[i]);
		/* more reports after the retractions */
		for (int i = 0; i < NENT; i += 3)
			if (ents[i].n < MAXR)
				add_dated(db, &ents[i], pick_date());
		check_all(db, ents, NENT);
	}
	free(ents);
	sdx_db_close(db);
}

/* The newest dates do not depend on the order the reports come in. */
Test(recent, summary_independent_of_order)
{
	for (int round = 0; round < 200; round++) {
		int32_t d[10];
		int n = 1 + (int)rnd(10);
		for (int i = 0; i < n; i++)
			d[i] = rnd(4) == 0 ? SDX_DATE_NONE
					   : 20000 + (int32_t)rnd(6);
		entity_sum a, b;
		entity_zero(&a);
		entity_zero(&b);
		for (int i = 0; i < n; i++)
			entity_sum_add(&a, d[i], 1, 0, 0);
		int32_t p[10];
		memcpy(p, d, sizeof p);
		for (int i = n - 1; i > 0; i--) {
			int j = (int)rnd((uint32_t)i + 1);
			int32_t t = p[i];
			p[i] = p[j];
			p[j] = t;
		}
		for (int i = 0; i < n; i++)
			entity_sum_add(&b, p[i], 1, 0, 0);
		uint8_t ea[ENTITY_MAX], eb[ENTITY_MAX];
		size_t la = entity_encode(&a, ea);
		cr_assert_eq(entity_encode(&b, eb), la);
		cr_assert(!memcmp(ea, eb, la));
		/* the kept dates: the newest, newest first */
		int32_t sorted[10];
		int m = 0;
		for (int i = 0; i < n; i++)
			if (d[i] != SDX_DATE_NONE)
				sorted[m++] = d[i];
		for (int i = 0; i < m; i++)
			for (int j = i + 1; j < m; j++)
				if (sorted[j] > sorted[i]) {
					int32_t t = sorted[i];
					sorted[i] = sorted[j];
					sorted[j] = t;
				}
		cr_assert_eq(a.last_seen, m ? sorted[0] : SDX_DATE_NONE);
		for (int i = 1; i < ENT_RECENT; i++)
			cr_assert_eq(a.older[i - 1],
				     i < m ? sorted[i] : SDX_DATE_NONE);
		entity_sum c;
		cr_assert_eq(entity_decode(ea, la, &c), 0);
		cr_assert_eq(c.kept, (uint32_t)m);
		cr_assert_eq(la, ENTITY_BASE_LEN +
				     4 * (m > ENT_RECENT_FIXED
					      ? (size_t)m - ENT_RECENT_FIXED
					      : 0));
		cr_assert(!memcmp(&c.older, &a.older, sizeof a.older));
		cr_assert_eq(c.older_unknown, 0);
	}
}

/* Layout 1: the same first 44 bytes, version 1, no dates. Decoded with
 * the dates unknown when they cannot be told. */
static size_t as_layout_1(const entity_sum *s, uint8_t *v, int *lost)
{
	v[0] = 1;
	v[3] = 0;
	entity_sum t;
	cr_assert_eq(entity_decode(v, ENTITY_V1_LEN, &t), 0);
	uint32_t dated = s->active - s->undated;
	int known = dated <= 1 || s->first_seen == s->last_seen;
	cr_assert_eq(t.older_unknown, !known);
	if (known)
		cr_assert(!memcmp(t.older, s->older, sizeof s->older));
	*lost += !known;
	return ENTITY_V1_LEN;
}

/* A summary written in layout 1 (no dates): decoded with the dates unknown
 * when they cannot be told, and the windows still right (by the walk);
 * a recomputation (a retraction) brings the dates back. */
Test(recent, layout_1_summary)
{
	T0 = day("2026-11-28");
	sdx_db *db = fresh_db(NULL);
	struct ent *ents = calloc(NENT, sizeof *ents);
	fill(db, ents, NENT, 5);
	cr_assert_gt(rewrite_summaries(db, ents, NENT, as_layout_1), 0);
	check_all(db, ents, NENT);
	/* new reports on top of a layout-1 summary */
	for (int i = 0; i < NENT; i += 2)
		if (ents[i].n < MAXR)
			add_dated(db, &ents[i], pick_date());
	check_all(db, ents, NENT);
	/* a retraction recomputes: the summary is layout 2 again, complete */
	retract_firsts(db, ents, NENT);
	check_all(db, ents, NENT);
	free(ents);
	sdx_db_close(db);
}

/* Layout 3: the parts alone, at most ENT_RECENT_FIXED newest dates. */
static size_t as_layout_3(const entity_sum *s, uint8_t *v, int *lost)
{
	v[0] = 3;
	v[3] &= 1;
	entity_sum t;
	cr_assert_eq(entity_decode(v, ENTITY_BASE_LEN, &t), 0);
	uint32_t dated = s->active - s->undated;
	cr_assert_eq(t.kept,
		     dated < ENT_RECENT_FIXED ? dated : ENT_RECENT_FIXED);
	*lost += t.kept < s->kept;
	return ENTITY_BASE_LEN;
}

/* Every summary rewritten as layout 3 left it. Checks still answer right;
 * reports added on top keep the kept dates the newest (a date joins them
 * only when it is newer than the last kept), verify finds nothing, and a
 * retraction recomputes the whole summary. */
Test(recent, layout_3_summary)
{
	T0 = day("2026-11-28");
	sdx_db *db = fresh_db(NULL);
	struct ent *ents = calloc(NENT, sizeof *ents);
	fill(db, ents, NENT, 6);
	cr_assert_gt(rewrite_summaries(db, ents, NENT, as_layout_3), 0);
	check_all(db, ents, NENT);
	/* new reports on top: some newer than every date, some older */
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < NENT; i++)
			if (ents[i].n < MAXR)
				add_dated(db, &ents[i],
					  round == 0   ? T0 + (int32_t)rnd(3)
					  : round == 1 ? T0 - 400
						       : pick_date());
	check_all(db, ents, NENT);
	size_t n = 0;
	cr_assert_eq(sdx_verify(db, NULL, NULL, &n), 0);
	cr_assert_eq(n, 0, "verify: %zu", n);
	retract_firsts(db, ents, NENT);
	check_all(db, ents, NENT);
	free(ents);
	sdx_db_close(db);
}

/* An identifier with 12 dated reports, the 6-month window starting among
 * its older dates: its summary answers every window by itself. Shown by
 * removing its entity_report entries, which a check would otherwise walk
 * (with only the four newest dates kept it must). */
Test(recent, summary_answers_without_the_walk)
{
	static const int32_t ago[] = {1,   10,	40,  100, 170, 175,
				      190, 200, 300, 400, 500, 600};
	const int n = (int)(sizeof ago / sizeof ago[0]);
	T0 = day("2026-11-28");
	sdx_db *db = fresh_db(NULL);
	struct ent e = {.n = n};
	snprintf(e.name, sizeof e.name, "telegram:many_dates");
	for (int j = 0; j < n; j++) {
		e.date[j] = T0 - ago[j];
		sdx_report r;
		mk(&r, &e, j);
		add_ok(db, &r, e.id[j]);
	}
	uint8_t ek[EKEY_MAX];
	size_t eklen;
	ekey_of(&e, ek, &eklen);
	MDB_txn *txn;
	cr_assert_eq(mdb_txn_begin(db->env, NULL, 0, &txn), 0);
	MDB_val k = {eklen, ek};
	cr_assert_eq(mdb_del(txn, db->entity_report, &k, NULL), 0);
	cr_assert_eq(mdb_txn_commit(txn), 0);
	sdx_check_result c;
	sdx_norm_error err;
	cr_assert_eq(sdx_check(db, SDX_KIND_HANDLE, e.name, strlen(e.name), T0,
			       &c, &err),
		     0);
	cr_assert_eq(c.reports, (uint32_t)n);
	cr_assert_eq(c.last_3d, 1);
	cr_assert_eq(c.last_30d, 2);
	cr_assert_eq(c.last_6m, 6);
	sdx_db_close(db);
}

/* Entities with more reports than one page of entity_report entries holds
 * (about 190 of them in a 4 KiB page), some retracted, some police-only:
 * the walk seeks the oldest window it must count and reads whole pages
 * from there (check.c, windows_walk), so a window's count must take in
 * every page, for the police and for the bank view alike. */
#define BIG_ENT 3
#define BIG_MAX 700

Test(recent, windows_over_many_pages_of_entries)
{
	static const int sizes[BIG_ENT] = {230, 450, BIG_MAX};
	T0 = day("2026-11-28");
	sdx_db *db = fresh_db(NULL);
	int32_t(*date)[BIG_MAX] = calloc(BIG_ENT, sizeof *date);
	uint8_t(*id)[BIG_MAX][16] = calloc(BIG_ENT, sizeof *id);
	char(*police)[BIG_MAX] = calloc(BIG_ENT, sizeof *police);
	char(*gone)[BIG_MAX] = calloc(BIG_ENT, sizeof *gone);
	char name[BIG_ENT][40];
	for (int e = 0; e < BIG_ENT; e++) {
		snprintf(name[e], sizeof name[e], "telegram:bigent%d", e);
		sdx_batch *b;
		cr_assert_eq(sdx_batch_begin(db, &b), 0);
		for (int j = 0; j < sizes[e]; j++) {
			/* dates spread over the 6 months and around them,
			 * so every window's start falls among many pages */
			date[e][j] = rnd(30) == 0 ? SDX_DATE_NONE
						  : T0 + 5 - (int32_t)rnd(400);
			police[e][j] = rnd(5) == 0;
			sdx_report r;
			int added;
			mkreport(&r, j % 3 ? "PA05" : "PA02", SDX_CAT_LOAN,
				 NULL);
			r.incident_date = date[e][j];
			r.amount = j;
			r.audience =
			    police[e][j] ? SDX_AUD_POLICE : SDX_AUD_BANK;
			addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, name[e]);
			cr_assert_eq(sdx_batch_add(b, &r, id[e][j], &added), 0);
			cr_assert_eq(added, 1);
		}
		cr_assert_eq(sdx_batch_commit(b), 0);
		for (int j = 0; j < sizes[e]; j += 7) {
			int rc = sdx_report_retract(db, id[e][j], "wrong",
						    "PA05", SDX_DATE_NONE);
			cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
			gone[e][j] = 1;
		}
	}
	for (int e = 0; e < BIG_ENT; e++)
		for (size_t s = 0; s < sizeof shifts / sizeof shifts[0]; s++)
			for (int bank = 0; bank < 2; bank++) {
				int32_t today = T0 + shifts[s];
				uint32_t want[3] = {0, 0, 0};
				for (int j = 0; j < sizes[e]; j++) {
					int32_t d = date[e][j];
					if (gone[e][j] ||
					    (bank && police[e][j]) ||
					    d == SDX_DATE_NONE || d > today)
						continue;
					want[0] += d >= today - 2;
					want[1] += d >= today - 29;
					want[2] += d >= today - 182;
				}
				sdx_check_result c;
				sdx_norm_error err;
				int rc = sdx_check_view(
				    db, bank ? SDX_AUD_BANK : SDX_AUD_POLICE,
				    SDX_KIND_HANDLE, name[e], strlen(name[e]),
				    today, &c, &err);
				cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
				uint32_t got[3] = {c.last_3d, c.last_30d,
						   c.last_6m};
				for (int w = 0; w < 3; w++)
					cr_assert_eq(
					    got[w], want[w],
					    "%s (%s view) on day %+d: "
					    "window %d counts %u, "
					    "want %u",
					    name[e], bank ? "bank" : "police",
					    shifts[s], w, got[w], want[w]);
			}
	free(date);
	free(id);
	free(police);
	free(gone);
	sdx_db_close(db);
}

/* A record whose dates byte names more dates than it may keep, or than
 * its length holds, does not decode. */
Test(recent, record_with_too_many_dates_is_corrupt)
{
	entity_sum s, t;
	entity_zero(&s);
	for (int i = 0; i < 10; i++)
		entity_sum_add(&s, 20000 + i, 1, 0, 0);
	uint8_t v[ENTITY_MAX];
	size_t len = entity_encode(&s, v);
	cr_assert_eq(len, ENTITY_BASE_LEN + 4 * 6);
	cr_assert_eq(entity_decode(v, len, &t), 0);
	cr_assert_eq(t.kept, 10);
	cr_assert_eq(t.older[8], 20000);
	cr_assert_eq(entity_decode(v, len - 4, &t), SDX_ECORRUPT);
	v[3] = (uint8_t)((ENT_RECENT + 1) << 1);
	cr_assert_eq(entity_decode(v, ENTITY_MAX, &t), SDX_ECORRUPT);
}
