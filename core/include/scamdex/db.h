/* scamdex/db.h: the database: reports with provenance, checks,
 * retractions, disputes, the allowlist, links, stats and verify.
 *
 * One sdx_db is one LMDB environment in a directory. Read functions
 * (check, show, links, stats, verify, report_get) are safe from many
 * threads on one handle at once; write functions serialize on LMDB's one
 * writer. Every change is also appended to the operation log (sync.h). */
#ifndef SCAMDEX_DB_H
#define SCAMDEX_DB_H

#include <stddef.h>
#include <stdint.h>
#include <scamdex/error.h>
#include <scamdex/normalize.h>
#include <scamdex/vocab.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sdx_db sdx_db;

/* The on-disk schema this library writes. Opening a database whose schema
 * is newer fails with SDX_ESCHEMA. */
#define SDX_SCHEMA_VERSION 5

/* Length bounds of report fields (bytes, without NUL). Longer input is
 * SDX_ETOOLONG, never truncated silently. */
#define SDX_OFFICE_MAX 32 /* office id: [A-Za-z0-9._-]+ */
#define SDX_AGENCY_MAX 127
#define SDX_CASEREF_MAX 63
#define SDX_NARRATIVE_MAX 4095
#define SDX_NOTE_MAX 255
#define SDX_LABEL_MAX 127 /* an unrecognized category or channel label */
#define SDX_REPORT_IDENTS_MAX 16

/* sdx_db_open flags */
#define SDX_OPEN_CREATE 0x1u /* create the database (and missing dirs) */
#define SDX_OPEN_RDONLY 0x2u /* no writes; fails with SDX_ENODB if absent */
/* a look-up's handle: writable, but its writes are small (the audit
 * log), so it keeps LMDB's plain map instead of the writable file map a
 * writer gets, which reserves the map's whole size on disk at open and
 * cuts it back at close (tens of milliseconds on a large database) */
#define SDX_OPEN_LOOKUP 0x4u

/* Open the database in directory `path`. Without SDX_OPEN_CREATE a missing
 * database is SDX_ENODB. A newer schema is SDX_ESCHEMA; a file that is not
 * a scamdex database is SDX_ECORRUPT. *out is NULL on failure. A database
 * in a directory this process may not write is opened read-only (writes
 * then return SDX_EREADONLY). Read functions keep a per-thread read
 * transaction open between calls while nothing is committed (a commit
 * through this handle releases them), so a check needs no new snapshot;
 * a thread's transaction ends with the thread or sdx_db_close. */
SDX_API int sdx_db_open(const char *path, unsigned flags, sdx_db **out);

/* Close; NULL is a no-op. Every batch must be committed or aborted. */
SDX_API void sdx_db_close(sdx_db *db);

/* Initial LMDB map size used by the next sdx_db_open in this process
 * (bytes; default 64 MiB). The map grows by itself when full (it doubles
 * before a write transaction once three quarters are used, and a
 * transaction that still fills it is redone with a doubled map); tests
 * use a tiny size to exercise growth. */
SDX_API void sdx_db_set_initial_mapsize(size_t bytes);

/* This office's id, used as the origin of local changes. Set once at
 * creation (default "local"); SDX_EEXISTS if already set differently and
 * the oplog is not empty. */
SDX_API int sdx_db_set_office(sdx_db *db, const char *office);
/* Copies the office id into buf (SDX_OFFICE_MAX + 1 bytes). */
SDX_API int sdx_db_office(sdx_db *db, char *buf, size_t size);

/* Files already imported, by a digest of their bytes (scamdex-import
 * uses XXH3-128): the origin the file was imported under ("" for the
 * database's office) into origin, or SDX_ENOTFOUND. */
SDX_API int sdx_db_file_origin(sdx_db *db, const uint8_t digest[16],
			       char *origin, size_t size);
/* Remember that the file with this digest was imported under origin
 * (the last one given wins). */
SDX_API int sdx_db_file_remember(sdx_db *db, const uint8_t digest[16],
				 const char *origin);

/* One identifier named by a report. `canonical` must be canonical for
 * `kind` (use sdx_normalize first); kind ACCOUNT is not allowed. */
typedef struct sdx_ident {
	sdx_kind kind;
	sdx_role role;
	char canonical[SDX_CANON_MAX];
} sdx_ident;

/* Report state flags (read side) */
#define SDX_RSTATE_RETRACTED 0x1u
#define SDX_RSTATE_DISPUTED 0x2u
#define SDX_RSTATE_SPOOF 0x4u /* names an allowlisted identifier */
/* a dispute was resolved by the report's origin (and not disputed again):
 * the report is active; dispute_* and resolve_* tell the history */
#define SDX_RSTATE_RESOLVED 0x8u

/* A report. All storage is inside the struct (no pointers), so a report
 * can live on the stack and be reused. Strings are NUL-terminated. */
typedef struct sdx_report {
	/* provenance (what is hashed into the id) */
	char origin[SDX_OFFICE_MAX + 1]; /* "" = this database's office */
	char agency[SDX_AGENCY_MAX + 1];
	char case_ref[SDX_CASEREF_MAX + 1];
	int32_t incident_date; /* days, SDX_DATE_NONE if unknown */
	int32_t received_date; /* days, SDX_DATE_NONE = today at add */
	int category;	       /* sdx_category */
	int channel;	       /* sdx_channel */
	int64_t amount;	       /* VND, -1 if unknown */
	int confirmation;      /* sdx_confirmation */
	int audience;	       /* sdx_audience */
	char narrative[SDX_NARRATIVE_MAX + 1];
	/* the label a file gave for a category or channel scamdex does not
	 * know (category or channel is then SDX_CAT_OTHER / SDX_CHAN_OTHER);
	 * "" when the label was recognized */
	char category_label[SDX_LABEL_MAX + 1];
	char channel_label[SDX_LABEL_MAX + 1];
	size_t n_idents;
	sdx_ident idents[SDX_REPORT_IDENTS_MAX];

	/* read side only: filled by report_get/show, ignored by add */
	uint8_t id[16];
	unsigned state;			   /* SDX_RSTATE_* */
	char state_note[SDX_NOTE_MAX + 1]; /* retraction/dispute reason */
	char state_by[SDX_AGENCY_MAX + 1];
	int32_t state_date;
	/* dispute history: the newest dispute, open or resolved (date
	 * SDX_DATE_NONE and "" when none is known), and, with
	 * SDX_RSTATE_RESOLVED, the resolution that ended it */
	char dispute_note[SDX_NOTE_MAX + 1], dispute_by[SDX_AGENCY_MAX + 1];
	int32_t dispute_date;
	char resolve_note[SDX_NOTE_MAX + 1], resolve_by[SDX_AGENCY_MAX + 1];
	int32_t resolve_date;
	/* the office that wrote the state change, the dispute and the
	 * resolution above (its signer; "" when not known): a dispute may
	 * come from any trusted office, whatever its by says */
	char state_office[SDX_OFFICE_MAX + 1];
	char dispute_office[SDX_OFFICE_MAX + 1];
	char resolve_office[SDX_OFFICE_MAX + 1];
} sdx_report;

/* Set every field to its "unknown" value (dates NONE, amount -1...). */
SDX_API void sdx_report_init(sdx_report *r);
/* The same for a report about to be filled again, without clearing all
 * of its buffers (about 9 KiB): strings are emptied at their first byte,
 * identifier slots past n_idents are left as they are. A loader that
 * reuses one sdx_report calls this per row. */
SDX_API void sdx_report_reset(sdx_report *r);

/* Add one identifier to r after normalizing `input` as `kind` (AUTO
 * allowed). A link (role SDX_ROLE_LINK, kind DOMAIN or AUTO) is read by
 * sdx_normalize_link: a chat platform's link is added as the account it
 * opens and a WhatsApp link as its number, both with role SDX_ROLE_CHAT.
 * SDX_ETOOLONG if r already has SDX_REPORT_IDENTS_MAX; other errors as
 * sdx_normalize, with err filled. */
SDX_API int sdx_report_add_ident(sdx_report *r, sdx_kind kind, sdx_role role,
				 const char *input, size_t len,
				 sdx_norm_error *err);

/* The report's id: XXH3-128 of its canonical CBOR encoding (identifiers
 * sorted, fields in key order), big-endian, into id[16]. The received
 * date is left out of that encoding (the same report imported on another
 * day is the same report); the origin is in it as given, so set origin to
 * the office id to get the id sdx_report_add assigns to origin "". */
SDX_API int sdx_report_id(const sdx_report *r, uint8_t id[16]);

/* Hex forms of report ids (32 lower-case hex digits + NUL). */
SDX_API void sdx_id_to_hex(const uint8_t id[16], char hex[33]);
SDX_API int sdx_id_from_hex(const char *hex, size_t len, uint8_t id[16]);
/* The id of the one report whose hex id starts with hex[0..len)
 * (SDX_ID_PREFIX_MIN to 32 hex digits, any case): SDX_ENOTFOUND if none
 * does, SDX_EAMBIGUOUS if several do, SDX_EINVAL for a bad prefix. 32
 * digits are parsed without looking the report up. */
#define SDX_ID_PREFIX_MIN 8
SDX_API int sdx_report_id_prefix(sdx_db *db, const char *hex, size_t len,
				 uint8_t id[16]);

/* Add one report in its own write transaction. *added (may be NULL) is 1
 * if it was new, 0 if the same report was already there (nothing
 * changes). id (may be NULL) receives the report id. SDX_EINVAL for a
 * report without identifiers, with kind ACCOUNT or out-of-range numbers;
 * SDX_ETOOLONG for a field over its limit; SDX_EREADONLY. */
SDX_API int sdx_report_add(sdx_db *db, const sdx_report *r, uint8_t id[16],
			   int *added);

/* A batch: many changes in one write transaction. While a batch is open
 * no other write on this db may run (it holds LMDB's writer lock).
 * sdx_batch_add decides at once whether the report is new (against the
 * database and the batch) and keeps it; commit writes the batch in key
 * order. The batch holds its reports in memory until commit: commit
 * every 10,000 to 1,000,000 reports. */
typedef struct sdx_batch sdx_batch;
SDX_API int sdx_batch_begin(sdx_db *db, sdx_batch **out);
SDX_API int sdx_batch_add(sdx_batch *b, const sdx_report *r, uint8_t id[16],
			  int *added);
/* Commit makes all of the batch durable at once and frees b. */
SDX_API int sdx_batch_commit(sdx_batch *b);
/* A bulk loader's batch: sdx_batch_add checks nothing at once (*added =
 * 1), and the database and the batch itself are asked at commit, in key
 * order, which is cheaper than a random look-up per report.
 * sdx_batch_commit_counted then sets *stored (may be NULL) to how many
 * of the reports added were already in the database or given earlier in
 * the batch: they change nothing. With a batch from sdx_batch_begin,
 * *stored is 0. */
SDX_API int sdx_batch_begin_bulk(sdx_db *db, sdx_batch **out);
/* A hint: about `reports` more will be added; the batch sizes its memory
 * for them at once rather than growing step by step. */
SDX_API int sdx_batch_reserve(sdx_batch *b, size_t reports);
SDX_API int sdx_batch_commit_counted(sdx_batch *b, size_t *stored);
/* Abort discards the batch and frees b; NULL is a no-op. */
SDX_API void sdx_batch_abort(sdx_batch *b);

/* Retract a report: it stays, marked retracted; summaries updated in the
 * same transaction. SDX_ENOTFOUND, SDX_EEXISTS if already retracted.
 * by = who retracts (agency), date = days (SDX_DATE_NONE = today). */
SDX_API int sdx_report_retract(sdx_db *db, const uint8_t id[16],
			       const char *reason, const char *by,
			       int32_t date);

/* Dispute (the accused's objection) and resolve (dispute closed, report
 * stands). SDX_ENOTFOUND; SDX_EEXISTS if already in that state. */
SDX_API int sdx_report_dispute(sdx_db *db, const uint8_t id[16],
			       const char *note, const char *by, int32_t date);
SDX_API int sdx_report_resolve(sdx_db *db, const uint8_t id[16],
			       const char *note, const char *by, int32_t date);

/* Mark an identifier official (police hotline, a bank's own number) or
 * take the mark away. canonical must be canonical for kind. SDX_EEXISTS
 * if it is already in that state. Between offices the newest change wins
 * (by date, then origin id, then sequence). */
/* An identifier's allowlist entry: when it was marked official, by
 * which office and agency, and the note. SDX_ENOTFOUND when it is not
 * (or no longer) allowlisted. */
typedef struct sdx_allow_entry {
	int32_t date;
	char origin[SDX_OFFICE_MAX + 1];
	char by[SDX_AGENCY_MAX + 1];
	char note[SDX_NOTE_MAX + 1];
} sdx_allow_entry;
SDX_API int sdx_allow_info(sdx_db *db, sdx_kind kind, const char *canonical,
			   sdx_allow_entry *out);
SDX_API int sdx_allow(sdx_db *db, sdx_kind kind, const char *canonical,
		      const char *note, const char *by);
SDX_API int sdx_disallow(sdx_db *db, sdx_kind kind, const char *canonical,
			 const char *note, const char *by);

/* Copy one report (by id). Audience BANK: a police-only report is
 * SDX_ENOTFOUND (a report's audience covers all of its fields: what the
 * police keep from banks is filed as a police-only report). */
SDX_API int sdx_report_get(sdx_db *db, const uint8_t id[16], int audience,
			   sdx_report *out);

/* ---- checks ---- */

typedef enum sdx_verdict {
	SDX_VERDICT_UNKNOWN = 0,   /* never reported, not official */
	SDX_VERDICT_REPORTED = 1,  /* at least one active report */
	SDX_VERDICT_OFFICIAL = 2,  /* allowlisted (reports, if any, are
				      counted and flagged as spoofing) */
	SDX_VERDICT_RETRACTED = 3, /* reported once, every report retracted */
} sdx_verdict;

typedef enum sdx_grade {
	SDX_GRADE_NONE = 0,
	SDX_GRADE_LOW = 1,
	SDX_GRADE_MEDIUM = 2,
	SDX_GRADE_HIGH = 3,
	SDX_GRADE_VERY_HIGH = 4,
} sdx_grade;

SDX_API const char *sdx_verdict_name(int verdict); /* "unknown"... */
SDX_API const char *sdx_grade_name(int grade);	   /* "none".."very_high" */

/* check flags (out) */
#define SDX_CHECK_ALLOWLISTED 0x1u
#define SDX_CHECK_DISPUTED 0x2u /* at least one active report disputed */

typedef struct sdx_check_result {
	sdx_kind kind;
	char canonical[SDX_CANON_MAX];
	sdx_verdict verdict;
	sdx_grade grade;
	uint32_t reports;    /* active (not retracted) reports */
	uint32_t retracted;  /* retracted reports */
	uint32_t agencies;   /* distinct agencies among active reports */
	uint32_t categories; /* bit (1u << category) per active category */
	int32_t first_seen;  /* earliest incident date, SDX_DATE_NONE */
	int32_t last_seen;   /* latest incident date, SDX_DATE_NONE */
	uint32_t last_3d, last_30d, last_6m; /* active reports by incident
						date in the window ending on
						`today` (6m = 183 days) */
	int confirmation;  /* highest sdx_confirmation among active */
	uint32_t disputed; /* active reports currently disputed */
	unsigned flags;	   /* SDX_CHECK_* */
	uint32_t banks;	   /* kind ACCOUNT: number of banks where this
			      account number is reported; else 0 */
} sdx_check_result;

/* The grade rule (libscamdex(3), "The verdict") applied to the counts in
 * r (reports, agencies, confirmation, last_30d). sdx_check grades with it;
 * a caller that recounts over a subset of reports (the CLI's bank view
 * counts bank-visible reports only) grades the same way with it. */
SDX_API sdx_grade sdx_check_grade(const sdx_check_result *r);

/* Grade rule (also in libscamdex(3)), over active reports only:
 *   none       no active report
 *   very_high  confirmed by a court, or >= 3 distinct agencies and an
 *              active report in the last 30 days
 *   high       confirmed by police, or >= 2 agencies, or >= 5 reports
 *   medium     >= 2 reports, or one in the last 30 days
 *   low        otherwise
 * Verdict: OFFICIAL if allowlisted, else REPORTED if any active report,
 * else RETRACTED if only retracted ones, else UNKNOWN. Windows count
 * active reports with an incident date in [today-2, today] (3d),
 * [today-29, today] (30d), [today-182, today] (6m). Kind ACCOUNT adds up
 * the account's summaries at every bank (agencies are then summed, not
 * deduplicated across banks).
 *
 * Check one raw input (normalized as `kind`, AUTO allowed) or a canonical
 * form. With AUTO, an input with more than one reading (see
 * sdx_check_all) answers with its most serious interpretation, so a bare
 * phone-shaped number reported as an account is REPORTED (sdx_check_all
 * gives every interpretation); so does a named kind whose input has
 * more than one (a bank known under two BINs, a phone number's chat
 * accounts: out then names the reading that answered). Kind DOMAIN also
 * finds reports on parent domains (see sdx_check_all); canonical stays
 * the host checked. `today`
 * anchors the time windows (SDX_DATE_NONE = sdx_date_today). Kind ACCOUNT sums
 * the account over every bank. Returns 0 with a result for reported and unknown
 * identifiers alike; a normalization failure returns its code and fills err.
 * Reads only the entity summary and the entity's newest entity_report entries.
 * Thread-safe; no allocation. The grade rule is in libscamdex(3). */
SDX_API int sdx_check(sdx_db *db, sdx_kind kind, const char *input, size_t len,
		      int32_t today, sdx_check_result *out,
		      sdx_norm_error *err);

/* ---- every reading of an input ---- */

/* Most interpretations one check gives (SDX_READINGS_MAX). */
#define SDX_INTERP_MAX SDX_READINGS_MAX

/* One reading of a checked input and its answer. */
typedef struct sdx_interp {
	sdx_check_result result; /* kind, canonical, verdict, counts */
	char via[SDX_CANON_MAX]; /* kind DOMAIN: the parent domain whose
				    reports answered ("evil.com" for
				    login.evil.com), or the subdomain
				    allowlist entry ("*.gov.vn"); "" when
				    the host's own entry answered */
} sdx_interp;

/* Check every plausible reading of one input (sdx_normalize_all): a bare
 * digit string that is a valid phone number is checked as that phone
 * number and as an account number at every bank; a dotted-quad IPv4
 * address that is also a phone number as both; and the rest that
 * sdx_normalize_all lists (a related reading, a phone number's chat
 * account, is written only when not UNKNOWN). Writes at most max
 * interpretations to out, the most serious first (verdict rank, see
 * sdx_verdict_rank, then grade, then active reports; ties keep reading
 * order: phone before account, host before phone), their number to
 * *count (>= 1), and returns 0. A normalization failure returns its code
 * and fills err (*count = 0). With max smaller than the readings, the
 * most serious ones are kept; SDX_INTERP_MAX always suffices.
 *
 * Kind DOMAIN, for every check function: when the host's own entry has no
 * active report and is not allowlisted, its parents down to the
 * registrable domain (sdx_domain_registrable) are looked up, nearest
 * first: the first parent with an active report answers (REPORTED, its
 * counts, via = the parent). A report on a public suffix's subdomain
 * (evil.github.io) never covers the suffix or its other subdomains, and
 * a report on a subdomain never covers its parent. An allowlist entry
 * "*.example.com" (sdx_allow with that canonical form; scamdex allow
 * --subdomains) makes example.com and every subdomain OFFICIAL (via =
 * the entry); the public suffix just above the registrable domain is
 * looked up for it too ("*.gov.vn"). Each level costs one filter probe
 * for the parent and one for its "*." entry, and a B-tree descent only
 * where the filter holds the key. Thread-safe; no allocation. */
SDX_API int sdx_check_all(sdx_db *db, sdx_kind kind, const char *input,
			  size_t len, int32_t today, sdx_interp *out,
			  size_t max, size_t *count, sdx_norm_error *err);

/* sdx_check and sdx_check_all as one audience sees them (SDX_AUD_BANK or
 * SDX_AUD_POLICE; the functions above are the police's): for SDX_AUD_BANK
 * every count, date, agency, category, confirmation, dispute and window
 * is over the bank-visible reports alone, an identifier named only in
 * police-only reports is UNKNOWN, and a parent domain answers only with
 * reports a bank may see. The bank view is kept in the entity summary
 * (one look-up, as for the police); a read-only handle on a database of
 * schema 2 recomputes it from the reports instead. */
SDX_API int sdx_check_view(sdx_db *db, int audience, sdx_kind kind,
			   const char *input, size_t len, int32_t today,
			   sdx_check_result *out, sdx_norm_error *err);
SDX_API int sdx_check_all_view(sdx_db *db, int audience, sdx_kind kind,
			       const char *input, size_t len, int32_t today,
			       sdx_interp *out, size_t max, size_t *count,
			       sdx_norm_error *err);

/* How serious a verdict is, for choosing between interpretations:
 * REPORTED 3, OFFICIAL 2, RETRACTED 1, UNKNOWN 0. */
SDX_API int sdx_verdict_rank(int verdict);

/* ---- reading reports and links ---- */

/* Called once per report; return non-zero to stop (that value is then
 * returned by the caller of the callback). */
typedef int (*sdx_report_cb)(const sdx_report *r, void *ctx);

/* The reports of one identifier (canonical), newest incident first,
 * filtered by audience as in sdx_report_get. Kind ACCOUNT: the reports of
 * that account at every bank. Retracted reports are included (state has
 * SDX_RSTATE_RETRACTED); the report passed to cb is valid during the
 * call only. */
SDX_API int sdx_show(sdx_db *db, sdx_kind kind, const char *canonical,
		     int audience, sdx_report_cb cb, void *ctx);

/* One edge of the link graph: identifier (kind, canonical) is named by
 * report `report_id` in role `role`; depth is the identifier's distance
 * from the start (the start is depth 0). */
typedef struct sdx_link {
	sdx_kind kind;
	const char *canonical; /* valid during the callback only */
	sdx_role role;
	uint8_t report_id[16];
	int report_category;
	unsigned depth;
} sdx_link;
typedef int (*sdx_link_cb)(const sdx_link *l, void *ctx);

/* Breadth-first from (kind, canonical) over shared reports, up to `depth`
 * hops (1 = identifiers sharing a report with the start) and at most
 * `limit` identifiers (0 = no limit). Each edge is reported once, in
 * BFS order; *truncated (may be NULL) is set to 1 if the limit cut it.
 * Audience as in sdx_report_get. Retracted reports link nothing. An
 * edge's depth is the identifier's distance from the start. */
SDX_API int sdx_links(sdx_db *db, sdx_kind kind, const char *canonical,
		      unsigned depth, size_t limit, int audience,
		      sdx_link_cb cb, void *ctx, int *truncated);

/* ---- stats and verify ---- */

typedef struct sdx_stat {
	const char *dimension; /* "kind", "category", "agency", "month",
				  "total" */
	const char *key;       /* "phone", "extortion", agency name,
				  "2024-12", "reports" / "retracted" /
				  "identifiers" / "allowlisted" */
	uint64_t count;
} sdx_stat;
typedef int (*sdx_stat_cb)(const sdx_stat *s, void *ctx);

/* Totals: identifiers per kind; active reports per category, agency and
 * incident month; overall totals. Each dimension in key order; counts of
 * zero are left out. Category 0 is "none", an undated report's month is
 * "unknown" (last). "identifiers" counts identifiers with a report or
 * the official mark. The callback's strings are valid during the call. */
SDX_API int sdx_stats(sdx_db *db, sdx_stat_cb cb, void *ctx);

/* Called once per mismatch found by verify; message is human-readable,
 * valid during the call. */
typedef int (*sdx_verify_cb)(const char *message, void *ctx);

/* Recompute every entity summary, account index and filter from the
 * reports and compare; *mismatches (may be NULL) = number found. Returns
 * 0 when the walk completed (even with mismatches). */
SDX_API int sdx_verify(sdx_db *db, sdx_verify_cb cb, void *ctx,
		       size_t *mismatches);

/* Write a compacted copy of the database into directory dest, which must
 * not exist (it is created): every sub-database written again in key
 * order, so the copy has no free pages and full B-tree pages (smaller,
 * and look-ups touch fewer pages). The copy is a snapshot: db stays open
 * and usable. Swap the directories while no process has the database
 * open. SDX_EEXISTS if dest exists; SDX_EFULL if the disk fills (nothing
 * is left at dest then). */
SDX_API int sdx_db_compact(sdx_db *db, const char *dest);

/* Free memory the library allocated for the caller (none of the functions
 * above allocate for the caller; sync.h ones may). NULL is a no-op. */
SDX_API void sdx_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* SCAMDEX_DB_H */
