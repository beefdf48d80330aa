/* test_stats_verify.c: stats totals and verify, also on a deliberately
 * corrupted summary. */
#define _GNU_SOURCE /* memmem */
#include "helpers.h"

#include "raw_lmdb.h"

struct lines {
	char l[64][200];
	int n;
};

static int collect_stat(const sdx_stat *s, void *ctx)
{
	struct lines *x = ctx;
	cr_assert_lt(x->n, 64);
	snprintf(x->l[x->n++], sizeof x->l[0], "%s %s %llu", s->dimension,
		 s->key, (unsigned long long)s->count);
	return 0;
}

static int collect_msg(const char *m, void *ctx)
{
	struct lines *x = ctx;
	cr_assert_lt(x->n, 64);
	snprintf(x->l[x->n++], sizeof x->l[0], "%s", m);
	return 0;
}

static sdx_db *sample(char **dir)
{
	sdx_db *db = fresh_db(dir);
	sdx_report r;
	uint8_t id[16];
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2024-12-03");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970436:0011004012345");
	add_ok(db, &r, NULL);
	mkreport(&r, "Bank A", SDX_CAT_EXTORTION, "2024-12-20");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(db, &r, NULL);
	mkreport(&r, "PA05", SDX_CAT_PHISHING, "2025-01-05");
	addid(&r, SDX_KIND_DOMAIN, SDX_ROLE_LINK, "vcb-xac-thuc.example");
	add_ok(db, &r, id);
	mkreport(&r, "PA05", SDX_CAT_JOB, "2025-02-01");
	addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, "telegram:job_offer");
	add_ok(db, &r, id);
	cr_assert_eq(sdx_report_retract(db, id, NULL, NULL, SDX_DATE_NONE), 0);
	cr_assert_eq(sdx_allow(db, SDX_KIND_PHONE, "+842439396100", NULL, NULL),
		     0);
	return db;
}

Test(stats, totals_by_dimension)
{
	sdx_db *db = sample(NULL);
	struct lines x = {.n = 0};
	int rc = sdx_stats(db, collect_stat, &x);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	static const char *const want[] = {
	    "kind phone 2",	    "kind bank 1",
	    "kind handle 1",	    "kind domain 1",
	    "category extortion 2", "category phishing 1",
	    "agency Bank A 1",	    "agency PA05 2",
	    "month 2024-12 2",	    "month 2025-01 1",
	    "total reports 3",	    "total retracted 1",
	    "total identifiers 5",  "total allowlisted 1",
	};
	cr_assert_eq(x.n, (int)(sizeof want / sizeof want[0]));
	for (int i = 0; i < x.n; i++)
		cr_assert_str_eq(x.l[i], want[i]);
	sdx_db_close(db);
}

Test(verify, clean_database)
{
	sdx_db *db = sample(NULL);
	struct lines x = {.n = 0};
	size_t n = 99;
	cr_assert_eq(sdx_verify(db, collect_msg, &x, &n), 0);
	cr_assert_eq(n, 0, "%s", x.n ? x.l[0] : "");
	sdx_db_close(db);
}

/* Overwrite the u32 at byte `off` of the phone's summary with raw LMDB. */
static void poke_summary(const char *path, size_t off, uint32_t val)
{
	struct raw r = raw_open(path, "entity", 0);
	uint8_t key[] = "\x01+84795555373";
	MDB_val k = {sizeof key - 1, key}, d;
	cr_assert_eq(mdb_get(r.txn, r.dbi, &k, &d), 0);
	uint8_t v[64];
	cr_assert_leq(d.mv_size, sizeof v);
	cr_assert_leq(off + 4, d.mv_size);
	memcpy(v, d.mv_data, d.mv_size);
	for (int i = 0; i < 4; i++) /* little-endian */
		v[off + (size_t)i] = (uint8_t)(val >> (8 * i));
	d.mv_data = v;
	cr_assert_eq(mdb_put(r.txn, r.dbi, &k, &d, 0), 0);
	raw_close(&r, 1);
}

static void verify_says(const char *path, const char *want)
{
	sdx_db *db;
	cr_assert_eq(sdx_db_open(path, 0, &db), 0);
	struct lines x = {.n = 0};
	size_t n = 0;
	cr_assert_eq(sdx_verify(db, collect_msg, &x, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(x.l[0], want);
	sdx_db_close(db);
}

Test(verify, finds_a_corrupted_summary)
{
	char *dir;
	sdx_db *db = sample(&dir);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", dir);
	poke_summary(path, 4, 7); /* active reports */
	verify_says(path, "entity phone +84795555373: summary says "
			  "active reports 7, recomputed 2");
	free(dir);
}

/* The newest incident dates kept in the summary (layout 2, from byte
 * 36) are checked too: a check would count its windows from them. */
Test(verify, finds_a_corrupted_inline_date)
{
	char *dir;
	sdx_db *db = sample(&dir);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", dir);
	poke_summary(path, 36, 12345);
	verify_says(path, "entity phone +84795555373: summary says an inline "
			  "recent date 12345, recomputed 20060");
	free(dir);
}

/* change one byte of a stored report's narrative with raw LMDB */
Test(verify, finds_a_changed_report_body)
{
	char *dir;
	sdx_db *db = fresh_db(&dir);
	sdx_report r;
	uint8_t id[16];
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2024-12-03");
	strcpy(r.narrative, "called at night");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(db, &r, id);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", dir);
	struct raw lm = raw_open(path, "report", 0);
	MDB_val k = {16, id}, d;
	cr_assert_eq(mdb_get(lm.txn, lm.dbi, &k, &d), 0);
	uint8_t v[512];
	cr_assert_leq(d.mv_size, sizeof v);
	memcpy(v, d.mv_data, d.mv_size);
	uint8_t *p = memmem(v, d.mv_size, "night", 5);
	cr_assert_not_null(p);
	p[0] = 'N';
	d.mv_data = v;
	cr_assert_eq(mdb_put(lm.txn, lm.dbi, &k, &d, 0), 0);
	raw_close(&lm, 1);

	cr_assert_eq(sdx_db_open(path, 0, &db), 0);
	struct lines x = {.n = 0};
	size_t n = 0;
	cr_assert_eq(sdx_verify(db, collect_msg, &x, &n), 0);
	cr_assert_eq(n, 2);
	char hex[33], want[128];
	sdx_id_to_hex(id, hex);
	snprintf(want, sizeof want,
		 "report %s: its content does not hash to its id", hex);
	cr_assert_str_eq(x.l[0], want);
	cr_assert_str_eq(x.l[1], "oplog of local: the body of operation 1 does "
				 "not match its digest");
	sdx_db_close(db);
	free(dir);
}
