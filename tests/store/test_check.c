/* test_check.c: summaries, windows, grades, verdicts, retraction,
 * disputes, the allowlist and account look-ups. Today is 2026-11-28. */
#include "helpers.h"

static const char *const PH = "+84795555373";

Test(check, unknown_identifier)
{
	sdx_db *db = fresh_db(NULL);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "0795555373");
	cr_assert_str_eq(c.canonical, PH);
	cr_assert_eq(c.kind, SDX_KIND_PHONE);
	cr_assert_eq(c.verdict, SDX_VERDICT_UNKNOWN);
	cr_assert_eq(c.grade, SDX_GRADE_NONE);
	cr_assert_eq(c.reports, 0);
	cr_assert_eq(c.first_seen, SDX_DATE_NONE);
	sdx_db_close(db);
}

Test(check, normalization_error_is_returned)
{
	sdx_db *db = fresh_db(NULL);
	sdx_check_result c;
	sdx_norm_error err;
	int rc =
	    sdx_check(db, SDX_KIND_PHONE, "12ab", 4, SDX_DATE_NONE, &c, &err);
	cr_assert_lt(rc, 0);
	cr_assert_eq(err.code, rc);
	sdx_db_close(db);
}

Test(check, summary_after_adds_duplicates_and_retractions)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	uint8_t id1[16], id2[16], id3[16], id4[16];
	mkreport(&r, "PA05 Phu Tho", SDX_CAT_EXTORTION, "2026-11-27");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, PH);
	add_ok(db, &r, id1);
	mkreport(&r, "PA05 Phu Tho", SDX_CAT_IMPERSONATE_JOURNALIST,
		 "2026-10-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, PH);
	add_ok(db, &r, id2);
	int added;
	cr_assert_eq(sdx_report_add(db, &r, NULL, &added), 0);
	cr_assert_eq(added, 0);
	mkreport(&r, "Vietcombank", SDX_CAT_IMPERSONATE_DETECTIVE,
		 "2025-01-15");
	r.confirmation = SDX_CONF_POLICE;
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, PH);
	add_ok(db, &r, id3);
	mkreport(&r, "PA05 Ha Noi", SDX_CAT_EXTORTION, NULL); /* undated */
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, PH);
	add_ok(db, &r, id4);

	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, PH);
	cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED);
	cr_assert_eq(c.reports, 4);
	cr_assert_eq(c.retracted, 0);
	cr_assert_eq(c.agencies, 3);
	cr_assert_eq(c.categories, (1u << SDX_CAT_EXTORTION) |
				       (1u << SDX_CAT_IMPERSONATE_JOURNALIST) |
				       (1u << SDX_CAT_IMPERSONATE_DETECTIVE));
	cr_assert_eq(c.first_seen, day("2025-01-15"));
	cr_assert_eq(c.last_seen, day("2026-11-27"));
	cr_assert_eq(c.last_3d, 1);
	cr_assert_eq(c.last_30d, 1);
	cr_assert_eq(c.last_6m, 2);
	cr_assert_eq(c.confirmation, SDX_CONF_POLICE);
	cr_assert_eq(c.grade, SDX_GRADE_VERY_HIGH); /* 3 agencies, recent */

	/* retract the police-confirmed one: agencies, categories, first seen
	 * and confirmation all fall back */
	int rc = sdx_report_retract(db, id3, "wrong number", "PA05",
				    day("2026-11-28"));
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(
	    sdx_report_retract(db, id3, "again", "PA05", SDX_DATE_NONE),
	    SDX_EEXISTS);
	c = check_ok(db, SDX_KIND_PHONE, PH);
	cr_assert_eq(c.reports, 3);
	cr_assert_eq(c.retracted, 1);
	cr_assert_eq(c.agencies, 2);
	cr_assert_eq(c.categories, (1u << SDX_CAT_EXTORTION) |
				       (1u << SDX_CAT_IMPERSONATE_JOURNALIST));
	cr_assert_eq(c.first_seen, day("2026-10-01"));
	cr_assert_eq(c.last_seen, day("2026-11-27"));
	cr_assert_eq(c.confirmation, SDX_CONF_REPORTED);
	cr_assert_eq(c.last_6m, 2);
	cr_assert_eq(c.grade, SDX_GRADE_HIGH); /* 2 agencies */

	sdx_report out;
	cr_assert_eq(sdx_report_get(db, id3, SDX_AUD_POLICE, &out), 0);
	cr_assert_eq(out.state, SDX_RSTATE_RETRACTED);
	cr_assert_str_eq(out.state_note, "wrong number");
	cr_assert_str_eq(out.state_by, "PA05");
	cr_assert_eq(out.state_date, day("2026-11-28"));

	cr_assert_eq(sdx_report_retract(db, id1, NULL, NULL, SDX_DATE_NONE), 0);
	cr_assert_eq(sdx_report_retract(db, id2, NULL, NULL, SDX_DATE_NONE), 0);
	cr_assert_eq(sdx_report_retract(db, id4, NULL, NULL, SDX_DATE_NONE), 0);
	c = check_ok(db, SDX_KIND_PHONE, PH);
	cr_assert_eq(c.verdict, SDX_VERDICT_RETRACTED);
	cr_assert_eq(c.reports, 0);
	cr_assert_eq(c.retracted, 4);
	cr_assert_eq(c.agencies, 0);
	cr_assert_eq(c.categories, 0);
	cr_assert_eq(c.first_seen, SDX_DATE_NONE);
	cr_assert_eq(c.grade, SDX_GRADE_NONE);
	uint8_t nobody[16] = {1};
	cr_assert_eq(sdx_report_retract(db, nobody, NULL, NULL, SDX_DATE_NONE),
		     SDX_ENOTFOUND);
	sdx_db_close(db);
}

Test(check, windows_relative_to_today)
{
	sdx_db *db = fresh_db(NULL);
	static const char *const dates[] = {
	    "2026-11-28", "2026-11-26", "2026-11-25", /* 3d: 2 */
	    "2026-10-30", "2026-10-29",		      /* 30d: +1 */
	    "2026-05-30", "2026-05-29",		      /* 6m: +1 */
	    "2026-12-01",			      /* future */
	};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		sdx_report r;
		mkreport(&r, "PA05", SDX_CAT_LOAN, dates[i]);
		addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, "telegram:some_user");
		add_ok(db, &r, NULL);
	}
	sdx_check_result c =
	    check_ok(db, SDX_KIND_HANDLE, "telegram:some_user");
	cr_assert_eq(c.reports, 8);
	cr_assert_eq(c.last_3d, 2);
	cr_assert_eq(c.last_30d, 4);
	cr_assert_eq(c.last_6m, 6);
	/* a later `today` moves the windows */
	sdx_norm_error err;
	int rc = sdx_check(db, SDX_KIND_HANDLE, "telegram:some_user", 18,
			   day("2026-12-01"), &c, &err);
	cr_assert_eq(rc, 0);
	cr_assert_eq(c.last_3d, 1);
	cr_assert_eq(c.last_30d, 4);
	sdx_db_close(db);
}

Test(check, windows_of_one_date)
{
	sdx_db *db = fresh_db(NULL);
	for (int i = 0; i < 3; i++) {
		sdx_report r;
		mkreport(&r, i == 2 ? "B" : "A", SDX_CAT_LOAN, "2026-11-20");
		addid(&r, SDX_KIND_DOMAIN, SDX_ROLE_LINK, "vay-nhanh.example");
		r.amount = i;
		add_ok(db, &r, NULL);
	}
	sdx_check_result c = check_ok(db, SDX_KIND_DOMAIN, "vay-nhanh.example");
	cr_assert_eq(c.reports, 3);
	cr_assert_eq(c.agencies, 2);
	cr_assert_eq(c.last_3d, 0);
	cr_assert_eq(c.last_30d, 3);
	cr_assert_eq(c.last_6m, 3);
	cr_assert_eq(c.grade, SDX_GRADE_HIGH);
	sdx_db_close(db);
}

/* Dates that no window boundary separates are counted from the summary
 * alone; the answer must equal the walk's. */
Test(check, windows_between_boundaries)
{
	static const struct {
		const char *dates[3];
		uint32_t d3, d30, m6;
	} cases[] = {
	    {{"2026-11-20", "2026-11-25", "2026-11-22"}, 0, 3, 3},
	    {{"2026-10-20", "2026-10-25", "2026-09-01"}, 0, 0, 3},
	    {{"2026-11-27", "2026-11-28", "2026-11-26"}, 3, 3, 3},
	    {{"2025-01-01", "2025-03-01", "2025-02-01"}, 0, 0, 0},
	    {{"2026-11-27", "2026-11-20", "2026-11-26"}, 2, 3, 3},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		sdx_db *db = fresh_db(NULL);
		for (int i = 0; i < 3; i++) {
			sdx_report r;
			mkreport(&r, "PA05", SDX_CAT_LOAN, cases[k].dates[i]);
			addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT,
			      "telegram:some_user");
			add_ok(db, &r, NULL);
		}
		sdx_check_result c =
		    check_ok(db, SDX_KIND_HANDLE, "telegram:some_user");
		cr_assert_eq(c.reports, 3);
		cr_assert_eq(c.last_3d, cases[k].d3, "case %zu: 3d %u", k,
			     c.last_3d);
		cr_assert_eq(c.last_30d, cases[k].d30, "case %zu: 30d %u", k,
			     c.last_30d);
		cr_assert_eq(c.last_6m, cases[k].m6, "case %zu: 6m %u", k,
			     c.last_6m);
		sdx_db_close(db);
	}
}

Test(check, grades)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	mkreport(&r, "A", SDX_CAT_JOB, "2020-01-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84911111111");
	add_ok(db, &r, NULL);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84911111111").grade,
		     SDX_GRADE_LOW);
	mkreport(&r, "A", SDX_CAT_JOB, "2026-11-10");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84922222222");
	add_ok(db, &r, NULL);
	cr_assert_eq(check_ok(db, SDX_KIND_PHONE, "+84922222222").grade,
		     SDX_GRADE_MEDIUM);
	mkreport(&r, "A", SDX_CAT_JOB, "2020-01-01");
	r.confirmation = SDX_CONF_COURT;
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84933333333");
	add_ok(db, &r, NULL);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, "+84933333333");
	cr_assert_eq(c.grade, SDX_GRADE_VERY_HIGH);
	cr_assert_str_eq(sdx_grade_name(c.grade), "very_high");
	cr_assert_str_eq(sdx_verdict_name(c.verdict), "reported");
	sdx_db_close(db);
}

Test(check, dispute_and_resolve)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	uint8_t id[16];
	mkreport(&r, "A", SDX_CAT_SHOPPING, "2026-11-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, PH);
	add_ok(db, &r, id);
	cr_assert_eq(sdx_report_resolve(db, id, NULL, NULL, SDX_DATE_NONE),
		     SDX_EEXISTS);
	int rc = sdx_report_dispute(db, id, "my number since 2019", "owner",
				    SDX_DATE_NONE);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(sdx_report_dispute(db, id, NULL, NULL, SDX_DATE_NONE),
		     SDX_EEXISTS);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, PH);
	cr_assert_eq(c.disputed, 1);
	cr_assert_eq(c.flags & SDX_CHECK_DISPUTED, SDX_CHECK_DISPUTED);
	cr_assert_eq(c.reports, 1);
	sdx_report out;
	cr_assert_eq(sdx_report_get(db, id, SDX_AUD_BANK, &out), 0);
	cr_assert_eq(out.state, SDX_RSTATE_DISPUTED);
	cr_assert_str_eq(out.state_note, "my number since 2019");
	rc = sdx_report_resolve(db, id, "confirmed", "PA05", SDX_DATE_NONE);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	c = check_ok(db, SDX_KIND_PHONE, PH);
	cr_assert_eq(c.disputed, 0);
	cr_assert_eq(c.flags, 0);
	uint8_t nobody[16] = {2};
	cr_assert_eq(sdx_report_dispute(db, nobody, NULL, NULL, SDX_DATE_NONE),
		     SDX_ENOTFOUND);
	sdx_db_close(db);
}

Test(check, allowlist_official_and_spoof)
{
	sdx_db *db = fresh_db(NULL);
	const char *hotline = "+842439396100";
	int rc =
	    sdx_allow(db, SDX_KIND_PHONE, hotline, "police hotline", "MPS");
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(sdx_allow(db, SDX_KIND_PHONE, hotline, NULL, NULL),
		     SDX_EEXISTS);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, hotline);
	cr_assert_eq(c.verdict, SDX_VERDICT_OFFICIAL);
	cr_assert_eq(c.flags, SDX_CHECK_ALLOWLISTED);
	cr_assert_eq(c.reports, 0);

	sdx_report r, out;
	uint8_t id[16];
	mkreport(&r, "A", SDX_CAT_IMPERSONATE_POLICE, "2026-11-20");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, hotline);
	add_ok(db, &r, id);
	c = check_ok(db, SDX_KIND_PHONE, hotline);
	cr_assert_eq(c.verdict, SDX_VERDICT_OFFICIAL);
	cr_assert_eq(c.reports, 1);
	cr_assert_eq(sdx_report_get(db, id, SDX_AUD_BANK, &out), 0);
	cr_assert_eq(out.state, SDX_RSTATE_SPOOF);

	cr_assert_eq(sdx_disallow(db, SDX_KIND_PHONE, hotline, NULL, NULL), 0);
	cr_assert_eq(sdx_disallow(db, SDX_KIND_PHONE, hotline, NULL, NULL),
		     SDX_EEXISTS);
	c = check_ok(db, SDX_KIND_PHONE, hotline);
	cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED);
	cr_assert_eq(c.flags, 0);
	cr_assert_eq(sdx_report_get(db, id, SDX_AUD_BANK, &out), 0);
	cr_assert_eq(out.state, 0);
	sdx_db_close(db);
}

Test(check, account_across_banks)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	mkreport(&r, "A", SDX_CAT_EXTORTION, "2026-11-27");
	addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970436:0011004012345");
	add_ok(db, &r, NULL);
	mkreport(&r, "B", SDX_CAT_INVESTMENT, "2026-06-01");
	addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970415:0011004012345");
	add_ok(db, &r, NULL);
	mkreport(&r, "B", SDX_CAT_INVESTMENT, "2026-06-02");
	addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970415:9999");
	add_ok(db, &r, NULL);
	sdx_check_result c = check_ok(db, SDX_KIND_ACCOUNT, "0011004012345");
	cr_assert_eq(c.kind, SDX_KIND_ACCOUNT);
	cr_assert_str_eq(c.canonical, "0011004012345");
	cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED);
	cr_assert_eq(c.banks, 2);
	cr_assert_eq(c.reports, 2);
	cr_assert_eq(c.last_3d, 1);
	cr_assert_eq(c.last_6m, 2);
	cr_assert_eq(c.first_seen, day("2026-06-01"));
	cr_assert_eq(c.last_seen, day("2026-11-27"));
	cr_assert_eq(c.categories,
		     (1u << SDX_CAT_EXTORTION) | (1u << SDX_CAT_INVESTMENT));
	c = check_ok(db, SDX_KIND_ACCOUNT, "12345678");
	cr_assert_eq(c.verdict, SDX_VERDICT_UNKNOWN);
	cr_assert_eq(c.banks, 0);
	c = check_ok(db, SDX_KIND_BANK, "970436:0011004012345");
	cr_assert_eq(c.reports, 1);
	cr_assert_eq(c.banks, 0);
	sdx_db_close(db);
}

Test(check, one_report_naming_an_entity_twice)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	mkreport(&r, "A", SDX_CAT_ROMANCE, "2026-11-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, PH);
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_OTHER, PH);
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, PH); /* exact duplicate */
	add_ok(db, &r, NULL);
	sdx_check_result c = check_ok(db, SDX_KIND_PHONE, PH);
	cr_assert_eq(c.reports, 1);
	cr_assert_eq(c.agencies, 1);
	size_t mism = 99;
	cr_assert_eq(sdx_verify(db, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	sdx_db_close(db);
}

static void same_result(const sdx_check_result *a, const sdx_check_result *b)
{
	cr_assert_str_eq(a->canonical, b->canonical);
	cr_assert_eq(a->kind, b->kind);
	cr_assert_eq(a->verdict, b->verdict);
	cr_assert_eq(a->grade, b->grade);
	cr_assert_eq(a->reports, b->reports);
	cr_assert_eq(a->retracted, b->retracted);
	cr_assert_eq(a->agencies, b->agencies);
	cr_assert_eq(a->categories, b->categories);
	cr_assert_eq(a->first_seen, b->first_seen);
	cr_assert_eq(a->last_seen, b->last_seen);
	cr_assert_eq(a->last_3d, b->last_3d);
	cr_assert_eq(a->last_30d, b->last_30d);
	cr_assert_eq(a->last_6m, b->last_6m);
	cr_assert_eq(a->confirmation, b->confirmation);
	cr_assert_eq(a->disputed, b->disputed);
	cr_assert_eq(a->flags, b->flags);
	cr_assert_eq(a->banks, b->banks);
}

/* After a long run of reported identifiers a thread stops asking the
 * filter, and after a few unreported ones asks it again: the answers are
 * the same in both modes, whatever came before. */
Test(check, same_answers_after_runs_of_hits_and_misses)
{
	sdx_db *db = fresh_db(NULL);
	char reported[40][24], clean[40][24];
	for (int i = 0; i < 40; i++) {
		snprintf(reported[i], sizeof reported[i], "+8479555%04d", i);
		snprintf(clean[i], sizeof clean[i], "+8479666%04d", i);
		sdx_report r;
		char num[24];
		memcpy(num, reported[i], sizeof num);
		mkreport(&r, i % 2 ? "A" : "B", SDX_CAT_LOAN, "2026-11-20");
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
		add_ok(db, &r, NULL);
	}
	sdx_check_result first[40];
	for (int i = 0; i < 40; i++)
		first[i] = check_ok(db, SDX_KIND_PHONE, reported[i]);
	for (int round = 0; round < 3; round++) {
		/* hits: the filter falls out of use */
		for (int n = 0; n < 10; n++)
			for (int i = 0; i < 40; i++) {
				sdx_check_result c =
				    check_ok(db, SDX_KIND_PHONE, reported[i]);
				cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED);
				same_result(&c, &first[i]);
			}
		/* misses right after, then many */
		for (int n = 0; n < 10; n++)
			for (int i = 0; i < 40; i++) {
				sdx_check_result c =
				    check_ok(db, SDX_KIND_PHONE, clean[i]);
				cr_assert_eq(c.verdict, SDX_VERDICT_UNKNOWN);
				cr_assert_eq(c.reports, 0);
				cr_assert_str_eq(c.canonical, clean[i]);
			}
		/* a hit right after many misses */
		sdx_check_result c = check_ok(db, SDX_KIND_PHONE, reported[7]);
		same_result(&c, &first[7]);
	}
	sdx_db_close(db);
}
