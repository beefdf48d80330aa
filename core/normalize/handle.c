/* handle.c: chat handles to "platform:name" (identifier-formats.md 4).
 *
 *   telegram  @name, t.me/name, telegram.me, telegram.dog, name.t.me,
 *             tg://resolve?domain=name; 5..32 of [a-z0-9_], lower-cased;
 *             t.me/+8491..., tg://resolve?phone= -> telegram:+8491...
 *   zalo      zalo.me/<phone> -> zalo:+84...; zalo.me/<numeric OA id>
 *             (13 digits or more, no leading 0; shorter is a phone);
 *             zalo.me/<personal link code> (kept as written)
 *   facebook  facebook.com/<username> (lower case, dots removed),
 *             profile.php?id=N and facebook.com/N -> facebook:N,
 *             m.me/<name> (Messenger) -> facebook:<name>
 *   viber     viber:+84..., viber://chat?number=%2B84... -> viber:+84...
 * and "platform:name" for each (messenger: and fb: mean facebook). */
#include <string.h>

#include "norm.h"

#define TG_MIN 5
#define TG_MAX 32
#define FB_MIN 5
#define FB_MAX 50
#define ID_MAX 20
#define CODE_MAX 32
#define HOST_NAMED_MAX 19 /* strlen("mbasic.facebook.com") */

enum platform { P_NONE, P_TELEGRAM, P_ZALO, P_FACEBOOK, P_VIBER };

static const struct {
	const char *prefix;
	enum platform p;
} prefixes[] = {
    {"telegram:", P_TELEGRAM},	{"zalo:", P_ZALO},
    {"facebook:", P_FACEBOOK},	{"fb:", P_FACEBOOK},
    {"messenger:", P_FACEBOOK}, {"viber:", P_VIBER},
};

/* Telegram link words that are not user names (core.telegram.org/api/
 * links). */
static const char *const tg_reserved[] = {
    "a",	   "addemoji", "addlist",      "addstickers",
    "addstyle",	   "addtheme", "auction",      "auth",
    "boost",	   "call",     "confirmphone", "contact",
    "giftcode",	   "invoice",  "joinchat",     "k",
    "login",	   "m",	       "nft",	       "proxy",
    "setlanguage", "share",    "socks",	       "web",
    "www",	   "z",
};

/* Facebook path words that are not profiles. */
static const char *const fb_reserved[] = {
    "ads",    "bookmarks",     "business",	"checkpoint", "dialog",
    "events", "friends",       "gaming",	"groups",     "hashtag",
    "help",   "home.php",      "login",		"login.php",  "marketplace",
    "me",     "notifications", "permalink.php", "photo",      "photo.php",
    "photos", "plugins",       "policies",	"privacy",    "recover",
    "reel",   "reels",	       "saved",		"search",     "settings",
    "share",  "sharer",	       "sharer.php",	"stories",    "story.php",
    "watch",
};

static int eq_ci(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && norm_prefix_ci(s, n, word);
}

static int in_list(const char *s, size_t n, const char *const *list,
		   size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (eq_ci(s, n, list[i]))
			return 1;
	return 0;
}

static int host_is(const char *h, size_t n, const char *name)
{
	return eq_ci(h, n, name);
}

/* Host with "www." dropped. */
static void bare_host(const char *in, const struct norm_url *u, const char **h,
		      size_t *n)
{
	*h = in + u->host_off;
	*n = u->host_len;
	if (*n > 4 && norm_prefix_ci(*h, *n, "www.")) {
		*h += 4;
		*n -= 4;
	}
	if (*n > 0 && (*h)[*n - 1] == '.')
		(*n)--;
}

static int is_facebook_host(const char *h, size_t n)
{
	/* (HOST_NAMED_MAX: the longest of these and the hosts above) */
	static const char *const hosts[] = {
	    "facebook.com",	"m.facebook.com",     "mbasic.facebook.com",
	    "web.facebook.com", "touch.facebook.com", "fb.com",
	    "m.fb.com",		"facebook.me",	      "fb.me",
	    "fb.watch",
	};
	if (in_list(h, n, hosts, sizeof hosts / sizeof hosts[0]))
		return 1;
	/* a language's host: "vi.facebook.com", "vi-vn.facebook.com" */
	size_t k = n > 13 ? n - 13 : 0;
	if (!k || !eq_ci(h + k, 13, ".facebook.com"))
		return 0;
	for (size_t i = 0; i < k; i++) {
		char c = (char)(h[i] | 0x20);
		if (!((i == 2 && c == '-' && k == 5) || (c >= 'a' && c <= 'z')))
			return 0;
	}
	return k == 2 || k == 5;
}

static int is_telegram_host(const char *h, size_t n)
{
	return host_is(h, n, "t.me") || host_is(h, n, "telegram.me") ||
	       host_is(h, n, "telegram.dog");
}

/* "name.t.me": the name's length, or 0. */
static size_t tme_subdomain(const char *h, size_t n)
{
	if (n > 5 && eq_ci(h + n - 5, 5, ".t.me") && !memchr(h, '.', n - 5))
		return n - 5;
	return 0;
}

static enum platform url_platform(const char *in, const struct norm_url *u)
{
	const char *h;
	size_t n;
	if (u->scheme_len == 2 && norm_prefix_ci(in, 2, "tg"))
		return P_TELEGRAM;
	if (u->scheme_len == 5 && norm_prefix_ci(in, 5, "viber"))
		return P_VIBER;
	if (u->scheme_len == 4 && norm_prefix_ci(in, 4, "zalo"))
		return P_ZALO;
	bare_host(in, u, &h, &n);
	/* the longest platform host is "mbasic.facebook.com": a longer one
	 * is a platform's only as "name.t.me" */
	if (n > HOST_NAMED_MAX && !tme_subdomain(h, n))
		return P_NONE;
	if (is_telegram_host(h, n) || tme_subdomain(h, n) ||
	    host_is(h, n, "web.telegram.org"))
		return P_TELEGRAM;
	if (host_is(h, n, "zalo.me") || host_is(h, n, "chat.zalo.me") ||
	    host_is(h, n, "oa.zalo.me"))
		return P_ZALO;
	if (is_facebook_host(h, n) || host_is(h, n, "m.me") ||
	    host_is(h, n, "messenger.com"))
		return P_FACEBOOK;
	return P_NONE;
}

static enum platform prefix_platform(const char *in, size_t len, size_t *skip)
{
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i].prefix);
		if (norm_prefix_ci(in, len, prefixes[i].prefix) &&
		    !(len >= n + 2 && in[n] == '/' && in[n + 1] == '/')) {
			*skip = n;
			return prefixes[i].p;
		}
	}
	return P_NONE;
}

int norm_is_handle(const char *in, size_t len)
{
	size_t skip;
	struct norm_url u;
	if (len > 0 && in[0] == '@')
		return 1;
	if (prefix_platform(in, len, &skip) != P_NONE)
		return 1;
	norm_url_split(in, len, &u);
	return url_platform(in, &u) != P_NONE;
}

int norm_url_is_handle(const char *in, const struct norm_url *u)
{
	return url_platform(in, u) != P_NONE;
}

static size_t emit(char *out, const char *platform, const char *s, size_t n)
{
	size_t p = strlen(platform);
	memcpy(out, platform, p);
	memcpy(out + p, s, n);
	out[p + n] = '\0';
	return p + n;
}

static int telegram(const char *name, size_t n, size_t base, char *out,
		    sdx_norm_error *err)
{
	char buf[TG_MAX];
	if (n > 0 && name[0] == '@') {
		name++;
		n--;
		base++;
	}
	if (n == 0)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE, base,
				 "handle: empty Telegram name");
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_')) {
			if ((unsigned char)c >= 0x80)
				return norm_fail(err, SDX_ESYNTAX,
						 SDX_KIND_HANDLE, base + i,
						 "handle: non-ASCII character "
						 "in a Telegram name");
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE,
					 base + i,
					 "handle: '%c' is not allowed in a "
					 "Telegram name (a-z, 0-9, _)",
					 c);
		}
		if (i == TG_MAX)
			return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE,
					 base + i,
					 "handle: Telegram names have at most "
					 "%d characters",
					 TG_MAX);
		buf[i] = c;
	}
	if (n < TG_MIN)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE, base,
				 "handle: Telegram names have at least %d "
				 "characters, got %zu",
				 TG_MIN, n);
	return (int)emit(out, "telegram:", buf, n);
}

/* A phone number inside a handle: "<platform>:+84...". */
static int with_phone(const char *platform, const char *s, size_t n,
		      size_t base, char *out, sdx_norm_error *err)
{
	char ph[SDX_CANON_MAX];
	int rc = norm_phone(s, n, ph, err);
	if (rc < 0) {
		if (err) {
			err->kind = SDX_KIND_HANDLE;
			err->offset += base;
		}
		return rc;
	}
	return (int)emit(out, platform, ph, (size_t)rc);
}

/* A phone number in a link's query or path: international digits
 * without their '+' ("84912345678", "%2B84912345678", "+84..." or " 84..."
 * where a query's '+' was decoded), unless written nationally with a
 * trunk 0. Returns the text to read as a phone number (s, or buf holding
 * '+' and the digits), its length in *n; *skip: bytes of s dropped before
 * it, less the '+' added. */
static const char *link_phone(const char *s, size_t *n, char *buf, size_t cap,
			      long *skip)
{
	*skip = 0;
	if (*n > 1 && s[0] == '0' && s[1] != '0') /* national, tolerated */
		return s;
	if (*n >= 3 && norm_prefix_ci(s, *n, "%2B"))
		*skip = 3;
	else if (*n > 0 && (s[0] == '+' || s[0] == ' '))
		*skip = 1;
	if (*n - (size_t)*skip + 1 > cap)
		return s;
	buf[0] = '+';
	memcpy(buf + 1, s + *skip, *n - (size_t)*skip);
	*n = *n - (size_t)*skip + 1;
	(*skip)--;
	return buf;
}

static int with_link_phone(const char *platform, const char *s, size_t n,
			   size_t base, char *out, sdx_norm_error *err)
{
	char buf[SDX_CANON_MAX];
	long skip;
	const char *p = link_phone(s, &n, buf, sizeof buf, &skip);
	int rc = with_phone(platform, p, n, base, out, err);
	if (rc < 0 && err && (long)err->offset + skip >= (long)base)
		err->offset = (size_t)((long)err->offset + skip);
	return rc;
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int numeric_id(const char *platform, const char *s, size_t n,
		      size_t base, char *out, sdx_norm_error *err)
{
	if (n > ID_MAX)
		return norm_fail(
		    err, SDX_ELENGTH, SDX_KIND_HANDLE, base + ID_MAX,
		    "handle: numeric id longer than %d digits", ID_MAX);
	return (int)emit(out, platform, s, n);
}

static int zalo(const char *s, size_t n, size_t base, char *out,
		sdx_norm_error *err)
{
	if (n == 0)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE, base,
				 "handle: empty Zalo account");
	/* A phone number (0912..., 84912..., +84...) or a long numeric
	 * Official Account id. */
	size_t nd = 0, other = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			nd++;
		else if (!strchr(" .-()", s[i]))
			other++;
	}
	if (s[0] == '+' || (!other && (s[0] == '0' || nd < 13)))
		return with_phone("zalo:", s, n, base, out, err);
	int digits = 1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c < '0' || c > '9')
			digits = 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE,
					 base + i,
					 "handle: unexpected character in a "
					 "Zalo account (a phone number, an "
					 "id or a link code)");
	}
	if (digits)
		return numeric_id("zalo:", s, n, base, out, err);
	/* Opaque personal link codes keep their case. */
	if (n > CODE_MAX)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE,
				 base + CODE_MAX,
				 "handle: Zalo link code longer than %d "
				 "characters",
				 CODE_MAX);
	return (int)emit(out, "zalo:", s, n);
}

/* A Facebook username or numeric id: lower case, dots removed. */
static int facebook(const char *s, size_t n, size_t base, char *out,
		    sdx_norm_error *err)
{
	char buf[FB_MAX];
	size_t k = 0;
	if (all_digits(s, n))
		return numeric_id("facebook:", s, n, base, out, err);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE,
					 base + i,
					 "handle: '%c' is not allowed in a "
					 "Facebook username (a-z, 0-9, .)",
					 (unsigned char)c >= 0x80 ? '?' : c);
		if (k == FB_MAX)
			return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE,
					 base + i,
					 "handle: Facebook usernames have at "
					 "most %d characters",
					 FB_MAX);
		buf[k++] = c;
	}
	/* "1000.1234" is the id 10001234: one canonical form for both. */
	if (all_digits(buf, k))
		return numeric_id("facebook:", buf, k, base, out, err);
	if (k < FB_MIN)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE, base,
				 "handle: Facebook usernames have at least %d "
				 "characters besides dots, got %zu",
				 FB_MIN, k);
	return (int)emit(out, "facebook:", buf, k);
}

/* viber://chat?number=: an international number, its '+' dropped or
 * percent-encoded. */
static int viber_number(const char *s, size_t n, size_t base, char *out,
			sdx_norm_error *err)
{
	return with_link_phone("viber:", s, n, base, out, err);
}

/* web.telegram.org/k/#@name (and /a/, /z/, /): the chat open in the web
 * app is named after the '#'. */
static int telegram_web(const char *in, size_t len, const struct norm_url *u,
			char *out, sdx_norm_error *err)
{
	const char *hash = memchr(in + u->path_off, '#', len - u->path_off);
	if (!hash || (size_t)(hash - in) + 1 == len)
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, u->path_off,
				 "handle: a web.telegram.org link names its "
				 "user after '#' (#@name)");
	size_t off = (size_t)(hash - in) + 1;
	if (in[off] == '@')
		off++;
	if (off < len && (in[off] == '-' || (in[off] >= '0' && in[off] <= '9')))
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: this web.telegram.org link names a "
				 "chat by its number, not a user name; open "
				 "the profile and give its @name");
	return telegram(in + off, len - off, off, out, err);
}

static int telegram_url(const char *in, size_t len, const struct norm_url *u,
			char *out, sdx_norm_error *err)
{
	size_t off, n;
	const char *h;
	size_t hn;
	if (u->scheme_len == 2) { /* tg://resolve?domain=|phone= */
		if (norm_query_get(in, u, "domain", &off, &n))
			return telegram(in + off, n, off, out, err);
		if (norm_query_get(in, u, "phone", &off, &n))
			return with_link_phone("telegram:", in + off, n, off,
					       out, err);
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, 0,
				 "handle: tg:// link without domain= or "
				 "phone=");
	}
	bare_host(in, u, &h, &hn);
	if (host_is(h, hn, "web.telegram.org"))
		return telegram_web(in, len, u, out, err);
	size_t sub = tme_subdomain(h, hn);
	if (sub) {
		if (in_list(h, sub, tg_reserved,
			    sizeof tg_reserved / sizeof tg_reserved[0]))
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE,
					 (size_t)(h - in),
					 "handle: %.*s.t.me is a Telegram "
					 "service link, not a user",
					 (int)sub, h);
		return telegram(h, sub, (size_t)(h - in), out, err);
	}
	if (!norm_path_segment(in, u, 0, &off, &n))
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE, u->path_off,
				 "handle: Telegram link without a name");
	if (in[off] == '+') {
		if (all_digits(in + off + 1, n - 1))
			return with_phone("telegram:", in + off, n, off, out,
					  err);
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: t.me/+... is an invite link, not a "
				 "user");
	}
	if (eq_ci(in + off, n, "s")) { /* t.me/s/<channel>: web preview */
		size_t o2, n2;
		if (norm_path_segment(in, u, 1, &o2, &n2))
			return telegram(in + o2, n2, o2, out, err);
	}
	if (in_list(in + off, n, tg_reserved,
		    sizeof tg_reserved / sizeof tg_reserved[0]))
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: t.me/%.*s is a Telegram service "
				 "link, not a user",
				 (int)n, in + off);
	return telegram(in + off, n, off, out, err);
}

static int zalo_url(const char *in, const struct norm_url *u, char *out,
		    sdx_norm_error *err)
{
	size_t off, n;
	if (u->scheme_len == 4) { /* zalo://qr/p/<number>: the app's QR */
		if (eq_ci(in + u->host_off, u->host_len, "qr") &&
		    norm_path_segment(in, u, 0, &off, &n) &&
		    eq_ci(in + off, n, "p") &&
		    norm_path_segment(in, u, 1, &off, &n) &&
		    all_digits(in + off, n)) {
			return with_link_phone("zalo:", in + off, n, off, out,
					       err);
		}
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, 0,
				 "handle: a zalo:// link names its account as "
				 "zalo://qr/p/<phone number>");
	}
	if (!norm_path_segment(in, u, 0, &off, &n))
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE, u->path_off,
				 "handle: Zalo link without an account");
	if (eq_ci(in + off, n, "g"))
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: zalo.me/g/ is a group link, not an "
				 "account");
	if (eq_ci(in + off, n, "s"))
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: zalo.me/s/ is a mini app, not an "
				 "account");
	return zalo(in + off, n, off, out, err);
}

static int facebook_url(const char *in, const struct norm_url *u, char *out,
			sdx_norm_error *err)
{
	size_t off, n;
	if (!norm_path_segment(in, u, 0, &off, &n))
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_HANDLE, u->path_off,
				 "handle: Facebook link without a profile");
	if (eq_ci(in + off, n, "profile.php")) {
		if (norm_query_get(in, u, "id", &off, &n) &&
		    all_digits(in + off, n))
			return numeric_id("facebook:", in + off, n, off, out,
					  err);
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: profile.php without a numeric id=");
	}
	/* messages/t/<id>: a chat with that profile, as messenger.com/t/ */
	if (eq_ci(in + off, n, "messages")) {
		size_t o2, n2;
		if (norm_path_segment(in, u, 1, &o2, &n2) &&
		    eq_ci(in + o2, n2, "t") &&
		    norm_path_segment(in, u, 2, &o2, &n2))
			return all_digits(in + o2, n2)
				   ? numeric_id("facebook:", in + o2, n2, o2,
						out, err)
				   : facebook(in + o2, n2, o2, out, err);
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: a facebook.com/messages link names "
				 "its profile after /t/");
	}
	/* p/<Name>-<id>: a page's address since 2022, the id at its end */
	if (eq_ci(in + off, n, "p")) {
		size_t o2, n2, k;
		if (norm_path_segment(in, u, 1, &o2, &n2)) {
			for (k = n2; k > 0 && in[o2 + k - 1] >= '0' &&
				     in[o2 + k - 1] <= '9';
			     k--)
				;
			if (k < n2 && (k == 0 || in[o2 + k - 1] == '-'))
				return numeric_id("facebook:", in + o2 + k,
						  n2 - k, o2 + k, out, err);
		}
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: a facebook.com/p/ link ends in the "
				 "page's numeric id (p/Name-100012345678901)");
	}
	if (eq_ci(in + off, n, "people") || eq_ci(in + off, n, "pages")) {
		/* people/<Name>/<id>, pages/<Name>/<id> */
		size_t o2, n2;
		if (norm_path_segment(in, u, 2, &o2, &n2) &&
		    all_digits(in + o2, n2))
			return numeric_id("facebook:", in + o2, n2, o2, out,
					  err);
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: facebook.com/%.*s/ without a "
				 "numeric id",
				 (int)n, in + off);
	}
	if (in_list(in + off, n, fb_reserved,
		    sizeof fb_reserved / sizeof fb_reserved[0]))
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, off,
				 "handle: facebook.com/%.*s is not a profile",
				 (int)n, in + off);
	return facebook(in + off, n, off, out, err);
}

static int viber_url(const char *in, const struct norm_url *u, char *out,
		     sdx_norm_error *err)
{
	size_t off, n;
	if (norm_query_get(in, u, "number", &off, &n))
		return viber_number(in + off, n, off, out, err);
	return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, 0,
			 "handle: viber:// link without number=");
}

/* WhatsApp accounts are phone numbers, and scamdex keeps them as the
 * number: wa.me/<number>, api.whatsapp.com/send?phone=<number> (web. and
 * the bare host too), whatsapp://send?phone=<number>. 1 for such a link
 * (a wa.me link whatever its path), and where its number is (*n = 0: it
 * names none). */
static int whatsapp_at(const char *in, const struct norm_url *u, size_t *off,
		       size_t *n)
{
	const char *h;
	size_t hn;
	*off = *n = 0;
	if (u->scheme_len == 8 && norm_prefix_ci(in, 8, "whatsapp")) {
		norm_query_get(in, u, "phone", off, n);
		return 1;
	}
	bare_host(in, u, &h, &hn);
	if (host_is(h, hn, "wa.me")) {
		norm_path_segment(in, u, 0, off, n);
		return 1;
	}
	return (host_is(h, hn, "api.whatsapp.com") ||
		host_is(h, hn, "web.whatsapp.com") ||
		host_is(h, hn, "whatsapp.com")) &&
	       norm_query_get(in, u, "phone", off, n);
}

int norm_url_is_whatsapp(const char *in, const struct norm_url *u)
{
	size_t off, n;
	return u->host_len > 0 && whatsapp_at(in, u, &off, &n);
}

int norm_is_whatsapp(const char *in, size_t len)
{
	struct norm_url u;
	if (!memchr(in, '/', len)) /* every WhatsApp link has one */
		return 0;
	norm_url_split(in, len, &u);
	return norm_url_is_whatsapp(in, &u);
}

int norm_whatsapp(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	struct norm_url u;
	size_t off, n;
	norm_url_split(in, len, &u);
	/* wa.me/message/<code>, wa.me/qr/<code>: no number */
	if (!whatsapp_at(in, &u, &off, &n) || n == 0 ||
	    (in[off] >= 'A' && in[off] != '%'))
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_PHONE,
				 n ? off : u.path_off,
				 "phone: a WhatsApp link names its account by "
				 "phone number (wa.me/84912345678); this one "
				 "names none");
	int rc = with_link_phone("", in + off, n, off, out, err);
	if (rc < 0 && err)
		err->kind = SDX_KIND_PHONE;
	return rc;
}

int norm_handle(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	size_t skip;
	struct norm_url u;
	if (in[0] == '@')
		return telegram(in, len, 0, out, err);
	switch (prefix_platform(in, len, &skip)) {
	case P_TELEGRAM:
		if (skip < len && in[skip] == '+')
			return with_phone("telegram:", in + skip, len - skip,
					  skip, out, err);
		return telegram(in + skip, len - skip, skip, out, err);
	case P_ZALO:
		return zalo(in + skip, len - skip, skip, out, err);
	case P_FACEBOOK:
		return facebook(in + skip, len - skip, skip, out, err);
	case P_VIBER:
		return with_phone("viber:", in + skip, len - skip, skip, out,
				  err);
	default:
		break;
	}
	norm_url_split(in, len, &u);
	switch (url_platform(in, &u)) {
	case P_TELEGRAM:
		return telegram_url(in, len, &u, out, err);
	case P_ZALO:
		return zalo_url(in, &u, out, err);
	case P_FACEBOOK: {
		const char *h;
		size_t hn, off, n;
		bare_host(in, &u, &h, &hn);
		if (host_is(h, hn, "m.me")) {
			if (!norm_path_segment(in, &u, 0, &off, &n))
				return norm_fail(err, SDX_ELENGTH,
						 SDX_KIND_HANDLE, u.path_off,
						 "handle: m.me link without "
						 "a name");
			return facebook(in + off, n, off, out, err);
		}
		/* messenger.com/t/<name>: a chat with that profile */
		if (host_is(h, hn, "messenger.com")) {
			if (!norm_path_segment(in, &u, 0, &off, &n) ||
			    !eq_ci(in + off, n, "t") ||
			    !norm_path_segment(in, &u, 1, &off, &n))
				return norm_fail(err, SDX_ESYNTAX,
						 SDX_KIND_HANDLE, u.path_off,
						 "handle: a messenger.com link "
						 "names its profile after /t/");
			if (all_digits(in + off, n))
				return numeric_id("facebook:", in + off, n, off,
						  out, err);
			return facebook(in + off, n, off, out, err);
		}
		return facebook_url(in, &u, out, err);
	}
	case P_VIBER:
		return viber_url(in, &u, out, err);
	default:
		break;
	}
	return norm_fail(err, SDX_ESYNTAX, SDX_KIND_HANDLE, 0,
			 "handle: expected @name, platform:name (telegram, "
			 "zalo, facebook, viber) or a t.me, zalo.me, "
			 "facebook.com or m.me link");
}
