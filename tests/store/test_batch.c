/* test_batch.c: batches written in key order (addset.c): bulk batches
 * that ask the database at commit, keys sharing long prefixes, a batch
 * bigger than the map it starts in, bodies kept in a file (spill.c),
 * also when the process is killed, and a large batch's arrays in a file
 * (bigmem.c). */
#include "helpers.h"
#include "mapped.h"
#include "raw_lmdb.h"
#include "store.h" /* struct sdx_db: its filter_rebuilds */

#include <dirent.h>
#include <lmdb.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int count_msg(const char *m, void *ctx)
{
	(void)m;
	++*(int *)ctx;
	return 0;
}

static void verify_clean(sdx_db *db)
{
	int said = 0;
	size_t n = 99;
	cr_assert_eq(sdx_verify(db, count_msg, &said, &n), 0);
	cr_assert_eq(n, 0, "verify found %zu mismatches", n);
}

static void phone_report(sdx_report *r, int i, const char *agency)
{
	char num[32];
	mkreport(r, agency, SDX_CAT_EXTORTION, "2026-11-20");
	snprintf(num, sizeof num, "+8491%07d", i);
	addid(r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
}

static uint64_t office_seq(sdx_db *db)
{
	char office[SDX_OFFICE_MAX + 1];
	cr_assert_eq(sdx_db_office(db, office, sizeof office), 0);
	sdx_origin_info o;
	int rc = sdx_origin_get(db, office, &o);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	return o.seq;
}

Test(batch, bulk_counts_stored_reports_at_commit)
{
	sdx_db *db = fresh_db(NULL);
	sdx_batch *b;
	/* reports 0..99 stored by an ordinary batch */
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	for (int i = 0; i < 100; i++) {
		sdx_report r;
		phone_report(&r, i, "PA05");
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit(b), 0);
	cr_assert_eq(office_seq(db), 100);

	/* a bulk batch of 0..249, with 50..99 given twice, sized first */
	cr_assert_eq(sdx_batch_reserve(NULL, 10), SDX_EINVAL);
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	cr_assert_eq(sdx_batch_reserve(b, 300), 0);
	int news = 0;
	for (int i = 0; i < 300; i++) {
		sdx_report r;
		phone_report(&r, i < 250 ? i : i - 200, "PA05");
		int added = -1;
		cr_assert_eq(sdx_batch_add(b, &r, NULL, &added), 0);
		news += added;
	}
	/* a bulk batch asks nothing at once: the 50 given twice and the
	 * 100 the database holds are all found at commit */
	cr_assert_eq(news, 300, "added: %d", news);
	size_t stored = 99;
	cr_assert_eq(sdx_batch_commit_counted(b, &stored), 0);
	cr_assert_eq(stored, 150);
	/* 150 really new reports: 150 more operations, not 250 */
	cr_assert_eq(office_seq(db), 250);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84910000042");
	cr_assert_eq(c.reports, 1);
	c = check_ok(db, SDX_KIND_PHONE, "+84910000242");
	cr_assert_eq(c.reports, 1);
	verify_clean(db);

	/* an ordinary batch reports nothing stored at commit */
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	sdx_report r;
	phone_report(&r, 7, "PA05");
	int added = -1;
	cr_assert_eq(sdx_batch_add(b, &r, NULL, &added), 0);
	cr_assert_eq(added, 0);
	stored = 99;
	cr_assert_eq(sdx_batch_commit_counted(b, &stored), 0);
	cr_assert_eq(stored, 0);
	cr_assert_eq(office_seq(db), 250);
	sdx_db_close(db);
}

/* A bulk batch with at least an eighth as many reports (and entities) as
 * the database holds rebuilds `report` and `entity` by a sorted merge
 * (core/store/merge.c): the old entries before, between and after the
 * batch's keys all stay, a report the database held is counted stored
 * and keeps its body, a shared entity adds the new reports to its old
 * summary. A small batch after it is written by ordinary puts into the
 * merged tables. */
Test(batch, large_bulk_batch_merges_with_what_the_database_holds)
{
	sdx_db *db = fresh_db(NULL);
	sdx_batch *b;
	uint8_t ids[520][16];
	/* 400 reports by an ordinary batch; every tenth names the shared
	 * number too */
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	for (int i = 0; i < 400; i++) {
		sdx_report r;
		phone_report(&r, i, "PA05");
		if (i % 10 == 0)
			addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
			      "+84990000001");
		cr_assert_eq(sdx_batch_add(b, &r, ids[i], NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit(b), 0);
	/* a bulk batch of 150 (>= 400 / 8): 0..49 again, 400..499 new,
	 * from another agency for the new ones */
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	for (int i = 0; i < 150; i++) {
		int n = i < 50 ? i : 350 + i;
		sdx_report r;
		phone_report(&r, n, n < 400 ? "PA05" : "PC02");
		if (n % 10 == 0)
			addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
			      "+84990000001");
		cr_assert_eq(sdx_batch_add(b, &r, ids[n], NULL), 0);
	}
	size_t stored = 99;
	int rc = sdx_batch_commit_counted(b, &stored);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(stored, 50);
	cr_assert_eq(office_seq(db), 500);
	/* 40 old and 10 new reports name the shared number */
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84990000001");
	cr_assert_eq(c.reports, 50);
	cr_assert_eq(c.agencies, 2);
	for (int n = 0; n < 500; n++) {
		char num[32];
		snprintf(num, sizeof num, "+8491%07d", n);
		c = check_ok(db, SDX_KIND_PHONE, num);
		cr_assert_eq(c.reports, 1, "%s: %u reports", num, c.reports);
		sdx_report got;
		rc = sdx_report_get(db, ids[n], SDX_AUD_POLICE, &got);
		cr_assert_eq(rc, 0, "report %d: %s", n, sdx_strerror(rc));
		cr_assert_str_eq(got.agency, n < 400 ? "PA05" : "PC02");
	}
	verify_clean(db);

	/* 20 more (< 500 / 8): ordinary puts into the merged tables */
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	for (int n = 500; n < 520; n++) {
		sdx_report r;
		phone_report(&r, n, "PA05");
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84990000001");
		cr_assert_eq(sdx_batch_add(b, &r, ids[n], NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit_counted(b, &stored), 0);
	cr_assert_eq(stored, 0);
	c = check_ok(db, SDX_KIND_PHONE, "+84990000001");
	cr_assert_eq(c.reports, 70);
	cr_assert_eq(office_seq(db), 520);
	verify_clean(db);
	sdx_db_close(db);
}

/* A merge whose new identifiers make the filter double: the filter must
 * be rebuilt from the whole table before the merge empties it. Rebuilt
 * in the middle (from the keys written again so far) it left every later
 * identifier out, and checks of them answered "not reported" (seen at
 * 10 million identifiers: 21% of the reported ones). 32,768 keys fill
 * one filter chunk: 30,000 held (even numbers), then 4,000 new (>= 30,000
 * / 8; odd numbers, so that they sort among the held ones and the filter
 * doubles while most of the held ones are still to be written again). */
Test(batch, merge_that_doubles_the_filter_keeps_every_identifier_found)
{
	sdx_db *db = fresh_db(NULL);
	sdx_batch *b;
	enum { HELD = 30000, NEW = 4000 };
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	for (int i = 0; i < HELD; i++) {
		sdx_report r;
		phone_report(&r, 2 * i, "PA05");
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit(b), 0);
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	for (int i = 0; i < NEW; i++) {
		sdx_report r;
		phone_report(&r, 2 * i + 1, "PC02");
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	int rc = sdx_batch_commit(b);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	int missed = 0, first = -1;
	for (int i = 0; i < 2 * HELD; i++) {
		if (i % 2 && i > 2 * NEW)
			continue; /* never reported */
		/* a miss before each hit keeps the filter in use (check.c
		 * skips it while nearly every check is a hit) */
		char num[32];
		snprintf(num, sizeof num, "+8493%07d", i);
		cr_assert_eq(check_ok(db, SDX_KIND_PHONE, num).reports, 0);
		snprintf(num, sizeof num, "+8491%07d", i);
		sdx_check_result c = check_ok(db, SDX_KIND_PHONE, num);
		if (c.reports != 1) {
			missed++;
			if (first < 0)
				first = i;
		}
	}
	cr_assert_eq(missed, 0,
		     "%d of %d reported numbers not found (first %d)", missed,
		     HELD + NEW, first);
	verify_clean(db);
	sdx_db_close(db);
}

/* A merge reserves filter room for the batch's distinct identifiers, not
 * for its (identifier, report) pairs: 20,000 held, then 10,000 reports
 * naming two held numbers each (20,000 pairs, 10,001 numbers, none new).
 * Room for the pairs (40,000 keys) doubled the filter past one chunk
 * (32,768 keys), and a filter twice the size it needs makes every check
 * of an unreported identifier slower (30 million identifiers: 2.28M
 * misses a second against 3.24M). */
/* The check filter's chunks in the (closed) database under dir. */
static size_t filter_chunks(const char *dir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/db", dir);
	struct raw r = raw_open(path, "filter", 1);
	MDB_stat st;
	cr_assert_eq(mdb_stat(r.txn, r.dbi, &st), 0);
	raw_close(&r, 0);
	return st.ms_entries;
}

Test(batch, merge_sizes_the_filter_for_distinct_identifiers)
{
	char *dir;
	sdx_db *db = fresh_db(&dir);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	for (int i = 0; i < 20000; i++) {
		sdx_report r;
		phone_report(&r, i, "PA05");
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit(b), 0);
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	for (int i = 0; i < 10000; i++) {
		sdx_report r;
		char num[32];
		phone_report(&r, i, "PC02");
		snprintf(num, sizeof num, "+8491%07d", i + 1);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_OTHER, num);
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit(b), 0);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84910000005").reports, 3);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84910019999").reports, 1);
	verify_clean(db);
	sdx_db_close(db);
	size_t chunks = filter_chunks(dir);
	cr_assert_eq(chunks, 1, "filter of %zu chunks for 20,000 keys", chunks);
	free(dir);
}

/* A bulk batch into an empty database sizes the filter once for its
 * distinct identifiers, instead of doubling it (a rebuild from `entity`
 * each time) at every power of two on the way: 100,000 identifiers
 * take 4 chunks (32,768 keys each), reached from 1 by two doublings. */
Test(batch, empty_database_sizes_the_filter_once)
{
	char *dir;
	sdx_db *db = fresh_db(&dir);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	for (int i = 0; i < 100000; i++) {
		sdx_report r;
		phone_report(&r, i, "PA05");
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	unsigned long before = db->filter_rebuilds;
	cr_assert_eq(sdx_batch_commit(b), 0);
	cr_assert_eq(db->filter_rebuilds - before, 1, "%lu rebuilds",
		     db->filter_rebuilds - before);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84910000000").reports, 1);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84910099999").reports, 1);
	verify_clean(db);
	sdx_db_close(db);
	size_t chunks = filter_chunks(dir);
	cr_assert_eq(chunks, 4, "filter of %zu chunks for 100,000 keys",
		     chunks);
	free(dir);
}

/* Pages of the database at path: *last, the file's extent (the highest
 * page any commit used, plus one); *used, the pages its tables and the
 * free list itself take, and the two meta pages. */
static void db_pages(const char *path, size_t *last, size_t *used)
{
	MDB_env *env;
	MDB_txn *t;
	MDB_cursor *c;
	MDB_envinfo info;
	MDB_stat st;
	MDB_dbi main_dbi;
	MDB_val k, d;
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 64), 0);
	cr_assert_eq(mdb_env_open(env, path, MDB_RDONLY, 0600), 0);
	cr_assert_eq(mdb_env_info(env, &info), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &t), 0);
	*last = info.me_last_pgno + 1;
	*used = 2;
	for (MDB_dbi dbi = 0; dbi < 2; dbi++) { /* the free list, main */
		cr_assert_eq(mdb_stat(t, dbi, &st), 0);
		*used += st.ms_branch_pages + st.ms_leaf_pages +
			 st.ms_overflow_pages;
	}
	cr_assert_eq(mdb_dbi_open(t, NULL, 0, &main_dbi), 0);
	cr_assert_eq(mdb_cursor_open(t, main_dbi, &c), 0);
	while (!mdb_cursor_get(c, &k, &d, MDB_NEXT_NODUP)) {
		char name[64];
		MDB_dbi dbi;
		cr_assert_lt(k.mv_size, sizeof name);
		memcpy(name, k.mv_data, k.mv_size);
		name[k.mv_size] = 0;
		cr_assert_eq(mdb_dbi_open(t, name, 0, &dbi), 0);
		cr_assert_eq(mdb_stat(t, dbi, &st), 0);
		*used += st.ms_branch_pages + st.ms_leaf_pages +
			 st.ms_overflow_pages;
	}
	mdb_cursor_close(c);
	mdb_txn_abort(t);
	mdb_env_close(env);
}

/* Bulk batches that each merge (merge.c) into a growing database: a
 * merge drops the tables it rewrites, and the next one must be able to
 * take those pages (tmerge_settle). Without that each merge took its
 * tables' pages from the end of the file while two generations of old
 * pages lay free: 4,000 reports, then 6 batches of 2,000, left
 * 1,253 pages in use in a file of 2,589 (1,971 with it). */
Test(batch, merges_take_the_pages_earlier_merges_freed)
{
	char *dir;
	sdx_db *db = fresh_db(&dir);
	sdx_batch *b;
	int next = 0;
	for (int batch = 0; batch < 7; batch++) {
		int n = batch ? 2000 : 4000;
		cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
		for (int i = 0; i < n; i++, next++) {
			sdx_report r;
			/* spread over the whole key range: every page of
			 * every table changes */
			phone_report(&r, (int)((next * 7919u) % 1000000u),
				     "PA05");
			cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
		}
		int rc = sdx_batch_commit(b);
		cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	}
	cr_assert_eq(office_seq(db), (uint64_t)next);
	verify_clean(db);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", dir);
	size_t last, used;
	db_pages(path, &last, &used);
	cr_assert_leq(last, used * 7 / 4, "%zu pages in use in a file of %zu",
		      used, last);
	free(dir);
}

/* Every entry of table `name` of the database at path, as one string
 * (key length, key, value length, value, ...); *len bytes. */
static uint8_t *db_dump(const char *path, const char *name, size_t *len)
{
	MDB_env *env;
	MDB_txn *t;
	MDB_cursor *c;
	MDB_dbi dbi;
	MDB_val k, d;
	size_t cap = 1 << 16;
	uint8_t *out = malloc(cap);
	cr_assert(out);
	*len = 0;
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 64), 0);
	cr_assert_eq(mdb_env_open(env, path, MDB_RDONLY, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &t), 0);
	cr_assert_eq(mdb_dbi_open(t, name, 0, &dbi), 0, "%s", name);
	cr_assert_eq(mdb_cursor_open(t, dbi, &c), 0);
	while (!mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		size_t need = *len + 2 * sizeof(size_t) + k.mv_size + d.mv_size;
		while (need > cap)
			cr_assert((out = realloc(out, cap *= 2)));
		memcpy(out + *len, &k.mv_size, sizeof(size_t));
		memcpy(out + *len + sizeof(size_t), k.mv_data, k.mv_size);
		*len += sizeof(size_t) + k.mv_size;
		memcpy(out + *len, &d.mv_size, sizeof(size_t));
		memcpy(out + *len + sizeof(size_t), d.mv_data, d.mv_size);
		*len += sizeof(size_t) + d.mv_size;
	}
	mdb_cursor_close(c);
	mdb_txn_abort(t);
	mdb_env_close(env);
	return out;
}

/* Report i of merged_tables_equal_ordinary_puts: its own number, one of
 * three busy ones (some 200 reports each: their entity_report values
 * outgrow a page), an account every fourth, five agencies, dates over
 * a year (entity_report orders a key's values by date). */
static void busy_report(sdx_report *r, int i)
{
	static const char *ag[] = {"PA05", "PC02", "VCB", "PA07", "TCB"};
	char date[16], num[32];
	snprintf(date, sizeof date, "2026-%02d-%02d", 1 + (i * 7) % 11,
		 1 + (i * 13) % 28);
	mkreport(r, ag[(i / 3) % 5], SDX_CAT_EXTORTION, date);
	snprintf(num, sizeof num, "+8491%07d", i);
	addid(r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
	snprintf(num, sizeof num, "+8499000000%d", i % 3);
	addid(r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
	if (i % 4 == 0) {
		snprintf(num, sizeof num, "970436:00110040%02d", i % 10);
		addid(r, SDX_KIND_BANK, SDX_ROLE_PAYEE, num);
	}
}

/* The tables a merge rebuilds (merge.c: report, entity and
 * entity_report) hold exactly what ordinary puts write: 400 reports,
 * then 220 more (20 of them held already) by an ordinary batch into
 * one database and by a bulk batch, which merges, into the other. */
Test(batch, merged_tables_equal_ordinary_puts)
{
	char *dir[2];
	for (int m = 0; m < 2; m++) {
		sdx_db *db = fresh_db(&dir[m]);
		sdx_batch *b;
		cr_assert_eq(sdx_batch_begin(db, &b), 0);
		for (int i = 0; i < 400; i++) {
			sdx_report r;
			busy_report(&r, i);
			cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
		}
		cr_assert_eq(sdx_batch_commit(b), 0);
		cr_assert_eq(m ? sdx_batch_begin_bulk(db, &b)
			       : sdx_batch_begin(db, &b),
			     0);
		for (int i = 380; i < 600; i++) {
			sdx_report r;
			busy_report(&r, i);
			cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
		}
		size_t stored = 0;
		int rc = sdx_batch_commit_counted(b, &stored);
		cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
		cr_assert_eq(stored, m ? 20u : 0u);
		cr_assert_eq(office_seq(db), 600);
		verify_clean(db);
		sdx_db_close(db);
	}
	static const char *tables[] = {"report", "entity", "entity_report",
				       "entity_agency", "account_bank"};
	for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
		uint8_t *dump[2];
		size_t len[2];
		for (int m = 0; m < 2; m++) {
			char path[256];
			snprintf(path, sizeof path, "%s/db", dir[m]);
			dump[m] = db_dump(path, tables[t], &len[m]);
		}
		cr_assert_gt(len[0], 0, "%s is empty", tables[t]);
		cr_assert(len[0] == len[1] && !memcmp(dump[0], dump[1], len[0]),
			  "%s differs: %zu and %zu bytes", tables[t], len[0],
			  len[1]);
		free(dump[0]);
		free(dump[1]);
	}
	free(dir[0]);
	free(dir[1]);
}

/* Domains that share their first 16 bytes and differ after, and one that
 * is a prefix of another: the sort must still give LMDB's order, and each
 * entity must get exactly its own reports. */
Test(batch, long_shared_prefixes_sort_in_key_order)
{
	sdx_db *db = fresh_db(NULL);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	for (int i = 0; i < 600; i++) {
		sdx_report r;
		char dom[80];
		mkreport(&r, i % 3 ? "PA05" : "VCB", SDX_CAT_PHISHING,
			 "2026-11-01");
		/* 40 domains: i % 40; and the bare prefix host for i % 40 == 0
		 */
		if (i % 40 == 0)
			snprintf(dom, sizeof dom, "vietcombank-xac-thuc.xyz");
		else
			snprintf(dom, sizeof dom,
				 "vietcombank-xac-thuc.xyz%c%02d.example",
				 i % 2 ? '-' : '.', i % 40);
		addid(&r, SDX_KIND_DOMAIN, SDX_ROLE_LINK, dom);
		/* a distinct phone makes every report distinct */
		char num[32];
		snprintf(num, sizeof num, "+8498%07d", i);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit(b), 0);
	/* i % 40 == 0: 15 reports; i % 40 == 7 (odd): 15 reports */
	sdx_check_result c =
	    check_ok(db, SDX_KIND_DOMAIN, "vietcombank-xac-thuc.xyz");
	cr_assert_eq(c.reports, 15);
	c = check_ok(db, SDX_KIND_DOMAIN,
		     "vietcombank-xac-thuc.xyz-07.example");
	cr_assert_eq(c.reports, 15);
	cr_assert_eq(c.agencies, 2);
	c = check_ok(db, SDX_KIND_PHONE, "+84980000599");
	cr_assert_eq(c.reports, 1);
	verify_clean(db);
	sdx_db_close(db);
}

/* 3,000 reports into a 64 KiB map: commit grows the map once, before
 * writing, and everything arrives. */
Test(batch, bulk_batch_bigger_than_the_map)
{
	sdx_db_set_initial_mapsize(64 << 10);
	sdx_db *db = fresh_db(NULL);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	for (int i = 0; i < 3000; i++) {
		sdx_report r;
		phone_report(&r, i % 1000, i < 1000 ? "PA05" : "PC02");
		r.incident_date = day("2026-10-01") + i / 1000;
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	size_t stored = 99;
	int rc = sdx_batch_commit_counted(b, &stored);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(stored, 0);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84910000999");
	cr_assert_eq(c.reports, 3);
	cr_assert_eq(c.agencies, 2);
	cr_assert_eq(office_seq(db), 3000);
	verify_clean(db);
	sdx_db_close(db);
}

/* A batch whose bodies pass 16 MiB keeps them in an unlinked file next
 * to the database (spill.c); the commit reads them from there. A
 * narrative makes each body ~600 bytes: 40,000 reports, ~24 MiB. */
Test(batch, bodies_past_16_mib_spill_to_a_file)
{
	static char narrative[501];
	memset(narrative, 'n', 500);
	sdx_db *db = fresh_db(NULL);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	for (int i = 0; i < 40000; i++) {
		sdx_report r;
		phone_report(&r, i % 20000, i < 20000 ? "PA05" : "PC02");
		narrative[0] = (char)('a' + i % 26);
		snprintf(r.narrative, sizeof r.narrative, "%d %s", i,
			 narrative);
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit(b), 0);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84910019999");
	cr_assert_eq(c.reports, 2);
	cr_assert_eq(c.agencies, 2);
	cr_assert_eq(office_seq(db), 40000);
	verify_clean(db); /* every body digested again against the log */
	sdx_db_close(db);
}

/* A process killed while its batch's bodies wait in the unlinked file
 * leaves nothing behind: the directory holds LMDB's two files, and the
 * database is as before the batch. */
Test(batch, killed_batch_leaves_no_file_behind)
{
	static char narrative[501];
	memset(narrative, 'k', 500);
	char *dir;
	sdx_db *db = fresh_db(&dir);
	sdx_report r;
	phone_report(&r, 1, "PA05");
	add_ok(db, &r, NULL);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", dir);
	int pipefd[2];
	cr_assert_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		sdx_db *cdb;
		sdx_batch *b;
		if (sdx_db_open(path, 0, &cdb) || sdx_batch_begin_bulk(cdb, &b))
			_exit(1);
		for (int i = 0; i < 40000; i++) {
			sdx_report cr;
			phone_report(&cr, i + 2, "PC02");
			snprintf(cr.narrative, sizeof cr.narrative, "%d %s", i,
				 narrative);
			if (sdx_batch_add(b, &cr, NULL, NULL))
				_exit(1);
		}
		/* ~24 MiB of bodies, past 16 MiB: in the file now */
		if (write(pipefd[1], "k", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c;
	close(pipefd[1]);
	cr_assert_eq(read(pipefd[0], &c, 1), 1, "the child failed");
	kill(pid, SIGKILL);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st));
	DIR *d = opendir(path);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		cr_assert(!strcmp(e->d_name, "data.mdb") ||
			      !strcmp(e->d_name, "lock.mdb"),
			  "left behind: %s", e->d_name);
		files++;
	}
	closedir(d);
	cr_assert_eq(files, 2);
	cr_assert_eq(sdx_db_open(path, 0, &db), 0);
	cr_assert_eq(office_seq(db), 1);
	verify_clean(db);
	sdx_db_close(db);
	free(dir);
}

/* A batch of 300,000 reports keeps its per-report arrays (64 bytes a
 * report for the entries alone: past 16 MiB) in an unlinked file next to
 * the database (bigmem.c), not in the process's anonymous memory, and
 * the commit writes every report from there. */
Test(batch, large_batch_arrays_live_in_a_file)
{
	char *dir;
	sdx_db *db = fresh_db(&dir);
	char path[256];
	snprintf(path, sizeof path, "%s/db/", dir);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin_bulk(db, &b), 0);
	cr_assert_eq(sdx_batch_reserve(b, 8000000), 0);
	cr_assert_eq(file_mapped_in(path), 0, "a reservation takes no file");
	for (int i = 0; i < 300000; i++) {
		sdx_report r;
		phone_report(&r, i, "PA05");
		cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	}
	/* the entries (19.2 MB) and the identifier pairs (7.2 MB) */
	size_t mapped = file_mapped_in(path);
	cr_assert_geq(mapped, (size_t)300000 * 64, "%zu bytes mapped", mapped);
	size_t stored = 99;
	cr_assert_eq(sdx_batch_commit_counted(b, &stored), 0);
	cr_assert_eq(stored, 0);
	cr_assert_eq(file_mapped_in(path), 0, "the batch's files are gone");
	cr_assert_eq(office_seq(db), 300000);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84910000000").reports, 1);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84910299999").reports, 1);
	verify_clean(db);
	sdx_db_close(db);
	free(dir);
}
