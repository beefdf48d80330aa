/* import_stub.h: the importer's readers and row mapping (tools/import/
 * csvin.c, jsonin.c, columns.c, row.c) without its main.c: this file
 * stands in for the struct importer and the imp_* callbacks, so that a
 * fuzz target drives the real reader -> row -> report path in memory.
 * Each accepted row is checked: a complete report that has an id. Each
 * refused row must say why. Included by fuzz_import_csv.c and
 * fuzz_import_jsonl.c only. */
#ifndef FUZZ_IMPORT_STUB_H
#define FUZZ_IMPORT_STUB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

struct importer {
	struct colmap *map;
	struct row_defaults def;
	uint64_t rows, accepted, rejected;
};

static sdx_report stub_report;

static void stub_fail(const char *what)
{
	fprintf(stderr, "fuzz_import: %s\n", what);
	abort();
}

int imp_row(struct importer *imp, size_t line, const struct row *row,
	    const char *raw, size_t rawlen)
{
	struct reject rej;
	(void)line;
	(void)raw;
	(void)rawlen;
	imp->rows++;
	memset(&rej, 0, sizeof rej);
	if (row_to_report(row, &imp->def, &stub_report, &rej) == 0) {
		uint8_t id[16];
		imp->accepted++;
		if (stub_report.n_idents < 1 ||
		    stub_report.n_idents > SDX_REPORT_IDENTS_MAX)
			stub_fail("accepted row without identifiers or with "
				  "too many");
		for (size_t i = 0; i < stub_report.n_idents; i++)
			if (!memchr(stub_report.idents[i].canonical, '\0',
				    SDX_CANON_MAX))
				stub_fail("identifier not NUL-terminated");
		if (!memchr(stub_report.agency, '\0',
			    sizeof stub_report.agency) ||
		    !memchr(stub_report.narrative, '\0',
			    sizeof stub_report.narrative) ||
		    !memchr(stub_report.case_ref, '\0',
			    sizeof stub_report.case_ref))
			stub_fail("text field not NUL-terminated");
		/* What the store does first with a report: encode and hash. */
		int rc = sdx_report_id(&stub_report, id);
		if (rc != 0) {
			fprintf(stderr,
				"fuzz_import: accepted row has no id: %s\n",
				sdx_strerror(rc));
			abort();
		}
	} else {
		imp->rejected++;
		if (!rej.column || !rej.reason[0] ||
		    !memchr(rej.reason, '\0', sizeof rej.reason))
			stub_fail("refused row without a column or a reason");
	}
	return 0;
}

int imp_reject(struct importer *imp, size_t line, const char *column,
	       const char *reason, const char *raw, size_t rawlen)
{
	(void)line;
	(void)raw;
	(void)rawlen;
	imp->rows++;
	imp->rejected++;
	if (!column || !reason || !reason[0])
		stub_fail("reader refused a row without a reason");
	return 0;
}

void imp_progress(struct importer *imp, uint64_t bytes)
{
	(void)imp;
	(void)bytes;
}

const struct colmap *imp_colmap(const struct importer *imp)
{
	return imp->map;
}

const char *imp_filename(const struct importer *imp)
{
	(void)imp;
	return "fuzz-input";
}

/* Run reader over data: a memory stream (or /dev/null when empty). */
static void stub_run(int (*reader)(struct importer *, FILE *, const char *),
		     const uint8_t *data, size_t size)
{
	static struct importer imp;
	if (!imp.map) {
		if (colmap_new(&imp.map) != 0)
			stub_fail("colmap_new");
		imp.def.audience = SDX_AUD_BANK;
		sdx_date_parse("2026-11-28", 10, &imp.def.today);
	}
	imp.rows = imp.accepted = imp.rejected = 0;
	FILE *fp = size ? fmemopen((void *)data, size, "rb")
			: fopen("/dev/null", "rb");
	if (!fp)
		return;
	/* Messages about bad headers go to stderr; keep the fuzzer quiet. */
	reader(&imp, fp, "fuzz-input");
	fclose(fp);
	if (imp.accepted + imp.rejected != imp.rows)
		stub_fail("rows read != accepted + rejected");
}

#endif
