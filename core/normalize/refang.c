/* refang.c: defanged indicators as analysts paste them, made live again
 * for look-up: "hxxps://evil[.]com/x", "evil(.)com", "evil{.}com",
 * "evil[dot]com", "https[:]//evil.com", "hxxp[://]evil.com". Only these
 * marks are rewritten, and "hxxp(s)" only where it is a scheme (followed by
 * "://" or a mark standing for it); everything else is copied as it is. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "norm.h"

static const struct {
	const char *from, *to;
} marks[] = {
    {"[.]", "."},     {"(.)", "."},   {"{.}", "."},
    {"[dot]", "."},   {"(dot)", "."}, {"[:]//", "://"},
    {"[://]", "://"}, {"[:]", ":"},   {"[/]", "/"},
};

/* The mark at in[i] (one of marks[]), its length, or 0. */
static size_t mark_at(const char *in, size_t len, size_t i, size_t *m_out)
{
	if (in[i] != '[' && in[i] != '(' && in[i] != '{')
		return 0;
	for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
		size_t n = strlen(marks[m].from);
		if (n <= len - i && !strncasecmp(in + i, marks[m].from, n)) {
			if (m_out)
				*m_out = m;
			return n;
		}
	}
	return 0;
}

/* "hxxp://", "hXXps[:]//" at the start: the scheme defanged. Only a scheme
 * followed by its separator ("://", or a mark that stands for it) is one:
 * "hxxps077.fb" or "hxxp.evil.com" is a host name that happens to start
 * with those letters, copied as it is (else a canonical form starting with
 * them would not normalize to itself). The scheme's length, or 0. */
static size_t scheme(const char *in, size_t len, const char **live)
{
	size_t n;
	if (norm_prefix_ci(in, len, "hxxps")) {
		n = 5;
		*live = "https";
	} else if (norm_prefix_ci(in, len, "hxxp")) {
		n = 4;
		*live = "http";
	} else {
		return 0;
	}
	size_t m;
	if (norm_prefix_ci(in + n, len - n, "://") ||
	    (n < len && mark_at(in, len, n, &m) && marks[m].to[0] == ':'))
		return n;
	return 0;
}

/* Does any of the eight bytes in v hold '(', '[' or '{'? (A zero byte of
 * v ^ c marks c; the test below finds whether there is one.) */
static int has_opener(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ull,
		       highs = 0x8080808080808080ull;
	uint64_t a = v ^ (ones * '('), b = (v | (ones * 0x20)) ^ (ones * '{');
	return (((a - ones) & ~a) | ((b - ones) & ~b)) & highs ? 1 : 0;
}

int norm_is_defanged(const char *in, size_t len)
{
	const char *live;
	/* "hxxp": only an 'h' then an 'x' can start a defanged scheme */
	if (len >= 2 && (in[0] | 0x20) == 'h' && (in[1] | 0x20) == 'x' &&
	    scheme(in, len, &live))
		return 1;
	/* every mark opens with '[', '(' or '{' ('[' | 0x20 is '{'); most
	 * inputs have none: eight bytes at a time, each group with one
	 * looked at byte by byte */
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, in + i, 8);
		if (!has_opener(v))
			continue;
		for (size_t k = i; k < i + 8 && k + 2 < len; k++)
			if (mark_at(in, len, k, NULL))
				return 1;
	}
	for (; i + 2 < len; i++)
		if (mark_at(in, len, i, NULL))
			return 1;
	return 0;
}

size_t norm_refang(const char *in, size_t len, char *out, size_t outsize)
{
	size_t o = 0, i = 0;
	const char *live;
	if (outsize < len + 1)
		return 0;
	size_t s = scheme(in, len, &live);
	if (s) {
		memcpy(out, live, s);
		i = o = s;
	}
	while (i < len) {
		size_t m, n = mark_at(in, len, i, &m);
		if (n) {
			size_t t = strlen(marks[m].to);
			memcpy(out + o, marks[m].to, t);
			o += t;
			i += n;
		} else {
			out[o++] = in[i++];
		}
	}
	out[o] = '\0';
	return o;
}
