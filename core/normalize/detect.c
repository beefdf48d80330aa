/* detect.c: SDX_KIND_AUTO, the kind from the input's shape (normalize.h
 * lists the rules). A bare digit string that is a valid phone number may
 * as well be an account (MB's 0352350917 is both), so it is ambiguous
 * unless the caller names the kind. */
#define _GNU_SOURCE
#include <string.h>

#include "norm.h"

int norm_detect(const char *in, size_t len, char *out, sdx_kind *kind,
		sdx_norm_error *err);

static int set(sdx_kind *kind, sdx_kind k, int rc)
{
	if (rc >= 0)
		*kind = k;
	return rc;
}

/* "d.d.d.d" with each part 0..255: an IP address host. */
static int ipv4_like(const char *in, size_t len)
{
	int parts = 0, digits = 0, v = 0;
	if (len > 0 && in[len - 1] == '.')
		len--; /* "94.100.18.96." */
	for (size_t i = 0; i <= len; i++) {
		if (i == len || in[i] == '.') {
			if (digits == 0 || v > 255)
				return 0;
			parts++;
			digits = v = 0;
		} else if (in[i] >= '0' && in[i] <= '9' && digits < 3) {
			v = v * 10 + (in[i] - '0');
			digits++;
		} else {
			return 0;
		}
	}
	return parts == 4;
}

/* Only digits, white space and phone punctuation. */
static int digits_only(const char *in, size_t len, int *punct, int *ndigits)
{
	*punct = 0;
	*ndigits = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c >= '0' && c <= '9')
			(*ndigits)++;
		else if (c == '.' || c == '(' || c == ')' || c == '-' ||
			 c == '/')
			*punct = 1;
		else if (c != ' ' && c != '\t')
			return 0;
	}
	return *ndigits > 0;
}

/* Two letters, two digits, then letters, digits and spaces, 15..34
 * characters without the spaces: an IBAN's shape. */
static int iban_like(const char *in, size_t len)
{
	char c[4];
	int n = 0;
	size_t i0 = norm_iban_word(in, len);
	/* the country code and check digits are written together: "MB
	 * 0123456789999" is MB's account, not an IBAN */
	if (len - i0 < 4)
		return 0;
	for (size_t i = i0; i < i0 + 4; i++)
		if (in[i] == ' ' || in[i] == '\t')
			return 0;
	for (size_t i = i0; i < len; i++) {
		char x = in[i];
		if (x == ' ')
			continue;
		if (!((x >= '0' && x <= '9') || (x >= 'a' && x <= 'z') ||
		      (x >= 'A' && x <= 'Z')))
			return 0;
		if (n < 4)
			c[n] = x;
		n++;
	}
	if (n < 15 || n > 34)
		return 0;
	for (int k = 0; k < 2; k++)
		if (!((c[k] >= 'a' && c[k] <= 'z') ||
		      (c[k] >= 'A' && c[k] <= 'Z')))
			return 0;
	return c[2] >= '0' && c[2] <= '9' && c[3] >= '0' && c[3] <= '9';
}

static int digit_string(const char *in, size_t len, char *out, sdx_kind *kind,
			sdx_norm_error *err)
{
	int punct, nd;
	digits_only(in, len, &punct, &nd);
	size_t first = 0;
	while (first < len && (in[first] < '0' || in[first] > '9'))
		first++;
	const sdx_bank_info *bank;
	size_t a;

	/* "00" is the international prefix: a phone, unless it is not
	 * one and fits an account ("0011004012345"). */
	if (len - first >= 2 && in[first] == '0' && in[first + 1] == '0') {
		int rc = norm_phone(in, len, out, err);
		if (rc >= 0 || punct || nd < 6 || nd > 19)
			return set(kind, SDX_KIND_PHONE, rc);
		return set(kind, SDX_KIND_ACCOUNT,
			   norm_account(in, len, out, err));
	}
	/* "94.100.18.96": a host (sdx_normalize_all adds the phone reading
	 * when it is one too) */
	if (punct && ipv4_like(in, len))
		return set(kind, SDX_KIND_DOMAIN,
			   norm_domain(in, len, out, err));
	if (punct) {
		int rc = norm_phone(in, len, out, err);
		if (rc >= 0) {
			*kind = SDX_KIND_PHONE;
			return rc;
		}
		sdx_norm_error perr;
		if (err)
			perr = *err;
		if (norm_bank_split(in, len, &bank, &a))
			return set(kind, SDX_KIND_BANK,
				   norm_bank(in, len, out, err));
		if (ipv4_like(in, len))
			return set(kind, SDX_KIND_DOMAIN,
				   norm_domain(in, len, out, err));
		if (err)
			*err = perr;
		return rc;
	}
	/* "970436 0011004012345": a known BIN, a space, an account. */
	if (len > 7 && (in[6] == ' ' || in[6] == '\t') &&
	    strspn(in, "0123456789") == 6 &&
	    norm_bank_split(in, len, &bank, &a))
		return set(kind, SDX_KIND_BANK, norm_bank(in, len, out, err));
	char phone[SDX_CANON_MAX];
	if (norm_phone(in, len, phone, NULL) >= 0)
		return norm_fail(err, SDX_EAMBIGUOUS, SDX_KIND_AUTO, 0,
				 "auto: a valid phone number (%s) and maybe "
				 "an account number; name the kind",
				 phone);
	if (nd >= 6 && nd <= 19)
		return set(kind, SDX_KIND_ACCOUNT,
			   norm_account(in, len, out, err));
	return norm_fail(err, SDX_EKIND, SDX_KIND_AUTO, 0,
			 "auto: %d digits, neither a phone number nor an "
			 "account number (6..19 digits)",
			 nd);
}

/* Does in start with "http://" or "https://", in any case? */
static int http_scheme(const char *in, size_t len)
{
	/* c | 0x20 folds an ASCII letter and nothing else onto these */
	if (len < 7 || (in[0] | 0x20) != 'h' || (in[1] | 0x20) != 't' ||
	    (in[2] | 0x20) != 't' || (in[3] | 0x20) != 'p')
		return 0;
	size_t i = (in[4] | 0x20) == 's' ? 5 : 4;
	return len >= i + 3 && in[i] == ':' && in[i + 1] == '/' &&
	       in[i + 2] == '/';
}

int norm_detect(const char *in, size_t len, char *out, sdx_kind *kind,
		sdx_norm_error *err)
{
	int punct, nd;
	const sdx_bank_info *bank;
	size_t a;

	/* "https://host/...", the usual link: one split, and its host
	 * decides (a chat platform's link is a handle). The same answers as
	 * the shapes below give it, sooner. */
	if (http_scheme(in, len)) {
		struct norm_url u;
		norm_url_split(in, len, &u);
		if (u.host_len > 0) {
			if (norm_url_is_whatsapp(in, &u))
				return set(kind, SDX_KIND_PHONE,
					   norm_whatsapp(in, len, out, err));
			if (norm_url_is_handle(in, &u))
				return set(kind, SDX_KIND_HANDLE,
					   norm_handle(in, len, out, err));
			int rc = norm_link_space(in, len, &u, err);
			return set(kind, SDX_KIND_DOMAIN,
				   rc ? rc : norm_domain_url(in, &u, out, err));
		}
	}
	if (norm_is_vietqr(in, len))
		return set(kind, SDX_KIND_BANK, norm_bank(in, len, out, err));
	/* "+84 ...", "(+84) 912-000-111", "tel:..." */
	size_t p0 = len > 0 && in[0] == '(' ? 1 : 0;
	const unsigned char *u = (const unsigned char *)in;
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbc && u[2] >= 0x90 &&
	    u[2] <= 0x99) /* fullwidth digits: "０９１２..." */
		return set(kind, SDX_KIND_PHONE, norm_phone(in, len, out, err));
	if ((p0 < len && in[p0] == '+') ||
	    norm_prefix_ci(in, len, "\xef\xbc\x8b") ||
	    norm_prefix_ci(in, len, "tel:"))
		return set(kind, SDX_KIND_PHONE, norm_phone(in, len, out, err));
	/* "0912 345 678 ext 12": a phone number with an extension */
	size_t ext = norm_phone_ext(in, len);
	if (ext < len && digits_only(in, ext, &punct, &nd))
		return set(kind, SDX_KIND_PHONE, norm_phone(in, len, out, err));
	if (digits_only(in, len, &punct, &nd))
		return digit_string(in, len, out, kind, err);
	if (norm_is_ipv6(in, len))
		return set(kind, SDX_KIND_DOMAIN,
			   norm_domain(in, len, out, err));
	if (norm_is_whatsapp(in, len))
		return set(kind, SDX_KIND_PHONE,
			   norm_whatsapp(in, len, out, err));
	if (in[0] != '@' && norm_is_email(in, len))
		return norm_fail(err, SDX_EKIND, SDX_KIND_AUTO, 0,
				 "auto: an e-mail address; scamdex keeps no "
				 "e-mail addresses (check the phone number, "
				 "account or link the scammer used)");
	if (norm_is_handle(in, len))
		return set(kind, SDX_KIND_HANDLE,
			   norm_handle(in, len, out, err));
	if (iban_like(in, len))
		return set(kind, SDX_KIND_IBAN, norm_iban(in, len, out, err));
	/* A host name first: "vietcombank-xac-thuc-c374fe99c8.xyz" starts
	 * with a bank's name but ends in a top-level domain, which no
	 * account number does. */
	if ((!memchr(in, ':', len) || memmem(in, len, "://", 3)) &&
	    norm_is_domain(in, len))
		return set(kind, SDX_KIND_DOMAIN,
			   norm_domain(in, len, out, err));
	if (norm_bank_split(in, len, &bank, &a))
		return set(kind, SDX_KIND_BANK, norm_bank(in, len, out, err));
	if (norm_is_domain(in, len))
		return set(kind, SDX_KIND_DOMAIN,
			   norm_domain(in, len, out, err));
	/* "XYZBANK 0011004012345", "0011004012345 (Foo)": words beside a
	 * number that name no bank: say which. */
	struct norm_bank_parts bp;
	if (norm_bank_parts(in, len, &bp) < 0 && bp.acct_len > 0)
		return norm_bank(in, len, out, err);
	/* "XYZ:0011004012345": a bank account of an unknown bank. */
	const char *colon = memchr(in, ':', len);
	if (colon && colon > in) {
		size_t k = (size_t)(colon - in) + 1;
		while (k < len && in[k] == ' ')
			k++;
		int acct = k < len;
		for (; k < len; k++)
			acct &= (in[k] >= '0' && in[k] <= '9') ||
				in[k] == ' ' || in[k] == '.' || in[k] == '-';
		if (acct)
			return norm_bank(in, len, out, err);
	}
	return norm_fail(err, SDX_EKIND, SDX_KIND_AUTO, 0,
			 "auto: not a phone number, bank account, IBAN, chat "
			 "handle or domain");
}
