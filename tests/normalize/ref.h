/* ref.h: the reference tables (fixtures/reference/, found through
 * SOURCE_ROOT) and small assertions shared by the normalize tests. */
#ifndef SDX_TEST_REF_H
#define SDX_TEST_REF_H

#include <stddef.h>

#include <scamdex/normalize.h>

#define REF_MAX_ROWS 128
#define REF_MAX_COLS 8
#define REF_FIELD 512

struct ref_table {
	int rows; /* data rows, the header excluded */
	int cols;
	char header[REF_MAX_COLS][64];
	char cell[REF_MAX_ROWS][REF_MAX_COLS][REF_FIELD];
};

/* Load fixtures/reference/<name> (CSV with a header); aborts the test on
 * failure. Static storage, one table per call site is enough. */
void ref_load(const char *name, struct ref_table *t);
/* The column index of a header name; aborts if missing. */
int ref_col(const struct ref_table *t, const char *name);

/* The non-comment lines of vietqr-samples.txt, with the comment line just
 * before each. Returns the count. */
#define REF_QR_MAX 64
struct ref_qr {
	char payload[1024];
	char comment[1024];
};
int ref_vietqr(struct ref_qr *out, int max);

/* Assert that input normalizes as kind to want (and that the canonical
 * form normalizes to itself: idempotence). kind_want is the kind
 * reported. */
void expect_ok(sdx_kind kind, const char *input, sdx_kind kind_want,
	       const char *want);
/* Assert the exact failure: code, offset and reason. */
void expect_err(sdx_kind kind, const char *input, int code, size_t offset,
		const char *reason);

#endif
