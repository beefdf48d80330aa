/* test_db.c: opening, creating, schema versions, read-only, office, map
 * growth. */
#include "helpers.h"

#include "raw_lmdb.h"
#include <sys/stat.h>
#include <unistd.h>

Test(db, missing_database)
{
	char *t = tmpdir();
	char path[256];
	snprintf(path, sizeof path, "%s/none", t);
	sdx_db *db = (sdx_db *)1;
	cr_assert_eq(sdx_db_open(path, 0, &db), SDX_ENODB);
	cr_assert_null(db);
	cr_assert_eq(sdx_db_open(path, SDX_OPEN_RDONLY, &db), SDX_ENODB);
	cr_assert_eq(sdx_db_open(NULL, 0, &db), SDX_EINVAL);
	sdx_db_close(NULL);
	free(t);
}

Test(db, create_reopen_keeps_data)
{
	char *t;
	sdx_db *db = fresh_db(&t);
	char path[256], office[SDX_OFFICE_MAX + 1];
	snprintf(path, sizeof path, "%s/db", t);
	cr_assert_eq(sdx_db_office(db, office, sizeof office), 0);
	cr_assert_str_eq(office, "local");
	cr_assert_eq(sdx_db_set_office(db, "PA05-PhuTho"), 0);
	cr_assert_eq(sdx_db_set_office(db, "bad office"), SDX_EINVAL);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(db, &r, NULL);
	/* the office is fixed once it has operations */
	cr_assert_eq(sdx_db_set_office(db, "other"), SDX_EEXISTS);
	cr_assert_eq(sdx_db_set_office(db, "PA05-PhuTho"), 0);
	sdx_db_close(db);

	cr_assert_eq(sdx_db_open(path, 0, &db), 0);
	cr_assert_eq(sdx_db_office(db, office, sizeof office), 0);
	cr_assert_str_eq(office, "PA05-PhuTho");
	cr_assert_eq(sdx_db_office(db, office, 3), SDX_ETOOLONG);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84795555373");
	cr_assert_eq(c.reports, 1);
	sdx_report out;
	uint8_t id[16];
	strcpy(r.origin, "PA05-PhuTho");
	cr_assert_eq(sdx_report_id(&r, id), 0);
	cr_assert_eq(sdx_report_get(db, id, SDX_AUD_BANK, &out), 0);
	cr_assert_str_eq(out.origin, "PA05-PhuTho");
	sdx_db_close(db);
	free(t);
}

Test(db, read_only_handle_refuses_writes)
{
	char *t;
	sdx_db *db = fresh_db(&t);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", t);
	cr_assert_eq(sdx_db_open(path, SDX_OPEN_RDONLY, &db), 0);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	cr_assert_eq(sdx_report_add(db, &r, NULL, NULL), SDX_EREADONLY);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin(db, &b), SDX_EREADONLY);
	cr_assert_eq(sdx_allow(db, SDX_KIND_PHONE, "+84795555373", NULL, NULL),
		     SDX_EREADONLY);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84795555373");
	cr_assert_eq(c.verdict, SDX_VERDICT_UNKNOWN);
	sdx_db_close(db);
	free(t);
}

Test(db, read_only_directory)
{
	if (geteuid() == 0)
		cr_skip_test("root ignores permissions");
	char *t;
	sdx_db *db = fresh_db(&t);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(db, &r, NULL);
	sdx_db_close(db);
	char path[256], f[300];
	snprintf(path, sizeof path, "%s/db", t);
	snprintf(f, sizeof f, "%s/data.mdb", path);
	chmod(f, 0444);
	snprintf(f, sizeof f, "%s/lock.mdb", path);
	chmod(f, 0444);
	chmod(path, 0555);
	int rc = sdx_db_open(path, 0, &db);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84795555373").reports, 1);
	cr_assert_eq(sdx_report_add(db, &r, NULL, NULL), SDX_EREADONLY);
	sdx_db_close(db);
	chmod(path, 0755);
	free(t);
}

static void set_schema(const char *path, uint64_t v)
{
	struct raw r = raw_open(path, "meta", 0);
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	MDB_val k = {6, "schema"}, d = {8, b};
	cr_assert_eq(mdb_put(r.txn, r.dbi, &k, &d, 0), 0);
	raw_close(&r, 1);
}

static uint64_t get_schema(const char *path)
{
	struct raw r = raw_open(path, "meta", 1);
	MDB_val k = {6, "schema"}, d;
	cr_assert_eq(mdb_get(r.txn, r.dbi, &k, &d), 0);
	cr_assert_eq(d.mv_size, 8);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)((const uint8_t *)d.mv_data)[i] << (8 * i);
	raw_close(&r, 0);
	return v;
}

/* Schema 1 (summary layout 1) is still read; a writable open moves it to
 * schema 5, since it writes layout-4 summaries and a filter with phone
 * markers (schema 5) that an older binary would misread or not keep. */
Test(db, schema_1_is_read_and_raised_by_a_writer)
{
	char *t;
	sdx_db *db = fresh_db(&t);
	cr_assert_eq(SDX_SCHEMA_VERSION, 5);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-20");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(db, &r, NULL);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", t);
	set_schema(path, 1);
	cr_assert_eq(sdx_db_open(path, SDX_OPEN_RDONLY, &db), 0);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84795555373").reports, 1);
	sdx_db_close(db);
	cr_assert_eq(get_schema(path), 1);
	cr_assert_eq(sdx_db_open(path, 0, &db), 0);
	sdx_db_close(db);
	cr_assert_eq(get_schema(path), 5);
	free(t);
}

/* The filter as schema 4 wrote it: each entity key's own hash alone, no
 * phone markers (the split-block layout of core/store/filter.c). */
uint64_t sdx_hash64(const void *data, size_t len); /* core/util/hash.c */

static void write_schema4_filter(const char *path)
{
	static const uint32_t salt[8] = {0x47b6137bu, 0x44974d91u, 0x8824ad5bu,
					 0xa2b7289du, 0x705495c7u, 0x2df1424bu,
					 0x9efc4947u, 0x5c6bfb31u};
	struct raw r = raw_open(path, "meta", 0);
	MDB_dbi fdbi, edbi;
	cr_assert_eq(mdb_dbi_open(r.txn, "filter", 0, &fdbi), 0);
	cr_assert_eq(mdb_dbi_open(r.txn, "entity", 0, &edbi), 0);
	MDB_val hk = {6, "filter"}, hd;
	cr_assert_eq(mdb_get(r.txn, r.dbi, &hk, &hd), 0);
	uint8_t hdr[16];
	memcpy(hdr, hd.mv_data, 16);
	uint32_t n = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
		     (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	cr_assert_eq(n, 1);
	uint8_t *chunk = calloc(1, 65536);
	MDB_cursor *c;
	MDB_val k, d;
	uint64_t count = 0;
	cr_assert_eq(mdb_cursor_open(r.txn, edbi, &c), 0);
	for (int rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		uint64_t h = sdx_hash64(k.mv_data, k.mv_size);
		uint8_t *blk = chunk + (((h >> 32) * 2048u) >> 32) * 32;
		for (int i = 0; i < 8; i++) {
			uint32_t wd;
			memcpy(&wd, blk + 4 * i, 4);
			wd |= 1u << (((uint32_t)h * salt[i]) >> 27);
			memcpy(blk + 4 * i, &wd, 4);
		}
		count++;
	}
	mdb_cursor_close(c);
	uint8_t ck[4] = {0, 0, 0, 0};
	MDB_val ckv = {4, ck}, cd = {65536, chunk};
	cr_assert_eq(mdb_put(r.txn, fdbi, &ckv, &cd, 0), 0);
	for (int i = 0; i < 8; i++)
		hdr[8 + i] = (uint8_t)(count >> (8 * i));
	MDB_val nd = {16, hdr};
	cr_assert_eq(mdb_put(r.txn, r.dbi, &hk, &nd, 0), 0);
	raw_close(&r, 1);
	free(chunk);
}

static void filter_bytes(const char *path, uint8_t *out)
{
	struct raw r = raw_open(path, "filter", 1);
	uint8_t ck[4] = {0, 0, 0, 0};
	MDB_val k = {4, ck}, d;
	cr_assert_eq(mdb_get(r.txn, r.dbi, &k, &d), 0);
	cr_assert_eq(d.mv_size, 65536);
	memcpy(out, d.mv_data, 65536);
	raw_close(&r, 0);
}

/* Schema 5: the check filter holds a marker for each phone number one of
 * whose accounts (zalo:+84..., MoMo's 0966...) is an entity, and a check
 * of the number probes it instead of every account. A schema-4 database
 * has no markers: read-only, its checks probe every account; a writable
 * open rebuilds the filter with them (the bytes change) and verify is
 * clean. Either way the number finds its reported accounts. */
Test(db, schema_4_filter_gets_phone_markers)
{
	char *t;
	sdx_db *db = fresh_db(&t);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-20");
	addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, "zalo:+84795555373");
	addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, "971025:0966111222");
	add_ok(db, &r, NULL);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", t);
	uint8_t *with = malloc(65536), *without = malloc(65536),
		*after = malloc(65536);
	filter_bytes(path, with);
	write_schema4_filter(path);
	set_schema(path, 4);
	filter_bytes(path, without);
	cr_assert_neq(memcmp(with, without, 65536), 0,
		      "the markers' bits are gone");
	const char *phones[] = {"+84795555373", "0966111222"};
	for (int ro = 1; ro >= 0; ro--) {
		cr_assert_eq(sdx_db_open(path, ro ? SDX_OPEN_RDONLY : 0, &db),
			     0);
		for (int i = 0; i < 2; i++) {
			sdx_check_result c =
			    check_ok(db, SDX_KIND_PHONE, phones[i]);
			cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s (%s)",
				     phones[i],
				     ro ? "read-only, schema 4" : "migrated");
		}
		size_t problems = 99;
		if (!ro)
			cr_assert_eq(sdx_verify(db, NULL, NULL, &problems), 0);
		sdx_db_close(db);
		if (!ro)
			cr_assert_eq(problems, 0);
	}
	cr_assert_eq(get_schema(path), 5);
	filter_bytes(path, after);
	cr_assert_eq(memcmp(with, after, 65536), 0,
		     "the migrated filter is the one a new database has");
	free(with);
	free(without);
	free(after);
	free(t);
}

Test(db, newer_schema_is_refused)
{
	char *t;
	sdx_db *db = fresh_db(&t);
	sdx_db_close(db);
	char path[256];
	snprintf(path, sizeof path, "%s/db", t);
	set_schema(path, SDX_SCHEMA_VERSION + 1);
	db = (sdx_db *)1;
	cr_assert_eq(sdx_db_open(path, 0, &db), SDX_ESCHEMA);
	cr_assert_null(db);
	cr_assert_eq(sdx_db_open(path, SDX_OPEN_CREATE, &db), SDX_ESCHEMA);
	set_schema(path, SDX_SCHEMA_VERSION);
	cr_assert_eq(sdx_db_open(path, 0, &db), 0);
	sdx_db_close(db);
	free(t);
}

Test(db, not_a_database)
{
	char *t = tmpdir();
	char path[256], f[300];
	snprintf(path, sizeof path, "%s/db", t);
	mkdir(path, 0755);
	snprintf(f, sizeof f, "%s/data.mdb", path);
	FILE *fp = fopen(f, "w");
	cr_assert_not_null(fp);
	for (int i = 0; i < 2000; i++)
		fputs("not an lmdb file ", fp);
	fclose(fp);
	sdx_db *db;
	int rc = sdx_db_open(path, 0, &db);
	cr_assert_eq(rc, SDX_ECORRUPT, "%s", sdx_strerror(rc));
	free(t);
}

Test(db, strerror_names_codes)
{
	cr_assert_str_eq(sdx_strerror(SDX_ESCHEMA),
			 "SDX_ESCHEMA: database written by a newer scamdex");
	cr_assert_str_eq(sdx_status_name(SDX_EREADONLY), "SDX_EREADONLY");
}

Test(db, map_grows_from_a_tiny_map)
{
	sdx_db_set_initial_mapsize(64 * 1024);
	char *t = tmpdir();
	char path[256];
	snprintf(path, sizeof path, "%s/db", t);
	sdx_db *db;
	int rc = sdx_db_open(path, SDX_OPEN_CREATE, &db);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	/* singles, then a batch far larger than the initial map */
	for (int i = 0; i < 50; i++) {
		sdx_report r;
		char num[32];
		mkreport(&r, "PA05", SDX_CAT_LOAN, "2026-11-01");
		snprintf(r.narrative, sizeof r.narrative, "%0*d", 900, i);
		snprintf(num, sizeof num, "+8490%07d", i);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
		add_ok(db, &r, NULL);
	}
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	for (int i = 0; i < 3000; i++) {
		sdx_report r;
		char num[32];
		mkreport(&r, "PA05", SDX_CAT_LOAN, "2026-11-02");
		snprintf(r.narrative, sizeof r.narrative, "%0*d", 900, i);
		snprintf(num, sizeof num, "+8491%07d", i);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
		int added;
		rc = sdx_batch_add(b, &r, NULL, &added);
		cr_assert_eq(rc, 0, "%d: %s", i, sdx_strerror(rc));
		cr_assert_eq(added, 1);
	}
	rc = sdx_batch_commit(b);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84910002999").reports, 1);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84900000049").reports, 1);
	size_t n = 1;
	cr_assert_eq(sdx_verify(db, NULL, NULL, &n), 0);
	cr_assert_eq(n, 0);
	sdx_origin_info oi;
	cr_assert_eq(sdx_origin_get(db, "local", &oi), 0);
	cr_assert_eq(oi.seq, 3050);
	sdx_db_close(db);
	free(t);
}

/* Creating a database makes its missing parent directories, as on a
 * fresh system where ~/.local/share does not exist yet. */
Test(db, create_makes_parent_directories)
{
	char *t = tmpdir();
	char path[256];
	snprintf(path, sizeof path, "%s/a/b/c/db", t);
	sdx_db *db = NULL;
	cr_assert_eq(sdx_db_open(path, 0, &db), SDX_ENODB);
	int rc = sdx_db_open(path, SDX_OPEN_CREATE, &db);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-20");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(db, &r, NULL);
	sdx_db_close(db);
	cr_assert_eq(sdx_db_open(path, SDX_OPEN_RDONLY, &db), 0);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84795555373").reports, 1);
	sdx_db_close(db);
	free(t);
}
