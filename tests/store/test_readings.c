/* test_readings.c: issue 14 through the C API: an input with two
 * readings is checked both ways (sdx_check_all, and sdx_check answers
 * with the more serious), and a host is answered by its parent domains
 * down to the registrable domain, never by or for a public suffix. Today
 * is 2026-11-28. */
#include "helpers.h"

static void report_one(sdx_db *db, sdx_kind kind, const char *canonical)
{
	sdx_report r;
	uint8_t id[16];
	mkreport(&r, "PA05 Ha Noi", SDX_CAT_PHISHING, "2026-11-20");
	addid(&r, kind,
	      kind == SDX_KIND_DOMAIN ? SDX_ROLE_LINK : SDX_ROLE_PAYEE,
	      canonical);
	add_ok(db, &r, id);
}

static size_t check_all(sdx_db *db, sdx_kind kind, const char *in,
			sdx_interp *it)
{
	size_t n = 99;
	sdx_norm_error err;
	int rc = sdx_check_all(db, kind, in, strlen(in), SDX_DATE_NONE, it,
			       SDX_INTERP_MAX, &n, &err);
	cr_assert_eq(rc, 0, "%s: %s (%s)", in, sdx_strerror(rc), err.reason);
	return n;
}

/* A phone-shaped account number, reported as MB's account: every way of
 * writing the bare number finds it. */
Test(readings, phone_shaped_account_is_found)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_BANK, "970422:0912000111");
	const char *forms[] = {"0912000111", "0912 000 111", " 0912000111 "};
	for (size_t i = 0; i < 3; i++) {
		sdx_interp it[SDX_INTERP_MAX];
		size_t n = check_all(db, SDX_KIND_AUTO, forms[i], it);
		cr_assert_eq(n, 2, "%s", forms[i]);
		cr_assert_eq(it[0].result.kind, SDX_KIND_ACCOUNT);
		cr_assert_str_eq(it[0].result.canonical, "0912000111");
		cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED);
		cr_assert_eq(it[0].result.reports, 1);
		cr_assert_eq(it[0].result.banks, 1);
		cr_assert_eq(it[1].result.kind, SDX_KIND_PHONE);
		cr_assert_str_eq(it[1].result.canonical, "+84912000111");
		cr_assert_eq(it[1].result.verdict, SDX_VERDICT_UNKNOWN);
		/* the old signature: the more serious reading */
		sdx_check_result c = check_ok(db, SDX_KIND_AUTO, forms[i]);
		cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s", forms[i]);
		cr_assert_eq(c.kind, SDX_KIND_ACCOUNT);
	}
	/* a named kind: that reading only */
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_PHONE, "0912000111", it), 1);
	cr_assert_eq(it[0].result.verdict, SDX_VERDICT_UNKNOWN);
	/* max 1: the most serious is kept */
	size_t n;
	cr_assert_eq(sdx_check_all(db, SDX_KIND_AUTO, "0912000111", 10,
				   SDX_DATE_NONE, it, 1, &n, NULL),
		     0);
	cr_assert_eq(n, 1);
	cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED);
	sdx_db_close(db);
}

/* A phone number in digits alone is an account number too, however it
 * is written: Vietcombank's 13-digit 0071000123456 is also +7 1000123456
 * (the "00" international prefix), MB's 0352350917 a mobile number
 * written with dots, dashes or parentheses. Each was answered as the
 * phone alone: UNKNOWN for a reported account. With a '+' it is a phone
 * only. */
Test(readings, account_written_as_a_phone_number_is_found)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_BANK, "970436:0071000123456");
	report_one(db, SDX_KIND_BANK, "970422:0352350917");
	struct {
		const char *in, *account, *phone;
	} forms[] = {
	    {"0071000123456", "0071000123456", "+71000123456"},
	    {"0071 0001 23456", "0071000123456", "+71000123456"},
	    {"0071.0001.23456", "0071000123456", "+71000123456"},
	    {"0352.350.917", "0352350917", "+84352350917"},
	    {"0352-350-917", "0352350917", "+84352350917"},
	    {"(035) 2350917", "0352350917", "+84352350917"},
	    {"035/2350917", "0352350917", "+84352350917"},
	    /* en dashes, no-break spaces pasted from a chat */
	    {"0352\xe2\x80\x93"
	     "350\xe2\x80\x93"
	     "917",
	     "0352350917", "+84352350917"},
	    {"0352\xc2\xa0"
	     "350\xc2\xa0"
	     "917",
	     "0352350917", "+84352350917"},
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		sdx_interp it[SDX_INTERP_MAX];
		size_t n = check_all(db, SDX_KIND_AUTO, forms[i].in, it);
		cr_assert_eq(n, 2, "%s: %zu readings", forms[i].in, n);
		cr_assert_eq(it[0].result.kind, SDX_KIND_ACCOUNT, "%s",
			     forms[i].in);
		cr_assert_str_eq(it[0].result.canonical, forms[i].account);
		cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED, "%s",
			     forms[i].in);
		cr_assert_eq(it[1].result.kind, SDX_KIND_PHONE);
		cr_assert_str_eq(it[1].result.canonical, forms[i].phone);
		/* sdx_check in auto mode answers the more serious */
		sdx_check_result c = check_ok(db, SDX_KIND_AUTO, forms[i].in);
		cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s (auto)",
			     forms[i].in);
		cr_assert_eq(c.kind, SDX_KIND_ACCOUNT);
	}
	/* '+': a phone number only */
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "+84 352 350 917", it), 1);
	cr_assert_eq(it[0].result.kind, SDX_KIND_PHONE);
	/* a host in four dotted groups that is a phone number: all three */
	size_t n = check_all(db, SDX_KIND_AUTO, "091.234.56.78", it);
	cr_assert_eq(n, 3);
	cr_assert_eq(it[2].result.kind, SDX_KIND_ACCOUNT);
	cr_assert_str_eq(it[2].result.canonical, "0912345678");
	sdx_db_close(db);
}

/* CIMB is 970459 in the State Bank's list and 422589 in the VietQR
 * lists apps use ("CIMB Bank"), Mirae Asset 970468 and 977777: an
 * account reported under one BIN was UNKNOWN when checked under the
 * other. Both are checked, in auto mode and with the kind named. */
Test(readings, bank_known_under_two_bins)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_BANK, "422589:1234567890123");
	report_one(db, SDX_KIND_BANK, "970468:3234567890123");
	struct {
		const char *in, *canonical, *alias;
	} forms[] = {
	    {"CIMB 1234567890123", "970459:1234567890123",
	     "422589:1234567890123"},
	    {"970459 1234567890123", "970459:1234567890123",
	     "422589:1234567890123"},
	    {"CIMB Bank 1234567890123", "422589:1234567890123",
	     "970459:1234567890123"},
	    {"977777 3234567890123", "977777:3234567890123",
	     "970468:3234567890123"},
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		sdx_interp it[SDX_INTERP_MAX];
		size_t n = check_all(db, SDX_KIND_AUTO, forms[i].in, it);
		cr_assert_eq(n, 2, "%s: %zu readings", forms[i].in, n);
		cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED, "%s",
			     forms[i].in);
		int seen = 0;
		for (size_t k = 0; k < n; k++) {
			cr_assert_eq(it[k].result.kind, SDX_KIND_BANK);
			seen |=
			    !strcmp(it[k].result.canonical, forms[i].canonical);
			seen |= !strcmp(it[k].result.canonical, forms[i].alias)
				<< 1;
		}
		cr_assert_eq(seen, 3, "%s", forms[i].in);
		sdx_check_result c = check_ok(db, SDX_KIND_AUTO, forms[i].in);
		cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s (auto)",
			     forms[i].in);
		c = check_ok(db, SDX_KIND_BANK, forms[i].in);
		cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s (bank)",
			     forms[i].in);
	}
	/* a bank with one BIN: one reading */
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "VCB 0011004012345", it), 1);
	sdx_db_close(db);
}

/* An IPv4 host written with hexadecimal parts (browsers open
 * 0x5e.0x64.0x12.0x60 as 94.100.18.96) or mapped into IPv6 was a new
 * host, UNKNOWN for a reported address: the dotted address is checked
 * too. The canonical form stays as it was (reports already stored and
 * peers' bundles keep theirs). */
Test(readings, ipv4_written_another_way)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_DOMAIN, "94.100.18.96");
	const char *forms[] = {"http://0x5e.0x64.0x12.0x60/",
			       "0X5E.0x64.0x12.0x60", "0x5e.0x64.0x12.0x60.",
			       "http://[::ffff:94.100.18.96]/",
			       "[::FFFF:5e64:1260]"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		sdx_interp it[SDX_INTERP_MAX];
		size_t n = check_all(db, SDX_KIND_AUTO, forms[i], it);
		cr_assert_eq(n, 2, "%s: %zu readings", forms[i], n);
		cr_assert_str_eq(it[0].result.canonical, "94.100.18.96", "%s",
				 forms[i]);
		cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED);
		sdx_check_result c = check_ok(db, SDX_KIND_AUTO, forms[i]);
		cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s (auto)",
			     forms[i]);
		/* the kind named: the same answer */
		c = check_ok(db, SDX_KIND_DOMAIN, forms[i]);
		cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s (domain)",
			     forms[i]);
	}
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "0x100.1.1.1.example", it),
		     1);
	sdx_db_close(db);
}

/* zalo.me/0912345678 is the Zalo account of that number, Viber
 * accounts are numbers, t.me/+84... a Telegram number: a reported phone
 * number was UNKNOWN through them. The number is checked too. */
Test(readings, chat_account_named_by_a_phone_number)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_PHONE, "+84912345678");
	const char *forms[] = {"zalo.me/0912345678", "viber:0912345678",
			       "https://t.me/+84912345678",
			       "zalo:+84912345678"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		sdx_interp it[SDX_INTERP_MAX];
		size_t n = check_all(db, SDX_KIND_AUTO, forms[i], it);
		cr_assert_eq(n, 2, "%s: %zu readings", forms[i], n);
		cr_assert_eq(it[0].result.kind, SDX_KIND_PHONE, "%s", forms[i]);
		cr_assert_str_eq(it[0].result.canonical, "+84912345678");
		cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED);
		cr_assert_eq(it[1].result.kind, SDX_KIND_HANDLE);
		sdx_check_result c = check_ok(db, SDX_KIND_AUTO, forms[i]);
		cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s (auto)",
			     forms[i]);
		c = check_ok(db, SDX_KIND_HANDLE, forms[i]);
		cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED, "%s (handle)",
			     forms[i]);
		cr_assert_str_eq(c.canonical, "+84912345678");
	}
	/* a handle named otherwise: one reading */
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "@someuser", it), 1);
	sdx_db_close(db);
}

/* The other direction: a report on the Zalo, Viber or Telegram account
 * of a number was UNKNOWN when the number itself was checked, as a caller
 * is. Each chat account answers for the number, written any way and with
 * the kind named or not; one not reported is not shown. */
Test(readings, phone_number_finds_its_chat_accounts)
{
	const char *chats[] = {"zalo:+84912345678", "viber:+84912345678",
			       "telegram:+84912345678"};
	const char *forms[] = {"0912345678", "+84912345678", "0912 345 678",
			       "(+84) 912-345-678"};
	for (size_t c = 0; c < sizeof chats / sizeof *chats; c++) {
		sdx_db *db = fresh_db(NULL);
		report_one(db, SDX_KIND_HANDLE, chats[c]);
		for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
			sdx_interp it[SDX_INTERP_MAX];
			size_t n = check_all(db, SDX_KIND_AUTO, forms[i], it);
			/* the phone, the account when written in digits
			 * alone, the reported chat account; not the other
			 * two chat accounts */
			size_t want = strchr(forms[i], '+') ? 2 : 3;
			cr_assert_eq(n, want, "%s / %s: %zu readings", chats[c],
				     forms[i], n);
			cr_assert_eq(it[0].result.kind, SDX_KIND_HANDLE);
			cr_assert_str_eq(it[0].result.canonical, chats[c]);
			cr_assert_eq(it[0].result.verdict,
				     SDX_VERDICT_REPORTED);
			cr_assert_eq(it[1].result.kind, SDX_KIND_PHONE);
			sdx_check_result r =
			    check_ok(db, SDX_KIND_AUTO, forms[i]);
			cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED,
				     "%s / %s (auto)", chats[c], forms[i]);
			cr_assert_str_eq(r.canonical, chats[c]);
			r = check_ok(db, SDX_KIND_PHONE, forms[i]);
			cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED,
				     "%s / %s (phone)", chats[c], forms[i]);
			cr_assert_str_eq(r.canonical, chats[c]);
		}
		/* another number: nothing */
		sdx_check_result r = check_ok(db, SDX_KIND_PHONE, "0912345679");
		cr_assert_eq(r.verdict, SDX_VERDICT_UNKNOWN);
		cr_assert_str_eq(r.canonical, "+84912345679");
		sdx_db_close(db);
	}
}

/* A bank sees a chat account's reports as it sees the number's: a
 * police-only report on the Zalo account of a number is not shown to a
 * bank checking the number; a bank-audience one is. */
Test(readings, phone_chat_accounts_in_the_bank_view)
{
	sdx_db *db = fresh_db(NULL);
	const char *chats[] = {"zalo:+84912345678", "viber:+84912345679"};
	for (int i = 0; i < 2; i++) {
		sdx_report r;
		uint8_t id[16];
		mkreport(&r, "PA05 Ha Noi", SDX_CAT_EXTORTION, "2026-11-20");
		r.audience = i == 0 ? SDX_AUD_POLICE : SDX_AUD_BANK;
		addid(&r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, chats[i]);
		add_ok(db, &r, id);
	}
	const char *phones[] = {"0912345678", "0912345679"};
	sdx_verdict bank_sees[] = {SDX_VERDICT_UNKNOWN, SDX_VERDICT_REPORTED};
	for (int i = 0; i < 2; i++) {
		sdx_check_result r;
		sdx_norm_error err;
		cr_assert_eq(sdx_check_view(db, SDX_AUD_BANK, SDX_KIND_PHONE,
					    phones[i], strlen(phones[i]),
					    SDX_DATE_NONE, &r, &err),
			     0);
		cr_assert_eq(r.verdict, bank_sees[i], "%s (bank)", phones[i]);
		r = check_ok(db, SDX_KIND_PHONE, phones[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s (police)",
			     phones[i]);
		cr_assert_str_eq(r.canonical, chats[i]);
	}
	sdx_db_close(db);
}

/* A label before the number says its kind: "số" (number) was read as an
 * account label, so a reported phone number answered UNKNOWN as "số
 * 0912345678"; a phone label reads a phone, an account label an account
 * alone. */
Test(readings, label_before_a_number)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_PHONE, "+84912345678");
	report_one(db, SDX_KIND_BANK, "970436:0011004123456");
	sdx_interp it[SDX_INTERP_MAX];
	const char *either[] = {"số 0912345678", "Số: 0912 345 678",
				"No. 0912345678"};
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(check_all(db, SDX_KIND_AUTO, either[i], it), 2,
			     "%s", either[i]);
		cr_assert_eq(it[0].result.kind, SDX_KIND_PHONE);
		cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED, "%s",
			     either[i]);
		cr_assert_eq(it[1].result.kind, SDX_KIND_ACCOUNT);
		sdx_check_result r = check_ok(db, SDX_KIND_AUTO, either[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s", either[i]);
	}
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "SĐT: 0912345678", it), 1);
	cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED);
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "STK: 0912345678", it), 1);
	cr_assert_eq(it[0].result.kind, SDX_KIND_ACCOUNT);
	sdx_check_result r = check_ok(db, SDX_KIND_AUTO, "STK 0011004123456");
	cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED);
	cr_assert_eq(r.kind, SDX_KIND_ACCOUNT);
	sdx_db_close(db);
}

/* "@name" names no platform: a Facebook account reported by its name,
 * or a phone, was UNKNOWN as "@name" (read as Telegram's alone). The
 * Facebook username is checked too (shown when reported), "@0912..." as
 * the number; "@John.Smith55", no Telegram name, is the Facebook one. */
Test(readings, at_name_on_every_platform)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_HANDLE, "facebook:fbscammer99");
	report_one(db, SDX_KIND_HANDLE, "facebook:johnsmith55");
	report_one(db, SDX_KIND_PHONE, "+84912345678");
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "@fbscammer99", it), 2);
	cr_assert_str_eq(it[0].result.canonical, "facebook:fbscammer99");
	cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED);
	cr_assert_str_eq(it[1].result.canonical, "telegram:fbscammer99");
	const char *ins[] = {"@fbscammer99", "@John.Smith55", "@0912345678"};
	const char *want[] = {"facebook:fbscammer99", "facebook:johnsmith55",
			      "+84912345678"};
	for (size_t i = 0; i < 3; i++) {
		sdx_check_result r = check_ok(db, SDX_KIND_AUTO, ins[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s", ins[i]);
		cr_assert_str_eq(r.canonical, want[i]);
		r = check_ok(db, SDX_KIND_HANDLE, ins[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s (handle)",
			     ins[i]);
	}
	/* unreported: Telegram's reading alone, no Facebook line */
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "@some_user", it), 1);
	cr_assert_str_eq(it[0].result.canonical, "telegram:some_user");
	/* a Telegram link names its platform: no other reading */
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "t.me/fbscammer99", it), 1);
	sdx_db_close(db);
}

/* An e-wallet account is its owner's phone number: MoMo's 0987111222
 * reported was UNKNOWN as +84987111222 (any writing with '+' or 84), and
 * a phone number reported was UNKNOWN as "MoMo: 0912345678". */
Test(readings, e_wallet_account_is_a_phone_number)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_BANK, "971025:0987111222");
	report_one(db, SDX_KIND_BANK, "971011:0966111222");
	report_one(db, SDX_KIND_PHONE, "+84912345678");
	const char *forms[] = {"+84987111222", "+84 987 111 222", "84987111222",
			       "0987111222", "0084987111222"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		sdx_check_result r = check_ok(db, SDX_KIND_AUTO, forms[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s", forms[i]);
		r = check_ok(db, SDX_KIND_PHONE, forms[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s (phone)",
			     forms[i]);
		cr_assert_str_eq(r.canonical, "971025:0987111222");
	}
	sdx_check_result r = check_ok(db, SDX_KIND_PHONE, "+84966111222");
	cr_assert_str_eq(r.canonical, "971011:0966111222");
	cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED);
	const char *wallets[] = {"MoMo: 0912345678", "VNPT Money 0912345678"};
	for (size_t i = 0; i < 2; i++) {
		r = check_ok(db, SDX_KIND_AUTO, wallets[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s", wallets[i]);
		cr_assert_str_eq(r.canonical, "+84912345678");
		r = check_ok(db, SDX_KIND_BANK, wallets[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s (bank)",
			     wallets[i]);
	}
	/* a bank's account is no phone number's; a foreign number has no
	 * e-wallet here; the bare number's account reading covers MoMo's */
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "VCB 0912345678", it), 1);
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "0987111222", it), 2);
	cr_assert_eq(it[0].result.kind, SDX_KIND_ACCOUNT);
	sdx_db_close(db);
}

/* The more serious answers: a number reported twice answers as itself,
 * its chat account reported once shows second. */
Test(readings, phone_number_more_serious_than_its_chat_account)
{
	sdx_db *db = fresh_db(NULL);
	const char *dates[] = {"2026-11-20", "2026-11-21"};
	for (size_t i = 0; i < 2; i++) {
		sdx_report r;
		uint8_t id[16];
		mkreport(&r, "PA05 Ha Noi", SDX_CAT_EXTORTION, dates[i]);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84912345678");
		add_ok(db, &r, id);
	}
	report_one(db, SDX_KIND_HANDLE, "zalo:+84912345678");
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "+84912345678", it), 2);
	cr_assert_eq(it[0].result.kind, SDX_KIND_PHONE);
	cr_assert_eq(it[0].result.reports, 2);
	cr_assert_str_eq(it[1].result.canonical, "zalo:+84912345678");
	sdx_check_result r = check_ok(db, SDX_KIND_PHONE, "+84912345678");
	cr_assert_eq(r.kind, SDX_KIND_PHONE);
	cr_assert_eq(r.reports, 2);
	sdx_db_close(db);
}

/* "BVB" is BaoViet Bank (970438) in one bank list and BVBank (970454) in
 * another that apps are built on: an account reported at BVBank was
 * UNKNOWN as "BVB 123456789". Words that name two banks check both;
 * words that name one, one. */
Test(readings, bank_name_two_lists_disagree_on)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_BANK, "970454:123456789");
	report_one(db, SDX_KIND_BANK, "970438:223456789");
	const char *forms[] = {"BVB 123456789", "123456789 BVB",
			       "BVB-123456789", "bvb bank 123456789"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		sdx_interp it[SDX_INTERP_MAX];
		size_t n = check_all(db, SDX_KIND_AUTO, forms[i], it);
		cr_assert_eq(n, 2, "%s: %zu readings", forms[i], n);
		cr_assert_str_eq(it[0].result.canonical, "970454:123456789",
				 "%s", forms[i]);
		cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED);
		cr_assert_str_eq(it[1].result.canonical, "970438:123456789");
		sdx_check_result r = check_ok(db, SDX_KIND_BANK, forms[i]);
		cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED, "%s (bank)",
			     forms[i]);
	}
	sdx_check_result r = check_ok(db, SDX_KIND_BANK, "BVB 223456789");
	cr_assert_str_eq(r.canonical, "970438:223456789");
	cr_assert_eq(r.verdict, SDX_VERDICT_REPORTED);
	/* one bank named: one reading */
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "BVBank 123456789", it), 1);
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "BaoViet Bank 123456789", it),
		     1);
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "970438:123456789", it), 1);
	r = check_ok(db, SDX_KIND_BANK, "BaoViet Bank 123456789");
	cr_assert_eq(r.verdict, SDX_VERDICT_UNKNOWN);
	sdx_db_close(db);
}

/* The phone reading reported: the phone comes first. */
Test(readings, phone_reading_first_when_reported)
{
	sdx_db *db = fresh_db(NULL);
	sdx_report r;
	uint8_t id[16];
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-27");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84912000111");
	add_ok(db, &r, id);
	sdx_interp it[SDX_INTERP_MAX];
	cr_assert_eq(check_all(db, SDX_KIND_AUTO, "84912000111", it), 2);
	cr_assert_eq(it[0].result.kind, SDX_KIND_PHONE);
	cr_assert_eq(it[0].result.verdict, SDX_VERDICT_REPORTED);
	cr_assert_eq(it[1].result.kind, SDX_KIND_ACCOUNT);
	cr_assert_str_eq(it[1].result.canonical, "84912000111");
	sdx_db_close(db);
}

static void expect_host(sdx_db *db, const char *in, const char *canonical,
			sdx_verdict v, const char *via)
{
	sdx_interp it[SDX_INTERP_MAX];
	size_t n = check_all(db, SDX_KIND_AUTO, in, it);
	cr_assert_eq(n, 1, "%s", in);
	cr_assert_eq(it[0].result.kind, SDX_KIND_DOMAIN, "%s", in);
	cr_assert_str_eq(it[0].result.canonical, canonical, "%s", in);
	cr_assert_eq(it[0].result.verdict, v, "%s: verdict %d", in,
		     it[0].result.verdict);
	cr_assert_str_eq(it[0].via, via, "%s", in);
	/* sdx_check agrees, with the kind named too */
	sdx_check_result c = check_ok(db, SDX_KIND_DOMAIN, in);
	cr_assert_eq(c.verdict, v, "%s (kind domain)", in);
	cr_assert_str_eq(c.canonical, canonical);
	/* and in auto mode (one reading: answered without sdx_check_all),
	 * field for field */
	sdx_check_result a = check_ok(db, SDX_KIND_AUTO, in);
	cr_assert_eq(a.kind, SDX_KIND_DOMAIN, "%s (auto)", in);
	cr_assert_str_eq(a.canonical, canonical, "%s (auto)", in);
	cr_assert_eq(a.verdict, it[0].result.verdict, "%s (auto)", in);
	cr_assert_eq(a.grade, it[0].result.grade, "%s (auto)", in);
	cr_assert_eq(a.reports, it[0].result.reports, "%s (auto)", in);
	cr_assert_eq(a.flags, it[0].result.flags, "%s (auto)", in);
	cr_assert_eq(a.last_30d, it[0].result.last_30d, "%s (auto)", in);
}

/* sdx_check in auto mode: an input with two readings still answers with
 * the more serious; an error leaves no canonical and kind auto. */
Test(readings, check_auto_one_or_two_readings)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_PHONE, "+84912345678");
	report_one(db, SDX_KIND_DOMAIN, "evil.com");
	/* "091.234.56.78": a host and a phone; the phone is reported */
	sdx_check_result c = check_ok(db, SDX_KIND_AUTO, "091.234.56.78");
	cr_assert_eq(c.kind, SDX_KIND_PHONE);
	cr_assert_str_eq(c.canonical, "+84912345678");
	cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED);
	c = check_ok(db, SDX_KIND_AUTO, "HTTPS://Login.Evil.COM/x");
	cr_assert_eq(c.kind, SDX_KIND_DOMAIN);
	cr_assert_str_eq(c.canonical, "login.evil.com");
	cr_assert_eq(c.verdict, SDX_VERDICT_REPORTED);
	cr_assert_eq(c.reports, 1);
	sdx_norm_error err;
	memset(&c, 'x', sizeof c);
	cr_assert_eq(
	    sdx_check(db, SDX_KIND_AUTO, "!!", 2, SDX_DATE_NONE, &c, &err),
	    SDX_EKIND);
	cr_assert_eq(c.kind, SDX_KIND_AUTO);
	cr_assert_str_eq(c.canonical, "");
	cr_assert_eq(err.code, SDX_EKIND);
	sdx_db_close(db);
}

Test(readings, parent_domains)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_DOMAIN, "evil.com");
	report_one(db, SDX_KIND_DOMAIN, "login.phish.net");
	report_one(db, SDX_KIND_DOMAIN, "evil.github.io");
	report_one(db, SDX_KIND_DOMAIN, "shop.com.vn");
	expect_host(db, "evil.com", "evil.com", SDX_VERDICT_REPORTED, "");
	expect_host(db, "login.evil.com", "login.evil.com",
		    SDX_VERDICT_REPORTED, "evil.com");
	expect_host(db, "https://a.b.evil.com/x?y=1", "a.b.evil.com",
		    SDX_VERDICT_REPORTED, "evil.com");
	expect_host(db, "x.y.z.evil.com", "x.y.z.evil.com",
		    SDX_VERDICT_REPORTED, "evil.com");
	/* not a parent: a look-alike */
	expect_host(db, "notevil.com", "notevil.com", SDX_VERDICT_UNKNOWN, "");
	expect_host(db, "evil.com.vn", "evil.com.vn", SDX_VERDICT_UNKNOWN, "");
	/* a subdomain's report does not cover its parent */
	expect_host(db, "phish.net", "phish.net", SDX_VERDICT_UNKNOWN, "");
	expect_host(db, "a.login.phish.net", "a.login.phish.net",
		    SDX_VERDICT_REPORTED, "login.phish.net");
	/* public suffixes never spread */
	expect_host(db, "a.evil.github.io", "a.evil.github.io",
		    SDX_VERDICT_REPORTED, "evil.github.io");
	expect_host(db, "github.io", "github.io", SDX_VERDICT_UNKNOWN, "");
	expect_host(db, "other.github.io", "other.github.io",
		    SDX_VERDICT_UNKNOWN, "");
	expect_host(db, "www2.shop.com.vn", "www2.shop.com.vn",
		    SDX_VERDICT_REPORTED, "shop.com.vn");
	expect_host(db, "com.vn", "com.vn", SDX_VERDICT_UNKNOWN, "");
	expect_host(db, "other.com.vn", "other.com.vn", SDX_VERDICT_UNKNOWN,
		    "");
	sdx_db_close(db);
}

Test(readings, subdomain_allowlist_entry)
{
	sdx_db *db = fresh_db(NULL);
	cr_assert_eq(sdx_allow(db, SDX_KIND_DOMAIN, "*.gov.vn", "state", "C"),
		     0);
	cr_assert_eq(
	    sdx_allow(db, SDX_KIND_DOMAIN, "*.bank.example", "a bank", "C"), 0);
	cr_assert_eq(sdx_allow(db, SDX_KIND_DOMAIN, "mail.corp.example",
			       "exact only", "C"),
		     0);
	report_one(db, SDX_KIND_DOMAIN, "corp.example");
	expect_host(db, "police.gov.vn", "police.gov.vn", SDX_VERDICT_OFFICIAL,
		    "*.gov.vn");
	expect_host(db, "gov.vn", "gov.vn", SDX_VERDICT_OFFICIAL, "*.gov.vn");
	expect_host(db, "bank.example", "bank.example", SDX_VERDICT_OFFICIAL,
		    "*.bank.example");
	expect_host(db, "a.b.bank.example", "a.b.bank.example",
		    SDX_VERDICT_OFFICIAL, "*.bank.example");
	/* an exact entry covers only itself; the parent's report covers the
	 * rest */
	expect_host(db, "mail.corp.example", "mail.corp.example",
		    SDX_VERDICT_OFFICIAL, "");
	expect_host(db, "x.mail.corp.example", "x.mail.corp.example",
		    SDX_VERDICT_REPORTED, "corp.example");
	sdx_db_close(db);
}

/* A link to an unreported host is answered by the filter without the
 * Public Suffix List, skipping the "*." probes while the database holds
 * no such entry: that shortcut must see an entry added after a check, by
 * this handle or another, and a parent reported after a check. */
Test(readings, parent_shortcut_sees_new_entries)
{
	sdx_db *db = fresh_db(NULL);
	report_one(db, SDX_KIND_DOMAIN, "other.example");
	const char *link = "https://a.b.portal.gov.vn/x";
	for (int i = 0; i < 3; i++)
		expect_host(db, link, "a.b.portal.gov.vn", SDX_VERDICT_UNKNOWN,
			    "");
	cr_assert_eq(sdx_allow(db, SDX_KIND_DOMAIN, "*.gov.vn", "state", "C"),
		     0);
	expect_host(db, link, "a.b.portal.gov.vn", SDX_VERDICT_OFFICIAL,
		    "*.gov.vn");
	expect_host(db, "https://x.login.shop.example/", "x.login.shop.example",
		    SDX_VERDICT_UNKNOWN, "");
	report_one(db, SDX_KIND_DOMAIN, "shop.example");
	expect_host(db, "https://x.login.shop.example/", "x.login.shop.example",
		    SDX_VERDICT_REPORTED, "shop.example");
	sdx_db_close(db);
}

Test(readings, registrable_domain)
{
	size_t off = 99;
	cr_assert_eq(sdx_domain_registrable("login.evil.com", 14, &off), 0);
	cr_assert_eq(off, 6);
	cr_assert_eq(sdx_domain_registrable("a.evil.github.io", 16, &off), 0);
	cr_assert_eq(off, 2);
	cr_assert_eq(sdx_domain_registrable("github.io", 9, &off),
		     SDX_ENOTFOUND);
	cr_assert_eq(sdx_domain_registrable("94.100.18.96", 12, &off),
		     SDX_ENOTFOUND);
	cr_assert(sdx_domain_is_public_suffix("com.vn", 6));
	cr_assert(sdx_domain_is_public_suffix("github.io", 9));
	cr_assert(!sdx_domain_is_public_suffix("evil.com", 8));
}
