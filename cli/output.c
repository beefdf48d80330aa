/* output.c: terminal colour, and the escaping of JSON and CSV output.
 * Nested JSON (show, links, stats) is built with jansson; the check batch
 * writes its flat objects through cli_buf_json_str into one reused buffer,
 * because a jansson object per input costs a dozen allocations. */
#include <csv.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "cli.h"

int cli_color(void)
{
	static int cached = -1;
	if (cached < 0) {
		/* no-color.org: set and not empty */
		const char *nc = getenv("NO_COLOR");
		cached = isatty(STDOUT_FILENO) && !(nc && nc[0]);
	}
	return cached;
}

const char *cli_c(enum cli_color_code c)
{
	static const char *const seq[] = {
	    [CLI_RED] = "\033[1;31m",  [CLI_GREEN] = "\033[1;32m",
	    [CLI_YELLOW] = "\033[33m", [CLI_MAGENTA] = "\033[35m",
	    [CLI_BOLD] = "\033[1m",    [CLI_DIM] = "\033[2m",
	};
	return cli_color() ? seq[c] : "";
}

const char *cli_reset(void)
{
	return cli_color() ? "\033[0m" : "";
}

int cli_buf_reserve(struct cli_buf *b, size_t more)
{
	if (b->cap - b->len >= more)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < more)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

void cli_buf_free(struct cli_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

int cli_buf_put(struct cli_buf *b, const char *s, size_t n)
{
	if (n == 0) /* "" (no colour) into a buffer not yet allocated */
		return 0;
	if (cli_buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

int cli_buf_puts(struct cli_buf *b, const char *s)
{
	return cli_buf_put(b, s, strlen(s));
}

int cli_buf_putc(struct cli_buf *b, char c)
{
	if (cli_buf_reserve(b, 1) != 0)
		return -1;
	b->p[b->len++] = c;
	return 0;
}

int cli_buf_putu(struct cli_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return cli_buf_put(b, tmp + i, sizeof tmp - i);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid
 * (utf8proc: overlong forms, surrogates, beyond U+10FFFF, cut). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t l =
	    utf8proc_iterate(s, n > 4 ? 4 : (utf8proc_ssize_t)n, &cp);
	return l > 0 ? (size_t)l : 0;
}

/* Whether none of 8 bytes needs a thought in a JSON string: none is a
 * control character, '"', '\\' or past ASCII (each test is exact: a
 * byte's borrow reaches the next only from a byte that is itself a hit). */
static inline int json_plain8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t q = v ^ (ones * '"'), bs = v ^ (ones * '\\');
	uint64_t hit = (v & high) | ((v - ones * 0x20) & ~v & high) |
		       ((q - ones) & ~q & high) | ((bs - ones) & ~bs & high);
	return hit == 0;
}

char *cli_json_str_to(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	*o++ = '"';
	char *start = o;
	for (size_t i = 0; i < n;) {
		uint64_t v;
		/* eight plain bytes at a time (the output has room for 6n) */
		if (n - i >= 8 && (memcpy(&v, u + i, 8), json_plain8(v))) {
			memcpy(o, &v, 8);
			o += 8;
			i += 8;
			continue;
		}
		/* the last few bytes of a string copied as it is so far: its
		 * last eight, written again over the ones already out */
		if (n >= 8 && n - i < 8 && (size_t)(o - start) == i &&
		    (memcpy(&v, u + n - 8, 8), json_plain8(v))) {
			memcpy(start + n - 8, &v, 8);
			o = start + n;
			break;
		}
		unsigned c = u[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
			i++;
		} else if (c < 0x20) {
			*o++ = '\\';
			switch (c) {
			case '\n':
				*o++ = 'n';
				break;
			case '\r':
				*o++ = 'r';
				break;
			case '\t':
				*o++ = 't';
				break;
			default:
				memcpy(o, "u00", 3);
				o += 3;
				*o++ = hex[c >> 4];
				*o++ = hex[c & 15];
			}
			i++;
		} else {
			size_t l = utf8_seq(u + i, n - i);
			if (l) {
				memcpy(o, u + i, l);
				o += l;
				i += l;
			} else {
				memcpy(o, "\\ufffd", 6);
				o += 6;
				i++;
			}
		}
	}
	*o++ = '"';
	return o;
}

int cli_buf_json_str(struct cli_buf *b, const char *s, size_t n)
{
	/* worst case: every byte becomes \ufffd (6 bytes) */
	if (cli_buf_reserve(b, CLI_JSON_STR_MAX(n)) != 0)
		return -1;
	b->len = (size_t)(cli_json_str_to(b->p + b->len, s, n) - b->p);
	return 0;
}

int cli_buf_csv_field(struct cli_buf *b, const char *s, size_t n)
{
	int quote = 0;
	for (size_t i = 0; i < n && !quote; i++)
		quote =
		    s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote)
		return cli_buf_put(b, s, n);
	/* libcsv writes the quoted, quote-doubled form (at most 2n+2) */
	if (cli_buf_reserve(b, 2 * n + 2) != 0)
		return -1;
	b->len += csv_write(b->p + b->len, b->cap - b->len, s, n);
	return 0;
}

int cli_json_line(json_t *j)
{
	if (json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
		return -1;
	return putchar('\n') == EOF ? -1 : 0;
}

void cli_amount(int64_t vnd, char buf[32])
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%lld", (long long)vnd);
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = '.';
		buf[o++] = digits[i];
	}
	memcpy(buf + o, " VND", 5);
}

const char *cli_time(long long sec, char buf[32])
{
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, 32, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, 32, "%lld", sec);
	return buf;
}

/* Length of a character that must not reach a terminal at s: C0 controls
 * and DEL, C1 (U+0080..9F), and the bidirectional marks and overrides
 * that make a line read other than it is (U+200E/F, U+202A..202E,
 * U+2066..2069); 0 for any other. */
static size_t unsafe_at(const unsigned char *s, size_t n)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x8e || s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 &&
	    s[2] <= 0xa9)
		return 3;
	return 0;
}

char *cli_safe(const char *s, char *buf, size_t size)
{
	size_t o = 0, n = strlen(s);
	for (size_t i = 0; i < n && o + 1 < size;) {
		size_t bad = unsafe_at((const unsigned char *)s + i, n - i);
		if (bad) {
			buf[o++] = '?';
			i += bad;
		} else {
			buf[o++] = s[i++];
		}
	}
	buf[o] = '\0';
	return buf;
}
