/* readings.c: every plausible reading of one input (sdx_normalize_all).
 * Most inputs have one. A bare digit string that is a valid phone number
 * is also an account number (MB's 0352350917 is both), and an IPv4
 * address written in four dotted groups may be a phone number written the
 * same way (091.234.56.78): those have two, and a check answers each. */
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

/* Whether sdx_normalize(kind, input) succeeding with kind k is the only
 * reading sdx_normalize_all gives: always, but for a host written with a
 * trunk 0 or '+' in auto mode. "94.100.18.96" is a host; "091.234.56.78"
 * a host and maybe a phone ("94.100.18.96" is no phone number anyone
 * writes). check.c asks it to skip the readings' bookkeeping. */
int norm_reading_alone(sdx_kind kind, const char *input, size_t len, sdx_kind k)
{
	size_t s0 = 0;
	while (s0 < len && (input[s0] == ' ' || input[s0] == '\t'))
		s0++;
	return !(kind == SDX_KIND_AUTO && k == SDX_KIND_DOMAIN && s0 < len &&
		 (input[s0] == '0' || input[s0] == '+'));
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
	if (!norm_reading_alone(kind, input, len, k) &&
	    strspn(buf, "0123456789.") == strlen(buf) &&
	    !sdx_normalize(SDX_KIND_PHONE, input, len, buf, sizeof buf, NULL,
			   NULL, NULL))
		add(out, max, count, SDX_KIND_PHONE, buf);
	return 0;
}
