/* readings.c: every plausible reading of one input (sdx_normalize_all).
 * Most inputs have one. A phone number written in digits alone (spaces,
 * dots, dashes, parentheses or slashes between them, no '+') is also an
 * account number: MB's 0352350917 is a mobile number too, Vietcombank's
 * 0071000123456 an international one (+7...), whether written bare,
 * 0352.350.917 or (035) 2350917. An IPv4 address written in four dotted
 * groups may be a phone number written the same way (091.234.56.78).
 * Those have two or three readings, and a check answers each. */
#include <stdio.h>
#include <string.h>

#include "norm.h"

static int add(sdx_reading *out, size_t max, size_t *n, sdx_kind kind,
	       const char *canon)
{
	for (size_t i = 0; i < *n; i++)
		if (out[i].kind == kind && !strcmp(out[i].canonical, canon))
			return 0;
	if (*n == max)
		return 0;
	size_t len = strlen(canon);
	if (len >= sizeof out[*n].canonical)
		len = sizeof out[*n].canonical - 1;
	out[*n].kind = kind;
	memcpy(out[*n].canonical, canon, len);
	out[*n].canonical[len] = '\0';
	(*n)++;
	return 0;
}

/* The digits of a phone number written in digits alone, as an account
 * number would be (6..19 digits; white space and . ( ) - / between
 * them; no '+', no letters): 1 and the digits in out, else 0. */
static int account_digits(const char *in, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c >= '0' && c <= '9') {
			if (n + 1 >= cap)
				return 0;
			out[n++] = c;
		} else if (!strchr(" \t.()-/", c) || c == '\0') {
			return 0;
		}
	}
	out[n] = '\0';
	return n >= 6 && n <= 19;
}

/* The phone number a chat account is named by ("zalo:+84912345678":
 * zalo.me/0912345678 is the Zalo account of that number; Viber accounts
 * and t.me/+84... links are numbers too), or NULL. */
static const char *phone_of_handle(const char *canon)
{
	const char *c = strchr(canon, ':');
	return c && c[1] == '+' ? c + 1 : NULL;
}

/* Whether sdx_normalize(kind, input) succeeding with kind k is the only
 * reading sdx_normalize_all gives: always, but in auto mode for a host
 * written with a trunk 0 or '+' ("94.100.18.96" is a host;
 * "091.234.56.78" a host and maybe a phone: "94.100.18.96" is no phone
 * number anyone writes) and for a phone number written in digits alone
 * (also an account number). check.c asks it to skip the readings'
 * bookkeeping. */
int norm_reading_alone(sdx_kind kind, const char *input, size_t len, sdx_kind k,
		       const char *canonical)
{
	char digits[SDX_CANON_MAX];
	size_t s0 = 0;
	char ip[16];
	if (k == SDX_KIND_BANK && norm_bank_alias(canonical))
		return 0;
	if (k == SDX_KIND_DOMAIN && norm_ip_alias(canonical, ip))
		return 0;
	if (k == SDX_KIND_HANDLE && phone_of_handle(canonical))
		return 0;
	if (kind != SDX_KIND_AUTO)
		return 1;
	while (s0 < len && (input[s0] == ' ' || input[s0] == '\t'))
		s0++;
	if (k == SDX_KIND_DOMAIN)
		return !(s0 < len && (input[s0] == '0' || input[s0] == '+'));
	return !(k == SDX_KIND_PHONE &&
		 account_digits(input, len, digits, sizeof digits));
}

int sdx_normalize_all(sdx_kind kind, const char *input, size_t len,
		      sdx_reading *out, size_t max, size_t *count,
		      sdx_norm_error *err)
{
	char buf[SDX_CANON_MAX];
	sdx_kind k;
	if (count)
		*count = 0;
	if (!out || max == 0 || !count)
		return norm_fail(err, SDX_EINVAL, kind, 0, "invalid argument");
	int rc =
	    sdx_normalize(kind, input, len, buf, sizeof buf, NULL, &k, err);
	if (rc == SDX_EAMBIGUOUS) {
		sdx_norm_error e2;
		char acct[SDX_CANON_MAX];
		if (sdx_normalize(SDX_KIND_PHONE, input, len, buf, sizeof buf,
				  NULL, NULL, &e2) ||
		    sdx_normalize(SDX_KIND_ACCOUNT, input, len, acct,
				  sizeof acct, NULL, &k, &e2))
			return rc; /* not both after all: keep the error */
		add(out, max, count, SDX_KIND_PHONE, buf);
		add(out, max, count, k, acct);
		return 0;
	}
	if (rc)
		return rc;
	add(out, max, count, k, buf);
	if (kind == SDX_KIND_AUTO && k == SDX_KIND_DOMAIN &&
	    !norm_reading_alone(kind, input, len, k, buf) &&
	    strspn(buf, "0123456789.") == strlen(buf) &&
	    !sdx_normalize(SDX_KIND_PHONE, input, len, buf, sizeof buf, NULL,
			   NULL, NULL)) {
		add(out, max, count, SDX_KIND_PHONE, buf);
		k = SDX_KIND_PHONE;
	}
	/* a phone number in digits alone is an account number too */
	char digits[SDX_CANON_MAX];
	if (kind == SDX_KIND_AUTO && k == SDX_KIND_PHONE &&
	    account_digits(input, len, digits, sizeof digits) &&
	    !sdx_normalize(SDX_KIND_ACCOUNT, digits, strlen(digits), buf,
			   sizeof buf, NULL, &k, NULL))
		add(out, max, count, k, buf);
	/* an account at a bank known under two BINs: under the other too;
	 * an IPv4 host written another way: as the dotted address too */
	for (size_t i = 0, n = *count; i < n; i++) {
		const char *alias;
		char ip[16];
		if (out[i].kind == SDX_KIND_DOMAIN &&
		    norm_ip_alias(out[i].canonical, ip))
			add(out, max, count, SDX_KIND_DOMAIN, ip);
		/* a chat account named by a phone number: the number too */
		if (out[i].kind == SDX_KIND_HANDLE &&
		    (alias = phone_of_handle(out[i].canonical)))
			add(out, max, count, SDX_KIND_PHONE, alias);
		if (out[i].kind == SDX_KIND_BANK &&
		    out[i].canonical[6] == ':' &&
		    (alias = norm_bank_alias(out[i].canonical))) {
			snprintf(buf, sizeof buf, "%.6s%s", alias,
				 out[i].canonical + 6);
			add(out, max, count, SDX_KIND_BANK, buf);
		}
	}
	return 0;
}
