/* refang.c: defanged indicators as analysts paste them, made live again
 * for look-up: "hxxps://evil[.]com/x", "evil(.)com", "evil{.}com",
 * "evil[dot]com", "https[:]//evil.com", "hxxp[://]evil.com". Only these
 * marks are rewritten, and "hxxp(s)" only where it is a scheme (followed by
 * "://" or a mark standing for it); everything else is copied as it is. */
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

int norm_is_defanged(const char *in, size_t len)
{
	const char *live;
	if (scheme(in, len, &live))
		return 1;
	for (size_t i = 0; i + 2 < len; i++)
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
