/* fuzz_import_jsonl.c: JSON Lines through scamdex-import's reader and
 * row-to-report mapping (see import_stub.h). */
#include "import_stub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stub_run(jsonl_read, data, size);
	return 0;
}
