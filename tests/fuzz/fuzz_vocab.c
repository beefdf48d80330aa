/* fuzz_vocab.c: the small parsers of typed-in fields: dates, amounts,
 * category / channel / role / confirmation / audience names, report ids.
 * Input: one selector byte, then the text.
 * Checks: a parsed date is in 1970..2199 and formats to a date that
 * parses back to the same day; a parsed amount is 0..10^15; a parsed
 * name has a name that parses back to the same value; a parsed id prints
 * as 32 hex digits that parse back to it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scamdex/db.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *in, size_t len)
{
	fprintf(stderr, "fuzz_vocab: %s (input '%.*s')\n", what,
		(int)(len > 200 ? 200 : len), in);
	abort();
}

typedef int (*parse_fn)(const char *, size_t, int *);
typedef const char *(*name_fn)(int);

static void name_roundtrip(parse_fn parse, name_fn name, const char *in,
			   size_t len)
{
	int v = -1;
	if (parse(in, len, &v) != 0)
		return;
	const char *n = name(v);
	if (!n || !strcmp(n, "?"))
		fail("parsed to a value without a name", in, len);
	int back = -1;
	if (parse(n, strlen(n), &back) != 0 || back != v)
		fail("a name does not parse back to its value", in, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;
	switch (data[0] % 8) {
	case 0: {
		int32_t days = 0;
		if (sdx_date_parse(in, len, &days) == 0) {
			char buf[11];
			int32_t back = 0;
			/* 1970-01-01 .. 2199-12-31 */
			if (days < 0 || days > 84005)
				fail("date outside 1970..2199", in, len);
			sdx_date_format(days, buf);
			if (sdx_date_parse(buf, strlen(buf), &back) != 0 ||
			    back != days)
				fail("a formatted date does not parse back", in,
				     len);
		}
		break;
	}
	case 1: {
		int64_t vnd = -1;
		if (sdx_amount_parse(in, len, &vnd) == 0 &&
		    (vnd < 0 || vnd > 1000000000000000LL))
			fail("amount outside 0..10^15", in, len);
		break;
	}
	case 2:
		name_roundtrip(sdx_category_parse, sdx_category_name, in, len);
		break;
	case 3:
		name_roundtrip(sdx_channel_parse, sdx_channel_name, in, len);
		break;
	case 4:
		name_roundtrip(sdx_role_parse, sdx_role_name, in, len);
		break;
	case 5:
		name_roundtrip(sdx_confirmation_parse, sdx_confirmation_name,
			       in, len);
		break;
	case 6:
		name_roundtrip(sdx_audience_parse, sdx_audience_name, in, len);
		break;
	default: {
		uint8_t id[16], back[16];
		char hex[33];
		if (sdx_id_from_hex(in, len, id) == 0) {
			sdx_id_to_hex(id, hex);
			if (strlen(hex) != 32 ||
			    sdx_id_from_hex(hex, 32, back) != 0 ||
			    memcmp(id, back, 16))
				fail("a report id does not round-trip through "
				     "hex",
				     in, len);
		}
		break;
	}
	}
	return 0;
}
