/* phone.c: phone numbers to E.164 ("+84795555373").
 *
 * Order (identifier-formats.md 1.5): drop separators, read the
 * international prefix ('+', "00") or the trunk 0, drop a redundant trunk
 * 0 after 84, renumber old prefixes (0162 -> 032, 0992 -> 0672), then
 * check the national number against the mobile prefixes or the fixed-line
 * area codes, or take it as a 1800/1900 service number; a number that is
 * none of those may be a landline with its area code from before 2017
 * (04 -> 024). Foreign numbers
 * keep their digits after a valid country code. No allocation; offsets
 * point at the digit that is wrong. */
#include <pthread.h>
#include <string.h>

#include "norm.h"

/* More digits than any accepted form ("0084" + 10 + a few spare). */
#define MAXD 20

struct digits {
	char d[MAXD];
	size_t off[MAXD]; /* input offset of each digit */
	int n;
	int plus; /* a leading '+' */
};

/* ITU-T E.164 country codes in service (prefix-free). 84 is handled
 * apart. */
static const uint16_t cc1[] = {1, 7};
static const uint16_t cc2[] = {
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46,
    47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63,
    64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
};
static const uint16_t cc3[] = {
    211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229,
    230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244,
    245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260,
    261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298, 299, 350,
    351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375,
    376, 377, 378, 379, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423,
    500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593, 594,
    595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676, 677, 678, 679, 680,
    681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850, 852,
    853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961, 962, 963,
    964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992,
    993, 994, 995, 996, 998,
};

static int in_sorted(const uint16_t *t, size_t n, int v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t[mid] == v)
			return 1;
		if (t[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int country_code_len(const char *d, int n)
{
	int v = 0;
	for (int l = 1; l <= 3 && l <= n; l++) {
		v = v * 10 + (d[l - 1] - '0');
		if ((l == 1 && in_sorted(cc1, 2, v)) ||
		    (l == 2 && in_sorted(cc2, sizeof cc2 / sizeof cc2[0], v)) ||
		    (l == 3 && in_sorted(cc3, sizeof cc3 / sizeof cc3[0], v)))
			return l;
	}
	return 0;
}

/* Longest row of t (sorted by len, value) that prefixes d[0..m). */
static const struct norm_prefix *
find_prefix_search(const struct norm_prefix *t, size_t n, const char *d, int m)
{
	const struct norm_prefix *best = NULL;
	int v = 0;
	for (int l = 1; l <= 4 && l <= m; l++) {
		v = v * 10 + (d[l - 1] - '0');
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (t[mid].len == l && t[mid].value == v) {
				best = &t[mid];
				break;
			}
			if (t[mid].len < l ||
			    (t[mid].len == l && t[mid].value < v))
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return best;
}

/* The prefix tables indexed by a number's first three digits: the longest
 * entry of at most three digits that matches them, and whether a longer
 * entry starts with them (then the search decides). Built once. */
struct prefix_index {
	int16_t best[1000]; /* entry, -1: none */
	uint8_t longer[1000];
};
static struct prefix_index mobile_index, area_index;
/* 3-digit starts some renumbered prefix may begin with */
static uint8_t renumber_start[1000];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static int pow10i(int e)
{
	int p = 1;
	while (e-- > 0)
		p *= 10;
	return p;
}

/* The 3-digit starts a prefix of len digits covers: [*lo, *hi). */
static void starts_of(int len, int value, int *lo, int *hi)
{
	if (len <= 3) {
		*lo = value * pow10i(3 - len);
		*hi = (value + 1) * pow10i(3 - len);
	} else {
		*lo = value / pow10i(len - 3);
		*hi = *lo + 1;
	}
}

static void index_table(struct prefix_index *x, const struct norm_prefix *t,
			size_t n)
{
	for (int p = 0; p < 1000; p++)
		x->best[p] = -1;
	for (size_t i = 0; i < n; i++) {
		int lo, hi;
		starts_of(t[i].len, t[i].value, &lo, &hi);
		for (int p = lo; p < hi && p < 1000; p++) {
			if (t[i].len > 3)
				x->longer[p] = 1;
			else if (x->best[p] < 0 || t[x->best[p]].len < t[i].len)
				x->best[p] = (int16_t)i;
		}
	}
}

static void index_build(void)
{
	index_table(&mobile_index, norm_mobile, norm_mobile_count);
	index_table(&area_index, norm_area, norm_area_count);
	for (size_t r = 0; r < norm_renumber_count; r++) {
		int lo, hi;
		starts_of(norm_renumber[r].old_len, norm_renumber[r].old_value,
			  &lo, &hi);
		for (int p = lo; p < hi && p < 1000; p++)
			renumber_start[p] = 1;
	}
}

static int first3(const char *d)
{
	return (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
}

/* The longest entry of t (sorted by length, then value) that is a prefix
 * of the m digits d. */
static const struct norm_prefix *find_prefix(const struct norm_prefix *t,
					     size_t n, const char *d, int m)
{
	const struct prefix_index *x = t == norm_mobile ? &mobile_index
				       : t == norm_area ? &area_index
							: NULL;
	if (x && m >= 3) {
		pthread_once(&index_once, index_build);
		int p = first3(d);
		if (!x->longer[p])
			return x->best[p] < 0 ? NULL : &t[x->best[p]];
	}
	return find_prefix_search(t, n, d, m);
}

static int is_uni_separator(int32_t cp)
{
	switch (cp) {
	case 0x00A0:
	case 0x00AD:
	case 0x200B:
	case 0x2060:
	case 0x2212:
	case 0x2053:
	case 0x223C:
	case 0x30FC:
	case 0x3000:
	case 0xFF08:
	case 0xFF09:
	case 0xFF3B:
	case 0xFF3D:
	case 0xFF5E:
		return 1;
	default:
		return (cp >= 0x2010 && cp <= 0x2015) ||
		       (cp >= 0xFF0D && cp <= 0xFF0F);
	}
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t norm_phone_ext(const char *in, size_t len)
{
	/* the extension's digits at the end */
	size_t e = len;
	while (e > 0 && is_digit(in[e - 1]))
		e--;
	if (e == len || len - e > 6 || e == 0)
		return len;
	size_t w = e;
	while (w > 0 &&
	       (in[w - 1] == ' ' || in[w - 1] == '.' || in[w - 1] == ':'))
		w--;
	static const char *const words[] = {"extension", "ext", "x", "#"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t n = strlen(words[i]);
		if (w < n || !norm_prefix_ci(in + w - n, n, words[i]))
			continue;
		size_t b = w - n;
		/* the word stands alone, or right after the number ("x12") */
		if (b == 0)
			return len;
		char c = in[b - 1];
		if (c != ' ' && c != ',' && c != ';' &&
		    !(is_digit(c) && words[i][0] == 'x'))
			continue;
		while (b > 0 && (in[b - 1] == ' ' || in[b - 1] == ',' ||
				 in[b - 1] == ';'))
			b--;
		return b;
	}
	return len;
}

/* The plain form: an optional '+' and 1 to MAXD digits, as every
 * canonical form and most typed numbers are. 1 with dg filled as the
 * loop below fills it; 0 for anything else (the loop decides). No
 * extension can end such a form: norm_phone_ext wants a word or a
 * separator before the extension's digits. */
static int scan_plain(const char *in, size_t len, struct digits *dg)
{
	size_t p = len > 0 && in[0] == '+';
	if (len == p || len - p > MAXD)
		return 0;
	for (size_t i = p; i < len; i++)
		if (!is_digit(in[i]))
			return 0;
	dg->plus = (int)p;
	dg->n = (int)(len - p);
	for (size_t i = p; i < len; i++) {
		dg->off[i - p] = i;
		dg->d[i - p] = in[i];
	}
	return 1;
}

static int scan(const char *in, size_t len, struct digits *dg,
		sdx_norm_error *err)
{
	size_t i = 0;
	if (scan_plain(in, len, dg))
		return 0;
	len = norm_phone_ext(in, len); /* an extension is dropped */
	dg->n = 0;
	dg->plus = 0;
	if (len > 0 && (in[0] == 't' || in[0] == 'T') &&
	    norm_prefix_ci(in, len, "tel:"))
		i = 4;
	while (i < len) {
		unsigned char c = (unsigned char)in[i];
		int32_t cp = c;
		int step = 1;
		if (c >= 0x80) {
			step = norm_utf8(in + i, len - i, &cp);
			if (step < 0)
				return norm_fail(err, SDX_EUTF8, SDX_KIND_PHONE,
						 i, "phone: invalid UTF-8");
			if (cp >= 0xFF10 && cp <= 0xFF19)
				cp = '0' + (cp - 0xFF10);
			else if (cp == 0xFF0B)
				cp = '+';
			else if (is_uni_separator(cp))
				cp = ' ';
			else
				return norm_fail(err, SDX_ESYNTAX,
						 SDX_KIND_PHONE, i,
						 "phone: unexpected character "
						 "U+%04X",
						 (unsigned)cp);
		}
		if (cp >= '0' && cp <= '9') {
			if (dg->n == MAXD)
				return norm_fail(
				    err, SDX_ELENGTH, SDX_KIND_PHONE, i,
				    "phone: more than %d digits", MAXD);
			dg->off[dg->n] = i;
			dg->d[dg->n++] = (char)cp;
		} else if (cp == '+') {
			if (dg->n > 0 || dg->plus)
				return norm_fail(err, SDX_ESYNTAX,
						 SDX_KIND_PHONE, i,
						 "phone: '+' is allowed only "
						 "before the first digit");
			dg->plus = 1;
		} else if (cp == ' ' || cp == '\t' || cp == '.' || cp == '-' ||
			   cp == '(' || cp == ')' || cp == '/' || cp == '[' ||
			   cp == ']' || cp == '~') {
			/* separator */
		} else if ((cp >= 'a' && cp <= 'z') ||
			   (cp >= 'A' && cp <= 'Z')) {
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_PHONE, i,
					 "phone: letter '%c' where a digit "
					 "was expected",
					 (char)cp);
		} else {
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_PHONE, i,
					 "phone: unexpected character '%c'",
					 (char)cp);
		}
		i += (size_t)step;
	}
	if (dg->n == 0)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE, len,
				 "phone: no digits");
	return 0;
}

/* "+855 (0)12 345 678", "+44 (0)20 ...": a trunk 0 in parentheses
 * after the country code is not dialled from abroad and not part of the
 * number (as "+84 (0)912..."); dg without it in t, 1 if there was one. */
static int drop_paren_trunk(const struct digits *dg, int s, const char *in,
			    size_t len, struct digits *t)
{
	int cl = country_code_len(dg->d + s, dg->n - s), z = s + cl;
	if (cl == 0 || z >= dg->n || dg->d[z] != '0' || dg->off[z] == 0 ||
	    in[dg->off[z] - 1] != '(' || dg->off[z] + 1 >= len ||
	    in[dg->off[z] + 1] != ')')
		return 0;
	*t = *dg;
	memmove(t->d + z, t->d + z + 1, (size_t)(t->n - z - 1));
	memmove(t->off + z, t->off + z + 1,
		(size_t)(t->n - z - 1) * sizeof *t->off);
	t->n--;
	return 1;
}

static int foreign(const struct digits *dg, int s, const char *in, size_t len,
		   char *out, sdx_norm_error *err)
{
	struct digits t;
	if (drop_paren_trunk(dg, s, in, len, &t))
		dg = &t;
	int m = dg->n - s;
	if (m == 0)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE, len,
				 "phone: no digits after the international "
				 "prefix");
	if (dg->d[s] == '0')
		return norm_fail(err, SDX_EPREFIX, SDX_KIND_PHONE, dg->off[s],
				 "phone: a country code never starts with 0");
	if (country_code_len(dg->d + s, m) == 0)
		return norm_fail(err, SDX_EPREFIX, SDX_KIND_PHONE, dg->off[s],
				 "phone: +%.*s is not an assigned country "
				 "code",
				 m < 3 ? m : 3, dg->d + s);
	if (m > 15)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE,
				 dg->off[s + 15],
				 "phone: %d digits after +, E.164 allows at "
				 "most 15",
				 m);
	if (m < 7)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE, len,
				 "phone: %d digits after +, too short for an "
				 "international number (at least 7)",
				 m);
	/* Fixed lengths where a country code has one: NANP (+1) is
	 * NPA-NXX-XXXX with N = 2..9, Russia and Kazakhstan (+7) 10 digits
	 * after the code. They keep account numbers like 0011004012345
	 * from passing for "00" + a +1 number. */
	const char *d = dg->d + s;
	if (d[0] == '1' && (m != 11 || d[1] < '2' || d[4] < '2'))
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE, dg->off[s],
				 "phone: +1 numbers are 10 digits NXX NXX XXXX "
				 "(N = 2..9)");
	if (d[0] == '7' && m != 11)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE, dg->off[s],
				 "phone: +7 numbers have 10 digits after the "
				 "country code, got %d",
				 m - 1);
	out[0] = '+';
	memcpy(out + 1, dg->d + s, (size_t)m);
	out[m + 1] = '\0';
	return m + 1;
}

static int emit_vn(char *out, const char *a, int na, const char *b, int nb)
{
	memcpy(out, "+84", 3);
	memcpy(out + 3, a, (size_t)na);
	memcpy(out + 3 + na, b, (size_t)nb);
	out[3 + na + nb] = '\0';
	return 3 + na + nb;
}

/* libphonenumber's VN mobile ranges (9-digit national numbers):
 * 121[0-3]\d{5} | (1[46]0 | 3\d\d | 7[06-9]\d | 5([1689]\d | 2[238] | 59)
 * | 8([1-8]\d | 9[6-9]) | 9([0-8]\d | 9[013-9]))\d{6}. A number in
 * them is a mobile number even where the prefix table (the reference
 * data) has no row (0140); where the table is wider (052, 055, 089 as
 * whole prefixes), the table is kept: a deliberate difference, in
 * scamdex(1). */
static int lpn_mobile(const char *d)
{
	char a = d[0], b = d[1], c = d[2];
	switch (a) {
	case '1':
		return (b == '2' && c == '1' && d[3] >= '0' && d[3] <= '3') ||
		       ((b == '4' || b == '6') && c == '0');
	case '3':
		return 1;
	case '5':
		return b == '1' || b == '6' || b == '8' || b == '9' ||
		       (b == '2' && (c == '2' || c == '3' || c == '8')) ||
		       (b == '5' && c == '9');
	case '7':
		return b == '0' || (b >= '6' && b <= '9');
	case '8':
		return (b >= '1' && b <= '8') || (b == '9' && c >= '6');
	case '9':
		return (b >= '0' && b <= '8') || (b == '9' && c != '2');
	default:
		return 0;
	}
}

/* The national significant number d[s..n): validate and emit. form says
 * what came before it ("after the trunk prefix"), for messages. */
static int current_national(const struct digits *dg, int s, const char *form,
			    size_t len, char *out, sdx_norm_error *err)
{
	const char *d = dg->d + s;
	int m = dg->n - s;
	if (m > 0 && d[0] == '0')
		return norm_fail(err, SDX_EPREFIX, SDX_KIND_PHONE, dg->off[s],
				 "phone: a national number never starts "
				 "with 00");
	/* Service numbers, dialled without a trunk 0 (identifier-formats.md
	 * 1.1): toll-free 1800 and premium 1900 with 4..6 more digits, and
	 * toll-free 1201/1203/1228 with 4 (bank and police hotlines). */
	if (m >= 4 && d[0] == '1') {
		int svc = !memcmp(d, "1800", 4) || !memcmp(d, "1900", 4);
		if (svc && m >= 8 && m <= 10)
			return emit_vn(out, d, m, "", 0);
		if (!svc && m == 8 &&
		    (!memcmp(d, "1201", 4) || !memcmp(d, "1203", 4) ||
		     !memcmp(d, "1228", 4)))
			return emit_vn(out, d, m, "", 0);
		if (svc)
			return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE,
					 m > 10 ? dg->off[s + 10] : len,
					 "phone: %.4s numbers take 4 to 6 more "
					 "digits, got %d",
					 d, m - 4);
	}
	/* VoIP (VSAT) 672 + 6 digits; national-only UAN numbers [17]99 + 4
	 * and 69 + 5 or 6 digits (libphonenumber's VN metadata) */
	if (m == 9 && !memcmp(d, "672", 3))
		return emit_vn(out, d, m, "", 0);
	if ((m == 7 && (!memcmp(d, "199", 3) || !memcmp(d, "799", 3))) ||
	    ((m == 7 || m == 8) && !memcmp(d, "69", 2)))
		return emit_vn(out, d, m, "", 0);
	if (m < 9 || m > 10)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE,
				 m > 10 ? dg->off[s + 10] : len,
				 "phone: %d digits %s, expected 9 or 10", m,
				 form);

	/* Renumbered prefixes: the new prefix plus the unchanged rest. */
	pthread_once(&index_once, index_build);
	int pv[5] = {0};
	for (int k = 0; k < 4; k++)
		pv[k + 1] = pv[k] * 10 + (d[k] - '0');
	for (size_t r = 0; renumber_start[pv[3]] && r < norm_renumber_count;
	     r++) {
		const struct norm_renumber *rn = &norm_renumber[r];
		if (pv[rn->old_len] != rn->old_value ||
		    m != 9 - rn->new_len + rn->old_len)
			continue;
		char np[4];
		for (int k = rn->new_len - 1, x = rn->new_value; k >= 0;
		     k--, x /= 10)
			np[k] = (char)('0' + x % 10);
		return emit_vn(out, np, rn->new_len, d + rn->old_len,
			       m - rn->old_len);
	}

	if (d[0] == '2') {
		const struct norm_prefix *a =
		    find_prefix(norm_area, norm_area_count, d, m);
		if (!a)
			return norm_fail(err, SDX_EPREFIX, SDX_KIND_PHONE,
					 dg->off[s],
					 "phone: area code 0%.3s is not "
					 "assigned",
					 d);
		if (m != 10)
			return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE, len,
					 "phone: area code 0%.*s takes %d "
					 "subscriber digits, got %d",
					 a->len, d, 10 - a->len, m - a->len);
		/* Hanoi 024 and HCMC 028: subscriber numbers start 2-8 and
		 * 2-9 (libphonenumber) */
		if (d[1] == '4' || d[1] == '8') {
			char f = d[2];
			if (f < '2' || f > (d[1] == '4' ? '8' : '9'))
				return norm_fail(err, SDX_EPREFIX,
						 SDX_KIND_PHONE, dg->off[s + 2],
						 "phone: no subscriber number "
						 "of area code 02%c starts "
						 "with %c",
						 d[1], f);
		}
		return emit_vn(out, d, m, "", 0);
	}
	if (d[0] == '1' && m == 10)
		return norm_fail(err, SDX_EPREFIX, SDX_KIND_PHONE, dg->off[s],
				 "phone: old 11-digit prefix 0%.3s was never "
				 "assigned",
				 d);
	const struct norm_prefix *p =
	    find_prefix(norm_mobile, norm_mobile_count, d, m);
	if (!p && m == 9 && lpn_mobile(d))
		return emit_vn(out, d, m, "", 0);
	if (!p)
		return norm_fail(err, SDX_EPREFIX, SDX_KIND_PHONE, dg->off[s],
				 "phone: mobile prefix 0%.*s is not assigned",
				 d[0] == '1' || p ? 3 : 2, d);
	if (m != 9)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_PHONE,
				 dg->off[s + 9],
				 "phone: %d digits %s, mobile prefix 0%.*s "
				 "takes 9",
				 m, form, p->len, d);
	return emit_vn(out, d, m, "", 0);
}

/* A landline written with its area code from before 2017 (04 3825 1234
 * is Hanoi's 024 3825 1234; 0511 382 1234 Da Nang's 0236 382 1234): the
 * new number, or -1. Only for a number that is no valid current one, and
 * not for the old codes starting 02 (020, 0241...): those are also
 * today's area codes mistyped by a digit, which must stay an error. */
static int old_area(const char *d, int m, char *out)
{
	for (size_t r = 0; r < norm_old_area_count; r++) {
		const struct norm_renumber *rn = &norm_old_area[r];
		if (d[0] == '2')
			return -1;
		int v = 0;
		for (int k = 0; k < rn->old_len; k++)
			v = v * 10 + (d[k] - '0');
		if (v != rn->old_value || m != rn->old_len + 10 - rn->new_len)
			continue;
		char np[4];
		for (int k = rn->new_len - 1, x = rn->new_value; k >= 0;
		     k--, x /= 10)
			np[k] = (char)('0' + x % 10);
		/* Hanoi 024 and HCMC 028: subscriber numbers start 2-8, 2-9 */
		char f = d[rn->old_len];
		if (rn->new_len == 2 &&
		    (f < '2' || f > (rn->new_value == 24 ? '8' : '9')))
			return -1;
		return emit_vn(out, np, rn->new_len, d + rn->old_len,
			       m - rn->old_len);
	}
	return -1;
}

/* A current number as it is; else one with an old area code, renumbered;
 * else current_national's error. */
static int national(const struct digits *dg, int s, const char *form,
		    size_t len, char *out, sdx_norm_error *err)
{
	int rc = current_national(dg, s, form, len, out, err);
	if (rc >= 0 || dg->n - s < 9 || dg->n - s > 10 || dg->d[s] == '0')
		return rc;
	int o = old_area(dg->d + s, dg->n - s, out);
	return o >= 0 ? o : rc;
}

int norm_phone(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	struct digits dg;
	int rc = scan(in, len, &dg, err);
	if (rc < 0)
		return rc;
	const char *d = dg.d;
	int n = dg.n;
	int s;
	if (dg.plus || (n >= 2 && d[0] == '0' && d[1] == '0')) {
		s = dg.plus ? 0 : 2;
		if (n - s >= 2 && d[s] == '8' && d[s + 1] == '4') {
			s += 2;
			/* "+84 0912..." carries a redundant trunk 0 */
			if (s < n && d[s] == '0')
				s++;
			return national(&dg, s, "after country code 84", len,
					out, err);
		}
		return foreign(&dg, s, in, len, out, err);
	}
	if (d[0] == '0')
		return national(&dg, 1, "after the trunk prefix", len, out,
				err);
	/* "84" without '+': length decides (identifier-formats.md 1.5):
	 * 84 + 9 or 84 + 10 (or 84 0 + 9) is international, anything
	 * else a national number without its trunk 0. */
	if (n >= 11 && n <= 12 && d[0] == '8' && d[1] == '4') {
		s = 2;
		if (d[s] == '0')
			s++;
		return national(&dg, s, "after country code 84", len, out, err);
	}
	return national(&dg, 0, "without a trunk prefix", len, out, err);
}
