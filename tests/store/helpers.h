/* helpers.h: shared by the store tests: temporary databases and reports. */
#ifndef SCAMDEX_TEST_STORE_HELPERS_H
#define SCAMDEX_TEST_STORE_HELPERS_H

#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <scamdex/scamdex.h>

/* Temporary directories are removed when the test's process exits. */
static char *tmp_dirs[16];
static int tmp_ndirs;

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void rm_tmp_dirs(void)
{
	for (int i = 0; i < tmp_ndirs; i++)
		nftw(tmp_dirs[i], rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline char *tmpdir(void)
{
	char *t = strdup("/tmp/sdx-store-XXXXXX");
	cr_assert(mkdtemp(t) != NULL);
	if (tmp_ndirs == 0)
		atexit(rm_tmp_dirs);
	if (tmp_ndirs < 16)
		tmp_dirs[tmp_ndirs++] = strdup(t);
	return t;
}

/* a fresh database in <tmp>/db */
static inline sdx_db *fresh_db(char **dir)
{
	char *t = tmpdir();
	char path[256];
	snprintf(path, sizeof path, "%s/db", t);
	sdx_db *db = NULL;
	int rc = sdx_db_open(path, SDX_OPEN_CREATE, &db);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	if (dir)
		*dir = t;
	else
		free(t);
	return db;
}

static inline int32_t day(const char *ymd)
{
	int32_t d;
	int rc = sdx_date_parse(ymd, strlen(ymd), &d);
	cr_assert_eq(rc, 0, "%s: %s", ymd, sdx_strerror(rc));
	return d;
}

/* A report by `agency`, category, incident date, naming the identifiers
 * given as "kind:canonical" pairs, e.g. "phone", "+84912345678". */
static inline void mkreport(sdx_report *r, const char *agency, int category,
			    const char *date)
{
	sdx_report_init(r);
	snprintf(r->agency, sizeof r->agency, "%s", agency);
	r->category = category;
	r->incident_date = date ? day(date) : SDX_DATE_NONE;
	r->received_date = day("2026-11-28");
}

static inline void addid(sdx_report *r, sdx_kind kind, sdx_role role,
			 const char *canonical)
{
	cr_assert(r->n_idents < SDX_REPORT_IDENTS_MAX);
	sdx_ident *id = &r->idents[r->n_idents++];
	id->kind = kind;
	id->role = role;
	snprintf(id->canonical, sizeof id->canonical, "%s", canonical);
}

static inline void add_ok(sdx_db *db, const sdx_report *r, uint8_t id[16])
{
	int added = -1;
	int rc = sdx_report_add(db, r, id, &added);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(added, 1);
}

/* A uniform-enough draw in [0, n) from a xorshift64 state: the random
 * histories of the tests, the same sequence on every run. */
static inline uint32_t test_rnd(uint64_t *state, uint32_t n)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return (uint32_t)(x % n);
}

static inline sdx_check_result check_ok(sdx_db *db, sdx_kind kind,
					const char *in)
{
	sdx_check_result res;
	sdx_norm_error err;
	int rc =
	    sdx_check(db, kind, in, strlen(in), day("2026-11-28"), &res, &err);
	cr_assert_eq(rc, 0, "%s: %s", in, sdx_strerror(rc));
	return res;
}

#endif
