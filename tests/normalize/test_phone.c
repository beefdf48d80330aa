/* test_phone.c: phone numbers, against every row of the numbering tables
 * in fixtures/reference/ and every error path. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ref.h"

static struct ref_table t;

#define P SDX_KIND_PHONE

/* Every current mobile prefix, in every prefix form, gives one E.164. */
Test(phone, every_mobile_prefix)
{
	ref_load("vn-mobile-prefixes.csv", &t);
	int c = ref_col(&t, "prefix_10digit");
	cr_assert_eq(t.rows, 48);
	for (int r = 0; r < t.rows; r++) {
		const char *p = t.cell[r][c];
		char national[600], want[640], in[640];
		/* 052, 055 and 089 are assigned only in part (libphonenumber:
		 * 52[238], 559, 89[6-9]): a number inside the part */
		const char *rest = !strcmp(p, "052")   ? "2555373123"
				   : !strcmp(p, "055") ? "9555373123"
				   : !strcmp(p, "089") ? "6555373123"
						       : "5555373123";
		snprintf(national, sizeof national, "%s%.*s", p,
			 (int)(10 - strlen(p)), rest);
		snprintf(want, sizeof want, "+84%s", national + 1);
		expect_ok(P, national, P, want);
		snprintf(in, sizeof in, "+84%s", national + 1);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "84%s", national + 1);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "0084%s", national + 1);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "00 84 %s", national + 1);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "+84 %s", national);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "%s", national + 1);
		expect_ok(P, in, P, want);
		expect_ok(SDX_KIND_AUTO, want, P, want);
		/* one digit too many (an "01..." number of 11 digits is an
		 * old number, tested below) */
		if (strncmp(p, "01", 2)) {
			char reason[700];
			snprintf(in, sizeof in, "%s9", national);
			snprintf(reason, sizeof reason,
				 "phone: 10 digits after the trunk prefix, "
				 "mobile prefix %s takes 9",
				 p);
			expect_err(P, in, SDX_ELENGTH, 10, reason);
		}
	}
}

/* Every old-to-new mapping (2018 11-digit numbers, and the VSAT move). */
Test(phone, every_old_prefix)
{
	ref_load("vn-mobile-prefixes.csv", &t);
	int cn = ref_col(&t, "prefix_10digit");
	int co = ref_col(&t, "old_prefix_11digit");
	int count = 0;
	for (int r = 0; r < t.rows; r++) {
		const char *old = t.cell[r][co], *new = t.cell[r][cn];
		if (!old[0])
			continue;
		count++;
		int total = strncmp(old, "01", 2) ? 10 : 11;
		char suffix[16], in[1100], want[1100];
		snprintf(suffix, sizeof suffix, "%.*s",
			 (int)(total - strlen(old)), "4567890");
		snprintf(want, sizeof want, "+84%s%s", new + 1, suffix);
		snprintf(in, sizeof in, "%s%s", old, suffix);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "+84%s%s", old + 1, suffix);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "84%s%s", old + 1, suffix);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "%s.%s", old, suffix);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "%s%s", old + 1, suffix);
		expect_ok(P, in, P, want);
	}
	cr_assert_eq(count, 22); /* 21 from 2018 and 0992 -> 0672 */
	/* the source examples */
	expect_ok(P, "0123.4567890", P, "+84834567890");
	expect_ok(P, "0163 295 3760", P, "+84332953760");
	expect_ok(P, "841632953760", P, "+84332953760");
	expect_ok(P, "01695678945", P, "+84395678945");
	/* a 10-digit 0121x / 0160 number is current, not old */
	expect_ok(P, "0121012345", P, "+84121012345");
	expect_ok(P, "01210123456", P, "+84790123456");
	expect_ok(P, "0160123456", P, "+84160123456");
	expect_err(P, "01612345678", SDX_EPREFIX, 1,
		   "phone: old 11-digit prefix 0161 was never assigned");
	expect_err(P, "01601234567", SDX_EPREFIX, 1,
		   "phone: old 11-digit prefix 0160 was never assigned");
}

/* Every fixed-line area code, and the subscriber-number length each
 * takes. */
Test(phone, every_area_code)
{
	ref_load("vn-landline-area-codes.csv", &t);
	int c = ref_col(&t, "area_code");
	cr_assert_eq(t.rows, 63);
	for (int r = 0; r < t.rows; r++) {
		const char *a = t.cell[r][c];
		int sub = strlen(a) == 3 ? 8 : 7;
		char in[600], want[640], reason[700];
		snprintf(in, sizeof in, "%s%.*s", a, sub, "38221234");
		snprintf(want, sizeof want, "+84%s", in + 1);
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "(%s) %.*s", a, sub, "38221234");
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "+84 %s %.*s", a + 1, sub, "38221234");
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "84%s%.*s", a + 1, sub, "38221234");
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "%s%.*s", a, sub - 1, "38221234");
		snprintf(reason, sizeof reason,
			 "phone: area code %s takes %d subscriber digits, "
			 "got %d",
			 a, sub, sub - 1);
		expect_err(P, in, SDX_ELENGTH, strlen(in), reason);
	}
	expect_ok(P, "0238.625.0178", P, "+842386250178");
	expect_err(P, "0201234567", SDX_EPREFIX, 1,
		   "phone: area code 0201 is not assigned");
	expect_err(P, "02001234567", SDX_EPREFIX, 1,
		   "phone: area code 0200 is not assigned");
}

/* Landlines written with the area codes they had before 2017 (the
 * reference's old_area_code): each is today's number, except where the
 * old form is also a valid current number (08 3822 1234 is a mobile
 * number today) or starts 02 (a current code mistyped). "04 3825 1234"
 * was refused as a phone number, and so checked as an account alone. */
Test(phone, old_area_codes)
{
	ref_load("vn-landline-area-codes.csv", &t);
	int cn = ref_col(&t, "area_code"), co = ref_col(&t, "old_area_code");
	int renumbered = 0;
	for (int r = 0; r < t.rows; r++) {
		const char *a = t.cell[r][cn], *o = t.cell[r][co];
		if (!strcmp(a, o) || o[1] == '2')
			continue;
		int sub = strlen(a) == 3 ? 8 : 7;
		char in[600], want[640], cur[SDX_CANON_MAX];
		snprintf(in, sizeof in, "%s %.*s", o, sub, "38221234");
		snprintf(want, sizeof want, "+84%s%.*s", a + 1, sub,
			 "38221234");
		sdx_norm_error e;
		sdx_kind k;
		/* a valid current number keeps that reading */
		if (sdx_normalize(P, in, strlen(in), cur, sizeof cur, NULL, &k,
				  &e) == 0 &&
		    strcmp(cur, want)) {
			cr_assert(strncmp(cur, "+842", 4), "%s -> %s", in, cur);
			continue;
		}
		expect_ok(P, in, P, want);
		snprintf(in, sizeof in, "+84 %s %.*s", o + 1, sub, "38221234");
		expect_ok(P, in, P, want);
		renumbered++;
	}
	cr_assert_geq(renumbered, 20, "%d renumbered", renumbered);
	expect_ok(P, "04 3825 1234", P, "+842438251234");
	expect_ok(P, "(04) 38251234", P, "+842438251234");
	expect_ok(P, "0511 382 1234", P, "+842363821234");
	expect_ok(P, "08 3822 1234", P, "+84838221234"); /* a mobile today */
	expect_err(P, "0203382212", SDX_ELENGTH, 10,
		   "phone: area code 0203 takes 7 subscriber digits, got 6");
}

/* Is p ("053") an area code before 2017, not starting 02? */
static int old_two_digit_code(const char *p)
{
	static struct ref_table a;
	if (!a.rows)
		ref_load("vn-landline-area-codes.csv", &a);
	int co = ref_col(&a, "old_area_code");
	for (int r = 0; r < a.rows; r++)
		if (!strcmp(a.cell[r][co], p) && p[1] != '2')
			return 1;
	return 0;
}

/* Every 3-digit mobile-shaped prefix that is not in the table. */
Test(phone, unassigned_prefixes)
{
	ref_load("vn-mobile-prefixes.csv", &t);
	int c = ref_col(&t, "prefix_10digit");
	int rejected = 0;
	for (int x = 30; x <= 99; x++) {
		char p[8], in[16], reason[160];
		snprintf(p, sizeof p, "0%d", x);
		int known = 0;
		for (int r = 0; r < t.rows; r++)
			known |= !strcmp(t.cell[r][c], p);
		/* an old area code of two digits and 7 more, and 042..048 +
		 * 7 digits (Hanoi's old 04 and a subscriber number starting
		 * 2-8): the landline it was (Test phone/old_area_codes) */
		if (known || (x >= 42 && x <= 48) || old_two_digit_code(p))
			continue;
		snprintf(in, sizeof in, "%s5555555", p);
		snprintf(reason, sizeof reason,
			 "phone: mobile prefix %s is not assigned", p);
		expect_err(P, in, SDX_EPREFIX, 1, reason);
		rejected++;
	}
	cr_assert_eq(rejected, 70 - 40 - 7 - 15);
	expect_err(P, "0123456789", SDX_EPREFIX, 1,
		   "phone: mobile prefix 0123 is not assigned");
}

/* Every separator and prefix variant of one number gives one form. */
Test(phone, separator_variants)
{
	static const char *const v[] = {
	    "0795555373",
	    "079.555.5373",
	    "0795 555 373",
	    "(079) 555-5373",
	    "079-555-5373",
	    "079/555/5373",
	    "[079] 555~5373",
	    "+84 79 555 5373",
	    "+84-79-555-5373",
	    "+84.79.555.5373",
	    "(+84) 79 555 5373",
	    "+84 (0) 79 555 5373",
	    "+84 0795555373",
	    "84795555373",
	    "840795555373",
	    "0084795555373",
	    "00 84 79 555 5373",
	    "795555373",
	    " 0795555373\t",
	    "tel:+84795555373",
	    "TEL:0795555373",
	    "\xef\xbc\x8b"
	    "84795555373", /* fullwidth + */
	    "\xef\xbc\x90\xef\xbc\x97\xef\xbc\x99"
	    "5555373", /* ０７９ */
	    "079\xc2\xa0"
	    "555\xc2\xa0"
	    "5373", /* NBSP */
	    "079\xe2\x80\x90"
	    "555\xe2\x80\x91"
	    "5373", /* U+2010/1 */
	    "079\xe2\x88\x92"
	    "555\xe3\x80\x80"
	    "5373", /* U+2212, U+3000 */
	    "079\xc2\xad"
	    "555\xe2\x80\x8b"
	    "5373", /* soft hyphen, ZWSP */
	    "\xef\xbc\x88"
	    "079\xef\xbc\x89"
	    "555\xef\xbc\x8d"
	    "5373",
	    "+84795555373",
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		expect_ok(P, v[i], P, "+84795555373");
}

Test(phone, foreign)
{
	expect_ok(P, "+855 12 345 678", P, "+85512345678");
	expect_ok(P, "0085512345678", P, "+85512345678");
	/* a trunk 0 in parentheses after the country code is not part of
	 * the number (it was kept: +855012345678, a reported +855 12 345 678
	 * answered UNKNOWN); a 0 written without them is (Italy's 06) */
	expect_ok(P, "+855 (0)12 345 678", P, "+85512345678");
	expect_ok(SDX_KIND_AUTO, "+44 (0)20 7946 0958", P, "+442079460958");
	expect_ok(P, "0044 (0) 20 7946 0958", P, "+442079460958");
	expect_ok(P, "+39 06 1234 5678", P, "+390612345678");
	expect_ok(P, "+95 9 123 456 789", P, "+959123456789");
	expect_ok(P, "+66 81 234 5678", P, "+66812345678");
	expect_ok(P, "+1 (212) 555-1234", P, "+12125551234");
	expect_ok(P, "+7 495 123 45 67", P, "+74951234567");
	expect_ok(P, "+8551234", P, "+8551234");
	expect_ok(P, "+380963760986", P, "+380963760986");
	expect_err(P, "+0123", SDX_EPREFIX, 1,
		   "phone: a country code never starts with 0");
	expect_err(P, "+999123456", SDX_EPREFIX, 1,
		   "phone: +999 is not an assigned country code");
	expect_err(P, "+855123", SDX_ELENGTH, 7,
		   "phone: 6 digits after +, too short for an international "
		   "number (at least 7)");
	expect_err(P, "+8551234567890123", SDX_ELENGTH, 16,
		   "phone: 16 digits after +, E.164 allows at most 15");
	expect_err(P, "+11234567890", SDX_ELENGTH, 1,
		   "phone: +1 numbers are 10 digits NXX NXX XXXX (N = 2..9)");
	expect_err(P, "+7495123456", SDX_ELENGTH, 1,
		   "phone: +7 numbers have 10 digits after the country code, "
		   "got 9");
	expect_err(P, "00", SDX_ELENGTH, 2,
		   "phone: no digits after the international prefix");
}

/* Toll-free and premium service numbers (bank and police hotlines). */
Test(phone, service_numbers)
{
	expect_ok(P, "1900 545413", P, "+841900545413");
	expect_ok(P, "1900.54.54.13", P, "+841900545413");
	expect_ok(P, "+84 1900 545413", P, "+841900545413");
	expect_ok(P, "841900545413", P, "+841900545413");
	expect_ok(P, "1800 1234", P, "+8418001234");
	expect_ok(P, "1800 123456", P, "+841800123456");
	expect_ok(P, "1228 1234", P, "+8412281234");
	expect_ok(SDX_KIND_AUTO, "1900.54.54.13", P, "+841900545413");
	expect_err(SDX_KIND_AUTO, "1900545413", SDX_EAMBIGUOUS, 0,
		   "auto: a valid phone number (+841900545413) and maybe an "
		   "account number; name the kind");
	expect_err(P, "18001", SDX_ELENGTH, 5,
		   "phone: 1800 numbers take 4 to 6 more digits, got 1");
	expect_err(P, "19001234567", SDX_ELENGTH, 10,
		   "phone: 1900 numbers take 4 to 6 more digits, got 7");
}

Test(phone, errors)
{
	expect_err(P, "", SDX_EEMPTY, 0, "phone: empty input");
	expect_err(P, "   ", SDX_EEMPTY, 3, "phone: empty input");
	expect_err(P, "0912345", SDX_ELENGTH, 7,
		   "phone: 6 digits after the trunk prefix, expected 9 or 10");
	expect_err(P, "091234567890", SDX_ELENGTH, 11,
		   "phone: 11 digits after the trunk prefix, expected 9 or 10");
	expect_err(P, "12345678", SDX_ELENGTH, 8,
		   "phone: 8 digits without a trunk prefix, expected 9 or 10");
	expect_err(P, "+84 91234567", SDX_ELENGTH, 12,
		   "phone: 8 digits after country code 84, expected 9 or 10");
	expect_err(P, "0084", SDX_ELENGTH, 4,
		   "phone: 0 digits after country code 84, expected 9 or 10");
	expect_err(P, "+84 00912345678", SDX_EPREFIX, 5,
		   "phone: a national number never starts with 00");
	expect_err(P, "0912+345678", SDX_ESYNTAX, 4,
		   "phone: '+' is allowed only before the first digit");
	expect_err(P, "++84912345678", SDX_ESYNTAX, 1,
		   "phone: '+' is allowed only before the first digit");
	expect_err(P, "0912a45678", SDX_ESYNTAX, 4,
		   "phone: letter 'a' where a digit was expected");
	expect_err(P, "0912 345 678 ext", SDX_ESYNTAX, 13,
		   "phone: letter 'e' where a digit was expected");
	expect_err(P, "091 234 56#78", SDX_ESYNTAX, 10,
		   "phone: unexpected character '#'");
	expect_err(P,
		   "09\xe0\xa5\xa7"
		   "2345678",
		   SDX_ESYNTAX, 2, "phone: unexpected character U+0967");
	expect_err(P,
		   "0912\xff"
		   "345678",
		   SDX_EUTF8, 4, "phone: invalid UTF-8");
	/* what utf8proc refuses: a surrogate, an overlong '0' (never a
	 * digit), beyond U+10FFFF, a sequence cut by the end */
	const char *bad[] = {"0912\xed\xa0\x80"
			     "345678",
			     "0912\xc0\xb0"
			     "345678",
			     "0912\xf4\x90\x80\x80"
			     "345678",
			     "0912\xe0\x80\xb0"
			     "345678",
			     "0912\xef\xbc"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_err(P, bad[i], SDX_EUTF8, 4, "phone: invalid UTF-8");
	expect_ok(P, "0912\xef\xbc\x93" /* fullwidth 3 */ "45678", P,
		  "+84912345678");
	expect_err(P, "+", SDX_ELENGTH, 1, "phone: no digits");
	expect_err(P, "tel:", SDX_ELENGTH, 4, "phone: no digits");
	expect_err(P, "0912345678901234567890", SDX_ELENGTH, 20,
		   "phone: more than 20 digits");
}

Test(phone, too_long_input)
{
	char big[SDX_INPUT_MAX + 2];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	expect_err(P, big, SDX_ETOOLONG, SDX_INPUT_MAX,
		   "phone: input longer than 1024 bytes");
}

/* Issue 14: the forms officers type, extensions dropped, and the other
 * Vietnamese number types of libphonenumber. */
Test(phone, written_forms_and_types)
{
	expect_ok(SDX_KIND_AUTO, "(+84) 912-000-111", P, "+84912000111");
	expect_ok(P, "0912 345 678 ext 12", P, "+84912345678");
	expect_ok(SDX_KIND_AUTO, "0912 345 678 ext 12", P, "+84912345678");
	expect_ok(SDX_KIND_AUTO, "0912345678x12", P, "+84912345678");
	expect_ok(SDX_KIND_AUTO, "+84 912 345 678 ext. 7", P, "+84912345678");
	expect_ok(P, "0912.345.678 #12", P, "+84912345678");
	expect_ok(P, "672012345", P, "+84672012345");  /* VoIP */
	expect_ok(P, "1992000", P, "+841992000");      /* UAN */
	expect_ok(P, "69123456", P, "+8469123456");    /* UAN */
	expect_ok(P, "0140922486", P, "+84140922486"); /* mobile 140 */
	expect_err(P, "02412345678", SDX_EPREFIX, 3,
		   "phone: no subscriber number of area code 024 starts "
		   "with 1");
}

/* The plain form ('+' and digits only, as canonical forms are) takes a
 * short cut past the character loop (phone.c, scan_plain): the same
 * canonical forms, errors and offsets as the loop gives, up to and past
 * the 20 digits it keeps. */
Test(phone, plain_forms_at_the_limits)
{
	expect_ok(P, "+84912345678", P, "+84912345678");
	expect_ok(P, "84912345678", P, "+84912345678");
	expect_ok(P, "0912345678", P, "+84912345678");
	expect_ok(P, "912345678", P, "+84912345678");
	expect_ok(P, "+8401623456789", P, "+84323456789");
	expect_ok(P, "+12025550123", P, "+12025550123");
	expect_err(P, "0", SDX_ELENGTH, 1,
		   "phone: 0 digits after the trunk prefix, expected 9 or 10");
	expect_err(P, "+0912345678", SDX_EPREFIX, 1,
		   "phone: a country code never starts with 0");
	expect_err(P, "+123456", SDX_ELENGTH, 7,
		   "phone: 6 digits after +, too short for an international "
		   "number (at least 7)");
	/* 20 digits: kept, then too long for a number after 84 */
	expect_err(P, "+84912345678901234567", SDX_ELENGTH, 13,
		   "phone: 18 digits after country code 84, expected 9 or 10");
	expect_err(P, "84912345678901234567", SDX_ELENGTH, 10,
		   "phone: 20 digits without a trunk prefix, expected 9 or "
		   "10");
	/* 21 digits: the loop's error at the 21st */
	expect_err(P, "+123456789012345678901", SDX_ELENGTH, 21,
		   "phone: more than 20 digits");
	expect_err(P, "123456789012345678901", SDX_ELENGTH, 20,
		   "phone: more than 20 digits");
}
