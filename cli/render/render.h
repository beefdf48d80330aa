/* render.h: what scamdex shows, as JSON (and the links graph as DOT), made
 * by one piece of code for the CLI (scamdex check/show/links/stats --json)
 * and the service (scamdex serve, /v1/...), so both give the same objects.
 * Terminal text: text.c (English or Vietnamese) for what people read
 * (a check's verdict line, identifiers, vocabulary labels); the rest of
 * the text layout is in the cmd_*.c files. */
#ifndef SCAMDEX_CLI_RENDER_H
#define SCAMDEX_CLI_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include <scamdex/scamdex.h>

#include "../cli.h"

struct json_t;

/* ---- check.c ---- */

/* Look the category names up once, before any thread renders. */
void render_init(void);

/* A date as "YYYY-MM-DD" (JSON: quoted, or null when none; text: nothing
 * when none). */
void render_date(struct cli_buf *b, int32_t d, int json);
/* Categories as a JSON array, or their names joined by sep. */
void render_categories(struct cli_buf *b, uint32_t bits, int json,
		       const char *sep);
/* The same with the vocabulary's Vietnamese display labels (JSON strings
 * escaped): the extra key categories_vi of check --json and --csv. */
void render_categories_vi(struct cli_buf *b, uint32_t bits, int json,
			  const char *sep);

/* Check one input (at most SDX_INPUT_MAX bytes, else SDX_ETOOLONG) as
 * `audience` sees it (SDX_AUD_BANK counts the reports a bank may see,
 * from the summary's bank view), every interpretation
 * (sdx_check_all_view; a named kind other than domain: sdx_check_view's
 * one answer): out holds SDX_INTERP_MAX, the most serious first. Returns
 * sdx_check's code. */
int render_check_all(sdx_db *db, sdx_kind kind, const char *in, size_t len,
		     int32_t today, int audience, sdx_interp *out, size_t *n,
		     sdx_norm_error *err);
/* The reading show and links answer for, in the CLI and the service:
 * the most serious of render_check_all's interpretations (check's
 * answer: "BVB 123" at the bank it was reported at, a bare number by its
 * reported Zalo account), it[*pick]; kind ACCOUNT skipped unless
 * accounts_ok (links walks one bank's account at a time: SDX_EKIND with
 * err saying so when nothing else is left). Other codes as
 * render_check_all. */
int render_pick_reading(sdx_db *db, sdx_kind kind, const char *in, size_t len,
			int audience, int accounts_ok, sdx_interp *it,
			size_t *n, size_t *pick, sdx_norm_error *err);

/* The identifier whose reports answered an interpretation: the parent
 * domain that answered for a host (login.evil.com via evil.com), else the
 * reading itself. show lists its reports. */
const char *render_reading_named(const sdx_interp *it);

/* The answer to one input as one JSON object (no newline): the most
 * serious interpretation's fields as render_check_json, then "via" when a
 * parent domain or a subdomain allowlist entry answered, then, when the
 * input has more than one reading, "interpretations": [{kind, canonical,
 * via?, verdict, grade, reports, retracted, agencies, last_3d, last_30d,
 * last_6m}, ...], most serious first. */
void render_check_all_json(struct cli_buf *b, const char *in, size_t len,
			   const sdx_interp *it, size_t n);

/* The verdict as one JSON object (no newline): input, kind, canonical,
 * verdict, grade, counts, categories, dates, confirmation, disputed, and
 * the display labels categories_vi (Vietnamese, the vocabulary's). */
void render_check_json(struct cli_buf *b, const char *in, size_t len,
		       const sdx_check_result *r);
/* An input that is not an identifier: {"input": ..., "error": msg}; the
 * input echoed cut to SDX_INPUT_MAX bytes. No newline. */
void render_check_error_json(struct cli_buf *b, const char *in, size_t len,
			     const char *msg);

/* ---- report.c ---- */

/* "retracted", "disputed" or "active". */
const char *render_state_name(unsigned state);
/* One report with its provenance (as 'scamdex show --json'); office is
 * this database's office, named as the origin of local reports. NULL when
 * out of memory. */
struct json_t *render_report_json(const sdx_report *r, const char *office);
/* Whether the report has a dispute to tell: open, or resolved (history).
 * JSON: "dispute": {"state": "open"|"resolved", "date", "by", "office", "note",
 * "resolved_date", "resolved_by", "resolved_office", "resolved_note"} (null
 * when not known or not resolved), beside the stable state fields. */
int render_has_dispute(const sdx_report *r);
/* A resolved dispute as history, two text lines ('scamdex show'): who
 * disputed, when and why; who resolved it, when and how. Nothing for a
 * report without one (an open dispute is its state line); self as in
 * render_event_text. Control
 * characters are shown as '?'. */
void render_dispute_text(struct cli_buf *b, const sdx_report *r,
			 const char *self);
/* "DATE by WHO (office OFFICE): NOTE", each part when known, OFFICE
 * (the signer) left out when it is self, this database's office; strings
 * from other offices with control characters made '?' */
void render_event_text(struct cli_buf *b, int32_t date, const char *by,
		       const char *office, const char *self, const char *note);

/* ---- links.c ---- */

/* An edge of the links walk, kept (the library's pointers live only
 * during the callback). */
struct render_edge {
	sdx_kind kind;
	char canonical[SDX_CANON_MAX];
	sdx_role role;
	uint8_t report[16];
	int category;
	unsigned depth;
};

struct render_links {
	sdx_kind kind; /* the start */
	char canonical[SDX_CANON_MAX];
	unsigned depth;
	int audience;
	struct render_edge *edges;
	size_t n, cap;
	int truncated; /* the walk stopped at its limit */
};

/* Walk the links of (kind, canonical); with_start, the start's own
 * reports join as depth-0 edges (after the walk's), as the graph needs.
 * Free with render_links_free. Returns an SDX_E code. */
int render_links_walk(sdx_db *db, struct render_links *g, sdx_kind kind,
		      const char *canonical, unsigned depth, size_t limit,
		      int audience, int with_start);
void render_links_free(struct render_links *g);
/* Edge i as one JSON object ('scamdex links --json'). NULL when out of
 * memory. */
struct json_t *render_link_json(const struct render_edge *e);
/* The graph in Graphviz DOT ('scamdex links --dot'), from a walk made
 * with_start. Returns 0 or -1 when out of memory. */
int render_links_dot(sdx_db *db, const struct render_links *g,
		     struct cli_buf *b);

/* ---- text.c: terminal text, English or Vietnamese ---- */

enum { RENDER_EN, RENDER_VI };
/* The language of terminal text: opt ("en" or "vi", from --lang), else
 * Vietnamese when the first of LC_ALL, LC_MESSAGES, LANG that is set
 * starts with "vi". -1 for another opt. */
int render_lang_set(const char *opt);
int render_lang(void);
/* en or vi, by the language */
const char *render_tr(const char *en, const char *vi);
/* Vocabulary in the language: English machine names, or the
 * vocabulary's Vietnamese labels. */
const char *render_kind_label(sdx_kind kind);
const char *render_category_label(int category);
const char *render_channel_label(int channel);
const char *render_role_label(int role);
const char *render_confirmation_label(int confirmation);
const char *render_audience_label(int audience);
/* An identifier as people read it: a bank account by its bank's short
 * name ("Vietcombank 0011004012345"), anything else as its canonical
 * form. */
void render_identifier_text(struct cli_buf *b, sdx_kind kind,
			    const char *canonical);
/* A check's verdict as one line of text (with its newline): verdict,
 * identifier, kind, grade, counts ("14 reports by 6 agencies (not
 * counting 1 retracted)"), categories, confirmation, dates, and the
 * windows in words ("4 in the last 3 days, 8 in 30 days, 14 in 6
 * months"). */
void render_check_text(struct cli_buf *b, const sdx_check_result *r);
/* One interpretation of check's: the verdict line, and which parent
 * domain or subdomain allowlist entry answered ("  via evil.com"). An
 * input with more than one reading gets one line per interpretation, the
 * most serious first, the others starting with "  or " (check, show). */
void render_interp_text(struct cli_buf *b, const sdx_interp *it);
/* A verdict word in its colour, padded to the verdict column. */
void render_verdict_word(struct cli_buf *b, const char *word,
			 enum cli_color_code color);

/* ---- stats.c ---- */

/* An sdx_stats callback that adds each count to the JSON object arg
 * ({"total": {...}, "kind": {...}, ...}). */
int render_stat_json(const sdx_stat *s, void *arg);

#endif
