/* test_vietqr.c: VietQR payloads: every sample of vietqr-samples.txt, the
 * CRC, and every TLV error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "norm.h"
#include "ref.h"

static struct ref_qr qr[REF_QR_MAX];

/* body + "6304" + its CRC: a payload whose CRC is right. */
static const char *with_crc(const char *body)
{
	static char buf[1100];
	snprintf(buf, sizeof buf, "%s6304", body);
	snprintf(buf + strlen(buf), 5, "%04X",
		 (unsigned)norm_crc16(buf, strlen(buf)));
	return buf;
}

/* The value after "key " in a sample's comment, up to a space. */
static int field(const char *comment, const char *key, char *out, size_t n)
{
	const char *p = strstr(comment, key);
	if (!p)
		return 0;
	p += strlen(key);
	size_t k = strcspn(p, " |,");
	cr_assert_lt(k, n);
	memcpy(out, p, k);
	out[k] = '\0';
	return 1;
}

Test(vietqr, crc_check_value)
{
	cr_assert_eq(norm_crc16("123456789", 9), 0x29B1);
}

Test(vietqr, every_sample)
{
	int n = ref_vietqr(qr, REF_QR_MAX);
	cr_assert_eq(n, 19);
	for (int i = 0; i < n; i++) {
		const char *p = qr[i].payload, *c = qr[i].comment;
		char bin[16], acct[32], crc[8], amount[16], want[64];
		sdx_vietqr q;
		sdx_norm_error err;
		cr_assert(field(c, "| BIN ", bin, sizeof bin), "%s", c);
		cr_assert(field(c, "| account ", acct, sizeof acct) ||
			      field(c, "| card ", acct, sizeof acct),
			  "%s", c);
		cr_assert(field(c, "| CRC ", crc, sizeof crc), "%s", c);
		int rc = sdx_vietqr_parse(p, strlen(p), &q, &err);
		cr_assert_eq(rc, 0, "%s: %s", p, err.reason);
		cr_assert_str_eq(q.bin, bin, "%s", p);
		cr_assert_str_eq(q.account, acct, "%s", p);
		cr_assert_eq(q.dynamic, strstr(c, "dynamic(12)") != NULL);
		if (field(c, "| amount ", amount, sizeof amount))
			cr_assert_str_eq(q.amount, amount);
		else
			cr_assert_str_eq(q.amount, "");
		cr_assert_str_eq(q.service, strstr(c, "QRIBFTTC") ? "QRIBFTTC"
								  : "QRIBFTTA");
		const char *purpose = strstr(c, "62.08 \"");
		if (purpose) {
			purpose += 7;
			cr_assert_eq(
			    strncmp(q.purpose, purpose, strlen(q.purpose)), 0);
			cr_assert_eq(purpose[strlen(q.purpose)], '"');
		}
		/* as a bank identifier, named or detected */
		snprintf(want, sizeof want, "%s:%s", bin, acct);
		expect_ok(SDX_KIND_BANK, p, SDX_KIND_BANK, want);
		expect_ok(SDX_KIND_AUTO, p,
			  SDX_KIND_AUTO == 0 ? SDX_KIND_BANK : 0, want);

		/* one wrong CRC digit: both values named */
		char bad[1100], reason[160];
		size_t len = strlen(p);
		snprintf(bad, sizeof bad, "%s", p);
		bad[len - 1] = bad[len - 1] == '0' ? '1' : '0';
		unsigned given = (unsigned)strtoul(bad + len - 4, NULL, 16);
		unsigned right = (unsigned)strtoul(p + len - 4, NULL, 16);
		snprintf(reason, sizeof reason,
			 "vietqr: CRC mismatch: payload says %04X, computed "
			 "%04X",
			 given, right);
		expect_err(SDX_KIND_BANK, bad, SDX_ECHECKSUM, len - 4, reason);
		/* a changed account digit, CRC kept */
		snprintf(bad, sizeof bad, "%s", p);
		char *a = strstr(bad, acct);
		*a = *a == '9' ? '8' : '9';
		cr_assert_eq(sdx_vietqr_parse(bad, len, &q, &err),
			     SDX_ECHECKSUM);
	}
}

static void qr_err(const char *payload, int code, size_t offset,
		   const char *reason)
{
	sdx_vietqr q;
	sdx_norm_error err;
	memset(&err, 0, sizeof err);
	int rc = sdx_vietqr_parse(payload, strlen(payload), &q, &err);
	cr_assert_eq(rc, code, "'%s': %s (%s)", payload, sdx_status_name(rc),
		     err.reason);
	if (code == 0)
		return;
	cr_assert_str_eq(err.reason, reason, "'%s'", payload);
	cr_assert_eq(err.offset, offset, "'%s': offset %zu", payload,
		     err.offset);
	cr_assert_eq(err.kind, SDX_KIND_BANK);
}

#define ACB38 "38530010A0000007270123000697041601092576788590208QRIBFTTA"
#define TAIL "53037045802VN"

Test(vietqr, errors)
{
	qr_err("0102110002016304ABCD", SDX_ETLV, 0,
	       "vietqr: tag 00 must come first, found 01");
	qr_err("000201010211"
	       "38"
	       "99"
	       "0010",
	       SDX_ETLV, 12,
	       "vietqr: tag 38 says 99 characters but only 4 remain");
	qr_err("000201010211"
	       "3X"
	       "02ab",
	       SDX_ETLV, 12,
	       "vietqr: tag ID '3X' in the payload is not two digits");
	qr_err("000201010211"
	       "38"
	       "00",
	       SDX_ETLV, 14, "vietqr: length '00' of tag 38 is not 01..99");
	qr_err("000201010211"
	       "38",
	       SDX_ETLV, 12,
	       "vietqr: 2 stray characters at the end of the payload");
	qr_err("000202010211" TAIL, SDX_ETLV, 4,
	       "vietqr: tag 00 (payload format) is not \"01\"");
	qr_err("000201010211010212", SDX_ETLV, 12,
	       "vietqr: tag 01 appears twice");
	qr_err("000201010211" ACB38 TAIL, SDX_ETLV, 82,
	       "vietqr: no CRC (tag 63) at the end");
	qr_err("000201010211" ACB38 "6304AE9F" TAIL, SDX_ETLV, 77,
	       "vietqr: tag 63 (CRC) must come last");
	qr_err("000201010211" ACB38 TAIL "630512345", SDX_ETLV, 84,
	       "vietqr: tag 63 (CRC) has length 05, expected 04");
	qr_err("000201010211" ACB38 TAIL "6304AE9G", SDX_ETLV, 89,
	       "vietqr: CRC (tag 63) 'AE9G' is not four hex digits");
	qr_err("000201010211" ACB38 TAIL "6304ae9f", 0, 0, "");
}

Test(vietqr, structure_errors_with_a_good_crc)
{
	qr_err(with_crc("000201010211" TAIL), SDX_ETLV, 0,
	       "vietqr: no tag 38 (VietQR account)");
	qr_err(with_crc("000201010211"
			"26140010A000000775" TAIL),
	       SDX_ETLV, 0,
	       "vietqr: no tag 38 (VietQR account); tag 26 is another "
	       "scheme");
	qr_err(with_crc("000201010211"
			"38530010A0000007280123000697041601092576788590208"
			"QRIBFTTA" TAIL),
	       SDX_ETLV, 20,
	       "vietqr: 38.00 is 'A000000728', not the NAPAS GUID "
	       "A000000727");
	qr_err(with_crc("000201010211"
			"38530010A000000727012300069704X601092576788590208"
			"QRIBFTTA" TAIL),
	       SDX_ETLV, 38, "vietqr: 38.01.00 is not a six-digit BIN");
	qr_err(with_crc("000201010211"
			"38530010A0000007270123000697049901092576788590208"
			"QRIBFTTA" TAIL),
	       SDX_EBANK, 38,
	       "vietqr: BIN 970499 (38.01.00) is not a known bank");
	qr_err(with_crc("000201010211"
			"38530010A0000007270123000697041601092576.88590208"
			"QRIBFTTA" TAIL),
	       SDX_ESYNTAX, 52,
	       "vietqr: 38.01.01 account has a character other than A-Z, "
	       "0-9");
	qr_err(with_crc("000201010211"
			"38640010A00000072701340006970416012012345678901234567"
			"8900208QRIBFTTA" TAIL),
	       SDX_ETLV, 48,
	       "vietqr: 38.01.01 account has 20 characters, at most 19");
	qr_err(with_crc("000201010211"
			"38400010A00000072701100006970416"
			"0208QRIBFTTA" TAIL),
	       SDX_ETLV, 30, "vietqr: 38.01 lacks the account (38.01.01)");
	qr_err(with_crc("000201010211"
			"38260010A0000007270208QRIBFTTA" TAIL),
	       SDX_ETLV, 12, "vietqr: tag 38 lacks the beneficiary (38.01)");
	qr_err(with_crc("000201010211"
			"38390123000697041601092576788590208QRIBFTTA" TAIL),
	       SDX_ETLV, 12, "vietqr: tag 38 lacks the NAPAS GUID (38.00)");
	qr_err(with_crc("000201010211" ACB38 TAIL "62070899abc"), SDX_ETLV, 86,
	       "vietqr: tag 62.08 says 99 characters but only 3 remain");

	/* as a bank identifier, the kind tried is bank */
	expect_err(SDX_KIND_BANK, with_crc("000201010211" TAIL), SDX_ETLV, 0,
		   "vietqr: no tag 38 (VietQR account)");
	cr_assert_eq(sdx_vietqr_parse(NULL, 0, NULL, NULL), SDX_EINVAL);
}

/* Characters, not bytes: a Vietnamese note of 5 characters in 62.08. */
Test(vietqr, lengths_count_characters)
{
	sdx_vietqr q;
	sdx_norm_error err;
	const char *p =
	    with_crc("000201010211" ACB38 TAIL "62090805L\xe1\xbb\xab"
		     "a \xc4\x91");
	cr_assert_eq(sdx_vietqr_parse(p, strlen(p), &q, &err), 0, "%s",
		     err.reason);
	cr_assert_str_eq(q.purpose, "L\xe1\xbb\xab"
				    "a \xc4\x91");
}
