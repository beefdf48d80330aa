/* test_domain.c: hosts of links, lower case, IDNA, www. and trailing
 * dot. */
#include <string.h>

#include <criterion/criterion.h>

#include "ref.h"

#define D SDX_KIND_DOMAIN

Test(domain, valid)
{
	static const char *const v[] = {
	    "https://Vietcombank-Xac-Thuc.com/login",
	    "vietcombank-xac-thuc.com",
	    "VIETCOMBANK-XAC-THUC.COM.",
	    "www.vietcombank-xac-thuc.com",
	    "http://www.vietcombank-xac-thuc.com:8080/a?b#c",
	    "https://user:pw@vietcombank-xac-thuc.com/",
	    "vietcombank-xac-thuc.com/login",
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		expect_ok(D, v[i], D, "vietcombank-xac-thuc.com");
	expect_ok(D, "www.com", D, "www.com");
	expect_ok(D, "www.www.example.com", D, "example.com");
	expect_ok(D, "www.www.com", D, "www.com");
	expect_ok(D,
		  "http://www.B\xc3\xbc"
		  "cher.de/x",
		  D, "xn--bcher-kva.de");
	expect_ok(D, "https://xn--bcher-kva.de", D, "xn--bcher-kva.de");
	expect_ok(D, "v\xc3\xad-d\xe1\xbb\xa5.vn", D, "xn--v-d-rma6749a.vn");
	expect_ok(D, "http://192.168.1.10/login", D, "192.168.1.10");
	expect_ok(D, "HTTPS://VIETCOMBANK.COM.VN", D, "vietcombank.com.vn");
	expect_ok(SDX_KIND_AUTO, "https://Vietcombank-Xac-Thuc.com/login", D,
		  "vietcombank-xac-thuc.com");
	expect_ok(SDX_KIND_AUTO, "vietcombank-xac-thuc.com", D,
		  "vietcombank-xac-thuc.com");
	expect_ok(SDX_KIND_AUTO, "http://192.168.1.10/login", D,
		  "192.168.1.10");
	/* a link to a chat platform is a handle unless the kind is named */
	expect_ok(D, "https://t.me/some_user", D, "t.me");
}

/* Two links pasted as one ("https://a.com/x, https://b.com/y") were
 * answered for the first alone: refused now, in auto mode too, with
 * where the second starts; a note after one link stays the link's. */
Test(domain, second_link_refused)
{
	const char *why = "domain: a second link after the first (give each "
			  "its own line, or separate them with ';')";
	expect_err(D, "https://evil-one.com/a, https://evil-two.com/b",
		   SDX_ESYNTAX, 22, why);
	expect_err(SDX_KIND_AUTO,
		   "https://evil-one.com/a, https://evil-two.com/b",
		   SDX_ESYNTAX, 22, why);
	expect_err(D, "https://a.com/x,https://b.com/y", SDX_ESYNTAX, 15, why);
	expect_err(D, "a.com/x www.b.com", SDX_ESYNTAX, 7, why);
	/* defanged: the offset counts in the refanged text */
	expect_err(SDX_KIND_AUTO, "hxxps://evil[.]com/x hxxps://b[.]com",
		   SDX_ESYNTAX, 18, why);
	expect_ok(D, "https://d.com/login (fake page)", D, "d.com");
	expect_ok(D, "https://d.com/?next=https://e.com", D, "d.com");
	expect_ok(D, "https://d.com/a,b", D, "d.com");
}

Test(domain, errors)
{
	expect_err(D, "example.com..", SDX_ESYNTAX, 12, "domain: empty label");
	expect_err(D, "a..b.com", SDX_ESYNTAX, 2, "domain: empty label");
	/* '_' is taken, as DNS and browsers take it (issue 14) */
	expect_ok(D, "ether_promo.kissr.com", D, "ether_promo.kissr.com");
	expect_ok(SDX_KIND_AUTO, "https://Ether_Promo.kissr.com/x", D,
		  "ether_promo.kissr.com");
	expect_err(D, "http://ex%41mple.com", SDX_ESYNTAX, 9,
		   "domain: '%' is not allowed in a host name");
	expect_err(D, "-bad.com", SDX_ESYNTAX, 0,
		   "domain: a label cannot start or end with '-'");
	expect_err(D, "bad-.com", SDX_ESYNTAX, 3,
		   "domain: a label cannot start or end with '-'");
	expect_err(D, "localhost", SDX_ESYNTAX, 0,
		   "domain: a host name needs at least two labels");
	expect_err(D, "example.123", SDX_ESYNTAX, 0,
		   "domain: the top-level label is all digits");
	expect_err(D, "http://[::g]/", SDX_ESYNTAX, 7,
		   "domain: '[::g]' is not an IPv6 address");
	expect_err(D, "http:///x", SDX_ELENGTH, 7, "domain: no host name");
	expect_err(D, "http://xn--zz.com", SDX_ESYNTAX, 7,
		   "domain: IDNA: string contains invalid punycode data");
	char big[80];
	memset(big, 'a', 64);
	strcpy(big + 64, ".com");
	expect_err(D, big, SDX_ELENGTH, 0,
		   "domain: label of 64 characters, at most 63");
}

/* Issue 14: IP addresses are hosts in every form; defanged indicators are
 * made live. */
Test(domain, ip_hosts_in_every_form)
{
	const char *v4[] = {"94.100.18.96",
			    "94.100.18.96.",
			    "http://94.100.18.96/x",
			    "94.100.18.96:8080",
			    "https://094.100.018.096:8443/a?b=1",
			    "hxxp://94[.]100[.]18[.]96/"};
	for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) {
		expect_ok(SDX_KIND_AUTO, v4[i], D, "94.100.18.96");
		expect_ok(D, v4[i], D, "94.100.18.96");
	}
	const char *v6[] = {"2001:db8::1", "[2001:DB8:0:0::1]",
			    "http://[2001:db8::1]:8443/login",
			    "https://[2001:0db8:0000::0001]/"};
	for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
		expect_ok(SDX_KIND_AUTO, v6[i], D, "2001:db8::1");
		expect_ok(D, v6[i], D, "2001:db8::1");
	}
	/* written another way, the canonical form stays as it was (a
	 * check answers the dotted address as a second reading:
	 * readings/ipv4_written_another_way) */
	expect_ok(SDX_KIND_AUTO, "http://0x5e.0x64.0x12.0x60/", D,
		  "0x5e.0x64.0x12.0x60");
	expect_ok(SDX_KIND_AUTO, "http://[::ffff:94.100.18.96]/", D,
		  "::ffff:94.100.18.96");
	expect_ok(SDX_KIND_AUTO, "0xab.example.com", D, "0xab.example.com");
}

Test(domain, defanged)
{
	const char *forms[] = {"hxxps://evil[.]com/x", "evil[.]com",
			       "evil(.)com",	       "evil{.}com",
			       "evil[dot]com",	       "hxxp[:]//evil[.]com",
			       "https[:]//evil.com/a", "HXXPS://EVIL[.]COM"};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		expect_ok(SDX_KIND_AUTO, forms[i], D, "evil.com");
		expect_ok(D, forms[i], D, "evil.com");
	}
	expect_ok(SDX_KIND_AUTO, "hxxps://login[.]evil[.]com/x", D,
		  "login.evil.com");
	expect_ok(SDX_KIND_AUTO, "hxxps[://]evil.com", D, "evil.com");
	/* "hxxp" is a defanged scheme only before its separator: a host
	 * that starts with those letters is that host, and its canonical
	 * form normalizes to itself (a fuzz finding) */
	const char *hosts[] = {"http://hxxps077-555377m.fb./l",
			       "hxxps077-555377m.fb", "hxxps077-555377m.fb./l"};
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		expect_ok(SDX_KIND_AUTO, hosts[i], D, "hxxps077-555377m.fb");
		expect_ok(D, hosts[i], D, "hxxps077-555377m.fb");
	}
	expect_ok(SDX_KIND_AUTO, "https://hxxp.evil.com/x", D, "hxxp.evil.com");
	expect_ok(D, "hxxp.evil.com", D, "hxxp.evil.com");
}

/* The one-pass host path (domain.c host_fast), the authority scan
 * (url.c), the defang scan eight bytes at a time (refang.c) and the
 * platform-host shortcut (handle.c) at their edges: each answers as the
 * full rules do. */
Test(domain, one_pass_edges)
{
	char l63[80];
	memset(l63, 'a', 63);
	strcpy(l63 + 63, ".com");
	expect_ok(D, l63, D, l63);
	expect_ok(D, "A-b.C_d.COM", D, "a-b.c_d.com");
	/* "xn--" inside a label is no punycode label: libidn2 takes it */
	expect_ok(D, "abxn--zz.com", D, "abxn--zz.com");
	expect_err(D, "example.co-", SDX_ESYNTAX, 10,
		   "domain: a label cannot start or end with '-'");
	expect_err(D, "example.-com", SDX_ESYNTAX, 8,
		   "domain: a label cannot start or end with '-'");
	expect_err(D, "example.123", SDX_ESYNTAX, 0,
		   "domain: the top-level label is all digits");
	expect_ok(D, "https://u@h@Login.Example.com:443/x", D,
		  "login.example.com");
	/* a backslash is a browser's '/': the host is before it, whatever
	 * follows (an '@' after it is no user info); also past the first
	 * eight bytes, which are scanned a word at a time */
	expect_ok(D, "https://phish-a.com\\@vietcombank.com.vn", D,
		  "phish-a.com");
	expect_ok(SDX_KIND_AUTO,
		  "https://vcb-xacminh.com\\@vietcombank.com.vn/login", D,
		  "vcb-xacminh.com");
	expect_ok(SDX_KIND_AUTO, "http://a.com\\b", D, "a.com");
	/* a redirector's link is the page it sends to: the host
	 * l.facebook.com was stored, flagging every link shared on Facebook,
	 * and the target was lost */
	expect_ok(SDX_KIND_AUTO,
		  "https://l.facebook.com/l.php?u=https%3A%2F%2Flogin.evil.com"
		  "%2Fx&h=AT0",
		  D, "login.evil.com");
	expect_ok(D, "https://lm.facebook.com/l.php?u=https%3A%2F%2Fevil.com",
		  D, "evil.com");
	expect_ok(
	    SDX_KIND_AUTO,
	    "https://lm.facebook.com/l.php?u=https%3A%2F%2Ft.me%2Fscam_user",
	    SDX_KIND_HANDLE, "telegram:scam_user");
	expect_ok(SDX_KIND_AUTO,
		  "https://www.google.com/url?q=https://evil.com/x&sa=D", D,
		  "evil.com");
	expect_ok(SDX_KIND_AUTO,
		  "https://www.google.com.vn/url?url=https%3A%2F%2Fevil.vn%2F",
		  D, "evil.vn");
	/* their other pages are theirs */
	expect_ok(SDX_KIND_AUTO, "https://www.google.com/search?q=evil.com", D,
		  "google.com");
	expect_ok(SDX_KIND_AUTO, "https://l.facebook.com/x", D,
		  "l.facebook.com");
	expect_ok(SDX_KIND_AUTO,
		  "https://a.Secure.Login.bank00123.example.com/x", D,
		  "a.secure.login.bank00123.example.com");
	/* defang marks on either side of an eight-byte group's end */
	expect_ok(SDX_KIND_AUTO, "abcdefg[.]com", D, "abcdefg.com");
	expect_ok(SDX_KIND_AUTO, "abcdefgh(.)com", D, "abcdefgh.com");
	expect_ok(SDX_KIND_AUTO, "abcdefghijklmno[.]com", D,
		  "abcdefghijklmno.com");
	expect_ok(SDX_KIND_AUTO, "https://evil.example{.}com/x", D,
		  "evil.example.com");
	/* a long host is a platform's only as "name.t.me" */
	expect_ok(SDX_KIND_AUTO, "https://abcdefghijklmnopqrstuvwxyz.t.me/",
		  SDX_KIND_HANDLE, "telegram:abcdefghijklmnopqrstuvwxyz");
	expect_ok(SDX_KIND_AUTO, "https://www.mbasic.facebook.com/some.user",
		  SDX_KIND_HANDLE, "facebook:someuser");
}
