/* test_detect.c: auto-detection, kind names, argument checks, and
 * idempotence of each kind's canonical forms under --kind auto. */
#include <string.h>

#include <criterion/criterion.h>

#include "ref.h"

#define A SDX_KIND_AUTO

Test(detect, shapes)
{
	expect_ok(A, "079.555.5373", SDX_KIND_PHONE, "+84795555373");
	expect_ok(A, "(079) 555-5373", SDX_KIND_PHONE, "+84795555373");
	expect_ok(A, "079-555-5373", SDX_KIND_PHONE, "+84795555373");
	expect_ok(A, "+84 79 555 5373", SDX_KIND_PHONE, "+84795555373");
	expect_ok(A, "0084795555373", SDX_KIND_PHONE, "+84795555373");
	expect_ok(A, "00855 12 345 678", SDX_KIND_PHONE, "+85512345678");
	expect_ok(A, "tel:+84795555373", SDX_KIND_PHONE, "+84795555373");
	expect_ok(A, "0011004012345", SDX_KIND_ACCOUNT, "0011004012345");
	expect_ok(A, "0011 0040 12345", SDX_KIND_ACCOUNT, "0011004012345");
	expect_ok(A, "257678859", SDX_KIND_ACCOUNT, "257678859");
	expect_ok(A, "970436 0011004012345", SDX_KIND_BANK,
		  "970436:0011004012345");
	expect_ok(A, "970436-0011004012345", SDX_KIND_BANK,
		  "970436:0011004012345");
	expect_ok(A, "970436:0011004012345", SDX_KIND_BANK,
		  "970436:0011004012345");
	expect_ok(A, "VCB 0011 0040 12345", SDX_KIND_BANK,
		  "970436:0011004012345");
	expect_ok(A, "Vietcombank:0011004012345", SDX_KIND_BANK,
		  "970436:0011004012345");
	expect_ok(A, "@some_user", SDX_KIND_HANDLE, "telegram:some_user");
	expect_ok(A, "zalo:0912345678", SDX_KIND_HANDLE, "zalo:+84912345678");
	expect_ok(A, "m.me/some.page", SDX_KIND_HANDLE, "facebook:somepage");
	expect_ok(A, "DE89 3704 0044 0532 0130 00", SDX_KIND_IBAN,
		  "DE89370400440532013000");
	expect_ok(A, "vietcombank.com.vn", SDX_KIND_DOMAIN,
		  "vietcombank.com.vn");
	expect_ok(A, "192.168.1.1", SDX_KIND_DOMAIN, "192.168.1.1");
	/* a host that starts with a bank's name is still a host */
	expect_ok(A, "vietcombank-xac-thuc-c374fe99c8.xyz", SDX_KIND_DOMAIN,
		  "vietcombank-xac-thuc-c374fe99c8.xyz");
	expect_ok(A, "mb-bank.vn", SDX_KIND_DOMAIN, "mb-bank.vn");
	expect_ok(A, "Vietcombank-0011004012345", SDX_KIND_BANK,
		  "970436:0011004012345");
}

/* Links ("http://", "https://") take a shorter path through detection:
 * one split, the host deciding between a chat handle and a host. The
 * answers are the general path's. */
Test(detect, links)
{
	expect_ok(A, "https://t.me/thamtu_hoangnam", SDX_KIND_HANDLE,
		  "telegram:thamtu_hoangnam");
	expect_ok(A, "HTTPS://zalo.me/0912000111", SDX_KIND_HANDLE,
		  "zalo:+84912000111");
	expect_ok(A, "https://www.facebook.com/profile.php?id=100012345678",
		  SDX_KIND_HANDLE, "facebook:100012345678");
	expect_ok(A, "HTTPS://Login.Evil.COM:8443/x", SDX_KIND_DOMAIN,
		  "login.evil.com");
	expect_ok(A, "http://user@www.evil.com./a", SDX_KIND_DOMAIN,
		  "evil.com");
	expect_ok(A, "http://[2001:db8::1]/", SDX_KIND_DOMAIN, "2001:db8::1");
	expect_ok(A, "https://094.100.018.096:8443/", SDX_KIND_DOMAIN,
		  "94.100.18.96");
	/* no host: the general path says what it is not */
	expect_err(A, "https:///x", SDX_EBANK, 0,
		   "bank: 'https' is not a known bank name, code or BIN");
	expect_err(A, "https://exa mple.com/", SDX_ESYNTAX, 11,
		   "domain: ' ' is not allowed in a host name");
}

Test(detect, ambiguous_and_unknown)
{
	expect_err(A, "0795555373", SDX_EAMBIGUOUS, 0,
		   "auto: a valid phone number (+84795555373) and maybe an "
		   "account number; name the kind");
	expect_err(A, "0795 555 373", SDX_EAMBIGUOUS, 0,
		   "auto: a valid phone number (+84795555373) and maybe an "
		   "account number; name the kind");
	expect_err(A, "0352350917", SDX_EAMBIGUOUS, 0,
		   "auto: a valid phone number (+84352350917) and maybe an "
		   "account number; name the kind");
	expect_err(A, "84795555373", SDX_EAMBIGUOUS, 0,
		   "auto: a valid phone number (+84795555373) and maybe an "
		   "account number; name the kind");
	expect_err(A, "12345", SDX_EKIND, 0,
		   "auto: 5 digits, neither a phone number nor an account "
		   "number (6..19 digits)");
	expect_err(A, "12345678901234567890", SDX_EKIND, 0,
		   "auto: 20 digits, neither a phone number nor an account "
		   "number (6..19 digits)");
	expect_err(A, "hello", SDX_EKIND, 0,
		   "auto: not a phone number, bank account, IBAN, chat handle "
		   "or domain");
	expect_err(A, "  hello world ", SDX_EKIND, 2,
		   "auto: not a phone number, bank account, IBAN, chat handle "
		   "or domain");
	expect_err(A, "079.555.537", SDX_ELENGTH, 11,
		   "phone: 8 digits after the trunk prefix, expected 9 or 10");
	expect_err(A, "+84 401 234 567", SDX_EPREFIX, 4,
		   "phone: mobile prefix 040 is not assigned");
	expect_err(A, "someone@example.com", SDX_EKIND, 0,
		   "auto: an e-mail address; scamdex keeps no e-mail addresses "
		   "(check the phone number, account or link the scammer "
		   "used)");
	expect_err(A, "XYZ:0011004012345", SDX_EBANK, 0,
		   "bank: 'XYZ' is not a known bank name, code or BIN");
	expect_err(A, "", SDX_EEMPTY, 0, "auto: empty input");
	expect_err(A, " \t\r\n", SDX_EEMPTY, 4, "auto: empty input");
	/* the kind that was tried */
	char out[SDX_CANON_MAX];
	sdx_norm_error err;
	cr_assert_eq(
	    sdx_normalize(A, "+84 401", 7, out, sizeof out, NULL, NULL, &err),
	    SDX_ELENGTH);
	cr_assert_eq(err.kind, SDX_KIND_PHONE);
	cr_assert_eq(
	    sdx_normalize(A, "hello", 5, out, sizeof out, NULL, NULL, &err),
	    SDX_EKIND);
	cr_assert_eq(err.kind, SDX_KIND_AUTO);
}

/* Writings auto-detection refused that a named kind took: a number
 * labelled an account, typographic separators pasted from a chat, and an
 * e-mail address (named as one now, never its host). */
Test(detect, labels_separators_and_email)
{
	expect_ok(A, "STK 0011004123456", SDX_KIND_ACCOUNT, "0011004123456");
	expect_ok(A, "Số tài khoản: 0011004123456", SDX_KIND_ACCOUNT,
		  "0011004123456");
	expect_ok(A, "STK: 0912345678", SDX_KIND_ACCOUNT, "0912345678");
	expect_ok(A, "so tk 0011 0041 23456", SDX_KIND_ACCOUNT,
		  "0011004123456");
	expect_ok(A, "STK 0011004123456 - NH Vietcombank", SDX_KIND_BANK,
		  "970436:0011004123456");
	/* a phone label: the phone; "số" (number): either, as bare */
	expect_ok(A, "SĐT: 0912345678", SDX_KIND_PHONE, "+84912345678");
	expect_ok(A, "ĐT 0912.345.678", SDX_KIND_PHONE, "+84912345678");
	expect_ok(A, "Hotline: 0912 345 678", SDX_KIND_PHONE, "+84912345678");
	expect_err(A, "số 0912345678", SDX_EAMBIGUOUS, 5,
		   "auto: a valid phone number (+84912345678) and maybe an "
		   "account number; name the kind");
	expect_err(A, "số nhà 12", SDX_EBANK, 0,
		   "bank: 'số nhà' is not a known bank name, code or BIN");
	/* no label: still a host with a port */
	expect_ok(A, "94.100.18.96:8080", SDX_KIND_DOMAIN, "94.100.18.96");
	/* en dash, no-break space, minus sign */
	expect_ok(A,
		  "0912\xe2\x80\x93"
		  "345\xe2\x80\x93"
		  "678",
		  SDX_KIND_PHONE, "+84912345678");
	expect_ok(A,
		  "+84\xc2\xa0"
		  "912\xc2\xa0"
		  "345\xc2\xa0"
		  "678",
		  SDX_KIND_PHONE, "+84912345678");
	expect_ok(A,
		  "VCB 0011\xe2\x88\x92"
		  "004012345",
		  SDX_KIND_BANK, "970436:0011004012345");
	expect_ok(SDX_KIND_ACCOUNT,
		  "0011\xe2\x80\x93"
		  "004012345",
		  SDX_KIND_ACCOUNT, "0011004012345");
	/* directional marks: Android's contacts wrap a copied number in
	 * U+202A ... U+202C, other apps add U+200E; separators, not errors */
	expect_ok(A, "\xe2\x80\xaa+84 912 345 678\xe2\x80\xac", SDX_KIND_PHONE,
		  "+84912345678");
	expect_ok(SDX_KIND_PHONE,
		  "\xe2\x80\x8e"
		  "0912 345 678",
		  SDX_KIND_PHONE, "+84912345678");
	expect_ok(SDX_KIND_ACCOUNT,
		  "0011\xe2\x81\xa6"
		  "004012345",
		  SDX_KIND_ACCOUNT, "0011004012345");
	expect_err(A, "\xe2\x80\xaa\xe2\x80\xac", SDX_EEMPTY, 6,
		   "auto: empty input");
	/* a right-to-left override is no mark: it stays an error */
	expect_err(SDX_KIND_HANDLE,
		   "@abc\xe2\x80\xae"
		   "def",
		   SDX_ESYNTAX, 4,
		   "handle: non-ASCII character in a Telegram name");
	/* an invisible character inside stays an error */
	expect_err(SDX_KIND_PHONE,
		   "0912\xef\xbb\xbf"
		   "345678",
		   SDX_ESYNTAX, 4, "phone: unexpected character U+FEFF");
	expect_err(A,
		   "0912\xef\xbb\xbf"
		   "345678",
		   SDX_EKIND, 0,
		   "auto: not a phone number, bank account, IBAN, chat handle "
		   "or domain");
	expect_err(A, "mailto:someone@gmail.com", SDX_EKIND, 0,
		   "auto: an e-mail address; scamdex keeps no e-mail addresses "
		   "(check the phone number, account or link the scammer "
		   "used)");
	expect_err(SDX_KIND_DOMAIN, "mailto:someone@gmail.com", SDX_EKIND, 0,
		   "domain: an e-mail address, not a link; scamdex keeps no "
		   "e-mail addresses (its host would flag every address "
		   "there)");
	expect_err(SDX_KIND_DOMAIN, "someone@gmail.com", SDX_EKIND, 0,
		   "domain: an e-mail address, not a link; scamdex keeps no "
		   "e-mail addresses (its host would flag every address "
		   "there)");
	/* a link with user info is the link's host, as a browser opens it */
	expect_ok(A, "https://vietcombank.com.vn@evil.com/x", SDX_KIND_DOMAIN,
		  "evil.com");
}

/* sdx_normalize_link: a link as a report names it. */
static void link_ok(const char *in, sdx_kind want_kind, const char *want)
{
	char out[SDX_CANON_MAX];
	size_t n = 0;
	sdx_kind k = SDX_KIND_AUTO;
	sdx_norm_error err;
	int rc =
	    sdx_normalize_link(in, strlen(in), out, sizeof out, &n, &k, &err);
	cr_assert_eq(rc, 0, "'%s': %s", in, err.reason);
	cr_assert_eq(k, want_kind, "'%s': kind %s", in, sdx_kind_name(k));
	cr_assert_str_eq(out, want, "'%s'", in);
	cr_assert_eq(n, strlen(want));
}

Test(detect, links_as_reports_name_them)
{
	link_ok("https://t.me/scam_user", SDX_KIND_HANDLE,
		"telegram:scam_user");
	link_ok("https://zalo.me/0912345678", SDX_KIND_HANDLE,
		"zalo:+84912345678");
	link_ok("https://www.facebook.com/john.smith55", SDX_KIND_HANDLE,
		"facebook:johnsmith55");
	link_ok("https://wa.me/84912345678", SDX_KIND_PHONE, "+84912345678");
	link_ok("https://login.evil.com/x", SDX_KIND_DOMAIN, "login.evil.com");
	link_ok("94.100.18.96", SDX_KIND_DOMAIN, "94.100.18.96");
	char out[SDX_CANON_MAX];
	sdx_norm_error err;
	const char *bad[][2] = {
	    {"+84912345678", "domain: '+' is not allowed in a host name"},
	    {"mailto:x@gmail.com",
	     "domain: an e-mail address, not a link; scamdex keeps no e-mail "
	     "addresses (its host would flag every address there)"},
	};
	for (size_t i = 0; i < 2; i++) {
		int rc = sdx_normalize_link(bad[i][0], strlen(bad[i][0]), out,
					    sizeof out, NULL, NULL, &err);
		cr_assert_neq(rc, 0, "'%s'", bad[i][0]);
		cr_assert_str_eq(err.reason, bad[i][1], "'%s'", bad[i][0]);
	}
}

Test(detect, kind_names)
{
	static const char *const names[] = {
	    "auto", "phone", "bank", "iban", "handle", "domain", "account",
	};
	for (int k = 0; k < SDX_KIND_COUNT; k++) {
		sdx_kind got;
		cr_assert_str_eq(sdx_kind_name((sdx_kind)k), names[k]);
		cr_assert_eq(sdx_kind_parse(names[k], &got), 0);
		cr_assert_eq(got, (sdx_kind)k);
	}
	sdx_kind got;
	cr_assert_eq(sdx_kind_parse("PHONE", &got), 0);
	cr_assert_eq(got, SDX_KIND_PHONE);
	cr_assert_eq(sdx_kind_parse("fax", &got), SDX_EKIND);
	cr_assert_eq(sdx_kind_parse(NULL, &got), SDX_EINVAL);
	cr_assert_str_eq(sdx_kind_name((sdx_kind)7), "?");
	cr_assert_str_eq(sdx_kind_name((sdx_kind)-1), "?");
}

Test(detect, arguments)
{
	char out[SDX_CANON_MAX] = "x", small[8] = "x";
	size_t len = 7;
	sdx_norm_error err;
	cr_assert_eq(
	    sdx_normalize(A, NULL, 0, out, sizeof out, NULL, NULL, &err),
	    SDX_EINVAL);
	cr_assert_str_eq(out, "");
	cr_assert_eq(sdx_normalize((sdx_kind)9, "x", 1, out, sizeof out, NULL,
				   NULL, &err),
		     SDX_EINVAL);
	cr_assert_eq(sdx_normalize(A, "x", 1, NULL, 0, NULL, NULL, NULL),
		     SDX_EINVAL);
	/* err may be NULL */
	cr_assert_eq(sdx_normalize(SDX_KIND_PHONE, "x", 1, out, sizeof out,
				   NULL, NULL, NULL),
		     SDX_ESYNTAX);
	/* a buffer too small for the canonical form */
	cr_assert_eq(sdx_normalize(SDX_KIND_PHONE, "0795555373", 10, small,
				   sizeof small, &len, NULL, &err),
		     SDX_ETOOLONG);
	cr_assert_str_eq(small, "");
	cr_assert_eq(sdx_normalize(SDX_KIND_PHONE, "0795555373", 10, out, 13,
				   &len, NULL, &err),
		     0);
	cr_assert_eq(len, 12);
	/* the input need not be NUL-terminated */
	const char buf[] = {'0', '7', '9', '5', '5', '5',
			    '5', '3', '7', '3', '9', '9'};
	cr_assert_eq(sdx_normalize(SDX_KIND_PHONE, buf, 10, out, sizeof out,
				   NULL, NULL, &err),
		     0);
	cr_assert_str_eq(out, "+84795555373");
}

/* Many threads at once get the same answers (no shared mutable state). */
#include <pthread.h>

static const char *const mt_in[] = {
    "079.555.5373",
    "VCB 0011 0040 12345",
    "t.me/Some_User",
    "http://www.B\xc3\xbc"
    "cher.de/x",
    "DE89 3704 0044 0532 0130 00",
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA"
    "53037045802VN6304AE9F",
    "Ngân hàng TMCP Á Châu 257678859",
};
static const char *const mt_want[] = {
    "+84795555373",	"970436:0011004012345",	  "telegram:some_user",
    "xn--bcher-kva.de", "DE89370400440532013000", "970416:257678859",
    "970416:257678859",
};

static void *mt_run(void *arg)
{
	long bad = 0;
	(void)arg;
	for (int i = 0; i < 3000; i++) {
		size_t k = (size_t)i % 7;
		char out[SDX_CANON_MAX];
		if (sdx_normalize(SDX_KIND_AUTO, mt_in[k], strlen(mt_in[k]),
				  out, sizeof out, NULL, NULL, NULL) != 0 ||
		    strcmp(out, mt_want[k]))
			bad++;
	}
	return (void *)bad;
}

Test(detect, threads)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, mt_run, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		cr_assert_eq((long)bad, 0);
	}
}
