/* fuzz_vietqr.c: the VietQR (EMVCo / NAPAS247) payload parser, and the
 * same payload through sdx_normalize as a bank identifier.
 * Input: the payload bytes as they are. A success must leave every string
 * of sdx_vietqr NUL-terminated inside its array and a six-digit BIN. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scamdex/normalize.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	sdx_vietqr qr;
	sdx_norm_error err;
	memset(&qr, 'x', sizeof qr);
	int rc = sdx_vietqr_parse(in, size, &qr, &err);
	if (rc == 0) {
		if (!TERMINATED(qr.bin) || !TERMINATED(qr.account) ||
		    !TERMINATED(qr.service) || !TERMINATED(qr.amount) ||
		    !TERMINATED(qr.purpose) || !TERMINATED(qr.merchant)) {
			fprintf(stderr,
				"fuzz_vietqr: a field is not NUL-terminated\n");
			abort();
		}
		if (strlen(qr.bin) != 6) {
			fprintf(stderr,
				"fuzz_vietqr: BIN '%s' is not six digits\n",
				qr.bin);
			abort();
		}
		for (int i = 0; i < 6; i++)
			if (!isdigit((unsigned char)qr.bin[i])) {
				fprintf(stderr,
					"fuzz_vietqr: BIN '%s' is not digits\n",
					qr.bin);
				abort();
			}
	} else {
		if (rc > 0 || err.code != rc || err.offset > size ||
		    !TERMINATED(err.reason)) {
			fprintf(
			    stderr,
			    "fuzz_vietqr: inconsistent failure %d/%d at %zu\n",
			    rc, err.code, err.offset);
			abort();
		}
	}

	char out[SDX_CANON_MAX];
	sdx_normalize(SDX_KIND_BANK, in, size, out, sizeof out, NULL, NULL,
		      NULL);
	sdx_normalize(SDX_KIND_AUTO, in, size, out, sizeof out, NULL, NULL,
		      NULL);
	return 0;
}
