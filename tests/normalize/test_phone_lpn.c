/* test_phone_lpn.c: the differential test of phone numbers against Google's
 * libphonenumber. lpn/lpn-vn.tsv holds its answers for a sweep over every
 * Vietnamese number range of its metadata (made by lpn/gen-lpn-vn.js from
 * the google-libphonenumber npm package; checked in, so no network). Each
 * national form must normalize to libphonenumber's E.164 form, or fail
 * where it finds the number invalid, except the deliberate differences
 * listed in scamdex(1), NORMALIZE:
 *   1. old 11-digit mobiles (01[2689]x + 7 digits) map to their 10-digit
 *      form (the 2018 conversion); libphonenumber has them invalid;
 *   2. VSAT 0992 + 6 digits maps to 0672 (same conversion, phase 1);
 *   3. 052, 055 and 089 are whole mobile prefixes (the reference table,
 *      which databases and the data generator hold numbers of);
 *   4. a landline written with its area code from before 2017 (04 -> 024,
 *      0511 -> 0236; the reference's old_area_code, but not the codes
 *      starting 02) maps to today's number when it is no valid current
 *      one; libphonenumber has them invalid. The test checks the number
 *      it gives: the new code and the same subscriber digits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <scamdex/normalize.h>

#include "ref.h"

static int deliberate(const char *national)
{
	size_t n = strlen(national);
	static const char *const old[] = {"012",  "0162", "0163", "0164",
					  "0165", "0166", "0167", "0168",
					  "0169", "0186", "0188", "0199"};
	for (size_t i = 0; n == 11 && i < sizeof old / sizeof old[0]; i++)
		if (!strncmp(national, old[i], strlen(old[i])))
			return 1;
	if (n == 10 && !strncmp(national, "0992", 4))
		return 2;
	/* 3. the reference table's whole prefixes 052, 055 and 089, where
	 *    libphonenumber assigns only 52[238], 559 and 89[6-9] */
	if (n == 10 &&
	    (!strncmp(national, "052", 3) || !strncmp(national, "055", 3) ||
	     !strncmp(national, "089", 3)))
		return 3;
	return 0;
}

/* 4: national is a landline with its old area code and out today's form
 * of it (the subscriber digits after the new code). */
static int old_landline(const char *national, const char *out)
{
	static struct ref_table a;
	if (!a.rows)
		ref_load("vn-landline-area-codes.csv", &a);
	int cn = ref_col(&a, "area_code"), co = ref_col(&a, "old_area_code");
	for (int r = 0; r < a.rows; r++) {
		const char *o = a.cell[r][co], *nw = a.cell[r][cn];
		size_t ol = strlen(o), nl = strlen(nw);
		if (o[1] == '2' || strcmp(o, nw) == 0 ||
		    strncmp(national, o, ol) ||
		    strlen(national) != ol + 10 - nl + 1)
			continue;
		char want[600];
		snprintf(want, sizeof want, "+84%s%s", nw + 1, national + ol);
		return strcmp(out, want) == 0;
	}
	return 0;
}

Test(phone_lpn, agrees_with_libphonenumber)
{
	char path[4096];
	const char *root = getenv("SOURCE_ROOT");
	cr_assert_not_null(root, "SOURCE_ROOT");
	snprintf(path, sizeof path, "%s/tests/normalize/lpn/lpn-vn.tsv", root);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	char line[256];
	int n = 0, valid = 0, differ = 0, types = 0;
	char seen[16][24];
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#')
			continue;
		char national[32], e164[32], type[24];
		cr_assert_eq(
		    sscanf(line, "%31s %31s %23s", national, e164, type), 3,
		    "line '%s'", line);
		char out[SDX_CANON_MAX];
		sdx_norm_error err;
		int rc =
		    sdx_normalize(SDX_KIND_PHONE, national, strlen(national),
				  out, sizeof out, NULL, NULL, &err);
		n++;
		if (strcmp(e164, "-")) {
			valid++;
			cr_assert_eq(rc, 0, "%s (%s %s): %s", national, type,
				     e164, err.reason);
			cr_assert_str_eq(out, e164, "%s (%s)", national, type);
			int k = 0;
			while (k < types && strcmp(seen[k], type))
				k++;
			if (k == types && types < 16)
				snprintf(seen[types++], 24, "%s", type);
		} else if (deliberate(national)) {
			differ++;
			cr_assert_eq(rc, 0, "%s: %s", national, err.reason);
		} else if (rc == 0 && old_landline(national, out)) {
			differ++;
		} else {
			cr_assert_neq(rc, 0,
				      "%s: libphonenumber has it invalid, "
				      "scamdex gives %s",
				      national, out);
		}
	}
	fclose(f);
	cr_assert_gt(n, 8000);
	cr_assert_gt(valid, 4000);
	cr_assert_gt(differ, 20);
	/* every VN type the metadata has came up */
	cr_assert_eq(types, 6, "types seen: %d", types);
}
