/* fuzz_drop_index.c: a drop's index (tools/sync/drop_index.c). The input
 * is read twice: as it is (the signature check must refuse it without a
 * fault), and as the text before a signature line this target adds with
 * a key of its own, so that the parser behind the signature is reached. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drop.h"
#include "drop_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sdx_key key;
	static int have;
	static const char hx[] = "0123456789abcdef";
	drop_index ix;
	char why[300], *text;
	uint8_t sig[64];

	if (!have) {
		if (sdx_keygen("HN-PA05", &key) != 0)
			abort();
		have = 1;
	}
	if (size > DROP_INDEX_MAX)
		return 0;
	if (index_read((const char *)data, size, "HN-PA05", key.pubkey, &ix,
		       why, sizeof why) == 0)
		index_free(&ix);
	if (!(text = malloc(size + 11 + 128 + 1)))
		return 0;
	memcpy(text, data, size);
	if (sdx_drop_index_sign(&key, text, size, sig) != 0)
		abort();
	memcpy(text + size, "signature ", 10);
	for (int i = 0; i < 64; i++) {
		text[size + 10 + 2 * i] = hx[sig[i] >> 4];
		text[size + 10 + 2 * i + 1] = hx[sig[i] & 15];
	}
	text[size + 138] = '\n';
	if (index_read(text, size + 139, "HN-PA05", key.pubkey, &ix, why,
		       sizeof why) == 0) {
		/* what parsed must be what the text said */
		if (strcmp(ix.office, "HN-PA05") != 0)
			abort();
		index_free(&ix);
	}
	free(text);
	return 0;
}
