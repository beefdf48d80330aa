/* domain.c: the host of a link or a bare host name, lower case, IDNA
 * (UTS #46 non-transitional, libidn2) to punycode, trailing dot dropped,
 * and a leading "www." dropped while at least two labels remain
 * ("www.vietcombank-xac-thuc.com" and "vietcombank-xac-thuc.com" are one
 * site for a warning). IPv4 hosts are kept as written, leading zeros
 * dropped (norm_ip_alias gives the dotted address of a host written with
 * hexadecimal parts or mapped into IPv6, for a check's second reading). ASCII
 * hosts never allocate; a non-ASCII or punycode ("xn--") host goes through
 * idn2_lookup_u8, which does. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <idn2.h>

#include "norm.h"

#define HOST_MAX 253
#define LABEL_MAX 63

static int ipv4(const char *h, size_t n)
{
	int parts = 0, digits = 0, v = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (digits == 0 || v > 255)
				return 0;
			parts++;
			digits = v = 0;
		} else if (h[i] >= '0' && h[i] <= '9' && digits < 3) {
			v = v * 10 + (h[i] - '0');
			digits++;
		} else {
			return 0;
		}
	}
	return parts == 4;
}

/* IPv4 in four dotted groups, one trailing dot allowed: the canonical
 * form drops leading zeros ("094.100.018.096." -> "94.100.18.96"). */
/* Four dotted parts, at least one hexadecimal ("0x5e.0x64.0x12.0x60",
 * which browsers open as 94.100.18.96), each at most 255: the address in
 * v, 1; else 0. */
static int ipv4_hex(const char *h, size_t n, unsigned v[4])
{
	int p = 0, hex = 0;
	size_t i = 0;
	while (p < 4) {
		unsigned x = 0;
		size_t d = 0;
		if (i + 1 < n && h[i] == '0' && (h[i + 1] | 0x20) == 'x') {
			hex = 1;
			for (i += 2; i < n && isxdigit((unsigned char)h[i]);
			     i++, d++)
				x = x * 16 +
				    (unsigned)(isdigit((unsigned char)h[i])
						   ? h[i] - '0'
						   : (h[i] | 0x20) - 'a' + 10);
		} else {
			for (; i < n && isdigit((unsigned char)h[i]); i++, d++)
				x = x * 10 + (unsigned)(h[i] - '0');
		}
		if (d == 0 || d > 3 || x > 255)
			return 0;
		v[p++] = x;
		if (p < 4 && (i >= n || h[i++] != '.'))
			return 0;
	}
	return i == n && hex;
}

static int ipv4_canon(const char *h, size_t n, char *out)
{
	if (n > 0 && h[n - 1] == '.')
		n--;
	if (!ipv4(h, n))
		return -1;
	unsigned v[4] = {0, 0, 0, 0};
	int p = 0;
	for (size_t i = 0; i < n; i++) {
		if (h[i] == '.')
			p++;
		else
			v[p] = v[p] * 10 + (unsigned)(h[i] - '0');
	}
	return snprintf(out, 16, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
}

/* An IPv6 address, bare ("2001:db8::1") or in brackets with or without a
 * port ("[2001:db8::1]:8443"): its RFC 5952 text (lower case, zeros
 * compressed), or -1. */
static int ipv6_canon(const char *h, size_t n, char *out)
{
	char tmp[64];
	unsigned char a[16];
	if (n > 0 && h[0] == '[') {
		const char *e = memchr(h, ']', n);
		if (!e)
			return -1;
		h++;
		n = (size_t)(e - h);
	}
	if (n < 2 || n >= sizeof tmp || !memchr(h, ':', n))
		return -1;
	memcpy(tmp, h, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, a) != 1)
		return -1;
	if (!inet_ntop(AF_INET6, a, out, 64))
		return -1;
	return (int)strlen(out);
}

int norm_ip_alias(const char *canon, char out[16])
{
	unsigned x[4];
	unsigned char a[16];
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0,	   0,
						 0, 0, 0, 0, 0xff, 0xff};
	if (ipv4_hex(canon, strlen(canon), x))
		return snprintf(out, 16, "%u.%u.%u.%u", x[0], x[1], x[2],
				x[3]) > 0;
	if (strchr(canon, ':') && inet_pton(AF_INET6, canon, a) == 1 &&
	    !memcmp(a, mapped, 12))
		return snprintf(out, 16, "%u.%u.%u.%u", a[12], a[13], a[14],
				a[15]) > 0;
	return 0;
}

/* Is in an IPv6 address, bare or bracketed, maybe in a link? */
int norm_is_ipv6(const char *in, size_t len)
{
	char out[64];
	struct norm_url u;
	if (ipv6_canon(in, len, out) >= 0)
		return 1;
	norm_url_split(in, len, &u);
	return u.host_len > 0 && in[u.host_off] == '[' &&
	       ipv6_canon(in + u.host_off, u.host_len, out) >= 0;
}

int norm_is_domain(const char *in, size_t len)
{
	struct norm_url u;
	norm_url_split(in, len, &u);
	if (u.host_len == 0)
		return 0;
	if (u.scheme_len > 0)
		return 1;
	/* "user@example.com" is an e-mail address, not a link */
	if (memchr(in, '@', u.host_off))
		return 0;
	const char *h = in + u.host_off;
	size_t n = u.host_len;
	if (n > 0 && h[n - 1] == '.')
		n--;
	size_t last = 0;
	int dot = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c == '.') {
			if (i == 0 || h[i - 1] == '.')
				return 0;
			dot = 1;
			last = i + 1;
		} else if (!(c >= 0x80 || (c >= 'a' && c <= 'z') ||
			     (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			     c == '-' || c == '_')) {
			return 0;
		}
	}
	if (!dot || last >= n)
		return 0;
	if (ipv4(h, n))
		return 1;
	/* The top-level label has a letter (not "079.555.5373"). */
	for (size_t i = last; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c >= 0x80 || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			return 1;
	}
	return 0;
}

int norm_is_email(const char *in, size_t len)
{
	const char *at = memchr(in, '@', len);
	if (norm_prefix_ci(in, len, "mailto:"))
		return 1;
	if (!at || at == in || !memchr(at, '.', len - (size_t)(at - in)))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (in[i] == '/' || in[i] == ':' || in[i] == ' ')
			return 0; /* a scheme, a path, a port: a link */
	return 1;
}

int norm_domain(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	struct norm_url u;
	if (norm_is_email(in, len))
		return norm_fail(err, SDX_EKIND, SDX_KIND_DOMAIN, 0,
				 "domain: an e-mail address, not a link; "
				 "scamdex keeps no e-mail addresses (its host "
				 "would flag every address there)");
	/* a bare IPv6 address: its colons are no port */
	int v6 = ipv6_canon(in, len, out);
	if (v6 >= 0)
		return v6;
	norm_url_split(in, len, &u);
	int rc = norm_link_space(in, len, &u, err);
	return rc ? rc : norm_domain_url(in, &u, out, err);
}

/* A leading "www." dropped while at least three labels remain (repeated,
 * so that the result is its own canonical form). */
static size_t drop_www(char *out, size_t m, size_t labels)
{
	while (labels >= 3 && !memcmp(out, "www.", 4)) {
		memmove(out, out + 4, m - 4 + 1);
		m -= 4;
		labels--;
	}
	return m;
}

/* Each byte of a host name: lower-cased when it is allowed in the usual
 * host ([a-z0-9_] from '0' up, '-' and '.' below), else 0. */
#define HM(x)                                                                  \
	((x) >= 'A' && (x) <= 'Z' ? (x) + ('a' - 'A')                          \
	 : ((x) >= 'a' && (x) <= 'z') || ((x) >= '0' && (x) <= '9') ||         \
		 (x) == '_' || (x) == '-' || (x) == '.'                        \
	     ? (x)                                                             \
	     : 0)
#define HM4(b) HM(b), HM(b + 1), HM(b + 2), HM(b + 3)
#define HM16(b) HM4(b), HM4(b + 4), HM4(b + 8), HM4(b + 12)
#define HM64(b) HM16(b), HM16(b + 16), HM16(b + 32), HM16(b + 48)
static const unsigned char host_map[256] = {HM64(0), HM64(64), HM64(128),
					    HM64(192)};

/* The usual host ("Login.Example.com"): ASCII, at most HOST_MAX bytes,
 * every label valid, no punycode ("xn--"). Lower-cased into out in one
 * pass, its canonical length; -1 for anything else (also every host the
 * rules below refuse), which the full rules then answer, errors included.
 * The same canonical form as the full rules give. */
static int host_fast(const char *h, size_t n, char *out)
{
	size_t start = 0, labels = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = host_map[(unsigned char)h[i]];
		out[i] = (char)c;
		if (c >= '0')
			continue; /* a letter, a digit or '_' */
		if (c == '-') {
			/* a label cannot start with '-'; "xn--" goes to
			 * libidn2 */
			if (i == start ||
			    (i >= start + 3 && out[i - 1] == '-' &&
			     out[i - 2] == 'n' && out[i - 3] == 'x'))
				return -1;
		} else if (c == '.') {
			if (i == start || i - start > LABEL_MAX ||
			    out[i - 1] == '-')
				return -1;
			labels++;
			start = i + 1;
		} else {
			return -1;
		}
	}
	if (n == start || n - start > LABEL_MAX || out[n - 1] == '-')
		return -1;
	labels++;
	/* the top-level label not all digits */
	size_t k = start;
	while (k < n && out[k] >= '0' && out[k] <= '9')
		k++;
	if (labels < 2 || k == n)
		return -1;
	out[n] = '\0';
	return (int)drop_www(out, n, labels);
}

int norm_domain_url(const char *in, const struct norm_url *up, char *out,
		    sdx_norm_error *err)
{
	const struct norm_url u = *up;
	int v6;
	const char *h = in + u.host_off;
	size_t n = u.host_len, base = u.host_off;
	if (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_DOMAIN, base,
				 "domain: no host name");
	if (h[0] == '[') {
		v6 = ipv6_canon(h, u.host_len, out);
		if (v6 < 0)
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_DOMAIN,
					 base,
					 "domain: '%.*s' is not an IPv6 "
					 "address",
					 n > 60 ? 60 : (int)n, h);
		return v6;
	}
	int v4 = ipv4_canon(h, u.host_len, out);
	if (v4 >= 0)
		return v4;
	if (n <= HOST_MAX) {
		int fast = host_fast(h, n, out);
		if (fast >= 0)
			return fast;
	}
	if (n > HOST_MAX * 4)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_DOMAIN, base,
				 "domain: host name longer than %d characters",
				 HOST_MAX);
	int ascii = 1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)h[i] >= 0x80)
			ascii = 0;
	size_t m;
	if (ascii) {
		if (n > HOST_MAX)
			return norm_fail(err, SDX_ELENGTH, SDX_KIND_DOMAIN,
					 base + HOST_MAX,
					 "domain: host name longer than %d "
					 "characters",
					 HOST_MAX);
		for (size_t i = 0; i < n; i++) {
			char c = h[i];
			out[i] =
			    (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		m = n;
		out[m] = '\0';
		/* Punycode labels must decode: let libidn2 judge them. */
		if (strstr(out, "xn--")) {
			uint8_t *res = NULL;
			int rc = idn2_lookup_u8((const uint8_t *)out, &res,
						IDN2_NONTRANSITIONAL);
			idn2_free(res);
			if (rc != IDN2_OK)
				return norm_fail(
				    err, SDX_ESYNTAX, SDX_KIND_DOMAIN, base,
				    "domain: IDNA: %s", idn2_strerror(rc));
		}
	} else {
		char tmp[HOST_MAX * 4 + 1];
		uint8_t *res = NULL;
		memcpy(tmp, h, n);
		tmp[n] = '\0';
		int rc = idn2_lookup_u8((const uint8_t *)tmp, &res,
					IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK)
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_DOMAIN,
					 base, "domain: IDNA: %s",
					 idn2_strerror(rc));
		m = strlen((const char *)res);
		if (m > HOST_MAX) {
			idn2_free(res);
			return norm_fail(err, SDX_ELENGTH, SDX_KIND_DOMAIN,
					 base,
					 "domain: host name longer than %d "
					 "characters in punycode",
					 HOST_MAX);
		}
		memcpy(out, res, m);
		idn2_free(res);
	}
	out[m] = '\0';

	/* Labels: 1..63 of [a-z0-9-], no hyphen at either end; two at
	 * least; the last not all digits unless the host is an IPv4
	 * address. Offsets are exact for ASCII hosts. */
	size_t start = 0, labels = 0;
	int alldigit = 1;
	for (size_t i = 0; i <= m; i++) {
		size_t at = ascii ? base + i : base;
		if (i == m || out[i] == '.') {
			size_t l = i - start;
			if (l == 0)
				return norm_fail(err, SDX_ESYNTAX,
						 SDX_KIND_DOMAIN, at,
						 "domain: empty label");
			if (l > LABEL_MAX)
				return norm_fail(err, SDX_ELENGTH,
						 SDX_KIND_DOMAIN,
						 ascii ? base + start : base,
						 "domain: label of %zu "
						 "characters, at most %d",
						 l, LABEL_MAX);
			if (out[start] == '-' || out[i - 1] == '-')
				return norm_fail(
				    err, SDX_ESYNTAX, SDX_KIND_DOMAIN,
				    ascii ? base + (out[start] == '-' ? start
								      : i - 1)
					  : base,
				    "domain: a label cannot start "
				    "or end with '-'");
			labels++;
			if (i < m)
				alldigit = 1;
			start = i + 1;
			continue;
		}
		char c = out[i];
		/* '_' is not in the host name rules (RFC 952), but DNS and
		 * browsers take it, and phishing hosts use it */
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_DOMAIN, at,
					 "domain: '%c' is not allowed in a "
					 "host name",
					 c);
		if (c < '0' || c > '9')
			alldigit = 0;
	}
	if (labels < 2)
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_DOMAIN, base,
				 "domain: a host name needs at least two "
				 "labels");
	if (alldigit && !ipv4(out, m))
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_DOMAIN, base,
				 "domain: the top-level label is all digits");
	return (int)drop_www(out, m, labels);
}
