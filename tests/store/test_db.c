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
 * schema 4, since it writes layout-4 summaries an older binary would
 * misread. */
Test(db, schema_1_is_read_and_raised_by_a_writer)
{
	char *t;
	sdx_db *db = fresh_db(&t);
	cr_assert_eq(SDX_SCHEMA_VERSION, 4);
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
	cr_assert_eq(get_schema(path), 4);
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
