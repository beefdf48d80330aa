/* test_compact.c: sdx_db_compact: the copy holds the same reports,
 * states, allowlist, origins and stats, verifies, keeps working as a
 * database, and is smaller; refusals leave nothing behind. */
#include "helpers.h"

#include <sys/stat.h>
#include <unistd.h>

struct dump {
	char text[8192];
	size_t len;
};

static int dump_stat(const sdx_stat *s, void *ctx)
{
	struct dump *d = ctx;
	int n =
	    snprintf(d->text + d->len, sizeof d->text - d->len, "%s/%s=%llu\n",
		     s->dimension, s->key, (unsigned long long)s->count);
	cr_assert_lt((size_t)n, sizeof d->text - d->len);
	d->len += (size_t)n;
	return 0;
}

static void stats_of(sdx_db *db, struct dump *d)
{
	d->len = 0;
	d->text[0] = 0;
	cr_assert_eq(sdx_stats(db, dump_stat, d), 0);
}

static off_t data_size(const char *dir)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return st.st_size;
}

Test(compact, copy_is_the_same_database_and_smaller)
{
	char *t;
	sdx_db *db = fresh_db(&t);
	uint8_t first[16];
	/* random keys in many batches: half-full pages and free pages */
	for (int b = 0; b < 20; b++) {
		sdx_batch *batch;
		cr_assert_eq(sdx_batch_begin(db, &batch), 0);
		for (int i = 0; i < 200; i++) {
			sdx_report r;
			char num[32], acct[32];
			mkreport(&r, (b + i) % 3 ? "PA05" : "Vietcombank",
				 SDX_CAT_EXTORTION, "2026-11-20");
			r.incident_date -= (b * 7 + i) % 300;
			snprintf(num, sizeof num, "+8491%07d",
				 (b * 7919 + i * 104729) % 1000000);
			addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
			snprintf(acct, sizeof acct, "970436:%010d",
				 (b * 31 + i * 17) % 500);
			addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, acct);
			cr_assert_eq(sdx_batch_add(
					 batch, &r,
					 b == 0 && i == 0 ? first : NULL, NULL),
				     0);
		}
		cr_assert_eq(sdx_batch_commit(batch), 0);
	}
	cr_assert_eq(sdx_report_retract(db, first, "wrong number", "PA05",
					SDX_DATE_NONE),
		     0);
	cr_assert_eq(
	    sdx_allow(db, SDX_KIND_PHONE, "+84795555373", "hotline", "PA05"),
	    0);
	char src[256], dst[256];
	snprintf(src, sizeof src, "%s/db", t);
	snprintf(dst, sizeof dst, "%s/copy", t);
	int rc = sdx_db_compact(db, dst);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));

	sdx_db *cp;
	cr_assert_eq(sdx_db_open(dst, 0, &cp), 0);
	size_t mism = 9;
	cr_assert_eq(sdx_verify(cp, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	struct dump a, b;
	stats_of(db, &a);
	stats_of(cp, &b);
	cr_assert_str_eq(a.text, b.text);
	cr_assert(strstr(a.text, "total/retracted=1\n"), "%s", a.text);
	const char *probe[] = {"+84910000000", "+84795555373"};
	for (int i = 0; i < 2; i++) {
		sdx_check_result x = check_ok(db, SDX_KIND_PHONE, probe[i]),
				 y = check_ok(cp, SDX_KIND_PHONE, probe[i]);
		cr_assert_eq(x.verdict, y.verdict);
		cr_assert_eq(x.reports, y.reports);
		cr_assert_eq(x.retracted, y.retracted);
		cr_assert_eq(x.agencies, y.agencies);
		cr_assert_eq(x.last_30d, y.last_30d);
	}
	sdx_origin_info x, y;
	cr_assert_eq(sdx_origin_get(db, "local", &x), 0);
	cr_assert_eq(sdx_origin_get(cp, "local", &y), 0);
	cr_assert_eq(x.seq, 4002);
	cr_assert_eq(y.seq, x.seq);
	cr_assert_eq(memcmp(x.fingerprint, y.fingerprint, 16), 0);
	/* the copy is a working database */
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_JOB, "2026-11-27");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84987654321");
	add_ok(cp, &r, NULL);
	cr_assert_eq(check_ok(cp, SDX_KIND_PHONE, "+84987654321").reports, 1);
	sdx_db_close(cp);
	sdx_db_close(db);
	/* the sizes as files closed: the source trimmed to its pages */
	off_t ss = data_size(src), cs = data_size(dst);
	cr_assert_lt(cs, ss, "copy %lld bytes, source %lld", (long long)cs,
		     (long long)ss);
	free(t);
}

Test(compact, refuses_an_existing_or_unreachable_destination)
{
	char *t;
	sdx_db *db = fresh_db(&t);
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_JOB, "2026-11-27");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84987654321");
	add_ok(db, &r, NULL);
	char dst[256];
	snprintf(dst, sizeof dst, "%s/existing", t);
	cr_assert_eq(mkdir(dst, 0755), 0);
	cr_assert_eq(sdx_db_compact(db, dst), SDX_EEXISTS);
	snprintf(dst, sizeof dst, "%s/no/such/parent", t);
	cr_assert_neq(sdx_db_compact(db, dst), 0);
	cr_assert_eq(access(dst, F_OK), -1);
	cr_assert_eq(sdx_db_compact(db, ""), SDX_EINVAL);
	cr_assert_eq(sdx_db_compact(NULL, dst), SDX_EINVAL);
	sdx_db_close(db);
	free(t);
}
