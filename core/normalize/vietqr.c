/* vietqr.c: VietQR (EMVCo merchant-presented, NAPAS247) payloads.
 *
 * ID (2 digits) + length (2 digits, in characters) + value, templates
 * nested the same way; "00" first, "63" (CRC-16/CCITT-FALSE over every
 * byte up to and including "6304") last. The account is 38.01.01 under
 * the NAPAS GUID A000000727 in 38.00. identifier-formats.md section 2. */
#include <string.h>
#include <strings.h>

#include "norm.h"

#define NAPAS_GUID "A000000727"

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no xorout
 * ("123456789" -> 0x29B1). Slice-by-8 over the generated tables: eight
 * bytes per step instead of a dependency chain per byte. */
uint16_t norm_crc16(const char *data, size_t len)
{
	const uint16_t(*t)[256] = norm_crc_table;
	const unsigned char *p = (const unsigned char *)data;
	unsigned crc = 0xFFFF;
	while (len >= 8) {
		crc = t[7][p[0] ^ (crc >> 8)] ^ t[6][p[1] ^ (crc & 0xFF)] ^
		      t[5][p[2]] ^ t[4][p[3]] ^ t[3][p[4]] ^ t[2][p[5]] ^
		      t[1][p[6]] ^ t[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		crc = ((crc << 8) & 0xFFFF) ^ t[0][(crc >> 8) ^ *p++];
	return (uint16_t)crc;
}

int norm_is_vietqr(const char *in, size_t len)
{
	return len >= 12 && !memcmp(in, "000201", 6);
}

/* One data object. */
struct tlv {
	int id;
	size_t off;  /* of the ID */
	size_t voff; /* of the value */
	size_t vlen; /* value bytes */
	int chars;   /* value characters (the length field) */
};

static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Read the object at *pos within [*pos, end). path names the template
 * ("" at the root, "38." inside 38) for messages. */
static int next(const char *p, size_t *pos, size_t end, const char *path,
		struct tlv *t, sdx_norm_error *err)
{
	size_t i = *pos;
	if (end - i < 4)
		return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, i,
				 "vietqr: %zu stray characters at the end of "
				 "%s",
				 end - i, *path ? path : "the payload");
	t->id = two_digits(p + i);
	if (t->id < 0)
		return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, i,
				 "vietqr: tag ID '%.2s' in %s is not two "
				 "digits",
				 p + i, *path ? path : "the payload");
	t->chars = two_digits(p + i + 2);
	if (t->chars <= 0)
		return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, i + 2,
				 "vietqr: length '%.2s' of tag %s%02d is not "
				 "01..99",
				 p + i + 2, path, t->id);
	t->off = i;
	t->voff = i + 4;
	/* The length counts characters, not bytes; ASCII values (nearly
	 * all) are checked eight bytes at a time. */
	size_t v = t->voff;
	int c = 0;
	if (end - v >= (size_t)t->chars) {
		size_t k = 0, n = (size_t)t->chars;
		uint64_t hi = 0;
		for (; k + 8 <= n; k += 8) {
			uint64_t w;
			memcpy(&w, p + v + k, 8);
			hi |= w;
		}
		for (; k < n; k++)
			hi |= (unsigned char)p[v + k];
		if (!(hi & 0x8080808080808080ULL)) {
			v += n;
			c = t->chars;
		}
	}
	for (; c < t->chars; c++) {
		if (v >= end)
			return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, t->off,
					 "vietqr: tag %s%02d says %d "
					 "characters but only %d remain",
					 path, t->id, t->chars, c);
		if ((unsigned char)p[v] < 0x80) {
			v++;
		} else {
			int32_t cp;
			int n = norm_utf8(p + v, end - v, &cp);
			if (n < 0)
				return norm_fail(err, SDX_EUTF8, SDX_KIND_BANK,
						 v,
						 "vietqr: invalid UTF-8 in tag "
						 "%s%02d",
						 path, t->id);
			v += (size_t)n;
		}
	}
	t->vlen = v - t->voff;
	*pos = v;
	return 0;
}

/* Copy a value into dst (size n), cut at a character boundary. */
static void copy(char *dst, size_t n, const char *src, size_t len)
{
	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Template 38: 00 GUID, 01 {00 BIN, 01 account}, 02 service. */
static int merchant_account(const char *p, const struct tlv *t38, sdx_vietqr *q,
			    size_t *bin_off, sdx_norm_error *err)
{
	size_t pos = t38->voff, end = t38->voff + t38->vlen;
	int have_guid = 0, have_bene = 0;
	struct tlv t, u;
	while (pos < end) {
		int rc = next(p, &pos, end, "38.", &t, err);
		if (rc < 0)
			return rc;
		if (t.id == 0) {
			if (t.vlen != 10 ||
			    strncasecmp(p + t.voff, NAPAS_GUID, 10))
				return norm_fail(
				    err, SDX_ETLV, SDX_KIND_BANK, t.voff,
				    "vietqr: 38.00 is '%.*s', not "
				    "the NAPAS GUID " NAPAS_GUID,
				    t.vlen > 32 ? 32 : (int)t.vlen, p + t.voff);
			have_guid = 1;
		} else if (t.id == 1) {
			size_t ipos = t.voff, iend = t.voff + t.vlen;
			int have_bin = 0, have_acct = 0;
			while (ipos < iend) {
				rc = next(p, &ipos, iend, "38.01.", &u, err);
				if (rc < 0)
					return rc;
				if (u.id == 0) {
					int digits = u.vlen == 6;
					for (size_t k = 0; digits && k < 6; k++)
						digits = p[u.voff + k] >= '0' &&
							 p[u.voff + k] <= '9';
					if (!digits)
						return norm_fail(
						    err, SDX_ETLV,
						    SDX_KIND_BANK, u.voff,
						    "vietqr: 38.01.00 is "
						    "not a six-digit BIN");
					memcpy(q->bin, p + u.voff, 6);
					*bin_off = u.voff;
					q->bin[6] = '\0';
					have_bin = 1;
				} else if (u.id == 1) {
					if (u.chars > 19)
						return norm_fail(
						    err, SDX_ETLV,
						    SDX_KIND_BANK, u.voff,
						    "vietqr: 38.01.01 "
						    "account has %d "
						    "characters, at most "
						    "19",
						    u.chars);
					for (size_t k = 0; k < u.vlen; k++) {
						char c = p[u.voff + k];
						if (c >= 'a' && c <= 'z')
							c = (char)(c - 32);
						if (!((c >= '0' && c <= '9') ||
						      (c >= 'A' && c <= 'Z')))
							return norm_fail(
							    err, SDX_ESYNTAX,
							    SDX_KIND_BANK,
							    u.voff + k,
							    "vietqr: "
							    "38.01.01 "
							    "account "
							    "has a "
							    "character "
							    "other than "
							    "A-Z, 0-9");
						q->account[k] = c;
					}
					q->account[u.vlen] = '\0';
					have_acct = 1;
				}
			}
			if (!have_bin || !have_acct)
				return norm_fail(err, SDX_ETLV, SDX_KIND_BANK,
						 t.off,
						 "vietqr: 38.01 lacks the %s "
						 "(38.01.%s)",
						 have_bin ? "account" : "BIN",
						 have_bin ? "01" : "00");
			have_bene = 1;
		} else if (t.id == 2) {
			copy(q->service, sizeof q->service, p + t.voff, t.vlen);
		}
	}
	if (!have_guid)
		return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, t38->off,
				 "vietqr: tag 38 lacks the NAPAS GUID (38.00)");
	if (!have_bene)
		return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, t38->off,
				 "vietqr: tag 38 lacks the beneficiary "
				 "(38.01)");
	return 0;
}

int sdx_vietqr_parse(const char *payload, size_t len, sdx_vietqr *out,
		     sdx_norm_error *err)
{
	if (!payload || !out)
		return norm_fail(err, SDX_EINVAL, SDX_KIND_BANK, 0,
				 "vietqr: invalid argument");
	memset(out, 0, sizeof *out);
	if (len > SDX_INPUT_MAX)
		return norm_fail(
		    err, SDX_ETOOLONG, SDX_KIND_BANK, SDX_INPUT_MAX,
		    "vietqr: payload longer than %d bytes", SDX_INPUT_MAX);
	const char *p = payload;
	size_t pos = 0;
	struct tlv t, t38 = {0}, t62 = {0}, crc = {0};
	int have38 = 0, have62 = 0, have26 = 0, first = 1;
	uint8_t seen[100] = {0};
	while (pos < len) {
		int rc = next(p, &pos, len, "", &t, err);
		if (rc < 0)
			return rc;
		if (first && t.id != 0)
			return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, 0,
					 "vietqr: tag 00 must come first, "
					 "found %02d",
					 t.id);
		first = 0;
		if (seen[t.id])
			return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, t.off,
					 "vietqr: tag %02d appears twice",
					 t.id);
		seen[t.id] = 1;
		switch (t.id) {
		case 0:
			if (t.vlen != 2 || memcmp(p + t.voff, "01", 2))
				return norm_fail(err, SDX_ETLV, SDX_KIND_BANK,
						 t.voff,
						 "vietqr: tag 00 (payload "
						 "format) is not \"01\"");
			break;
		case 1:
			out->dynamic =
			    t.vlen == 2 && !memcmp(p + t.voff, "12", 2);
			break;
		case 26:
			have26 = 1;
			break;
		case 38:
			t38 = t;
			have38 = 1;
			break;
		case 54:
			copy(out->amount, sizeof out->amount, p + t.voff,
			     t.vlen);
			break;
		case 59:
			copy(out->merchant, sizeof out->merchant, p + t.voff,
			     t.vlen);
			break;
		case 62:
			t62 = t;
			have62 = 1;
			break;
		case 63:
			crc = t;
			if (t.vlen != 4)
				return norm_fail(err, SDX_ETLV, SDX_KIND_BANK,
						 t.off + 2,
						 "vietqr: tag 63 (CRC) has "
						 "length %02d, expected 04",
						 t.chars);
			if (pos != len)
				return norm_fail(err, SDX_ETLV, SDX_KIND_BANK,
						 pos,
						 "vietqr: tag 63 (CRC) must "
						 "come last");
			break;
		default:
			break;
		}
	}
	if (!seen[63])
		return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, len,
				 "vietqr: no CRC (tag 63) at the end");
	int given = 0;
	for (int k = 0; k < 4; k++) {
		int h = hexval(p[crc.voff + k]);
		if (h < 0)
			return norm_fail(err, SDX_ETLV, SDX_KIND_BANK,
					 crc.voff + k,
					 "vietqr: CRC (tag 63) '%.4s' is not "
					 "four hex digits",
					 p + crc.voff);
		given = given << 4 | h;
	}
	uint16_t computed = norm_crc16(p, crc.voff);
	if (given != computed)
		return norm_fail(err, SDX_ECHECKSUM, SDX_KIND_BANK, crc.voff,
				 "vietqr: CRC mismatch: payload says %04X, "
				 "computed %04X",
				 (unsigned)given, (unsigned)computed);
	if (!have38)
		return norm_fail(err, SDX_ETLV, SDX_KIND_BANK, 0,
				 have26 ? "vietqr: no tag 38 (VietQR account); "
					  "tag 26 is another scheme"
					: "vietqr: no tag 38 (VietQR account)");
	size_t bin_off = 0;
	int rc = merchant_account(p, &t38, out, &bin_off, err);
	if (rc < 0)
		return rc;
	if (have62) {
		size_t ipos = t62.voff, iend = t62.voff + t62.vlen;
		struct tlv u;
		while (ipos < iend) {
			rc = next(p, &ipos, iend, "62.", &u, err);
			if (rc < 0)
				return rc;
			if (u.id == 8)
				copy(out->purpose, sizeof out->purpose,
				     p + u.voff, u.vlen);
		}
	}
	if (!sdx_bank_by_bin(out->bin))
		return norm_fail(
		    err, SDX_EBANK, SDX_KIND_BANK, bin_off,
		    "vietqr: BIN %s (38.01.00) is not a known bank", out->bin);
	return 0;
}
