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
		int c = memcmp(norm_banks[mid].bin, bin, 6);
		if (c == 0)
			return &norm_banks[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const sdx_bank_info *find_key(const char *key)
{
	size_t lo = 0, hi = norm_bank_key_count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(norm_bank_keys[mid].key, key);
		if (c == 0)
			return &norm_banks[norm_bank_keys[mid].bank];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int sdx_bank_lookup(const char *text, size_t len, const sdx_bank_info **out)
{
	char key[KEY_MAX];
	if (!text || !out)
		return SDX_EINVAL;
	*out = NULL;
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
	const sdx_bank_info *b = find_key(key);
	/* "Ngân hàng Vietcombank", "VCB Bank": the generic words around a
	 * name or code. */
	if (!b && n > 8 && !memcmp(key, "nganhang", 8))
		b = find_key(key + 8);
	if (!b && n > 4 && !memcmp(key + n - 4, "bank", 4)) {
		key[n - 4] = '\0';
		b = find_key(key);
	}
	if (!b)
		return SDX_EBANK;
	*out = b;
	return 0;
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
	return account(in, len, 0, SDX_KIND_ACCOUNT, out, err);
}

/* Can in[from..len) be an account (only account characters, a digit)? */
static int account_like(const char *in, size_t from, size_t len)
{
	int digit = 0;
	for (size_t i = from; i < len; i++) {
		if (!is_alnum(in[i]) && !is_acct_sep(in[i]))
			return 0;
		digit |= in[i] >= '0' && in[i] <= '9';
	}
	return digit;
}

static int is_bank_sep(char c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '/' || c == '|' ||
	       c == ',' || c == ';';
}

int norm_bank_split(const char *in, size_t len, const sdx_bank_info **bank,
		    size_t *acct_off)
{
	const char *colon = memchr(in, ':', len);
	if (colon) {
		size_t b = (size_t)(colon - in), a = b + 1;
		while (b > 0 && is_bank_sep(in[b - 1]))
			b--;
		while (a < len && (in[a] == ' ' || in[a] == '\t'))
			a++;
		if (sdx_bank_lookup(in, b, bank) != 0)
			return 0;
		*acct_off = a;
		return 1;
	}
	/* The rightmost split whose left side names a bank and whose right
	 * side is account-like: "MB Bank 0352350917" is MB Bank, not MB
	 * with account "BANK0352350917". */
	size_t i = len;
	while (i > 0 && (is_alnum(in[i - 1]) || is_acct_sep(in[i - 1]) ||
			 is_bank_sep(in[i - 1])))
		i--;
	for (size_t s = len; s-- > i;) {
		if (!is_bank_sep(in[s]))
			continue;
		size_t a = s + 1, b = s;
		while (a < len && is_acct_sep(in[a]))
			a++;
		while (b > 0 && is_bank_sep(in[b - 1]))
			b--;
		if (b == 0 || a >= len || !account_like(in, a, len))
			continue;
		if (sdx_bank_lookup(in, b, bank) == 0) {
			*acct_off = a;
			return 1;
		}
	}
	/* "VCB0011004012345": letters, then the account. */
	size_t k = 0;
	while (k < len && ((in[k] >= 'a' && in[k] <= 'z') ||
			   (in[k] >= 'A' && in[k] <= 'Z')))
		k++;
	if (k > 0 && k < len && in[k] >= '0' && in[k] <= '9' &&
	    account_like(in, k, len) && sdx_bank_lookup(in, k, bank) == 0) {
		*acct_off = k;
		return 1;
	}
	return 0;
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
	const sdx_bank_info *bank;
	size_t a;
	int fast = already_canonical(in, len, out);
	if (fast >= 0)
		return fast;
	if (norm_is_vietqr(in, len))
		return vietqr_canon(in, len, out, err);
	if (!norm_bank_split(in, len, &bank, &a)) {
		/* Name the first word as the unknown bank. */
		size_t e = 0;
		while (e < len && in[e] != ':' && !is_bank_sep(in[e]))
			e++;
		if (e == len)
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_BANK, 0,
					 "bank: expected BANK:ACCOUNT, 'BANK "
					 "ACCOUNT' or a VietQR payload");
		if (e == 0)
			return norm_fail(err, SDX_EBANK, SDX_KIND_BANK, 0,
					 "bank: no bank before the account");
		return norm_fail(err, SDX_EBANK, SDX_KIND_BANK, 0,
				 "bank: '%.*s' is not a known bank name, code "
				 "or BIN",
				 e > 40 ? 40 : (int)e, in);
	}
	memcpy(out, bank->bin, 6);
	out[6] = ':';
	int n = account(in + a, len - a, a, SDX_KIND_BANK, out + 7, err);
	if (n < 0)
		return n;
	return 7 + n;
}
