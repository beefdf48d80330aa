/* test_handle.c: chat handles: every accepted form of each platform and
 * every error. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "ref.h"

#define H SDX_KIND_HANDLE

Test(handle, telegram)
{
	static const char *const v[] = {
	    "@some_user",
	    "@Some_User",
	    "t.me/some_user",
	    "https://T.me/Some_User/123?x#y",
	    "http://t.me/some_user",
	    "https://telegram.me/Some_User",
	    "telegram.dog/some_user",
	    "some_user.t.me",
	    "https://Some_User.t.me/",
	    "tg://resolve?domain=Some_User",
	    "telegram:Some_User",
	    "telegram:@some_user",
	    "TELEGRAM:some_user",
	    "t.me/s/some_user",
	    "www.t.me/some_user",
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		expect_ok(H, v[i], H, "telegram:some_user");
	expect_ok(H, "t.me/+84912345678", H, "telegram:+84912345678");
	expect_ok(H, "tg://resolve?phone=84912345678", H,
		  "telegram:+84912345678");
	expect_ok(H, "telegram:+84912345678", H, "telegram:+84912345678");
	expect_ok(H, "@abcde", H, "telegram:abcde");
	expect_ok(H, "@abcdefghijklmnopqrstuvwxyz012345", H,
		  "telegram:abcdefghijklmnopqrstuvwxyz012345");
	/* --kind auto: a bare @name is Telegram */
	expect_ok(SDX_KIND_AUTO, "@Some_User", H, "telegram:some_user");
	expect_ok(SDX_KIND_AUTO, "t.me/some_user", H, "telegram:some_user");
}

Test(handle, zalo)
{
	expect_ok(H, "zalo.me/0912345678", H, "zalo:+84912345678");
	expect_ok(H, "https://zalo.me/84912345678", H, "zalo:+84912345678");
	expect_ok(H, "https://zalo.me/0912345678?src=qr", H,
		  "zalo:+84912345678");
	expect_ok(H, "zalo:0912 345 678", H, "zalo:+84912345678");
	expect_ok(H, "zalo:+84912345678", H, "zalo:+84912345678");
	expect_ok(H, "Zalo:01623456789", H, "zalo:+84323456789");
	expect_ok(H, "zalo.me/765465772305886642", H,
		  "zalo:765465772305886642");
	expect_ok(H, "zalo:765465772305886642", H, "zalo:765465772305886642");
	expect_ok(H, "zalo.me/b2n0k5glmued", H, "zalo:b2n0k5glmued");
}

Test(handle, facebook)
{
	expect_ok(H, "https://www.facebook.com/profile.php?id=100012345678", H,
		  "facebook:100012345678");
	expect_ok(H, "mbasic.facebook.com/profile.php?id=4&ref=x", H,
		  "facebook:4");
	expect_ok(H, "facebook.com/100012345678", H, "facebook:100012345678");
	expect_ok(H, "facebook.com/people/Nguyen-Van-A/100012345678", H,
		  "facebook:100012345678");
	expect_ok(H, "facebook.com/pages/Some-Page/123456", H,
		  "facebook:123456");
	static const char *const v[] = {
	    "facebook.com/johnsmith55",
	    "facebook.com/John.Smith55",
	    "m.facebook.com/john.smith.55",
	    "fb.com/JohnSmith55",
	    "web.facebook.com/John.Smith55?ref=x",
	    "facebook:John.Smith55",
	    "fb:john.smith.55",
	    "https://www.facebook.com/johnsmith55/",
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		expect_ok(H, v[i], H, "facebook:johnsmith55");
	expect_ok(H, "m.me/some.page", H, "facebook:somepage");
	expect_ok(H, "https://m.me/SomePage?ref=ad", H, "facebook:somepage");
	expect_ok(H, "messenger:some.page", H, "facebook:somepage");
	/* dots removed leave digits: the numeric id (a fuzz finding) */
	expect_ok(H, "m.me/1000.1234", H, "facebook:10001234");
	expect_err(H, "m.me/7777777777.0000000000078", SDX_ELENGTH, 25,
		   "handle: numeric id longer than 20 digits");
	expect_ok(SDX_KIND_AUTO, "facebook.com/profile.php?id=100012345678", H,
		  "facebook:100012345678");
}

/* The hosts Facebook serves in a language ("vi-vn.facebook.com", what a
 * Vietnamese browser shows) and Messenger's chat links were read as
 * domains: a reported profile was UNKNOWN through them. */
Test(handle, facebook_language_hosts_and_messenger)
{
	const char *v[] = {
	    "https://vi-vn.facebook.com/john.smith55",
	    "https://vi.facebook.com/john.smith55",
	    "https://EN-GB.facebook.com/john.smith55",
	    "https://www.messenger.com/t/john.smith55",
	    "messenger.com/t/John.Smith55/",
	};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		expect_ok(H, v[i], H, "facebook:johnsmith55");
		expect_ok(SDX_KIND_AUTO, v[i], H, "facebook:johnsmith55");
	}
	expect_ok(SDX_KIND_AUTO, "https://www.messenger.com/t/100012345678", H,
		  "facebook:100012345678");
	expect_err(H, "https://www.messenger.com/", SDX_ESYNTAX, 25,
		   "handle: a messenger.com link names its profile after /t/");
	/* other subdomains stay hosts */
	expect_ok(SDX_KIND_AUTO, "https://developers.facebook.com/docs",
		  SDX_KIND_DOMAIN, "developers.facebook.com");
	expect_ok(SDX_KIND_AUTO, "https://x-y-z.facebook.com/a",
		  SDX_KIND_DOMAIN, "x-y-z.facebook.com");
}

/* Paths that name no profile were read as one ("facebook:messages",
 * shared by every chat link, reported or not); a chat and a page's new
 * address name the profile by its id. */
Test(handle, facebook_paths_that_name_no_profile)
{
	expect_ok(SDX_KIND_AUTO,
		  "https://www.facebook.com/messages/t/100012345678901", H,
		  "facebook:100012345678901");
	expect_ok(H, "facebook.com/messages/t/John.Smith55", H,
		  "facebook:johnsmith55");
	expect_ok(SDX_KIND_AUTO,
		  "https://www.facebook.com/p/Shop-Name-100087654321098/", H,
		  "facebook:100087654321098");
	const char *paths[] = {"stories",      "login.php", "friends",
			       "checkpoint",   "settings",  "business",
			       "notifications"};
	char in[128], why[128];
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		snprintf(in, sizeof in, "https://facebook.com/%s/x", paths[i]);
		snprintf(why, sizeof why,
			 "handle: facebook.com/%s is not a profile", paths[i]);
		expect_err(SDX_KIND_AUTO, in, SDX_ESYNTAX, 21, why);
	}
	expect_err(H, "https://facebook.com/messages/", SDX_ESYNTAX, 21,
		   "handle: a facebook.com/messages link names its profile "
		   "after /t/");
	expect_err(H, "https://facebook.com/p/abc", SDX_ESYNTAX, 21,
		   "handle: a facebook.com/p/ link ends in the page's numeric "
		   "id (p/Name-100012345678901)");
}

Test(handle, viber)
{
	expect_ok(H, "viber:+84912345678", H, "viber:+84912345678");
	expect_ok(H, "viber:0912345678", H, "viber:+84912345678");
	expect_ok(H, "viber://chat?number=%2B84912345678", H,
		  "viber:+84912345678");
	expect_ok(H, "viber://chat?number=84912345678", H,
		  "viber:+84912345678");
	expect_ok(H, "viber://chat?number=0912345678", H, "viber:+84912345678");
	expect_ok(H, "viber://chat?number=%2B380963760986", H,
		  "viber:+380963760986");
	expect_ok(SDX_KIND_AUTO, "viber:+380963760986", H,
		  "viber:+380963760986");
}

/* Links an audit found read as hosts (a report on the account was
 * UNKNOWN through them): Zalo Official Account pages, the Zalo app's QR
 * links, the Telegram web app's chat links. */
Test(handle, zalo_oa_qr_and_telegram_web_links)
{
	expect_ok(SDX_KIND_AUTO, "https://oa.zalo.me/765465772305886642", H,
		  "zalo:765465772305886642");
	expect_ok(H, "oa.zalo.me/765465772305886642", H,
		  "zalo:765465772305886642");
	expect_ok(SDX_KIND_AUTO, "zalo://qr/p/84912345678", H,
		  "zalo:+84912345678");
	expect_ok(H, "zalo://qr/p/0912345678", H, "zalo:+84912345678");
	expect_err(H, "zalo://conversation?id=1", SDX_ESYNTAX, 0,
		   "handle: a zalo:// link names its account as "
		   "zalo://qr/p/<phone number>");
	const char *tg[] = {
	    "https://web.telegram.org/k/#@Scam_User",
	    "https://web.telegram.org/a/#@scam_user",
	    "web.telegram.org/#scam_user",
	    "https://web.telegram.org/z/#scam_user",
	};
	for (size_t i = 0; i < sizeof tg / sizeof *tg; i++) {
		expect_ok(H, tg[i], H, "telegram:scam_user");
		expect_ok(SDX_KIND_AUTO, tg[i], H, "telegram:scam_user");
	}
	expect_err(SDX_KIND_AUTO, "https://web.telegram.org/a/#-1001234",
		   SDX_ESYNTAX, 28,
		   "handle: this web.telegram.org link names a chat by its "
		   "number, not a user name; open the profile and give its "
		   "@name");
	expect_err(H, "https://web.telegram.org/k/", SDX_ESYNTAX, 24,
		   "handle: a web.telegram.org link names its user after '#' "
		   "(#@name)");
	/* the other Telegram hosts are hosts */
	expect_ok(SDX_KIND_AUTO, "https://core.telegram.org/api/links",
		  SDX_KIND_DOMAIN, "core.telegram.org");
}

/* WhatsApp accounts are phone numbers: a wa.me link is its number (it
 * was the host wa.me, which flagged every WhatsApp link). */
Test(handle, whatsapp_links_are_numbers)
{
	const char *v[] = {
	    "https://wa.me/84912345678",
	    "wa.me/84912345678",
	    "https://wa.me/0912345678?text=hi",
	    "https://api.whatsapp.com/send?phone=84912345678&text=x",
	    "https://web.whatsapp.com/send?phone=84912345678",
	    "whatsapp://send?phone=%2B84912345678",
	};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		expect_ok(SDX_KIND_AUTO, v[i], SDX_KIND_PHONE, "+84912345678");
		expect_ok(SDX_KIND_PHONE, v[i], SDX_KIND_PHONE, "+84912345678");
	}
	expect_err(SDX_KIND_AUTO, "https://wa.me/message/ABCDEF", SDX_ESYNTAX,
		   14,
		   "phone: a WhatsApp link names its account by phone number "
		   "(wa.me/84912345678); this one names none");
	expect_err(SDX_KIND_AUTO, "https://wa.me/8491234567x", SDX_ESYNTAX, 24,
		   "phone: letter 'x' where a digit was expected");
	/* whatsapp.com's other pages are the host */
	expect_ok(SDX_KIND_AUTO, "https://www.whatsapp.com/download",
		  SDX_KIND_DOMAIN, "whatsapp.com");
}

Test(handle, errors)
{
	expect_err(H, "some_user", SDX_ESYNTAX, 0,
		   "handle: expected @name, platform:name (telegram, zalo, "
		   "facebook, viber) or a t.me, zalo.me, facebook.com or m.me "
		   "link");
	expect_err(H, "@", SDX_ELENGTH, 1, "handle: empty Telegram name");
	expect_err(H, "@abc", SDX_ELENGTH, 1,
		   "handle: Telegram names have at least 5 characters, got 3");
	expect_err(H, "@abcdefghijklmnopqrstuvwxyz0123456", SDX_ELENGTH, 33,
		   "handle: Telegram names have at most 32 characters");
	expect_err(H, "@Some-User", SDX_ESYNTAX, 5,
		   "handle: '-' is not allowed in a Telegram name (a-z, 0-9, "
		   "_)");
	expect_err(H, "@s\xc3\xb6me_user", SDX_ESYNTAX, 2,
		   "handle: non-ASCII character in a Telegram name");
	expect_err(H, "t.me/", SDX_ELENGTH, 4,
		   "handle: Telegram link without a name");
	expect_err(H, "t.me/+AbCdEf", SDX_ESYNTAX, 5,
		   "handle: t.me/+... is an invite link, not a user");
	expect_err(H, "https://t.me/joinchat/AAAA", SDX_ESYNTAX, 13,
		   "handle: t.me/joinchat is a Telegram service link, not a "
		   "user");
	expect_err(H, "t.me/share", SDX_ESYNTAX, 5,
		   "handle: t.me/share is a Telegram service link, not a user");
	expect_err(H, "share.t.me", SDX_ESYNTAX, 0,
		   "handle: share.t.me is a Telegram service link, not a user");
	expect_err(H, "tg://resolve", SDX_ESYNTAX, 0,
		   "handle: tg:// link without domain= or phone=");
	expect_err(H, "zalo.me/g/abc", SDX_ESYNTAX, 8,
		   "handle: zalo.me/g/ is a group link, not an account");
	expect_err(H, "zalo.me/s/123/", SDX_ESYNTAX, 8,
		   "handle: zalo.me/s/ is a mini app, not an account");
	expect_err(H, "zalo.me/", SDX_ELENGTH, 7,
		   "handle: Zalo link without an account");
	expect_err(H, "zalo.me/abc-def", SDX_ESYNTAX, 11,
		   "handle: unexpected character in a Zalo account (a phone "
		   "number, an id or a link code)");
	expect_err(H, "zalo.me/12345678901234567890123", SDX_ELENGTH, 28,
		   "handle: numeric id longer than 20 digits");
	expect_err(H, "zalo:0401234567", SDX_EPREFIX, 6,
		   "phone: mobile prefix 040 is not assigned");
	expect_err(H, "zalo.me/12345", SDX_ELENGTH, 13,
		   "phone: 5 digits without a trunk prefix, expected 9 or 10");
	expect_err(H, "facebook.com/", SDX_ELENGTH, 12,
		   "handle: Facebook link without a profile");
	expect_err(H, "facebook.com/abc", SDX_ELENGTH, 13,
		   "handle: Facebook usernames have at least 5 characters "
		   "besides dots, got 3");
	expect_err(H, "facebook.com/some_user", SDX_ESYNTAX, 17,
		   "handle: '_' is not allowed in a Facebook username (a-z, "
		   "0-9, .)");
	expect_err(H, "fb.com/groups/x", SDX_ESYNTAX, 7,
		   "handle: facebook.com/groups is not a profile");
	expect_err(H, "facebook.com/profile.php?x=1", SDX_ESYNTAX, 13,
		   "handle: profile.php without a numeric id=");
	expect_err(H, "m.me/", SDX_ELENGTH, 4,
		   "handle: m.me link without a name");
	expect_err(H, "viber://chat", SDX_ESYNTAX, 0,
		   "handle: viber:// link without number=");
	expect_err(H, "viber:", SDX_ELENGTH, 6, "phone: no digits");
	expect_err(H, "viber:0912", SDX_ELENGTH, 10,
		   "phone: 3 digits after the trunk prefix, expected 9 or 10");
	expect_err(H, "viber://chat?number=%2B999123456", SDX_EPREFIX, 23,
		   "phone: +999 is not an assigned country code");
}
