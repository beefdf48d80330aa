/* test_bank.c: bank look-up (every BIN, code, short name and full name of
 * the reference table), name folding, and bank accounts. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ref.h"

static struct ref_table t;

#define B SDX_KIND_BANK

/* Where one spelling names two banks, the documented winner
 * (gen-tables.py): the code column beats an alternate code, the SBV BIN
 * (9704xx) beats another list's. */
static const char *winner(const char *spelling)
{
	if (!strcmp(spelling, "BVB"))
		return "970438";
	if (!strcmp(spelling, "CIMB"))
		return "970459";
	if (!strcmp(spelling, "MAFC"))
		return "970468";
	return NULL;
}

static void expect_bank(const char *spelling, const char *bin)
{
	const sdx_bank_info *b = NULL;
	int rc = sdx_bank_lookup(spelling, strlen(spelling), &b);
	cr_assert_eq(rc, 0, "lookup '%s': %s", spelling, sdx_status_name(rc));
	const char *w = winner(spelling);
	cr_assert_str_eq(b->bin, w ? w : bin, "lookup '%s'", spelling);
}

static void upper(char *dst, const char *src, size_t n)
{
	snprintf(dst, n, "%s", src);
	for (char *p = dst; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
}

Test(bank, every_row_by_bin_code_and_name)
{
	ref_load("vn-banks.csv", &t);
	int cb = ref_col(&t, "bin"), cs = ref_col(&t, "short_name");
	int cn = ref_col(&t, "name"), cc = ref_col(&t, "code");
	int csw = ref_col(&t, "swift");
	cr_assert_eq(t.rows, 70);
	for (int r = 0; r < t.rows; r++) {
		const char *bin = t.cell[r][cb];
		const sdx_bank_info *b = sdx_bank_by_bin(bin);
		cr_assert_not_null(b, "BIN %s", bin);
		cr_assert_str_eq(b->bin, bin);
		cr_assert_str_eq(b->short_name, t.cell[r][cs]);
		cr_assert_str_eq(b->name, t.cell[r][cn]);
		cr_assert_str_eq(b->code, t.cell[r][cc]);
		cr_assert_str_eq(b->swift, t.cell[r][csw]);
		char buf[600];
		for (int c = 0; c < 4; c++) {
			const char *s = t.cell[r][(int[]){cb, cs, cn, cc}[c]];
			if (!s[0])
				continue;
			expect_bank(s, bin);
			/* case does not matter */
			upper(buf, s, sizeof buf);
			if (!winner(buf))
				expect_bank(buf, bin);
		}
		/* the account forms of issue 3, for every bank */
		char in[700], want[600];
		snprintf(want, sizeof want, "%s:0011004012345", bin);
		snprintf(in, sizeof in, "%s-0011004012345", bin);
		expect_ok(B, in, B, want);
		snprintf(in, sizeof in, "%s:0011004012345", bin);
		expect_ok(B, in, B, want);
		snprintf(in, sizeof in, "%s 0011 0040 12345", bin);
		expect_ok(B, in, B, want);
		snprintf(in, sizeof in, "%s:0011004012345", t.cell[r][cs]);
		if (!winner(t.cell[r][cs]))
			expect_ok(B, in, B, want);
		snprintf(in, sizeof in, "%s 0011 0040 12345", t.cell[r][cs]);
		if (!winner(t.cell[r][cs]))
			expect_ok(B, in, B, want);
		if (t.cell[r][cc][0] && !winner(t.cell[r][cc])) {
			snprintf(in, sizeof in, "%s 0011 0040 12345",
				 t.cell[r][cc]);
			expect_ok(B, in, B, want);
			snprintf(in, sizeof in, "%s:0011004012345",
				 t.cell[r][cc]);
			expect_ok(B, in, B, want);
		}
		if (t.cell[r][cn][0]) {
			snprintf(in, sizeof in, "%s 0011004012345",
				 t.cell[r][cn]);
			expect_ok(B, in, B, want);
		}
	}
}

/* Every "alt code X" the note column mentions. */
Test(bank, alternate_codes_from_notes)
{
	ref_load("vn-banks.csv", &t);
	int cb = ref_col(&t, "bin"), cnote = ref_col(&t, "note");
	int n = 0;
	for (int r = 0; r < t.rows; r++) {
		const char *p = strstr(t.cell[r][cnote], "alt code ");
		if (!p)
			continue;
		char code[32];
		cr_assert_eq(sscanf(p + 9, "%31[A-Za-z0-9]", code), 1);
		expect_bank(code, t.cell[r][cb]);
		n++;
	}
	cr_assert_eq(n, 18);
	/* every "VietQR-list name: X;" of the notes */
	int names = 0;
	for (int r = 0; r < t.rows; r++) {
		const char *p = strstr(t.cell[r][cnote], "VietQR-list name: ");
		if (!p)
			continue;
		char name[200];
		cr_assert_eq(sscanf(p + 18, "%199[^;]", name), 1);
		expect_bank(name, t.cell[r][cb]);
		names++;
	}
	cr_assert_eq(names, 10);
	expect_bank("STP", "970403");
	expect_bank("STB", "970403");
	expect_bank("AGRIBANK", "970405");
	expect_bank("agribank", "970405");
	expect_bank("BVB", "970438");
	expect_bank("BAOVIETBANK", "970438");
	expect_bank("VCCB", "970454");
	expect_bank("Ban Viet", "970454");
	expect_bank("OceanBank", "970414");
	expect_bank("DongA Bank", "970406");
	expect_bank("LienVietPostBank", "970449");
	expect_bank("Viet Capital Bank", "970454");
	expect_bank("CIMB", "970459");
	expect_bank("CIMB Bank", "422589");
	expect_bank("422589", "422589");
	expect_bank("MAFC", "970468");
	expect_bank("977777", "977777");
}

Test(bank, names_without_diacritics_and_generic_words)
{
	expect_bank("ngan hang tmcp ngoai thuong viet nam", "970436");
	expect_bank("NGÂN HÀNG TMCP Á CHÂU", "970416");
	expect_bank("ngân hàng nông nghiệp và phát triển nông thôn việt nam",
		    "970405");
	expect_bank("Ngân hàng TMCP Sài Gòn - Hà Nội", "970443");
	expect_bank("Ngân hàng Vietcombank", "970436");
	expect_bank("VCB Bank", "970436");
	expect_bank("vietcombank", "970436");
	expect_bank("Viet com bank", "970436");
	expect_bank("MBBank", "970422");
	expect_bank("MB Bank", "970422");
	expect_bank("Vietinbank", "970415");
	expect_bank("Co-op Bank", "970446");
	expect_bank("Ngân hàng TMCP Phát triển TP. Hồ Chí Minh", "970437");
	/* names people still write (an audit found them refused): short
	 * Vietnamese names, banks merged or renamed, SWIFT codes */
	expect_bank("Đông Á", "970406");
	expect_bank("NH Nông nghiệp", "970405");
	expect_bank("Habubank", "970443");
	expect_bank("Western Bank", "970412");
	expect_bank("VCBNeo", "970444");
	expect_bank("BFTVVNVX", "970436");
	expect_bank("vbaavnvx", "970405");

	const sdx_bank_info *b = (const sdx_bank_info *)1;
	cr_assert_eq(sdx_bank_lookup("Nowhere Bank", 12, &b), SDX_EBANK);
	cr_assert_null(b);
	cr_assert_eq(sdx_bank_lookup("", 0, &b), SDX_EBANK);
	cr_assert_eq(sdx_bank_lookup(NULL, 0, &b), SDX_EINVAL);
	cr_assert_eq(sdx_bank_lookup("\xff", 1, &b), SDX_EUTF8);
	cr_assert_null(sdx_bank_by_bin("970499"));
	cr_assert_null(sdx_bank_by_bin("97043"));
	cr_assert_null(sdx_bank_by_bin("9704366"));
	cr_assert_null(sdx_bank_by_bin("97043a"));
	cr_assert_null(sdx_bank_by_bin(NULL));
}

static void expect_fold(const char *in, const char *want)
{
	char out[64];
	int rc = sdx_fold(in, strlen(in), out, sizeof out);
	cr_assert_eq(rc, 0, "fold '%s': %s", in, sdx_status_name(rc));
	cr_assert_str_eq(out, want);
}

Test(bank, fold)
{
	expect_fold("Ngân hàng TMCP Á Châu", "ngan hang tmcp a chau");
	expect_fold("  Đông--Á  ", "dong a");
	expect_fold("ĐẦU TƯ", "dau tu");
	expect_fold("Sài Gòn – Hà Nội", "sai gon ha noi");
	expect_fold("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc"); /* ＡＢＣ */
	expect_fold("Lừa đảo / Giả danh công an", "lua dao gia danh cong an");
	expect_fold("", "");
	expect_fold("...", "");
	char small[4];
	cr_assert_eq(sdx_fold("abcd", 4, small, sizeof small), SDX_ETOOLONG);
	cr_assert_str_eq(small, "");
	cr_assert_eq(sdx_fold("ab\xc3", 3, small, sizeof small), SDX_EUTF8);
	cr_assert_eq(sdx_fold(NULL, 0, small, sizeof small), SDX_EINVAL);
}

Test(bank, accounts)
{
	expect_ok(B, "VCB 0011 0040 12345", B, "970436:0011004012345");
	expect_ok(B, "Vietcombank:0011004012345", B, "970436:0011004012345");
	expect_ok(B, "970436-0011004012345", B, "970436:0011004012345");
	expect_ok(B, "vcb : 0011-0040-12345", B, "970436:0011004012345");
	expect_ok(B, "Vietcombank 0011.0040.12345", B, "970436:0011004012345");
	expect_ok(B, "VCB0011004012345", B, "970436:0011004012345");
	expect_ok(B, "MB Bank 0352350917", B, "970422:0352350917");
	expect_ok(B, "MoMo psp123456789000000", B, "971025:PSP123456789000000");
	expect_ok(B, "BVBank 99zp24009m07248267", B,
		  "970454:99ZP24009M07248267");
	expect_ok(B, "970454:99ZP24009M07248267", B,
		  "970454:99ZP24009M07248267");
	expect_ok(B, "Ngân hàng TMCP Ngoại thương Việt Nam 0011004012345", B,
		  "970436:0011004012345");
	expect_ok(SDX_KIND_ACCOUNT, "0011 0040 12345", SDX_KIND_ACCOUNT,
		  "0011004012345");
	expect_ok(SDX_KIND_ACCOUNT, "psp123456789000000", SDX_KIND_ACCOUNT,
		  "PSP123456789000000");
}

Test(bank, errors)
{
	expect_err(B, "XYZ 123456", SDX_EBANK, 0,
		   "bank: 'XYZ' is not a known bank name, code or BIN");
	expect_err(B, "970499:123456", SDX_EBANK, 0,
		   "bank: '970499' is not a known bank name, code or BIN");
	expect_err(B, "0011004012345", SDX_ESYNTAX, 0,
		   "bank: expected BANK:ACCOUNT, 'BANK ACCOUNT' or a VietQR "
		   "payload");
	expect_err(B, ":123456", SDX_EBANK, 0,
		   "bank: no bank before the account");
	expect_err(B, "VCB:", SDX_ELENGTH, 4, "bank: no account number");
	expect_err(B, "VCB:12#45", SDX_ESYNTAX, 6,
		   "bank: unexpected character '#' in the account number");
	expect_err(B,
		   "VCB:12\xc3\xa9"
		   "45",
		   SDX_ESYNTAX, 6,
		   "bank: non-ASCII character in the account number");
	expect_err(B, "VCB 123", SDX_ELENGTH, 7,
		   "bank: account number of 3 characters, at least 4");
	expect_err(B, "VCB:12345678901234567890", SDX_ELENGTH, 23,
		   "bank: account number longer than 19 characters");
	expect_err(B, "VCB:ABCDEF", SDX_ESYNTAX, 4,
		   "bank: account number without digits");
	expect_err(SDX_KIND_ACCOUNT, "12", SDX_ELENGTH, 2,
		   "account: account number of 2 characters, at least 4");
	expect_err(SDX_KIND_ACCOUNT, "12345+", SDX_ESYNTAX, 5,
		   "account: unexpected character '+' in the account number");
}

/* Issue 14: the bank named anywhere, in any of its written forms, and
 * under --kind account too; a word that names no bank is an error that
 * names it. */
Test(bank, names_anywhere)
{
	const char *want = "970436:0011004012345";
	const char *forms[] = {
	    "VCB 0011004012345",
	    "0011004012345 VCB",
	    "0011004012345 (Vietcombank)",
	    "STK 0011004012345 - NH Vietcombank",
	    "Số tài khoản: 0011 0040 12345, Ngân hàng Vietcombank",
	    "Ngân hàng TMCP Ngoại thương Việt Nam - 0011004012345",
	    "ngan hang ngoai thuong 0011004012345",
	    "NH Ngoại Thương: 0011004012345",
	    "0011004012345 / Joint Stock Commercial Bank for Foreign Trade of "
	    "Vietnam",
	    "Vietcombank – 0011 0040 12345",
	    "0011-0040-12345 | VCB",
	    "VCB 0011004012345 Vietcombank",
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		expect_ok(B, forms[i], B, want);
		expect_ok(SDX_KIND_ACCOUNT, forms[i], B, want);
		expect_ok(SDX_KIND_AUTO, forms[i], B, want);
	}
	expect_ok(B, "NH Quân đội: 0123456789999", B, "970422:0123456789999");
	expect_ok(B, "Ngân hàng Quân đội 0123456789999", B,
		  "970422:0123456789999");
	expect_ok(B, "Military Commercial Joint Stock Bank 0123456789999", B,
		  "970422:0123456789999");
	expect_ok(B, "NH TMCP Hàng Hải 12345678", B, "970426:12345678");
	/* MB is a bank, not the country code of an IBAN */
	expect_ok(SDX_KIND_AUTO, "MB 0123456789999", B, "970422:0123456789999");
	expect_ok(SDX_KIND_ACCOUNT, "STK 0011004012345", SDX_KIND_ACCOUNT,
		  "0011004012345");
	expect_ok(SDX_KIND_ACCOUNT, "VCB0011004012345", B, want);
	/* a number whose letters, once its separators are gone, are a
	 * bank's name glued to digits is that bank's account, as its
	 * canonical form "MB12347D" is (a fuzz finding: the canonical form
	 * must normalize to itself) */
	const char *glued[] = {"mb12\t347d..P..u4", "MB12 347D",
			       "Vcb12.345 678", "MB12347DPU4"};
	const char *gwant[] = {"970422:12347DPU4", "970422:12347D",
			       "970436:12345678", "970422:12347DPU4"};
	for (size_t i = 0; i < sizeof glued / sizeof glued[0]; i++)
		expect_ok(SDX_KIND_ACCOUNT, glued[i], B, gwant[i]);
	/* letters inside the number: an e-wallet's virtual account */
	expect_ok(SDX_KIND_ACCOUNT, "psp123456789000000", SDX_KIND_ACCOUNT,
		  "PSP123456789000000");
	expect_err(SDX_KIND_ACCOUNT, "XYZBANK 0011004012345", SDX_EBANK, 0,
		   "bank: 'XYZBANK' is not a known bank name, code or BIN");
	expect_err(SDX_KIND_AUTO, "XYZBANK 0011004012345", SDX_EBANK, 0,
		   "bank: 'XYZBANK' is not a known bank name, code or BIN");
	expect_err(B, "0011004012345 (Nowhere Bank)", SDX_EBANK, 15,
		   "bank: 'Nowhere Bank' is not a known bank name, code or "
		   "BIN");
	expect_err(B, "VCB 0011004012345 ACB", SDX_EBANK, 18,
		   "bank: 'ACB' is not a known bank name, code or BIN");
}

/* The printed IBAN with its word. */
Test(bank, iban_word)
{
	expect_ok(SDX_KIND_AUTO, "IBAN FR76 3000 6000 0112 3456 7890 189",
		  SDX_KIND_IBAN, "FR7630006000011234567890189");
	expect_ok(SDX_KIND_IBAN, "IBAN: DE89 3704 0044 0532 0130 00",
		  SDX_KIND_IBAN, "DE89370400440532013000");
}
