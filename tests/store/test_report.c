/* test_report.c: report ids, adding, duplicates, report_get, batches. */
#include "helpers.h"

Test(report, init_sets_unknowns)
{
	sdx_report r;
	memset(&r, 0x55, sizeof r);
	sdx_report_init(&r);
	cr_assert_eq(r.incident_date, SDX_DATE_NONE);
	cr_assert_eq(r.received_date, SDX_DATE_NONE);
	cr_assert_eq(r.amount, -1);
	cr_assert_eq(r.n_idents, 0);
	cr_assert_str_eq(r.agency, "");
}

Test(report, add_ident_normalizes)
{
	sdx_report r;
	sdx_norm_error err;
	sdx_report_init(&r);
	int rc = sdx_report_add_ident(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
				      "079.555.5373", 12, &err);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(r.n_idents, 1);
	cr_assert_str_eq(r.idents[0].canonical, "+84795555373");
	cr_assert_eq(r.idents[0].kind, SDX_KIND_PHONE);
	rc = sdx_report_add_ident(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "12", 2,
				  &err);
	cr_assert_neq(rc, 0);
	cr_assert_eq(r.n_idents, 1);
	for (int i = 1; i < SDX_REPORT_IDENTS_MAX; i++)
		addid(&r, SDX_KIND_DOMAIN, SDX_ROLE_LINK, "example.com");
	rc = sdx_report_add_ident(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
				  "0795555373", 10, &err);
	cr_assert_eq(rc, SDX_ETOOLONG);
}

Test(report, id_ignores_identifier_order)
{
	sdx_report a, b;
	uint8_t ia[16], ib[16];
	mkreport(&a, "PA05", SDX_CAT_EXTORTION, "2024-12-01");
	addid(&a, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	addid(&a, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970436:0011004012345");
	mkreport(&b, "PA05", SDX_CAT_EXTORTION, "2024-12-01");
	addid(&b, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970436:0011004012345");
	addid(&b, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	b.received_date = day("2026-01-01"); /* not part of the id */
	cr_assert_eq(sdx_report_id(&a, ia), 0);
	cr_assert_eq(sdx_report_id(&b, ib), 0);
	cr_assert_eq(memcmp(ia, ib, 16), 0);
	b.category = SDX_CAT_ROMANCE;
	cr_assert_eq(sdx_report_id(&b, ib), 0);
	cr_assert_neq(memcmp(ia, ib, 16), 0);
}

Test(report, hex_round_trip)
{
	uint8_t id[16], back[16];
	char hex[33];
	for (int i = 0; i < 16; i++)
		id[i] = (uint8_t)(i * 17 + 3);
	sdx_id_to_hex(id, hex);
	cr_assert_str_eq(hex, "031425364758697a8b9cadbecfe0f102");
	cr_assert_eq(sdx_id_from_hex(hex, 32, back), 0);
	cr_assert_eq(memcmp(id, back, 16), 0);
	cr_assert_eq(sdx_id_from_hex("zz", 2, back), SDX_EINVAL);
	cr_assert_eq(
	    sdx_id_from_hex("g3142536475869788a9bacbdcedff001", 32, back),
	    SDX_EINVAL);
}

Test(report, add_twice_adds_nothing)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	uint8_t id1[16], id2[16];
	int added = -1;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2024-12-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(db, &r, id1);
	cr_assert_eq(sdx_report_add(db, &r, id2, &added), 0);
	cr_assert_eq(added, 0);
	cr_assert_eq(memcmp(id1, id2, 16), 0);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84795555373");
	cr_assert_eq(c.reports, 1);
	sdx_db_close(db);
}

Test(report, get_with_provenance_and_audience)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r, out;
	uint8_t id[16];
	mkreport(&r, "Công an tỉnh Phú Thọ", SDX_CAT_IMPERSONATE_POLICE,
		 "2024-12-01");
	strcpy(r.case_ref, "5354/CAT-PA05");
	strcpy(r.narrative, "Gọi điện giả danh công an.");
	r.amount = 5000000;
	r.channel = SDX_CHAN_ZALO;
	r.confirmation = SDX_CONF_POLICE;
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(db, &r, id);
	int rc = sdx_report_get(db, id, SDX_AUD_BANK, &out);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_str_eq(out.agency, "Công an tỉnh Phú Thọ");
	cr_assert_str_eq(out.case_ref, "5354/CAT-PA05");
	cr_assert_str_eq(out.narrative, "Gọi điện giả danh công an.");
	cr_assert_str_eq(out.origin, "local");
	cr_assert_eq(out.amount, 5000000);
	cr_assert_eq(out.channel, SDX_CHAN_ZALO);
	cr_assert_eq(out.confirmation, SDX_CONF_POLICE);
	cr_assert_eq(out.incident_date, day("2024-12-01"));
	cr_assert_eq(out.received_date, day("2026-11-28"));
	cr_assert_eq(out.state, 0);
	cr_assert_eq(memcmp(out.id, id, 16), 0);

	/* police-only: banks do not see it */
	r.audience = SDX_AUD_POLICE;
	strcpy(r.case_ref, "5355/CAT-PA05");
	add_ok(db, &r, id);
	cr_assert_eq(sdx_report_get(db, id, SDX_AUD_BANK, &out), SDX_ENOTFOUND);
	cr_assert_eq(sdx_report_get(db, id, SDX_AUD_POLICE, &out), 0);
	cr_assert_eq(out.audience, SDX_AUD_POLICE);
	memset(id, 0, 16);
	cr_assert_eq(sdx_report_get(db, id, SDX_AUD_POLICE, &out),
		     SDX_ENOTFOUND);
	sdx_db_close(db);
}

Test(report, bad_reports_are_refused)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2024-12-01");
	cr_assert_eq(sdx_report_add(db, &r, NULL, NULL), SDX_EINVAL); /* none */
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	r.category = 40;
	cr_assert_eq(sdx_report_add(db, &r, NULL, NULL), SDX_EINVAL);
	r.category = SDX_CAT_EXTORTION;
	memset(r.agency, 'a', sizeof r.agency); /* no NUL inside the limit */
	cr_assert_eq(sdx_report_add(db, &r, NULL, NULL), SDX_ETOOLONG);
	strcpy(r.agency, "PA05");
	r.idents[0].kind = SDX_KIND_ACCOUNT;
	cr_assert_eq(sdx_report_add(db, &r, NULL, NULL), SDX_EINVAL);
	r.idents[0].kind = SDX_KIND_PHONE;
	strcpy(r.origin, "bad office!");
	cr_assert_eq(sdx_report_add(db, &r, NULL, NULL), SDX_EINVAL);
	sdx_db_close(db);
}

Test(report, batch_adds_and_counts_duplicates)
{
	sdx_db *db = fresh_db(NULL);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	int news = 0;
	for (int i = 0; i < 500; i++) {
		sdx_report r;
		char num[32];
		mkreport(&r, "PA05", SDX_CAT_JOB, "2026-11-01");
		snprintf(num, sizeof num, "+8491%07d", i % 250);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
		int added;
		int rc = sdx_batch_add(b, &r, NULL, &added);
		cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
		news += added;
	}
	cr_assert_eq(sdx_batch_commit(b), 0);
	cr_assert_eq(news, 250);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84910000007");
	cr_assert_eq(c.reports, 1);

	/* an aborted batch leaves nothing */
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_JOB, "2026-11-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84987654321");
	cr_assert_eq(sdx_batch_add(b, &r, NULL, NULL), 0);
	sdx_batch_abort(b);
	c = check_ok(db, SDX_KIND_PHONE, "+84987654321");
	cr_assert_eq(c.verdict, SDX_VERDICT_UNKNOWN);
	sdx_db_close(db);
}

Test(report, decode_refuses_bad_bodies)
{
	sdx_report out;
	static const uint8_t junk[] = {0xa1, 0x00, 0x7f}; /* indefinite text */
	cr_assert_eq(sdx_report_decode(junk, sizeof junk, &out), SDX_ECORRUPT);
	static const uint8_t trunc[] = {0xa2, 0x00, 0x65, 'a', 'b'};
	cr_assert_eq(sdx_report_decode(trunc, sizeof trunc, &out),
		     SDX_ECORRUPT);
	static const uint8_t empty_map[] = {0xa0};
	cr_assert_eq(sdx_report_decode(empty_map, 1, &out), SDX_ECORRUPT);
	cr_assert_eq(sdx_report_decode(junk, 0, &out), SDX_ECORRUPT);
}

Test(report, batch_of_duplicates_only)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_JOB, "2026-11-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84987654321");
	add_ok(db, &r, NULL);
	sdx_batch *b;
	cr_assert_eq(sdx_batch_begin(db, &b), 0);
	int added = -1;
	cr_assert_eq(sdx_batch_add(b, &r, NULL, &added), 0);
	cr_assert_eq(added, 0);
	cr_assert_eq(sdx_batch_commit(b), 0);
	cr_assert_eq(sdx_batch_begin(db, &b), 0); /* and an empty one */
	cr_assert_eq(sdx_batch_commit(b), 0);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84987654321").reports, 1);
	sdx_db_close(db);
}

/* Report ids from a unique prefix of 8 or more hex digits; two reports
 * whose ids share their first 8 digits make that prefix ambiguous (found
 * by computing ids until two collide: about 80,000 tries). */
Test(report, id_prefix)
{
	sdx_db *db = fresh_db(NULL);
	static sdx_report r;
	static uint32_t seen[1 << 20][2]; /* first 4 bytes -> n + 1 */
	uint8_t id[16], got[16], a[16] = {0}, b[16] = {0};
	char hex[33], name[32];
	int na = -1, nb = -1;
	for (int n = 0; n < 4000000 && na < 0; n++) {
		snprintf(name, sizeof name, "agency %d", n);
		mkreport(&r, name, SDX_CAT_EXTORTION, "2024-12-01");
		strcpy(r.origin, "local"); /* the id the store gives it */
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
		cr_assert_eq(sdx_report_id(&r, id), 0);
		uint32_t k = (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 |
			     (uint32_t)id[2] << 8 | id[3];
		uint32_t *slot = seen[k & ((1 << 20) - 1)];
		if (slot[1] && slot[0] == k) {
			na = (int)slot[1] - 1;
			nb = n;
		} else {
			slot[0] = k;
			slot[1] = (uint32_t)n + 1;
		}
	}
	cr_assert_geq(na, 0, "no two ids share 8 hex digits");
	int ns[2] = {na, nb};
	uint8_t *ids[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "agency %d", ns[i]);
		mkreport(&r, name, SDX_CAT_EXTORTION, "2024-12-01");
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
		add_ok(db, &r, ids[i]);
	}
	cr_assert_eq(memcmp(a, b, 4), 0);
	sdx_id_to_hex(a, hex);
	/* 8 digits: both; 9 or more where they differ: one */
	cr_assert_eq(sdx_report_id_prefix(db, hex, 8, got), SDX_EAMBIGUOUS);
	size_t diff = 8;
	char hb[33];
	sdx_id_to_hex(b, hb);
	while (hex[diff] == hb[diff])
		diff++;
	cr_assert_eq(sdx_report_id_prefix(db, hex, diff + 1, got), 0);
	cr_assert_eq(memcmp(got, a, 16), 0);
	cr_assert_eq(sdx_report_id_prefix(db, hb, diff + 1, got), 0);
	cr_assert_eq(memcmp(got, b, 16), 0);
	/* upper case, the whole id, and what is not there */
	char up[33];
	for (int i = 0; i < 33; i++)
		up[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
	cr_assert_eq(
	    sdx_report_id_prefix(db, up, 12 > diff + 1 ? 12 : diff + 1, got),
	    0);
	cr_assert_eq(memcmp(got, a, 16), 0);
	cr_assert_eq(sdx_report_id_prefix(db, hex, 32, got), 0);
	cr_assert_eq(memcmp(got, a, 16), 0);
	char none[9];
	memcpy(none, hex, 8);
	none[8] = '\0';
	none[7] = none[7] == '0' ? '1' : '0';
	cr_assert_eq(sdx_report_id_prefix(db, none, 8, got), SDX_ENOTFOUND);
	cr_assert_eq(sdx_report_id_prefix(db, hex, 7, got), SDX_EINVAL);
	cr_assert_eq(sdx_report_id_prefix(db, "zzzzzzzz", 8, got), SDX_EINVAL);
	sdx_db_close(db);
}

/* The importer's memory of files: a digest and the origin. */
Test(report, file_origin)
{
	sdx_db *db = fresh_db(NULL);
	uint8_t d[16] = {1, 2, 3};
	char origin[SDX_OFFICE_MAX + 1];
	cr_assert_eq(sdx_db_file_origin(db, d, origin, sizeof origin),
		     SDX_ENOTFOUND);
	cr_assert_eq(sdx_db_file_remember(db, d, "kontum"), 0);
	cr_assert_eq(sdx_db_file_origin(db, d, origin, sizeof origin), 0);
	cr_assert_str_eq(origin, "kontum");
	cr_assert_eq(sdx_db_file_remember(db, d, "hanoi"), 0);
	cr_assert_eq(sdx_db_file_origin(db, d, origin, sizeof origin), 0);
	cr_assert_str_eq(origin, "hanoi");
	cr_assert_eq(sdx_db_file_origin(db, d, origin, 3), SDX_ETOOLONG);
	d[0] = 9;
	cr_assert_eq(sdx_db_file_origin(db, d, origin, sizeof origin),
		     SDX_ENOTFOUND);
	sdx_db_close(db);
}
