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
 * ("123456789" -> 0x29B1). Table for poly 0x1021. */
static const uint16_t crc_table[256] = {
	0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50a5, 0x60c6, 0x70e7,
	0x8108, 0x9129, 0xa14a, 0xb16b, 0xc18c, 0xd1ad, 0xe1ce, 0xf1ef,
	0x1231, 0x0210, 0x3273, 0x2252, 0x52b5, 0x4294, 0x72f7, 0x62d6,
	0x9339, 0x8318, 0xb37b, 0xa35a, 0xd3bd, 0xc39c, 0xf3ff, 0xe3de,
	0x2462, 0x3443, 0x0420, 0x1401, 0x64e6, 0x74c7, 0x44a4, 0x5485,
	0xa56a, 0xb54b, 0x8528, 0x9509, 0xe5ee, 0xf5cf, 0xc5ac, 0xd58d,
	0x3653, 0x2672, 0x1611, 0x0630, 0x76d7, 0x66f6, 0x5695, 0x46b4,
	0xb75b, 0xa77a, 0x9719, 0x8738, 0xf7df, 0xe7fe, 0xd79d, 0xc7bc,
	0x48c4, 0x58e5, 0x6886, 0x78a7, 0x0840, 0x1861, 0x2802, 0x3823,
	0xc9cc, 0xd9ed, 0xe98e, 0xf9af, 0x8948, 0x9969, 0xa90a, 0xb92b,
	0x5af5, 0x4ad4, 0x7ab7, 0x6a96, 0x1a71, 0x0a50, 0x3a33, 0x2a12,
	0xdbfd, 0xcbdc, 0xfbbf, 0xeb9e, 0x9b79, 0x8b58, 0xbb3b, 0xab1a,
	0x6ca6, 0x7c87, 0x4ce4, 0x5cc5, 0x2c22, 0x3c03, 0x0c60, 0x1c41,
	0xedae, 0xfd8f, 0xcdec, 0xddcd, 0xad2a, 0xbd0b, 0x8d68, 0x9d49,
	0x7e97, 0x6eb6, 0x5ed5, 0x4ef4, 0x3e13, 0x2e32, 0x1e51, 0x0e70,
	0xff9f, 0xefbe, 0xdfdd, 0xcffc, 0xbf1b, 0xaf3a, 0x9f59, 0x8f78,
	0x9188, 0x81a9, 0xb1ca, 0xa1eb, 0xd10c, 0xc12d, 0xf14e, 0xe16f,
	0x1080, 0x00a1, 0x30c2, 0x20e3, 0x5004, 0x4025, 0x7046, 0x6067,
	0x83b9, 0x9398, 0xa3fb, 0xb3da, 0xc33d, 0xd31c, 0xe37f, 0xf35e,
	0x02b1, 0x1290, 0x22f3, 0x32d2, 0x4235, 0x5214, 0x6277, 0x7256,
	0xb5ea, 0xa5cb, 0x95a8, 0x8589, 0xf56e, 0xe54f, 0xd52c, 0xc50d,
	0x34e2, 0x24c3, 0x14a0, 0x0481, 0x7466, 0x6447, 0x5424, 0x4405,
	0xa7db, 0xb7fa, 0x8799, 0x97b8, 0xe75f, 0xf77e, 0xc71d, 0xd73c,
	0x26d3, 0x36f2, 0x0691, 0x16b0, 0x6657, 0x7676, 0x4615, 0x5634,
	0xd94c, 0xc96d, 0xf90e, 0xe92f, 0x99c8, 0x89e9, 0xb98a, 0xa9ab,
	0x5844, 0x4865, 0x7806, 0x6827, 0x18c0, 0x08e1, 0x3882, 0x28a3,
	0xcb7d, 0xdb5c, 0xeb3f, 0xfb1e, 0x8bf9, 0x9bd8, 0xabbb, 0xbb9a,
	0x4a75, 0x5a54, 0x6a37, 0x7a16, 0x0af1, 0x1ad0, 0x2ab3, 0x3a92,
	0xfd2e, 0xed0f, 0xdd6c, 0xcd4d, 0xbdaa, 0xad8b, 0x9de8, 0x8dc9,
	0x7c26, 0x6c07, 0x5c64, 0x4c45, 0x3ca2, 0x2c83, 0x1ce0, 0x0cc1,
	0xef1f, 0xff3e, 0xcf5d, 0xdf7c, 0xaf9b, 0xbfba, 0x8fd9, 0x9ff8,
	0x6e17, 0x7e36, 0x4e55, 0x5e74, 0x2e93, 0x3eb2, 0x0ed1, 0x1ef0,
};

uint16_t norm_crc16(const char *data, size_t len)
{
	uint16_t crc = 0xFFFF;
	const unsigned char *p = (const unsigned char *)data;
	for (size_t i = 0; i < len; i++)
		crc = (uint16_t)((crc << 8) ^ crc_table[((crc >> 8) ^ p[i]) & 0xFF]);
	return crc;
}

int norm_is_vietqr(const char *in, size_t len)
{
	return len >= 12 && !memcmp(in, "000201", 6);
}

/* One data object. */
struct tlv {
	int id;
	size_t off;   /* of the ID */
	size_t voff;  /* of the value */
	size_t vlen;  /* value bytes */
	int chars;    /* value characters (the length field) */
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
	/* The length counts characters, not bytes. */
	size_t v = t->voff;
	for (int c = 0; c < t->chars; c++) {
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
				return norm_fail(err, SDX_EUTF8,
						 SDX_KIND_BANK, v,
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
static int merchant_account(const char *p, const struct tlv *t38,
			    sdx_vietqr *q, size_t *bin_off, sdx_norm_error *err)
{
	size_t pos = t38->voff, end = t38->voff + t38->vlen;
	int have_guid = 0, have_bene = 0;
	struct tlv t, u;
	while (pos < end) {
		int rc = next(p, &pos, end, "38.", &t, err);
		if (rc < 0)
			return rc;
		if (t.id == 0) {
			if (t.vlen != 10 || strncasecmp(p + t.voff, NAPAS_GUID, 10))
				return norm_fail(err, SDX_ETLV, SDX_KIND_BANK,
						 t.voff,
						 "vietqr: 38.00 is '%.*s', not "
						 "the NAPAS GUID " NAPAS_GUID,
						 t.vlen > 32 ? 32 : (int)t.vlen,
						 p + t.voff);
			have_guid = 1;
		} else if (t.id == 1) {
			size_t ipos = t.voff, iend = t.voff + t.vlen;
			int have_bin = 0, have_acct = 0;
			while (ipos < iend) {
				rc = next(p, &ipos, iend, "38.01.", &u, err);
				if (rc < 0)
					return rc;
				if (u.id == 0) {
					if (u.vlen != 6 ||
					    strspn(p + u.voff, "0123456789") < 6)
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
								err,
								SDX_ESYNTAX,
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
		return norm_fail(err, SDX_ETOOLONG, SDX_KIND_BANK,
				 SDX_INPUT_MAX,
				 "vietqr: payload longer than %d bytes",
				 SDX_INPUT_MAX);
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
			out->dynamic = t.vlen == 2 && !memcmp(p + t.voff, "12", 2);
			break;
		case 26:
			have26 = 1;
			break;
		case 38:
			t38 = t;
			have38 = 1;
			break;
		case 54:
			copy(out->amount, sizeof out->amount, p + t.voff, t.vlen);
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
		return norm_fail(err, SDX_EBANK, SDX_KIND_BANK, bin_off,
				 "vietqr: BIN %s (38.01.00) is not a known bank",
				 out->bin);
	return 0;
}
