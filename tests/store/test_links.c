/* test_links.c: show (newest first, audience) and links (BFS, depth,
 * limit, each edge once). */
#include "helpers.h"

struct seen {
	char lines[32][320];
	int n;
};

static int collect_link(const sdx_link *l, void *ctx)
{
	struct seen *s = ctx;
	cr_assert_lt(s->n, 32);
	snprintf(s->lines[s->n++], sizeof s->lines[0], "%u %s %s %s", l->depth,
		 sdx_kind_name(l->kind), l->canonical, sdx_role_name(l->role));
	return 0;
}

static int collect_report(const sdx_report *r, void *ctx)
{
	struct seen *s = ctx;
	char d[11];
	sdx_date_format(r->incident_date, d);
	snprintf(s->lines[s->n++], sizeof s->lines[0], "%s %s %u", d, r->agency,
		 r->state);
	return 0;
}

/* phone P1 and account A1 in report 1; A1 and handle H1 in report 2;
 * H1 and domain D1 in report 3 (police only); P2 alone. */
static sdx_db *graph(uint8_t ids[3][16])
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	mkreport(&r, "R1", SDX_CAT_EXTORTION, "2026-11-01");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970436:0011004012345");
	add_ok(db, &r, ids[0]);
	mkreport(&r, "R2", SDX_CAT_EXTORTION, "2026-11-02");
	addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970436:0011004012345");
	addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, "zalo:+84912345678");
	add_ok(db, &r, ids[1]);
	mkreport(&r, "R3", SDX_CAT_PHISHING, "2026-11-03");
	r.audience = SDX_AUD_POLICE;
	addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, "zalo:+84912345678");
	addid(&r, SDX_KIND_DOMAIN, SDX_ROLE_LINK, "vcb-xac-thuc.example");
	add_ok(db, &r, ids[2]);
	mkreport(&r, "R4", SDX_CAT_JOB, "2026-11-04");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84987654321");
	add_ok(db, &r, NULL);
	return db;
}

Test(links, depth_one)
{
	uint8_t ids[3][16];
	sdx_db *db = graph(ids);
	struct seen s = {.n = 0};
	int trunc = -1;
	int rc = sdx_links(db, SDX_KIND_PHONE, "+84795555373", 1, 0,
			   SDX_AUD_POLICE, collect_link, &s, &trunc);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(trunc, 0);
	cr_assert_eq(s.n, 1);
	cr_assert_str_eq(s.lines[0], "1 bank 970436:0011004012345 payee");
	sdx_db_close(db);
}

Test(links, depth_two_and_three)
{
	uint8_t ids[3][16];
	sdx_db *db = graph(ids);
	struct seen s = {.n = 0};
	int rc = sdx_links(db, SDX_KIND_PHONE, "+84795555373", 2, 0,
			   SDX_AUD_POLICE, collect_link, &s, NULL);
	cr_assert_eq(rc, 0);
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.lines[0], "1 bank 970436:0011004012345 payee");
	cr_assert_str_eq(s.lines[1], "2 handle zalo:+84912345678 chat");
	s.n = 0;
	cr_assert_eq(sdx_links(db, SDX_KIND_PHONE, "+84795555373", 3, 0,
			       SDX_AUD_POLICE, collect_link, &s, NULL),
		     0);
	cr_assert_eq(s.n, 3);
	cr_assert_str_eq(s.lines[2], "3 domain vcb-xac-thuc.example link");
	/* a bank caller does not follow the police-only report */
	s.n = 0;
	cr_assert_eq(sdx_links(db, SDX_KIND_PHONE, "+84795555373", 3, 0,
			       SDX_AUD_BANK, collect_link, &s, NULL),
		     0);
	cr_assert_eq(s.n, 2);
	sdx_db_close(db);
}

Test(links, limit_truncates)
{
	uint8_t ids[3][16];
	sdx_db *db = graph(ids);
	struct seen s = {.n = 0};
	int trunc = 0;
	cr_assert_eq(sdx_links(db, SDX_KIND_BANK, "970436:0011004012345", 2, 1,
			       SDX_AUD_POLICE, collect_link, &s, &trunc),
		     0);
	cr_assert_eq(trunc, 1);
	cr_assert_eq(s.n, 1);
	/* newest report first: R2 (handle) before R1 (phone) */
	cr_assert_str_eq(s.lines[0], "1 handle zalo:+84912345678 chat");
	s.n = 0;
	cr_assert_eq(sdx_links(db, SDX_KIND_BANK, "970436:0011004012345", 2, 3,
			       SDX_AUD_POLICE, collect_link, &s, &trunc),
		     0);
	cr_assert_eq(trunc, 0);
	cr_assert_eq(s.n, 3);
	sdx_db_close(db);
}

Test(links, each_edge_once_in_a_cycle)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	/* A-B, B-C, C-A: a triangle */
	const char *p[3] = {"+84911000001", "+84911000002", "+84911000003"};
	for (int i = 0; i < 3; i++) {
		mkreport(&r, "X", SDX_CAT_LOAN, "2026-11-01");
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, p[i]);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, p[(i + 1) % 3]);
		add_ok(db, &r, NULL);
	}
	struct seen s = {.n = 0};
	cr_assert_eq(sdx_links(db, SDX_KIND_PHONE, p[0], 5, 0, SDX_AUD_BANK,
			       collect_link, &s, NULL),
		     0);
	/* edges: (B, AB), (C, CA) from A; (C, BC) from B */
	cr_assert_eq(s.n, 3);
	sdx_db_close(db);
}

Test(show, newest_first_with_audience)
{
	uint8_t ids[3][16];
	sdx_db *db = graph(ids);
	sdx_report r;
	mkreport(&r, "R0", SDX_CAT_EXTORTION, "2025-01-01");
	addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, "zalo:+84912345678");
	uint8_t old[16];
	add_ok(db, &r, old);
	cr_assert_eq(
	    sdx_report_retract(db, old, "mistake", "R0", SDX_DATE_NONE), 0);
	struct seen s = {.n = 0};
	int rc = sdx_show(db, SDX_KIND_HANDLE, "zalo:+84912345678",
			  SDX_AUD_POLICE, collect_report, &s);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(s.n, 3);
	cr_assert_str_eq(s.lines[0], "2026-11-03 R3 0");
	cr_assert_str_eq(s.lines[1], "2026-11-02 R2 0");
	cr_assert_str_eq(s.lines[2], "2025-01-01 R0 1");
	s.n = 0;
	cr_assert_eq(sdx_show(db, SDX_KIND_HANDLE, "zalo:+84912345678",
			      SDX_AUD_BANK, collect_report, &s),
		     0);
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.lines[0], "2026-11-02 R2 0");
	s.n = 0;
	cr_assert_eq(sdx_show(db, SDX_KIND_ACCOUNT, "0011004012345",
			      SDX_AUD_BANK, collect_report, &s),
		     0);
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.lines[0], "2026-11-02 R2 0");
	cr_assert_str_eq(s.lines[1], "2026-11-01 R1 0");
	s.n = 0;
	cr_assert_eq(sdx_show(db, SDX_KIND_PHONE, "+84900000000", SDX_AUD_BANK,
			      collect_report, &s),
		     0);
	cr_assert_eq(s.n, 0);
	sdx_db_close(db);
}

static int stop_at_first(const sdx_report *r, void *ctx)
{
	return 7;
}

Test(show, callback_stops)
{
	uint8_t ids[3][16];
	sdx_db *db = graph(ids);
	cr_assert_eq(sdx_show(db, SDX_KIND_HANDLE, "zalo:+84912345678",
			      SDX_AUD_POLICE, stop_at_first, NULL),
		     7);
	sdx_db_close(db);
}
