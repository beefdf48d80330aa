/* fuzz_normalize.c: every normalizer, auto-detection, sdx_fold and
 * sdx_bank_lookup.
 *
 * Input: one selector byte, then the text. selector % 9 picks the entry
 * point: 0..6 sdx_normalize with that kind (0 = auto), 7 sdx_fold,
 * 8 sdx_bank_lookup; selector / 9 picks a small output size for a second
 * call that must fail cleanly or succeed identically. Beyond memory
 * safety, the contract of normalize.h is checked and a broken promise
 * aborts (a finding): success gives a NUL-terminated canonical form whose
 * length is *outlen and which normalizes to itself; failure returns a
 * negative code, leaves out empty and fills err consistently. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scamdex/normalize.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, sdx_kind kind, const char *in, size_t len)
{
	fprintf(stderr, "fuzz_normalize: %s (kind %s, input '%.*s')\n", what,
		sdx_kind_name(kind), (int)(len > 200 ? 200 : len), in);
	abort();
}

static void check_failure(int rc, sdx_kind kind, const char *in, size_t len,
			  const char *out, const sdx_norm_error *err)
{
	if (rc >= 0)
		fail("failure with a non-negative code", kind, in, len);
	if (out[0] != '\0')
		fail("out not emptied on failure", kind, in, len);
	if (err->code != rc)
		fail("err.code differs from the return value", kind, in, len);
	if (err->offset > len)
		fail("err.offset past the end of the input", kind, in, len);
	if (!memchr(err->reason, '\0', sizeof err->reason))
		fail("err.reason not NUL-terminated", kind, in, len);
}

static void fuzz_kind(sdx_kind kind, const char *in, size_t len, unsigned small)
{
	char out[SDX_CANON_MAX];
	size_t outlen = (size_t)-1;
	sdx_kind got = (sdx_kind)-1;
	sdx_norm_error err;
	memset(out, 'x', sizeof out);
	int rc =
	    sdx_normalize(kind, in, len, out, sizeof out, &outlen, &got, &err);
	if (rc != 0) {
		check_failure(rc, kind, in, len, out, &err);
	} else {
		if (!memchr(out, '\0', sizeof out))
			fail("canonical form not NUL-terminated", kind, in,
			     len);
		if (strlen(out) != outlen || outlen == 0)
			fail("*outlen differs from strlen(out) or is 0", kind,
			     in, len);
		if (got <= SDX_KIND_AUTO || got >= SDX_KIND_COUNT)
			fail("*kind_out out of range", kind, in, len);
		/* An account written with its bank's name is that bank's
		 * account: kind account may answer kind bank. */
		if (kind != SDX_KIND_AUTO && got != kind &&
		    !(kind == SDX_KIND_ACCOUNT && got == SDX_KIND_BANK))
			fail("*kind_out differs from the kind asked for", kind,
			     in, len);
		/* The canonical form is a fixed point: it is what is stored and
		 * what a check on a stored identifier passes back in. */
		char again[SDX_CANON_MAX];
		size_t againlen = 0;
		int rc2 = sdx_normalize(got, out, outlen, again, sizeof again,
					&againlen, NULL, NULL);
		if (rc2 != 0 || againlen != outlen ||
		    memcmp(again, out, outlen))
			fail("canonical form does not normalize to itself",
			     kind, in, len);
	}

	/* The same call into a small, exactly sized heap buffer: the result
	 * must fit or fail, never overflow. */
	char *tiny = malloc(small ? small : 1);
	if (!tiny)
		return;
	size_t tinylen = 0;
	sdx_norm_error err2;
	int rc3 =
	    sdx_normalize(kind, in, len, tiny, small, &tinylen, NULL, &err2);
	if (rc3 == 0) {
		if (rc != 0 || tinylen != outlen ||
		    memcmp(tiny, out, outlen + 1))
			fail("small buffer gave a different result", kind, in,
			     len);
	} else if (rc == 0 && outlen < small) {
		fail("failed with a buffer large enough", kind, in, len);
	} else if (small && tiny[0] != '\0') {
		fail("small buffer not emptied on failure", kind, in, len);
	}
	free(tiny);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0] % 9;
	unsigned small = data[0] / 9; /* 0..28 bytes */
	const char *in = (const char *)data + 1;
	size_t len = size - 1;

	if (sel < SDX_KIND_COUNT) {
		fuzz_kind((sdx_kind)sel, in, len, small);
	} else if (sel == 7) {
		char out[SDX_INPUT_MAX * 2];
		int rc = sdx_fold(in, len, out, sizeof out);
		if (rc == 0 && !memchr(out, '\0', sizeof out))
			fail("sdx_fold result not NUL-terminated",
			     SDX_KIND_AUTO, in, len);
		char *tiny = malloc(small ? small : 1);
		if (tiny) {
			sdx_fold(in, len, tiny, small);
			free(tiny);
		}
	} else {
		const sdx_bank_info *bank = NULL;
		int rc = sdx_bank_lookup(in, len, &bank);
		if (rc == 0 && (!bank || !bank->bin || !bank->short_name))
			fail("sdx_bank_lookup success without a bank",
			     SDX_KIND_BANK, in, len);
		if (rc == 0 && sdx_bank_by_bin(bank->bin) != bank)
			fail("sdx_bank_by_bin does not find the bank's own BIN",
			     SDX_KIND_BANK, in, len);
	}
	return 0;
}
