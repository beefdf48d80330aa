/* bank.c: bank look-up by BIN, code or name, name folding, and bank
 * accounts ("VCB 0011 0040 12345" -> "970436:0011004012345").
 *
 * Names are compared in sdx_fold() form with the spaces removed, so
 * "Vietcombank", "VIETCOMBANK" and "Viet com bank" are one key and
 * "Ngân hàng TMCP Á Châu" matches "ngan hang tmcp a chau". The keys are
 * generated into tables.c; where one code names two banks the table keeps
 * one (see gen-tables.py: BVB is BaoViet Bank 970438, as in the reference
 * table's code column). A BIN is never ambiguous, so prefer it. */
#include <string.h>

#include <utf8proc.h>

#include "norm.h"

/* Longest bank text we fold (the longest full name is ~110 bytes). */
#define KEY_MAX 192
/* Account characters after separators are removed. */
#define ACCOUNT_MAX 19
#define ACCOUNT_MIN 4

static int is_keep(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

int sdx_fold(const char *text, size_t len, char *out, size_t outsize)
{
	if (!text || !out || outsize == 0)
		return SDX_EINVAL;
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)text;
	size_t o = 0, i = 0;
	int space = 0;
	out[0] = '\0';
	while (i < len) {
		utf8proc_int32_t cp, dec[24];
		utf8proc_ssize_t n =
		    utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n < 0) {
			out[0] = '\0';
			return SDX_EUTF8;
		}
		i += (size_t)n;
		int last = 0;
		utf8proc_ssize_t k = utf8proc_decompose_char(
		    cp, dec, 24,
		    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
			UTF8PROC_CASEFOLD,
		    &last);
		if (k < 0 || k > 24) {
			space = 1;
			continue;
		}
		for (utf8proc_ssize_t j = 0; j < k; j++) {
			utf8proc_int32_t c = dec[j];
			if (c == 0x0111) /* đ has no decomposition */
				c = 'd';
			if (!is_keep(c)) {
				space = 1;
				continue;
			}
			utf8proc_uint8_t enc[4];
			size_t e = (size_t)utf8proc_encode_char(c, enc);
			if (o + (space && o > 0) + e + 1 > outsize) {
				out[0] = '\0';
				return SDX_ETOOLONG;
			}
			if (space && o > 0)
				out[o++] = ' ';
			space = 0;
			memcpy(out + o, enc, e);
			o += e;
		}
	}
	out[o] = '\0';
	return 0;
}

/* memcmp(a, b, 6) in sign, without a library call per step of the
 * search (a check of a bank account makes one search) */
static int bin_cmp(const char *a, const char *b)
{
	for (int i = 0; i < 6; i++)
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i] ? -1
									 : 1;
	return 0;
}

/* Banks known under two BINs (the reference lists disagree: the State
 * Bank's list and the VietQR lists apps use): an account reported under
 * one is the same account under the other. */
static const char *const bin_aliases[][2] = {
    {"970459", "422589"}, /* CIMB: SBV 1589/NHNN-TT; vietqr.io-style lists */
    {"970468", "977777"}, /* Mirae Asset (MAFC): SBV; vietqr.dart */
};

const char *norm_bank_alias(const char *bin)
{
	for (size_t i = 0; i < sizeof bin_aliases / sizeof *bin_aliases; i++)
		for (int k = 0; k < 2; k++)
			if (!strncmp(bin, bin_aliases[i][k], 6))
				return bin_aliases[i][1 - k];
	return NULL;
}

const sdx_bank_info *sdx_bank_by_bin(const char *bin)
{
	if (!bin)
		return NULL;
	for (int i = 0; i < 6; i++)
		if (bin[i] < '0' || bin[i] > '9')
			return NULL;
	if (bin[6] != '\0')
		return NULL;
	size_t lo = 0, hi = norm_bank_count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = bin_cmp(norm_banks[mid].bin, bin);
		if (c == 0)
			return &norm_banks[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The bank a folded key names; *also (if not NULL) the other bank it
 * names too ("bvb"), else left as it was. */
static const sdx_bank_info *find_key_also(const char *key,
					  const sdx_bank_info **also)
{
	size_t lo = 0, hi = norm_bank_key_count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(norm_bank_keys[mid].key, key);
		if (c == 0) {
			if (also && norm_bank_keys[mid].also >= 0)
				*also = &norm_banks[norm_bank_keys[mid].also];
			return &norm_banks[norm_bank_keys[mid].bank];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const sdx_bank_info *find_key(const char *key)
{
	return find_key_also(key, NULL);
}

/* sdx_bank_lookup, and the other bank the words name too (*also, NULL
 * when they name one): "BVB" is BaoViet Bank in one list, BVBank in
 * another. */
static int lookup_also(const char *text, size_t len, const sdx_bank_info **out,
		       const sdx_bank_info **also)
{
	char key[KEY_MAX];
	if (!text || !out)
		return SDX_EINVAL;
	*out = NULL;
	if (also)
		*also = NULL;
	int rc = sdx_fold(text, len, key, sizeof key);
	if (rc == SDX_ETOOLONG)
		return SDX_EBANK;
	if (rc < 0)
		return rc;
	size_t n = 0;
	for (size_t i = 0; key[i]; i++)
		if (key[i] != ' ')
			key[n++] = key[i];
	key[n] = '\0';
	if (n == 0)
		return SDX_EBANK;
	const sdx_bank_info *b = find_key_also(key, also);
	/* "Ngân hàng Vietcombank", "VCB Bank": the generic words around a
	 * name or code. */
	if (!b && n > 8 && !memcmp(key, "nganhang", 8))
		b = find_key_also(key + 8, also);
	if (!b && n > 4 && !memcmp(key + n - 4, "bank", 4)) {
		key[n - 4] = '\0';
		b = find_key_also(key, also);
	}
	/* "NH TMCP Quân đội", "Military Commercial Joint Stock Bank":
	 * without the generic words (bank_words.c). */
	/* "NH CIMB Bank" is the short name "CIMB Bank", not the code CIMB */
	if (!b && norm_bank_core2(text, len, key, sizeof key, 0) > 0)
		b = find_key(key);
	if (!b && norm_bank_core(text, len, key, sizeof key) > 0) {
		b = find_key(key);
		if (!b)
			b = norm_bank_by_core(key);
	}
	if (!b)
		return SDX_EBANK;
	*out = b;
	return 0;
}

int sdx_bank_lookup(const char *text, size_t len, const sdx_bank_info **out)
{
	return lookup_also(text, len, out, NULL);
}

static int is_acct_sep(char c)
{
	return c == ' ' || c == '\t' || c == '.' || c == '-';
}

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* An account: separators (space, '.', '-') dropped, letters upper-cased,
 * leading zeros kept, ACCOUNT_MIN..ACCOUNT_MAX characters with at least one
 * digit. in[0..len) sits at offset base of the normalizer's input. */
static int account(const char *in, size_t len, size_t base, sdx_kind kind,
		   char *out, sdx_norm_error *err)
{
	const char *what = sdx_kind_name(kind);
	int n = 0, digits = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (is_acct_sep(c))
			continue;
		if (!is_alnum(c)) {
			if ((unsigned char)c >= 0x80)
				return norm_fail(err, SDX_ESYNTAX, kind,
						 base + i,
						 "%s: non-ASCII character in "
						 "the account number",
						 what);
			return norm_fail(err, SDX_ESYNTAX, kind, base + i,
					 "%s: unexpected character '%c' in "
					 "the account number",
					 what, c);
		}
		if (n == ACCOUNT_MAX)
			return norm_fail(err, SDX_ELENGTH, kind, base + i,
					 "%s: account number longer than %d "
					 "characters",
					 what, ACCOUNT_MAX);
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		digits += c >= '0' && c <= '9';
		out[n++] = c;
	}
	if (n == 0)
		return norm_fail(err, SDX_ELENGTH, kind, base + len,
				 "%s: no account number", what);
	if (n < ACCOUNT_MIN)
		return norm_fail(err, SDX_ELENGTH, kind, base + len,
				 "%s: account number of %d characters, at "
				 "least %d",
				 what, n, ACCOUNT_MIN);
	if (digits == 0)
		return norm_fail(err, SDX_ESYNTAX, kind, base,
				 "%s: account number without digits", what);
	out[n] = '\0';
	return n;
}

int norm_account(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	/* "STK 0011004012345", "số tài khoản: 0011004012345": generic
	 * words only beside the number */
	struct norm_bank_parts p;
	int words = 0;
	for (size_t i = 0; i < len && !words; i++)
		words = in[i] == ' ' || in[i] == ':' || in[i] == '\t';
	if (words && norm_bank_parts(in, len, &p) == 0 && p.acct_len &&
	    p.acct_len < len)
		return account(in + p.acct_off, p.acct_len, p.acct_off,
			       SDX_KIND_ACCOUNT, out, err);
	return account(in, len, 0, SDX_KIND_ACCOUNT, out, err);
}

/* ---- "<bank> <account>", "<account> (<bank>)", "STK 0011... NH VCB":
 * the input is cut into tokens at white space and the punctuation people
 * put between a bank's name and a number (':' ',' ';' '|' '/' '(' ')'
 * '[' ']', a dash or en/em dash standing alone). A token with a digit is
 * part of the account; the account is the one run of such tokens; the
 * text before and after it may name the bank. ---- */

static int is_soft_sep(const char *in, size_t len, size_t i, size_t *n)
{
	unsigned char c = (unsigned char)in[i];
	*n = 1;
	if (c == ' ' || c == '\t' || c == ':' || c == ',' || c == ';' ||
	    c == '|' || c == '/' || c == '(' || c == ')' || c == '[' ||
	    c == ']')
		return 1;
	/* en dash, em dash, no-break space, fullwidth colon */
	if (i + 2 < len && c == 0xe2 && (unsigned char)in[i + 1] == 0x80 &&
	    ((unsigned char)in[i + 2] == 0x93 ||
	     (unsigned char)in[i + 2] == 0x94)) {
		*n = 3;
		return 1;
	}
	if (i + 1 < len && c == 0xc2 && (unsigned char)in[i + 1] == 0xa0) {
		*n = 2;
		return 1;
	}
	return 0;
}

struct tok {
	size_t off, len;
	int num;   /* has an ASCII digit */
	int punct; /* only '-', '.', '_' */
};

#define MAX_TOK 48

static int tokens(const char *in, size_t len, struct tok *t)
{
	int nt = 0;
	size_t i = 0, n;
	while (i < len) {
		if (is_soft_sep(in, len, i, &n)) {
			i += n;
			continue;
		}
		if (nt == MAX_TOK)
			return -1;
		struct tok *k = &t[nt++];
		k->off = i;
		k->num = 0;
		k->punct = 1;
		while (i < len && !is_soft_sep(in, len, i, &n)) {
			char c = in[i];
			k->num |= c >= '0' && c <= '9';
			k->punct &= c == '-' || c == '.' || c == '_';
			i++;
		}
		k->len = i - k->off;
	}
	return nt;
}

/* Trim soft separators and lone dashes from both ends of in[*o..*o+*n). */
static void trim(const char *in, size_t *o, size_t *n)
{
	size_t a = *o, e = *o + *n, k;
	while (a < e &&
	       (is_soft_sep(in, e, a, &k) || in[a] == '-' || in[a] == '.'))
		a += is_soft_sep(in, e, a, &k) ? k : 1;
	while (e > a &&
	       (in[e - 1] == ' ' || in[e - 1] == '\t' || in[e - 1] == ':' ||
		in[e - 1] == ',' || in[e - 1] == ';' || in[e - 1] == '|' ||
		in[e - 1] == '/' || in[e - 1] == '(' || in[e - 1] == ')' ||
		in[e - 1] == '[' || in[e - 1] == ']' || in[e - 1] == '-' ||
		in[e - 1] == '.'))
		e--;
	*o = a;
	*n = e - a;
}

/* A text beside the account: 0 nothing there but generic words ("STK",
 * "số tài khoản"), 1 a bank (*bank set), -1 words that name no bank. */
static int bank_text(const char *in, size_t off, size_t n,
		     const sdx_bank_info **bank, const sdx_bank_info **also)
{
	char core[KEY_MAX];
	if (n == 0)
		return 0;
	if (lookup_also(in + off, n, bank, also) == 0)
		return 1;
	int c = norm_bank_core(in + off, n, core, sizeof core);
	if (c == 0)
		return 0;
	return -1;
}

/* The digits at the start of in[0..n): the input is length-bounded, not a
 * C string, so strspn() would read past its end. */
static size_t digit_run(const char *in, size_t n)
{
	size_t k = 0;
	while (k < n && in[k] >= '0' && in[k] <= '9')
		k++;
	return k;
}

int norm_bank_parts(const char *in, size_t len, struct norm_bank_parts *p)
{
	struct tok t[MAX_TOK];
	memset(p, 0, sizeof *p);
	int nt = tokens(in, len, t);
	if (nt < 0)
		return 0;
	int first = -1, last = -1;
	for (int i = 0; i < nt; i++) {
		if (!t[i].num)
			continue;
		if (first < 0)
			first = i;
		else if (last != i - 1) {
			/* a word between two numbers: "12 VCB 34" */
			for (int k = last + 1; k < i; k++)
				if (!t[k].punct)
					return 0;
		}
		last = i;
	}
	size_t a_off, a_end;
	const char *colon = memchr(in, ':', len);
	if (first < 0 && colon) {
		/* "VCB:", "VCB:ABCDEF": the bank, then what stands for the
		 * account (account() says what is wrong with it) */
		a_off = (size_t)(colon - in) + 1;
		while (a_off < len && (in[a_off] == ' ' || in[a_off] == '\t'))
			a_off++;
		a_end = len;
	} else if (first < 0) {
		a_off = a_end = len;
	} else {
		a_off = t[first].off;
		a_end = t[last].off + t[last].len;
	}
	size_t o1 = 0, n1 = a_off, o2 = a_end, n2 = len - a_end;
	trim(in, &o1, &n1);
	trim(in, &o2, &n2);
	p->acct_off = a_off;
	p->acct_len = a_end - a_off;
	const sdx_bank_info *b1 = NULL, *b2 = NULL, *a1 = NULL, *a2 = NULL;
	int r1 = bank_text(in, o1, n1, &b1, &a1),
	    r2 = bank_text(in, o2, n2, &b2, &a2);
	if (r1 < 0 || r2 < 0 || (r1 > 0 && r2 > 0 && b1 != b2)) {
		/* the words that name no bank, for the error */
		int second = r1 >= 0;
		p->word_off = second ? o2 : o1;
		p->word_len = second ? n2 : n1;
		return -1;
	}
	if (r1 > 0 || r2 > 0) {
		p->bank = r1 > 0 ? b1 : b2;
		p->also = r1 > 0 ? a1 : a2;
		return 1;
	}
	if (first < 0)
		return 0;
	/* "970436 0011004012345", "970436-0011004012345": a known BIN
	 * first, then the account. */
	if (p->acct_len > 7 && digit_run(in + a_off, a_end - a_off) == 6 &&
	    !is_alnum(in[a_off + 6])) {
		char bin[7];
		memcpy(bin, in + a_off, 6);
		bin[6] = '\0';
		const sdx_bank_info *b = sdx_bank_by_bin(bin);
		size_t k = a_off + 7;
		while (k < a_end && !is_alnum(in[k]))
			k++;
		if (b && k < a_end) {
			p->bank = b;
			p->acct_len = a_end - k;
			p->acct_off = k;
			return 1;
		}
	}
	/* "VCB0011004012345": letters, then the account. */
	size_t k = a_off;
	while (k < a_end && ((in[k] >= 'a' && in[k] <= 'z') ||
			     (in[k] >= 'A' && in[k] <= 'Z')))
		k++;
	size_t d = k;
	while (d < a_end && (in[d] == '-' || in[d] == '.' || in[d] == '_'))
		d++;
	if (first == last && k > a_off && d < a_end && in[d] >= '0' &&
	    in[d] <= '9' &&
	    lookup_also(in + a_off, k - a_off, &b1, &p->also) == 0) {
		p->bank = b1;
		p->acct_len = a_end - d;
		p->acct_off = d;
		return 1;
	}
	return 0;
}

int norm_names_bank(const char *in, size_t len)
{
	struct norm_bank_parts p;
	int letter = 0;
	for (size_t i = 0; i < len && !letter; i++)
		letter = (unsigned char)in[i] >= 0x80 ||
			 (in[i] >= 'a' && in[i] <= 'z') ||
			 (in[i] >= 'A' && in[i] <= 'Z');
	return letter && norm_bank_parts(in, len, &p) != 0;
}

int norm_bank_split(const char *in, size_t len, const sdx_bank_info **bank,
		    size_t *acct_off)
{
	struct norm_bank_parts p;
	if (norm_bank_parts(in, len, &p) != 1)
		return 0;
	*bank = p.bank;
	*acct_off = p.acct_off;
	return 1;
}

const char *norm_bank_also(const char *in, size_t len)
{
	struct norm_bank_parts p;
	/* a BIN never names two banks: only words can */
	if (!norm_names_bank(in, len) || norm_bank_parts(in, len, &p) != 1 ||
	    !p.also)
		return NULL;
	return p.also->bin;
}

static int vietqr_canon(const char *in, size_t len, char *out,
			sdx_norm_error *err)
{
	sdx_vietqr q;
	int rc = sdx_vietqr_parse(in, len, &q, err);
	if (rc < 0) {
		if (err)
			err->kind = SDX_KIND_BANK;
		return rc;
	}
	size_t na = strlen(q.account);
	memcpy(out, q.bin, 6);
	out[6] = ':';
	memcpy(out + 7, q.account, na + 1);
	return (int)(7 + na);
}

/* The canonical form itself ("970436:0011004012345"), which scripts, the
 * benchmark and the CLI's --kind bank batches pass most: a known BIN, ':',
 * then the account as account() would leave it. Returns its length, or
 * -1 to take the general path (which gives the same answer, slower). */
static int already_canonical(const char *in, size_t len, char *out)
{
	if (len < 7 + ACCOUNT_MIN || len > 7 + ACCOUNT_MAX || in[6] != ':')
		return -1;
	char bin[7];
	memcpy(bin, in, 6);
	bin[6] = '\0';
	if (!sdx_bank_by_bin(bin))
		return -1;
	int digits = 0;
	for (size_t i = 7; i < len; i++) {
		char c = in[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (c < 'A' || c > 'Z')
			return -1;
	}
	if (!digits)
		return -1;
	memcpy(out, in, len);
	out[len] = '\0';
	return (int)len;
}

int norm_bank(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	struct norm_bank_parts p;
	int fast = already_canonical(in, len, out);
	if (fast >= 0)
		return fast;
	if (norm_is_vietqr(in, len))
		return vietqr_canon(in, len, out, err);
	int r = norm_bank_parts(in, len, &p);
	if (r < 0)
		return norm_fail(err, SDX_EBANK, SDX_KIND_BANK, p.word_off,
				 "bank: '%.*s' is not a known bank name, code "
				 "or BIN",
				 p.word_len > 40 ? 40 : (int)p.word_len,
				 in + p.word_off);
	const char *colon = memchr(in, ':', len);
	if (r == 0 && colon && colon > in) {
		/* "970499:123456": what stands before the ':' names no bank */
		size_t w = (size_t)(colon - in);
		return norm_fail(err, SDX_EBANK, SDX_KIND_BANK, 0,
				 "bank: '%.*s' is not a known bank name, code "
				 "or BIN",
				 w > 40 ? 40 : (int)w, in);
	}
	if (r == 0) {
		if (colon)
			return norm_fail(err, SDX_EBANK, SDX_KIND_BANK, 0,
					 "bank: no bank before the account");
		return norm_fail(err, SDX_ESYNTAX, SDX_KIND_BANK, 0,
				 "bank: expected BANK:ACCOUNT, 'BANK "
				 "ACCOUNT' or a VietQR payload");
	}
	memcpy(out, p.bank->bin, 6);
	out[6] = ':';
	int n = account(in + p.acct_off, p.acct_len, p.acct_off, SDX_KIND_BANK,
			out + 7, err);
	if (n < 0)
		return n;
	return 7 + n;
}
