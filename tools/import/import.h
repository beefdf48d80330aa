/* import.h: the parts of scamdex-import (private to tools/import).
 *
 * A reader (csvin.c, jsonin.c) turns input into rows of cells, each cell
 * tagged with the column it belongs to (columns.c); row.c turns a row into
 * an sdx_report or a reject; main.c batches reports into the database and
 * keeps the totals. */
#ifndef SCAMDEX_IMPORT_H
#define SCAMDEX_IMPORT_H

#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <scamdex/scamdex.h>

/* Bounds on input: longer rows and lines are rejected, never buffered. */
#define IMP_ROW_MAX 65536 /* bytes of one CSV record or JSONL line */
#define IMP_FIELDS_MAX 64 /* fields of one CSV record */
#define IMP_CELLS_MAX 16  /* values of one column in one row */
#define IMP_REASON_MAX 200

enum column {
	COL_NONE = -1,	/* an unknown header: ignored, with a warning */
	COL_IGNORE = 0, /* ignored on purpose (--map h=ignore) */
	COL_PHONE,
	COL_BANK,
	COL_ACCOUNT,
	COL_VIETQR,
	COL_HANDLE,
	COL_PLATFORM,
	COL_URL,
	COL_AGENCY,
	COL_CASE_REF,
	COL_INCIDENT_DATE,
	COL_RECEIVED_DATE,
	COL_CATEGORY,
	COL_CHANNEL,
	COL_AMOUNT,
	COL_CONFIRMATION,
	COL_AUDIENCE,
	COL_NARRATIVE,
	COL_COUNT
};

/* The English name of a column ("phone"...), "ignore" for COL_IGNORE. */
const char *column_name(int col);
/* 1 if a column may appear more than once (identifier columns). */
int column_repeats(int col);

/* Header names to columns: the built-in English and Vietnamese names,
 * plus the lines of a --map file. */
struct colmap;
int colmap_new(struct colmap **out);
void colmap_free(struct colmap *m);
/* Load "header=column" lines; on error prints "FILE:LINE: ..." to stderr
 * and returns non-zero. */
int colmap_load(struct colmap *m, const char *path);
/* The column of a header name (any case and diacritics), COL_NONE if it
 * is not known. */
int colmap_lookup(const struct colmap *m, const char *name, size_t len);

/* One row: the values of each column (trimmed, non-empty), borrowed from
 * the reader's buffers for the duration of the call. */
struct cell {
	const char *s;
	size_t len;
};
struct row {
	size_t n[COL_COUNT];
	struct cell v[COL_COUNT][IMP_CELLS_MAX];
	int too_many; /* a column held more than IMP_CELLS_MAX values */
	int too_many_col;
	int nul_free; /* the reader knows no value holds a NUL byte */
};
void row_clear(struct row *r);
/* Add a value (trimmed; an empty value is dropped). */
void row_add(struct row *r, int col, const char *s, size_t len);

/* Defaults applied to every row. */
struct row_defaults {
	const char *origin;
	const char *agency;
	int audience;
	int32_t today;
	int strict; /* --strict: an unknown category or channel is refused */
};

/* Why a row was refused. */
struct reject {
	const char *column; /* column name, "" for the row as a whole */
	char reason[IMP_REASON_MAX];
	/* an accepted row's warnings (unknown labels kept as other): how
	 * many, and the first */
	int warnings;
	const char *warn_column;
	char warning[IMP_REASON_MAX];
};

/* Turn a row into a report. 0 (rej->warnings set), or -1 with rej
 * filled. */
int row_to_report(const struct row *row, const struct row_defaults *def,
		  sdx_report *out, struct reject *rej);

/* The importer's state, shared by the readers and main.c. */
struct importer;

/* Called by a reader for every data row (after the header): `line` is the
 * line where the row starts, raw/rawlen its original text (without the
 * line end). Returns 0 to go on, or a negative status to stop (database
 * error). */
int imp_row(struct importer *imp, size_t line, const struct row *row,
	    const char *raw, size_t rawlen);
/* A row the reader itself refused (too long, bad JSON...). */
int imp_reject(struct importer *imp, size_t line, const char *column,
	       const char *reason, const char *raw, size_t rawlen);
/* Bytes of input consumed so far (for the progress bar). */
void imp_progress(struct importer *imp, uint64_t bytes);
const struct colmap *imp_colmap(const struct importer *imp);
const char *imp_filename(const struct importer *imp);

/* Readers: read all of `fp` (named `name` in messages). Return 0 at end
 * of input, IMP_EUSAGE for input that cannot be read as that format at
 * all (bad header, read error: message printed), or the negative status
 * returned by imp_row. */
#define IMP_EUSAGE 1
int csv_read(struct importer *imp, FILE *fp, const char *name);
int jsonl_read(struct importer *imp, FILE *fp, const char *name);

/* Write one CSV field (quoted when needed) to fp. */
int csv_put_field(FILE *fp, const char *s, size_t len);

/* Progress bar on a terminal. */
struct progress {
	int enabled;
	uint64_t total_bytes; /* 0 if unknown */
	uint64_t bytes;
	uint64_t rows;
	double start, last;
	/* rows of the batch being written, 0 if none; set by the thread
	 * that commits, drawn by the reader's */
	atomic_size_t writing;
};
void progress_start(struct progress *p, int enabled, uint64_t total_bytes);
void progress_update(struct progress *p, uint64_t rows, uint64_t bytes);
/* A batch of `rows` rows is being written (0: done); any thread. */
void progress_writing(struct progress *p, size_t rows);
/* Draw now, whatever the time since the last draw (the reader's thread). */
void progress_redraw(struct progress *p);
void progress_end(struct progress *p);

/* A date cell: what sdx_date_parse takes, an Excel serial number
 * (46000 or 46000.604 with the time) or a two-digit year (03/12/26 is
 * 2026). 0, -1, or SHEET_YY_FUTURE. */
#define SHEET_YY_FUTURE -2 /* a two-digit year that would be after today */
int sheet_date(const char *s, size_t len, int32_t today, int32_t *out);

/* Look at the start of an input (encoding.c): a workbook is refused, a
 * UTF-16 BOM or `encoding` (NULL: none given) converts to UTF-8 (NFC),
 * otherwise the start must be UTF-8. *fp may be replaced by a converting
 * stream (fclose closes both). 0, IMP_EUSAGE (message printed) or
 * SDX_ENOMEM. */
int input_prepare(FILE **fp, const char *name, const char *encoding);
/* 1 if iconv knows this --encoding value. */
int encoding_valid(const char *enc);

/* The command line (options.c). */
/* rows a batch holds at most: below the store's ADDSET_MAX (8,388,608) */
#define IMP_BATCH_MAX 8000000
enum { FMT_AUTO, FMT_CSV, FMT_JSONL };
struct options {
	int fmt, quiet, threads, force, create;
	const char *map_path, *db_opt, *encoding, *reject_path;
	size_t batch_size;
	struct row_defaults def;
	char **files; /* the operands; nfiles 0: standard input */
	int nfiles;
};
/* -1 to go on, else the exit status (--help, --version, a usage error:
 * message printed). */
int options_parse(int argc, char **argv, struct options *o);
__attribute__((format(printf, 1, 2))) int usage_error(const char *fmt, ...);
int db_path(const char *opt, char *buf, size_t size, int *named);
int file_format(int fmt, const char *name);

/* seen.c: XXH3-128 of a regular file's bytes (read, then rewound); -1
 * for standard input or a pipe. */
int seen_digest(FILE *fp, uint8_t digest[16]);
/* 0 if the file was not imported before, or under `origin` (*known
 * set: nothing to remember again), or with force (said); else the exit
 * status, message printed. */
int seen_check(sdx_db *db, const char *name, const uint8_t digest[16],
	       const char *origin, int force, int *known);

/* 1 if s[0..len) is valid UTF-8. */
int utf8_valid(const char *s, size_t len);

#endif /* SCAMDEX_IMPORT_H */
