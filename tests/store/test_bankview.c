/* test_bankview.c: the bank view kept in the entity summary (layout 3).
 * Random reports, a quarter of them police-only, on a few entities, then
 * retractions, disputes and resolutions: after each step every entity's
 * stored summary must be the one recomputed from its reports (both
 * views, byte for byte), and sdx_check_view must answer what a count of
 * the reports sdx_show gives each audience answers (a bank never sees a
 * police-only report and never less than the reports it may see). A
 * database written before the bank view (schema 2) is migrated by a
 * writable open and answered by recomputation on a read-only one. */
#include "helpers.h"

#include "store.h"

#define NENT 12
#define NREP 400

static uint64_t rng = 0x2545f4914f6cdd1du;

static uint32_t rnd(uint32_t n)
{
	return test_rnd(&rng, n);
}

static int32_t T0;
static uint8_t ids[NREP][16];
static int nids;

static void ent_name(int i, char *out, size_t n)
{
	snprintf(out, n, "telegram:bv_e%d", i);
}

static int32_t pick_date(void)
{
	static const int32_t a[] = {0, -2, -29, -182, -30, -183, -400, 1, -10};
	if (rnd(12) == 0)
		return SDX_DATE_NONE;
	return T0 + a[rnd(sizeof a / sizeof a[0])] + (int32_t)rnd(5) - 2;
}

/* A report naming one to three entities; police-only one time in four;
 * entity 0 gets police-only reports alone, entity 1 bank-visible alone. */
static void mk(sdx_report *r)
{
	static const char *ag[] = {"PA05", "PA02", "C06", "Vietcombank"};
	static const int cat[] = {SDX_CAT_LOAN, SDX_CAT_EXTORTION,
				  SDX_CAT_INVESTMENT};
	mkreport(r, ag[rnd(4)], cat[rnd(3)], NULL);
	r->incident_date = pick_date();
	r->confirmation = (int)rnd(3); /* reported, police, court */
	r->audience = rnd(4) == 0 ? SDX_AUD_POLICE : SDX_AUD_BANK;
	r->amount = (int64_t)nids; /* every report distinct */
	int n = 1 + (int)rnd(3), first = (int)rnd(NENT);
	if (first == 0)
		r->audience = SDX_AUD_POLICE;
	if (first == 1)
		r->audience = SDX_AUD_BANK;
	for (int k = 0; k < n; k++) {
		int e = k ? 2 + (int)rnd(NENT - 2) : first;
		char name[40];
		ent_name(e, name, sizeof name);
		addid(r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, name);
	}
}

static void add_some(sdx_db *db, int n)
{
	sdx_batch *b = NULL;
	int batch = rnd(2);
	if (batch)
		cr_assert_eq(sdx_batch_begin(db, &b), 0);
	for (int i = 0; i < n && nids < NREP; i++) {
		sdx_report r;
		mk(&r);
		if (batch) {
			int added;
			cr_assert_eq(sdx_batch_add(b, &r, ids[nids], &added),
				     0);
			cr_assert_eq(added, 1);
		} else {
			add_ok(db, &r, ids[nids]);
		}
		nids++;
	}
	if (batch)
		cr_assert_eq(sdx_batch_commit(b), 0);
}

/* What one audience may see of an entity, counted from sdx_show. */
struct count {
	sdx_check_result r;
	int32_t today;
	char agencies[16][SDX_AGENCY_MAX + 1];
	uint32_t nag;
};

static int on_report(const sdx_report *rep, void *arg)
{
	struct count *c = arg;
	sdx_check_result *r = &c->r;
	if (rep->state & SDX_RSTATE_RETRACTED) {
		r->retracted++;
		return 0;
	}
	r->reports++;
	r->categories |= 1u << rep->category;
	if (rep->confirmation > r->confirmation)
		r->confirmation = rep->confirmation;
	r->disputed += (rep->state & SDX_RSTATE_DISPUTED) != 0;
	int32_t d = rep->incident_date, t = c->today;
	if (d != SDX_DATE_NONE) {
		if (r->first_seen == SDX_DATE_NONE || d < r->first_seen)
			r->first_seen = d;
		if (r->last_seen == SDX_DATE_NONE || d > r->last_seen)
			r->last_seen = d;
		if (d <= t) {
			r->last_3d += d >= t - 2;
			r->last_30d += d >= t - 29;
			r->last_6m += d >= t - 182;
		}
	}
	uint32_t i = 0;
	while (i < c->nag && strcmp(c->agencies[i], rep->agency))
		i++;
	if (i == c->nag) {
		cr_assert(c->nag < 16);
		snprintf(c->agencies[c->nag++], SDX_AGENCY_MAX + 1, "%s",
			 rep->agency);
	}
	return 0;
}

static void counted(sdx_db *db, const char *name, int audience, int32_t today,
		    struct count *c)
{
	memset(c, 0, sizeof *c);
	c->today = today;
	c->r.first_seen = c->r.last_seen = SDX_DATE_NONE;
	int rc = sdx_show(db, SDX_KIND_HANDLE, name, audience, on_report, c);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	c->r.agencies = c->nag;
}

static void same_answer(sdx_db *db, const char *name, int audience,
			int32_t today)
{
	struct count c;
	counted(db, name, audience, today, &c);
	sdx_check_result r;
	sdx_norm_error err;
	int rc = sdx_check_view(db, audience, SDX_KIND_HANDLE, name,
				strlen(name), today, &r, &err);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	const char *who = audience == SDX_AUD_BANK ? "bank" : "police";
#define SAME(f)                                                                \
	cr_assert_eq((long long)r.f, (long long)c.r.f,                         \
		     "%s, %s view, day %+d: " #f                               \
		     " %lld, the reports say %lld",                            \
		     name, who, today - T0, (long long)r.f, (long long)c.r.f)
	SAME(reports);
	SAME(retracted);
	SAME(agencies);
	SAME(categories);
	SAME(confirmation);
	SAME(disputed);
	SAME(first_seen);
	SAME(last_seen);
	SAME(last_3d);
	SAME(last_30d);
	SAME(last_6m);
#undef SAME
	int want = c.r.reports	   ? SDX_VERDICT_REPORTED
		   : c.r.retracted ? SDX_VERDICT_RETRACTED
				   : SDX_VERDICT_UNKNOWN;
	cr_assert_eq(r.verdict, want, "%s, %s view: verdict", name, who);
}

/* A summary keeping only the newest n of its dates. */
static void keep_fewer(uint32_t *kept, int32_t *older, uint32_t n)
{
	*kept = n;
	for (uint32_t i = n ? n - 1 : 0; i < ENT_RECENT - 1; i++)
		older[i] = SDX_DATE_NONE;
}

/* The stored record is the recomputed one, byte for byte, both views (the
 * one agency's hash aside once there are two or more). */
static void same_as_recomputed(sdx_db *db, const char *name)
{
	uint8_t ek[EKEY_MAX], want[ENTITY_MAX];
	size_t eklen = ekey_make(SDX_KIND_HANDLE, name, strlen(name), ek);
	MDB_txn *txn;
	cr_assert_eq(mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn), 0);
	MDB_val k = {eklen, ek}, d;
	int rc = mdb_get(txn, db->entity, &k, &d);
	if (rc == MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		return;
	}
	cr_assert_eq(rc, 0);
	entity_sum s, have;
	cr_assert_eq(entity_recompute(txn, db, ek, eklen, &s, 0), 0);
	cr_assert_eq(entity_decode(d.mv_data, d.mv_size, &have), 0);
	if (s.agencies != 1)
		s.agency1 = have.agency1;
	if (s.bank.agencies != 1)
		s.bank.agency1 = have.bank.agency1;
	const uint8_t *got = d.mv_data;
	/* a summary from layout 2 keeps at most ENT_RECENT_FIXED newest
	 * dates, and later adds keep those exact but add only newer ones */
	if (have.kept < s.kept) {
		cr_assert_geq(have.kept, ENT_RECENT_FIXED, "%s", name);
		keep_fewer(&s.kept, s.older, have.kept);
	}
	if (have.bank.kept < s.bank.kept) {
		cr_assert_geq(have.bank.kept, ENT_RECENT_FIXED, "%s", name);
		keep_fewer(&s.bank.kept, s.bank.older, have.bank.kept);
	}
	size_t len = entity_encode(&s, want);
	cr_assert_eq(d.mv_size, len, "%s: a record of %zu bytes, want %zu",
		     name, d.mv_size, len);
	/* a layout-2 record left by the migration (no police-only report)
	 * reads as layout 4 without a bank view and with the dates it has */
	if (got[0] == 2) {
		want[0] = 2;
		want[3] &= 1;
	}
	cr_assert(got[0] == ENTITY_VERSION ||
		      (got[0] == 2 && len == ENTITY_BASE_LEN),
		  "%s: layout %d", name, got[0]);
	cr_assert(!memcmp(d.mv_data, want, len),
		  "%s: stored summary differs from the recomputed one", name);
	mdb_txn_abort(txn);
}

static void check_every(sdx_db *db)
{
	static const int32_t shifts[] = {0, -3, 2, 28, 31, -185, 183};
	for (int i = 0; i < NENT; i++) {
		char name[40];
		ent_name(i, name, sizeof name);
		same_as_recomputed(db, name);
		for (size_t s = 0; s < sizeof shifts / sizeof shifts[0]; s++) {
			same_answer(db, name, SDX_AUD_BANK, T0 + shifts[s]);
			same_answer(db, name, SDX_AUD_POLICE, T0 + shifts[s]);
		}
	}
	size_t n = 0;
	cr_assert_eq(sdx_verify(db, NULL, NULL, &n), 0);
	cr_assert_eq(n, 0, "verify: %zu mismatches", n);
}

static void change_states(sdx_db *db, int n)
{
	for (int i = 0; i < n; i++) {
		const uint8_t *id = ids[rnd((uint32_t)nids)];
		int rc;
		switch (rnd(3)) {
		case 0:
			rc = sdx_report_retract(db, id, "wrong", "PA05",
						SDX_DATE_NONE);
			break;
		case 1:
			rc = sdx_report_dispute(db, id, NULL, NULL,
						SDX_DATE_NONE);
			break;
		default:
			rc = sdx_report_resolve(db, id, NULL, NULL,
						SDX_DATE_NONE);
			break;
		}
		cr_assert(rc == 0 || rc == SDX_EEXISTS || rc == SDX_EINVAL,
			  "%s", sdx_strerror(rc));
	}
}

Test(bankview, adds_retractions_disputes_against_the_reports)
{
	T0 = day("2026-11-28");
	nids = 0;
	sdx_db *db = fresh_db(NULL);
	for (int step = 0; step < 6; step++) {
		add_some(db, 40 + (int)rnd(30));
		check_every(db);
		change_states(db, 25);
		check_every(db);
	}
	/* entity 0: police-only reports alone; no trace in the bank view */
	sdx_check_result r;
	sdx_norm_error err;
	cr_assert_eq(sdx_check_view(db, SDX_AUD_BANK, SDX_KIND_HANDLE,
				    "telegram:bv_e0", 14, T0, &r, &err),
		     0);
	cr_assert_eq(r.verdict, SDX_VERDICT_UNKNOWN);
	cr_assert_eq(r.reports + r.retracted + r.agencies + r.categories, 0);
	cr_assert_eq(r.first_seen, SDX_DATE_NONE);
	/* the same through kind AUTO (one reading) */
	cr_assert_eq(sdx_check_view(db, SDX_AUD_BANK, SDX_KIND_AUTO,
				    "telegram:bv_e0", 14, T0, &r, &err),
		     0);
	cr_assert_eq(r.kind, SDX_KIND_HANDLE);
	cr_assert_eq(r.verdict, SDX_VERDICT_UNKNOWN);
	cr_assert_eq(r.reports + r.retracted, 0);
	cr_assert_gt(
	    check_ok(db, SDX_KIND_HANDLE, "telegram:bv_e0").reports +
		check_ok(db, SDX_KIND_HANDLE, "telegram:bv_e0").retracted,
	    0);
	sdx_db_close(db);
}

/* What a binary before the bank view left: schema 2, summaries in layout
 * 2 (56 bytes, no bank view), every entity_agency value 1. */
static void make_schema_2(const char *path, sdx_db *db)
{
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, d;
	cr_assert_eq(mdb_txn_begin(db->env, NULL, 0, &txn), 0);
	cr_assert_eq(mdb_cursor_open(txn, db->entity, &c), 0);
	int rc, n = 0, nk = 0;
	static uint8_t keys[NENT + 8][EKEY_MAX],
	    vals[NENT + 8][ENTITY_BASE_LEN];
	static size_t klen[NENT + 8];
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		cr_assert_lt(nk, NENT + 8);
		memcpy(keys[nk], k.mv_data, k.mv_size);
		klen[nk] = k.mv_size;
		uint8_t *v = vals[nk++];
		memcpy(v, d.mv_data, ENTITY_BASE_LEN);
		n += (v[1] & ENT_BANKVIEW) != 0;
		v[0] = 2;
		v[1] &= ~ENT_BANKVIEW;
		v[3] &= 1; /* its dates byte: only "unknown" */
	}
	cr_assert_eq(rc, MDB_NOTFOUND);
	cr_assert_gt(n, 0);
	mdb_cursor_close(c);
	for (int i = 0; i < nk; i++) {
		MDB_val kk = {klen[i], keys[i]},
			vv = {ENTITY_BASE_LEN, vals[i]};
		cr_assert_eq(mdb_put(txn, db->entity, &kk, &vv, 0), 0);
	}
	cr_assert_eq(mdb_cursor_open(txn, db->entity_agency, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		uint8_t one = 1;
		MDB_val nv = {1, &one};
		cr_assert_eq(mdb_cursor_put(c, &k, &nv, MDB_CURRENT), 0);
	}
	mdb_cursor_close(c);
	MDB_val sk = {6, "schema"};
	uint8_t two[8] = {2};
	MDB_val sv = {8, two};
	cr_assert_eq(mdb_put(txn, db->meta, &sk, &sv, 0), 0);
	cr_assert_eq(mdb_txn_commit(txn), 0);
	sdx_db_close(db);
	(void)path;
}

Test(bankview, schema_2_read_then_migrated)
{
	T0 = day("2026-11-28");
	nids = 0;
	char *t;
	sdx_db *db = fresh_db(&t);
	add_some(db, 120);
	change_states(db, 20);
	char path[256];
	snprintf(path, sizeof path, "%s/db", t);
	make_schema_2(path, db);
	/* read-only: the bank view recomputed, the same answers */
	cr_assert_eq(sdx_db_open(path, SDX_OPEN_RDONLY, &db), 0);
	for (int i = 0; i < NENT; i++) {
		char name[40];
		ent_name(i, name, sizeof name);
		same_answer(db, name, SDX_AUD_BANK, T0);
		same_answer(db, name, SDX_AUD_BANK, T0 + 31);
		same_answer(db, name, SDX_AUD_POLICE, T0);
	}
	size_t n = 0;
	cr_assert_eq(sdx_verify(db, NULL, NULL, &n), 0);
	cr_assert_eq(n, 0, "verify of schema 2 read-only: %zu", n);
	sdx_db_close(db);
	/* writable: migrated, then kept up to date */
	cr_assert_eq(sdx_db_open(path, 0, &db), 0);
	check_every(db);
	add_some(db, 60);
	change_states(db, 20);
	check_every(db);
	sdx_db_close(db);
	free(t);
}
