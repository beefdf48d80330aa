/* fuzz_import_csv.c: a CSV file (header and rows) through scamdex-import's
 * reader and row-to-report mapping (see import_stub.h). */
#include "import_stub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stub_run(csv_read, data, size);
	return 0;
}
