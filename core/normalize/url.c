/* url.c: split a link ("https://user@Host:443/path?q#f", "t.me/name", a
 * bare host) into its parts, as offsets into the input. Shared by the
 * handle and domain normalizers; it does not validate the parts. */
#include <stdint.h>
#include <string.h>

#include "norm.h"

/* The bytes of a scheme: letters, digits, '+', '-', '.'. */
#define SC(x)                                                                  \
	(((x) >= 'a' && (x) <= 'z') || ((x) >= 'A' && (x) <= 'Z') ||           \
	 ((x) >= '0' && (x) <= '9') || (x) == '+' || (x) == '-' || (x) == '.')
#define SC4(b) SC(b), SC(b + 1), SC(b + 2), SC(b + 3)
#define SC16(b) SC4(b), SC4(b + 4), SC4(b + 8), SC4(b + 12)
#define SC64(b) SC16(b), SC16(b + 16), SC16(b + 32), SC16(b + 48)
static const unsigned char scheme_chars[256] = {SC64(0), SC64(64), SC64(128),
						SC64(192)};

static int scheme_char(char c)
{
	return scheme_chars[(unsigned char)c];
}

/* The bytes that end the authority ('/', '?', '#') or its user info
 * ('@'). A backslash ends it too: browsers read it as '/' in web links,
 * so https://evil.com\@bank.vn opens evil.com (read as user info, it
 * answered for the bank's host and stored it when reported). */
static const unsigned char authority_stop[256] = {
    ['/'] = 1, ['?'] = 1, ['#'] = 1, ['@'] = 1, ['\\'] = 1};

/* Does any of the eight bytes at p hold one of authority_stop's? (A zero
 * byte of v ^ c marks c; the test finds whether there is one.) */
static int has_stop(const char *p)
{
	const uint64_t ones = 0x0101010101010101ull,
		       highs = 0x8080808080808080ull;
	uint64_t v, z = 0;
	memcpy(&v, p, 8);
	static const unsigned char stops[5] = {'/', '?', '#', '@', '\\'};
	for (int k = 0; k < 5; k++) {
		uint64_t x = v ^ (ones * stops[k]);
		z |= (x - ones) & ~x;
	}
	return (z & highs) != 0;
}

void norm_url_split(const char *in, size_t len, struct norm_url *u)
{
	size_t i = 0;
	memset(u, 0, sizeof *u);
	/* scheme "://" */
	while (i < len && scheme_char(in[i]))
		i++;
	if (i > 0 && i + 3 <= len && !memcmp(in + i, "://", 3)) {
		u->scheme_len = i;
		i += 3;
	} else {
		i = 0;
	}
	/* the authority, without the user info before its last '@' */
	size_t a = i;
	for (;; i++) {
		/* eight bytes at a time while none of them is a stop */
		while (i + 8 <= len && !has_stop(in + i))
			i += 8;
		while (i < len && !authority_stop[(unsigned char)in[i]])
			i++;
		if (i == len || in[i] != '@')
			break;
		a = i + 1;
	}
	size_t ae = i;
	/* ":port" */
	size_t he = ae;
	for (size_t k = ae; k > a; k--) {
		char c = in[k - 1];
		if (c == ':') {
			he = k - 1;
			break;
		}
		if (c < '0' || c > '9')
			break;
	}
	u->host_off = a;
	u->host_len = he - a;
	u->path_off = ae;
	while (i < len && in[i] != '?' && in[i] != '#')
		i++;
	u->path_len = i - ae;
	if (i < len && in[i] == '?') {
		u->query_off = ++i;
		while (i < len && in[i] != '#')
			i++;
		u->query_len = i - u->query_off;
	}
}

/* Does a link start at in[i..len): a scheme and "://", or "www."? */
static int link_starts(const char *in, size_t i, size_t len)
{
	size_t k = i;
	while (k < len && k - i < 16 && scheme_char(in[k]))
		k++;
	if (k > i && k + 3 <= len && !memcmp(in + k, "://", 3))
		return 1;
	return len - i >= 4 && norm_prefix_ci(in + i, len - i, "www.");
}

int norm_link_space(const char *in, size_t len, const struct norm_url *u,
		    sdx_norm_error *err)
{
	for (size_t i = u->path_off; i < len; i++) {
		if (!strchr(" \t\r\n,", in[i]) || in[i] == '\0')
			continue;
		size_t k = i;
		while (k < len && strchr(" \t\r\n,", in[k]) && in[k] != '\0')
			k++;
		if (k < len && link_starts(in, k, len))
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_DOMAIN, i,
					 "domain: a second link after the "
					 "first (give each its own line, or "
					 "separate them with ';')");
		i = k - 1;
	}
	return 0;
}

/* The value of key=... in a query string, or 0. */
int norm_query_get(const char *in, const struct norm_url *u, const char *key,
		   size_t *off, size_t *len)
{
	size_t k = strlen(key);
	size_t i = u->query_off, end = u->query_off + u->query_len;
	while (i < end) {
		size_t e = i;
		while (e < end && in[e] != '&' && in[e] != ';')
			e++;
		if (e - i > k && !memcmp(in + i, key, k) && in[i + k] == '=') {
			*off = i + k + 1;
			*len = e - *off;
			return 1;
		}
		i = e + 1;
	}
	return 0;
}

/* Path segment number n (0-based) of u: offset and length, or 0. */
int norm_path_segment(const char *in, const struct norm_url *u, int n,
		      size_t *off, size_t *len)
{
	size_t i = u->path_off, end = u->path_off + u->path_len;
	int seg = 0;
	while (i < end) {
		while (i < end && in[i] == '/')
			i++;
		if (i >= end)
			break;
		size_t e = i;
		while (e < end && in[e] != '/')
			e++;
		if (seg == n) {
			*off = i;
			*len = e - i;
			return 1;
		}
		seg++;
		i = e;
	}
	return 0;
}

/* Does in[off..off+n) equal word, ignoring ASCII case? */
static int word_ci(const char *in, size_t off, size_t n, const char *word)
{
	return strlen(word) == n && norm_prefix_ci(in + off, n, word);
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

size_t norm_unwrap_redirect(const char *in, size_t len, char *out, size_t cap)
{
	struct norm_url u;
	size_t off, n;
	if (len < 12 || !(in[0] == 'h' || in[0] == 'H' || in[0] == 'l' ||
			  in[0] == 'w' || in[0] == 'g'))
		return 0;
	norm_url_split(in, len, &u);
	size_t h = u.host_off, hn = u.host_len;
	if (hn > 4 && norm_prefix_ci(in + h, hn, "www.")) {
		h += 4;
		hn -= 4;
	}
	/* Facebook's and Messenger's link shims: l.php?u=<target> */
	int fb = word_ci(in, h, hn, "l.facebook.com") ||
		 word_ci(in, h, hn, "lm.facebook.com") ||
		 word_ci(in, h, hn, "l.messenger.com");
	/* Google's: google.com/url?q=<target> (or url=), any country's */
	int g = hn >= 10 && norm_prefix_ci(in + h, hn, "google.") &&
		!memchr(in + h + 7, '/', hn - 7);
	if (!(fb && norm_path_segment(in, &u, 0, &off, &n) &&
	      word_ci(in, off, n, "l.php") &&
	      norm_query_get(in, &u, "u", &off, &n)) &&
	    !(g && norm_path_segment(in, &u, 0, &off, &n) &&
	      word_ci(in, off, n, "url") &&
	      (norm_query_get(in, &u, "q", &off, &n) ||
	       norm_query_get(in, &u, "url", &off, &n))))
		return 0;
	/* the target, percent-decoded */
	size_t o = 0;
	for (size_t i = off; i < off + n; i++) {
		int hi, lo;
		if (o + 1 >= cap)
			return 0;
		if (in[i] == '%' && i + 2 < off + n &&
		    (hi = hex_val(in[i + 1])) >= 0 &&
		    (lo = hex_val(in[i + 2])) >= 0) {
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
	return o;
}
