/* refang.c: defanged indicators as analysts paste them, made live again
 * for look-up: "hxxps://evil[.]com/x", "evil(.)com", "evil{.}com",
 * "evil[dot]com", "https[:]//evil.com", "hxxp[://]evil.com". Only these
 * marks are rewritten; everything else is copied as it is. */
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

/* "hxxp", "hxxps", "hXXp", "fxp" at the start: the scheme defanged */
static size_t scheme(const char *in, size_t len, char *out)
{
	if (norm_prefix_ci(in, len, "hxxps")) {
		memcpy(out, "https", 5);
		return 5;
	}
	if (norm_prefix_ci(in, len, "hxxp")) {
		memcpy(out, "http", 4);
		return 4;
	}
	return 0;
}

int norm_is_defanged(const char *in, size_t len)
{
	if (norm_prefix_ci(in, len, "hxxp"))
		return 1;
	for (size_t i = 0; i + 2 < len; i++) {
		if (in[i] != '[' && in[i] != '(' && in[i] != '{')
			continue;
		for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
			size_t n = strlen(marks[m].from);
			if (n <= len - i &&
			    !strncasecmp(in + i, marks[m].from, n))
				return 1;
		}
	}
	return 0;
}

size_t norm_refang(const char *in, size_t len, char *out, size_t outsize)
{
	size_t o = 0, i = 0;
	if (outsize < len + 1)
		return 0;
	size_t s = scheme(in, len, out);
	if (s) {
		i = s;
		o = s;
	}
	while (i < len) {
		int hit = 0;
		if (in[i] == '[' || in[i] == '(' || in[i] == '{') {
			for (size_t m = 0; m < sizeof marks / sizeof marks[0];
			     m++) {
				size_t n = strlen(marks[m].from);
				if (n <= len - i &&
				    !strncasecmp(in + i, marks[m].from, n)) {
					size_t t = strlen(marks[m].to);
					memcpy(out + o, marks[m].to, t);
					o += t;
					i += n;
					hit = 1;
					break;
				}
			}
		}
		if (!hit)
			out[o++] = in[i++];
	}
	out[o] = '\0';
	return o;
}
