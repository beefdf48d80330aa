/* normalize.c: sdx_normalize(), the kind names and the helpers every
 * normalizer shares. The kinds live one per file (phone.c, bank.c,
 * vietqr.c, iban.c, handle.c, domain.c); detect.c picks one for
 * SDX_KIND_AUTO. */
#include <stdarg.h>
#include <stdint.h>
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

/* The length of a directional mark at s (U+200E, U+200F, U+202A..U+202C,
 * U+2066..U+2069: Android's contacts wrap a copied number in U+202A ...
 * U+202C), else 0. Around an input they are not part of it; inside one
 * they stay an error (a right-to-left override hides what it shows). */
static size_t dir_mark(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n < 3 || u[0] != 0xe2)
		return 0;
	if (u[1] == 0x80 &&
	    (u[2] == 0x8e || u[2] == 0x8f || (u[2] >= 0xaa && u[2] <= 0xac)))
		return 3;
	if (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9)
		return 3;
	return 0;
}

/* In detect.c. */
int norm_detect(const char *in, size_t len, char *out, sdx_kind *kind,
		sdx_norm_error *err);

size_t norm_plain_separators(const char *in, size_t len, char *out)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t o = 0, i = 0;
	int changed = 0;
	/* most inputs are ASCII: eight bytes at a time up to the first
	 * byte that is not (a check of a canonical form pays this) */
	for (uint64_t w; i + 8 <= len; i += 8) {
		memcpy(&w, in + i, 8);
		if (w & 0x8080808080808080ull)
			break;
	}
	while (i < len && u[i] < 0x80)
		i++;
	if (i == len)
		return 0;
	memcpy(out, in, i);
	o = i;
	for (; i < len; i++) {
		int c = -1; /* -1: copy, else the ASCII byte */
		size_t skip = 0;
		if (u[i] == 0xc2 && i + 1 < len && u[i + 1] == 0xa0)
			c = ' ', skip = 1; /* U+00A0 */
		else if (u[i] == 0xe2 && i + 2 < len && u[i + 1] == 0x80) {
			unsigned char b = u[i + 2];
			skip = 2;
			if ((b >= 0x80 && b <= 0x8a) || b == 0xaf)
				c = ' '; /* U+2000..200A, U+202F */
			else if (b == 0x8e || b == 0x8f ||
				 (b >= 0xaa && b <= 0xac))
				c = ' '; /* directional marks (dir_mark) */
			else if (b >= 0x90 && b <= 0x95)
				c = '-'; /* hyphens and dashes */
			else
				skip = 0;
		} else if (u[i] == 0xe2 && i + 2 < len && u[i + 1] == 0x88 &&
			   u[i + 2] == 0x92)
			c = '-', skip = 2; /* U+2212 minus */
		else if (u[i] == 0xe2 && i + 2 < len && u[i + 1] == 0x81 &&
			 u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9)
			c = ' ', skip = 2; /* U+2066..2069 isolates */
		else if (u[i] == 0xe3 && i + 2 < len && u[i + 1] == 0x80 &&
			 u[i + 2] == 0x80)
			c = ' ', skip = 2; /* U+3000 ideographic space */
		if (c < 0) {
			out[o++] = in[i];
			continue;
		}
		changed = 1;
		i += skip;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return changed && o ? o : 0;
}

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
	size_t start = 0, m;
	while (start < len && (is_space((unsigned char)input[start]) ||
			       (m = dir_mark(input + start, len - start))))
		start += is_space((unsigned char)input[start]) ? 1 : m;
	while (len > start &&
	       (is_space((unsigned char)input[len - 1]) ||
		(len - start >= 3 && dir_mark(input + len - 3, 3))))
		len -= is_space((unsigned char)input[len - 1]) ? 1 : 3;
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

	/* "https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.com%2Fx": the
	 * page the redirector sends to, not the redirector (whose host
	 * would flag every link shared on Facebook); offsets then count in
	 * the target */
	char target[SDX_INPUT_MAX + 1];
	size_t tlen;
	if ((kind == SDX_KIND_AUTO || kind == SDX_KIND_DOMAIN) &&
	    (tlen = norm_unwrap_redirect(in, len, target, sizeof target))) {
		in = target;
		len = tlen;
	}

	/* "0912–345–678" (en dash), a no-break space copied from a chat:
	 * read with ASCII separators (offsets then count in that text, as
	 * in a refanged one). Not in hosts and handles, whose own rules
	 * (IDNA) say what such characters mean. */
	char plain[SDX_INPUT_MAX + 1];
	size_t plen;
	if (kind != SDX_KIND_DOMAIN && kind != SDX_KIND_HANDLE &&
	    kind != SDX_KIND_IBAN &&
	    (plen = norm_plain_separators(in, len, plain))) {
		in = plain;
		len = plen;
	}

	/* "STK 0011004012345", "SĐT: 0912345678": the label says the kind
	 * ("Số: 0912..." leaves both readings) */
	size_t loff;
	sdx_kind lk;
	if (kind == SDX_KIND_AUTO && norm_label(in, len, &loff, &lk)) {
		while (loff < len && is_space((unsigned char)in[loff]))
			loff++;
		in += loff;
		len -= loff;
		start += loff;
		kind = lk;
	}

	switch (kind) {
	case SDX_KIND_PHONE:
		/* wa.me/84912345678: a WhatsApp account is its number */
		rc = norm_is_whatsapp(in, len)
			 ? norm_whatsapp(in, len, buf, err)
			 : norm_phone(in, len, buf, err);
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

int sdx_normalize_link(const char *input, size_t len, char *out, size_t outsize,
		       size_t *outlen, sdx_kind *kind_out, sdx_norm_error *err)
{
	sdx_kind got = SDX_KIND_AUTO;
	size_t n = 0;
	int rc = sdx_normalize(SDX_KIND_AUTO, input, len, out, outsize, &n,
			       &got, err);
	/* a chat platform's link is the account it opens, a WhatsApp link
	 * the number; "+84912345678" or "VCB 0011..." is no link: the
	 * host's error names what is wrong */
	if (rc || !(got == SDX_KIND_DOMAIN || got == SDX_KIND_HANDLE ||
		    (got == SDX_KIND_PHONE && norm_is_whatsapp(input, len)))) {
		if (err)
			err->reason[0] = '\0';
		got = SDX_KIND_DOMAIN;
		rc = sdx_normalize(SDX_KIND_DOMAIN, input, len, out, outsize,
				   &n, NULL, err);
	}
	if (rc)
		return rc;
	if (outlen)
		*outlen = n;
	if (kind_out)
		*kind_out = got;
	return 0;
}
