/* normalize.c: sdx_normalize(), the kind names and the helpers every
 * normalizer shares. The kinds live one per file (phone.c, bank.c,
 * vietqr.c, iban.c, handle.c, domain.c); detect.c picks one for
 * SDX_KIND_AUTO. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "norm.h"

static const char *const kind_names[SDX_KIND_COUNT] = {
    "auto", "phone", "bank", "iban", "handle", "domain", "account",
};

const char *sdx_kind_name(sdx_kind kind)
{
	if ((int)kind < 0 || (int)kind >= SDX_KIND_COUNT)
		return "?";
	return kind_names[kind];
}

int sdx_kind_parse(const char *name, sdx_kind *out)
{
	if (!name || !out)
		return SDX_EINVAL;
	for (int k = 0; k < SDX_KIND_COUNT; k++) {
		if (!strcasecmp(name, kind_names[k])) {
			*out = (sdx_kind)k;
			return 0;
		}
	}
	return SDX_EKIND;
}

int norm_fail(sdx_norm_error *err, int code, sdx_kind kind, size_t offset,
	      const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		err->kind = kind;
		err->offset = offset;
		va_start(ap, fmt);
		vsnprintf(err->reason, sizeof err->reason, fmt, ap);
		va_end(ap);
	}
	return code;
}

int norm_utf8(const char *in, size_t len, int32_t *cp)
{
	/* utf8proc rejects overlong forms, surrogates, beyond U+10FFFF and
	 * cut sequences */
	utf8proc_int32_t c;
	utf8proc_ssize_t n =
	    utf8proc_iterate((const utf8proc_uint8_t *)in,
			     len > 4 ? 4 : (utf8proc_ssize_t)len, &c);
	if (n <= 0)
		return -1;
	*cp = c;
	return (int)n;
}

/* ASCII case folding only, as strncasecmp does for these byte strings */
static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

int norm_prefix_ci(const char *in, size_t len, const char *prefix)
{
	size_t i = 0;
	for (; prefix[i]; i++)
		if (i >= len || fold((unsigned char)in[i]) !=
				    fold((unsigned char)prefix[i]))
			return 0;
	return 1;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* In detect.c. */
int norm_detect(const char *in, size_t len, char *out, sdx_kind *kind,
		sdx_norm_error *err);

int sdx_normalize(sdx_kind kind, const char *input, size_t len, char *out,
		  size_t outsize, size_t *outlen, sdx_kind *kind_out,
		  sdx_norm_error *err)
{
	char buf[SDX_CANON_MAX];
	int rc;
	if (out && outsize > 0)
		out[0] = '\0';
	if (!input || !out || outsize == 0 || (int)kind < 0 ||
	    (int)kind >= SDX_KIND_COUNT)
		return norm_fail(err, SDX_EINVAL, kind, 0, "invalid argument");
	if (len > SDX_INPUT_MAX)
		return norm_fail(err, SDX_ETOOLONG, kind, SDX_INPUT_MAX,
				 "%s: input longer than %d bytes",
				 sdx_kind_name(kind), SDX_INPUT_MAX);

	/* Leading and trailing white space is never part of an identifier;
	 * offsets stay relative to the caller's input. */
	size_t start = 0;
	while (start < len && is_space((unsigned char)input[start]))
		start++;
	while (len > start && is_space((unsigned char)input[len - 1]))
		len--;
	if (start == len)
		return norm_fail(err, SDX_EEMPTY, kind, start,
				 "%s: empty input", sdx_kind_name(kind));
	const char *in = input + start;
	len -= start;

	/* "hxxps://evil[.]com/x": a defanged indicator is looked up live
	 * (error offsets then count in the refanged text) */
	char live[SDX_INPUT_MAX + 1];
	if ((kind == SDX_KIND_AUTO || kind == SDX_KIND_DOMAIN) &&
	    norm_is_defanged(in, len)) {
		len = norm_refang(in, len, live, sizeof live);
		in = live;
	}

	switch (kind) {
	case SDX_KIND_PHONE:
		rc = norm_phone(in, len, buf, err);
		break;
	case SDX_KIND_BANK:
		rc = norm_bank(in, len, buf, err);
		break;
	case SDX_KIND_IBAN:
		rc = norm_iban(in, len, buf, err);
		break;
	case SDX_KIND_HANDLE:
		rc = norm_handle(in, len, buf, err);
		break;
	case SDX_KIND_DOMAIN:
		rc = norm_domain(in, len, buf, err);
		break;
	case SDX_KIND_ACCOUNT:
		/* "VCB 0011004012345" under --kind account: the account at
		 * the bank it names (and a word that names no bank is an
		 * error, never part of the number) */
		if (norm_names_bank(in, len)) {
			rc = norm_bank(in, len, buf, err);
			if (rc >= 0)
				kind = SDX_KIND_BANK;
			else if (err)
				err->kind = SDX_KIND_ACCOUNT;
		} else {
			rc = norm_account(in, len, buf, err);
			/* "mb12 347d": without its separators the number
			 * reads "MB12347D", MB's account 12347D written
			 * glued, and is that (else the canonical form would
			 * not normalize to itself) */
			if (rc > 0 && norm_names_bank(buf, (size_t)rc)) {
				char glued[SDX_CANON_MAX];
				memcpy(glued, buf, (size_t)rc + 1);
				rc = norm_bank(glued, (size_t)rc, buf, err);
				if (rc >= 0)
					kind = SDX_KIND_BANK;
				else if (err)
					err->kind = SDX_KIND_ACCOUNT;
			}
		}
		break;
	default:
		rc = norm_detect(in, len, buf, &kind, err);
		break;
	}
	if (rc < 0) {
		if (err)
			err->offset += start;
		return rc;
	}
	if ((size_t)rc >= outsize)
		return norm_fail(err, SDX_ETOOLONG, kind, 0,
				 "%s: canonical form of %d bytes does not fit "
				 "the buffer",
				 sdx_kind_name(kind), rc);
	memcpy(out, buf, (size_t)rc + 1);
	if (outlen)
		*outlen = (size_t)rc;
	if (kind_out)
		*kind_out = kind;
	return 0;
}
