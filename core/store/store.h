/* store.h: the LMDB store's internals, shared by the files of core/store.
 * Only core/store includes <lmdb.h>. */
#ifndef SCAMDEX_STORE_H
#define SCAMDEX_STORE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <lmdb.h>

#include <scamdex/db.h>
#include <scamdex/sync.h>

#include "codec.h"

/* entity_report dup value: biased big-endian incident date, report id,
 * flags (ER_RETRACTED). Dates sort before ids, so an entity's reports sort
 * by incident date; SDX_DATE_NONE sorts first. */
#define ER_LEN 21
#define ER_RETRACTED 0x1u

/* entity key: one kind byte + canonical bytes */
#define EKEY_MAX (1 + SDX_CANON_MAX)

/* Entity summary, little-endian layout (version byte first; layout in
 * doc/DESIGN.md and entity_layout.c): ENTITY_BASE_LEN bytes, followed by the
 * bank view's ENTITY_BANK_LEN bytes when the entity has a police-only
 * report (ENT_BANKVIEW), then the newest dates beyond the first
 * ENT_RECENT_FIXED of each part (4 bytes each, at most ENT_RECENT in
 * all). entity_decode also reads versions 3 and 2 (no dates beyond the
 * fixed ones; 2: no bank view) and version 1 (ENTITY_V1_LEN bytes, no
 * inline dates). */
#define ENTITY_VERSION 4
#define ENTITY_BASE_LEN 56
#define ENTITY_BANK_LEN 56
#define ENTITY_LEN (ENTITY_BASE_LEN + ENTITY_BANK_LEN) /* both parts */
#define ENTITY_V1_LEN 44
#define ENT_ALLOWLISTED 0x1u
/* the record carries a bank view: some report counted is police-only */
#define ENT_BANKVIEW 0x2u
/* entity_agency values: the agency has a bank-visible active report (every
 * entry of an entity without ENT_BANKVIEW), or police-only ones alone */
#define AGENCY_BANK 1
#define AGENCY_POLICE 2
/* The newest ENT_RECENT incident dates of the active reports are kept in
 * the summary: last_seen and ENT_RECENT - 1 older ones. The first
 * ENT_RECENT_FIXED have their place in each part; the rest follow the
 * parts, as many as there are. A check walks entity_report only when a
 * time window starts among the dates not kept: 16 leave that to about 2
 * in 100 checks of the benchmark's reported identifiers (4: 11). */
#define ENT_RECENT 16
#define ENT_RECENT_FIXED 4
#define ENT_EXTRA_MAX (ENT_RECENT - ENT_RECENT_FIXED)
/* the longest record: both parts and every extra date of each */
#define ENTITY_MAX (ENTITY_LEN + 2 * 4 * ENT_EXTRA_MAX)

typedef struct entity_sum {
	unsigned flags;
	int max_conf;
	uint32_t active, retracted, agencies, categories, disputed;
	uint32_t undated; /* active reports without an incident date */
	uint64_t agency1; /* XXH3-64 of the agency when there is one: the
			     entity_agency set is kept only from two on */
	int32_t first_seen, last_seen;
	/* The 2nd to ENT_RECENT-th newest incident dates of the active
	 * reports (with repeats), newest first, SDX_DATE_NONE where there are
	 * fewer: a function of the set of active dated reports alone, so
	 * adding in any order and recomputing give the same record. */
	int32_t older[ENT_RECENT - 1];
	/* How many of the newest dates the record holds: last_seen and
	 * older[0 .. kept - 2]. min(dated, ENT_RECENT) when it was built
	 * here; a layout 2-3 record holds at most ENT_RECENT_FIXED, and
	 * adding reports to it keeps the kept ones exact (a new date joins
	 * them only when it is newer than the last kept). */
	uint32_t kept;
	/* older[] is not known (the record was written in layout 1 and the
	 * entity has more than one date since): check walks entity_report. */
	int older_unknown;
	/* The same counts over the bank-visible reports alone (audience
	 * bank), kept when the entity has a police-only report (active or
	 * retracted: flags & ENT_BANKVIEW); else the bank view is the
	 * summary itself and bank is unused. */
	struct entity_bank {
		int max_conf, older_unknown;
		uint32_t active, retracted, agencies, categories, disputed;
		uint32_t undated;
		uint64_t agency1;
		int32_t first_seen, last_seen;
		int32_t older[ENT_RECENT - 1];
		uint32_t kept;
	} bank;
} entity_sum;

/* Filter: a split-block Bloom filter (32-byte blocks of 8 32-bit words)
 * stored as FILTER_CHUNK-byte values in the `filter` sub-db. */
#define FILTER_CHUNK 65536u
#define FILTER_BLOCKS_PER_CHUNK (FILTER_CHUNK / 32u)
#define FILTER_KEYS_PER_CHUNK (FILTER_CHUNK * 8u / 16u) /* 16 bits a key */

struct reader {
	struct sdx_db *db;
	MDB_txn *txn;
	MDB_cursor *er_cur;
	MDB_cursor *ab_cur; /* account_bank, for checks of kind ACCOUNT */
	atomic_int busy;
	int depth;
	int parked;	 /* txn open (not reset) */
	int cur_ok;	 /* er_cur renewed for this txn */
	int ab_ok;	 /* ab_cur renewed for this txn */
	uint64_t snap;	 /* txn id the filter cache belongs to */
	unsigned mapgen; /* map generation the filter cache belongs to */
	uint32_t f_nchunks;
	uint32_t f_cap;
	const uint8_t **f_chunks;
	uint64_t wild_snap; /* txn id wild_any belongs to (check.c) */
	int wild_ok;	    /* wild_snap and wild_any set */
	int wild_any;	    /* the snapshot holds a "*.<domain>" entry */
	int view_bank;	    /* this check answers with the bank view */
	struct reader *next;
};

struct sdx_db {
	MDB_env *env;
	MDB_dbi entity, report, entity_report, entity_agency, account_bank,
	    rstate, allow, oplog, origin, peer, meta, filter;
	int rdonly;
	char office[SDX_OFFICE_MAX + 1];
	pthread_key_t rkey;
	pthread_mutex_t rlist_mtx;
	struct reader *readers;
	pthread_mutex_t wmtx;
	pthread_mutex_t resize_mtx;
	atomic_int resizing;
	atomic_uint mapgen;
	struct wm_file *wm; /* writable handle: its data file */
	/* the file offset store_prewrite has written zeros up to */
	size_t prewritten;
	int writemap; /* env opened with MDB_WRITEMAP */
	/* a read-only handle on a schema-2 database: its summaries have no
	 * bank view, so a bank-view check recomputes a reported entity */
	int bank_legacy;
	/* the check filter holds phone markers (schema 5; filter.c) */
	int filter_markers;
	/* apply sessions started over on a grown map (session.c): each
	 * applies its operations again; and sessions whose commit asked for
	 * more room than sdx_apply_expect made; and tables rewritten by a
	 * sorted merge (merge.c); and filters rebuilt from `entity` to
	 * grow (filter.c). Tests read them. */
	unsigned long replays, expect_short, merges, filter_rebuilds;
};

/* An origin's record (sub-db `origin`), cached in a write session. */
typedef struct origin_rec {
	char id[SDX_OFFICE_MAX + 1];
	uint32_t index;
	uint64_t seq;
	uint8_t chain[32];
	uint8_t fp[16];
	uint64_t sig_seq;
	uint8_t sig[64];
	int trusted;
	int role; /* SDX_OFFICE_* */
	uint8_t pubkey[32];
	int dirty;
} origin_rec;

#define WTXN_ORIGINS 8

/* One write transaction with its caches (flushed before commit). */
struct wtxn {
	struct sdx_db *db;
	const char *refusal; /* why the last APPLY_REFUSED (static text) */
	MDB_txn *txn;
	int32_t today;
	/* entity_report cursor kept over the txn: puts in key order then
	 * find their leaf page without a descent from the root (LMDB checks
	 * the cursor's page first); freed by LMDB when the txn ends */
	MDB_cursor *er_cur;
	MDB_cursor *log_cur; /* oplog, likewise */
	MDB_cursor *ea_cur;  /* entity_agency, likewise */
	MDB_cursor *ab_cur;  /* account_bank, likewise */
	/* when set, received ADDs are decided at once and written sorted
	 * at commit (addset.c) */
	struct addset *adds;
	origin_rec orig[WTXN_ORIGINS];
	int norig;
	/* agencies.c: whether any origin's agencies are constrained,
	 * looked up once a transaction */
	int ag_checked, ag_any;
	/* this office's digest secret, once read (dsecret.c) */
	uint8_t own_secret[32];
	int own_secret_ok;
	/* filter */
	int f_loaded, f_dirty;
	uint32_t f_nchunks;
	uint64_t f_count;
	uint8_t **f_chunks; /* private copies of touched chunks */
	/* `entity` is being rewritten by a merge (merge.c): it holds only
	 * part of its keys, so the filter must not be rebuilt from it */
	int entity_merging;
	uint32_t f_cap;
	/* pages of the tables merges (merge.c) dropped: past SETTLE_PAGES
	 * the commit is followed by tmerge_settle */
	size_t merged;
	/* when set, apply_contrib keeps an entity's entity_report values
	 * here instead of writing them: a merge writes them (addset.c) */
	struct er_pending *er_pend;
	/* the writable map's next pages, faulted in ahead of the writes
	 * (map.c): where the map starts (NULL: not done), the offset
	 * faulted in up to, and how far the transaction's room goes */
	uintptr_t pop_base;
	size_t pop_to, pop_end;
};

struct er_pending {
	uint8_t *v; /* n values of ER_LEN bytes */
	size_t n, cap;
};

/* ---- db.c ---- */
/* The named sub-databases: name, LMDB flags, handle's offset in sdx_db. */
struct dbi_spec {
	const char *name;
	unsigned flags;
	size_t off;
};
extern const struct dbi_spec store_dbis[];
extern const size_t store_ndbis;
int store_err(int rc); /* LMDB/errno status -> SDX_E* */
/* store_dir, sdx_apply_stable */
#include "for_sync.h"

/* ---- map.c ---- */
/* Allocate every block of a writable map's file (LMDB/errno status). */
int map_reserve(MDB_env *env);
int store_grow(struct sdx_db *db, size_t min_extra);
/* How many bytes the map lacks for a write of about `bytes` more (0: it
 * has room); growing first is cheaper than a write that fails and is
 * replayed. */
size_t store_room_short(struct sdx_db *db, size_t bytes);
/* The map as of the last commit: bytes of the file in use, the map's
 * size, the page size. An LMDB status. */
int store_map_use(struct sdx_db *db, size_t *used, size_t *mapsize,
		  size_t *psize);
/* About how much of the map writing `reports` reports that name `idents`
 * identifiers, with `bytes` of bodies and keys, takes: copies of the
 * pages they land on (a summary, an entity_report and an agency leaf per
 * identifier, a report leaf per report), at most every page in use, plus
 * twice the new bytes. */
size_t store_need(struct sdx_db *db, size_t reports, size_t idents,
		  size_t bytes);
/* Before w has written anything: room in the map for about `need`
 * bytes (w is begun again after the map grew; 0 or the growth's error
 * with w open, or begin's error with w gone) and the file's next pages
 * prepared (store_prewrite). LMDB/errno status. */
int wtxn_make_room(struct wtxn *w, size_t need);
/* Before a write transaction has written anything: prepare the file's
 * next `bytes` past the last page (see map.c). */
void store_prewrite(struct wtxn *w, size_t bytes);
/* p points into a page w wrote: fault in the map's next pages when the
 * writes come near the end of those faulted in so far (map.c). */
void map_populate_more(struct wtxn *w, size_t off);
#define POP_AHEAD ((size_t)64 << 20)
static inline void map_ahead(struct wtxn *w, const void *p)
{
	size_t off = (size_t)((uintptr_t)p - w->pop_base);
	if (w->pop_base && off < w->pop_end && off + POP_AHEAD > w->pop_to)
		map_populate_more(w, off);
}
/* map_ahead for the page cursor c is on (every so often: a look-up) */
static inline void map_ahead_cursor(struct wtxn *w, MDB_cursor *c, size_t i)
{
	MDB_val k, d;
	if (w->pop_base && c && i % 1024 == 0 &&
	    !mdb_cursor_get(c, &k, &d, MDB_GET_CURRENT))
		map_ahead(w, d.mv_data);
}

/* ---- readers.c ---- */
int reader_get(struct sdx_db *db, struct reader **out);
void reader_put(struct reader *rd);
/* rd->er_cur, renewed for the current transaction */
int reader_cursor(struct reader *rd);
/* rd->ab_cur, likewise */
int reader_ab_cursor(struct reader *rd);
/* A thread's reader when the thread ends (pthread key destructor), and
 * when the handle closes. */
void reader_destroy(void *p);
void reader_free(struct reader *rd);
/* Take every other reader's slot (reset its parked transaction); with
 * hold, keep them taken until readers_release. */
void readers_take(struct sdx_db *db, int hold);
void readers_release(struct sdx_db *db);
/* After a commit: every parked transaction is reset. */
void reader_sweep(struct sdx_db *db);

/* ---- db.c: write transactions ---- */
int wtxn_begin(struct sdx_db *db, struct wtxn *w);
int wtxn_commit(struct wtxn *w); /* raw LMDB status; txn gone after */
void wtxn_abort(struct wtxn *w);
/* Run fn in a write transaction, replaying it with a bigger map when
 * LMDB says the map is full. fn must have no effects outside the txn. */
int store_write(struct sdx_db *db, int (*fn)(struct wtxn *w, void *ctx),
		void *ctx);
int meta_get_u64(MDB_txn *txn, struct sdx_db *db, const char *name,
		 uint64_t *v);
int meta_put_u64(MDB_txn *txn, struct sdx_db *db, const char *name, uint64_t v);

/* ---- local.c ---- */
/* Open the sub-db `local` or `audit` in txn (create: make it if
 * missing); MDB_NOTFOUND when it does not exist. */
int store_local_dbi(MDB_txn *txn, const char *name, int create, MDB_dbi *out);

/* ---- entity.c ---- */
size_t ekey_make(int kind, const char *canon, size_t len, uint8_t *key);
/* The entity key of account `acct` at the bank whose BIN is `bin` (an
 * account_bank value): kind BANK + "BIN:account". 0 if it would not be a
 * canonical form (a corrupt index). */
size_t ekey_bank_account(const void *bin, size_t binlen, const char *acct,
			 size_t len, uint8_t *key);
/* ---- entity_layout.c ---- */
/* The record's length: ENTITY_BASE_LEN, ENTITY_LEN with a bank view, and
 * 4 bytes for each kept date beyond ENT_RECENT_FIXED. */
size_t entity_encode(const entity_sum *s, uint8_t out[ENTITY_MAX]);
int entity_decode(const void *p, size_t len, entity_sum *s);
/* What a check reads: entity_decode without older[] and agency1 (the
 * record's last bytes); entity_decode_older adds older[] from the record
 * entity_decode_head accepted. bank: the counts are the bank view's (the
 * record's own when it keeps none). */
int entity_decode_head(const void *p, size_t len, entity_sum *s);
void entity_decode_older(const void *p, entity_sum *s);
int entity_decode_view(const void *p, size_t len, int bank, entity_sum *s);
void entity_decode_view_older(const void *p, int bank, entity_sum *s);
/* ---- entity.c: a summary's arithmetic ---- */
/* Replace s's counts by its bank view's (nothing when it keeps none). */
void entity_as_bank(entity_sum *s);
/* b: s's counts (the bank view of a summary that has only bank-visible
 * reports so far). */
void entity_bank_from(struct entity_bank *b, const entity_sum *s);
void entity_zero(entity_sum *s);
/* Count one report (its incident date, category, confirmation and state
 * flags SDX_RSTATE_*) into a summary; agencies are counted apart. */
void entity_sum_add(entity_sum *s, int32_t date, int category, int confirmation,
		    unsigned sflags);
/* The same into both views: police (a police-only report) starts the bank
 * view (a copy of the counts so far) and leaves it alone; a bank-visible
 * report counts in both. */
void entity_sum_add_aud(entity_sum *s, int32_t date, int category,
			int confirmation, unsigned sflags, int police);
/* Schema 2 -> 3: give every entity a police-only report names its bank
 * view (entity_recompute); in the open's write transaction. */
int entity_migrate_bank(MDB_txn *txn, struct sdx_db *db);
/* Recompute the summary of one entity from its entity_report entries, the
 * reports, their states and the allowlist. If agency_fix, rewrite its
 * entity_agency entries. */
int entity_recompute(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek,
		     size_t eklen, entity_sum *s, int agency_fix);
void er_make(int32_t date, const uint8_t id[16], unsigned flags,
	     uint8_t out[ER_LEN]);
int32_t er_date(const uint8_t *v);

/* ---- report.c ---- */
/* Decode a stored report and add its state (retraction, dispute,
 * spoofing). SDX_ENOTFOUND when the audience may not see it. */
int report_fill(MDB_txn *txn, struct sdx_db *db, const uint8_t id[16],
		const void *body, size_t len, int audience, sdx_report *out);

/* ---- filter.c ---- */
/* Rebuild the filter from `entity` (after entities were deleted). */
int filter_rebuild(struct wtxn *w);
int filter_add(struct wtxn *w, uint64_t h);
/* The filter holds each entity key's hash and, for an account named by a
 * phone number (zalo:+84..., MoMo's 0912...: norm_phone_of_account), the
 * number's marker too (schema 5), so that a check of the number probes
 * one marker instead of every account of it (check.c). filter_key_hashes
 * gives an entity key's hashes (1 or 2), filter_key_marker the marker
 * alone, filter_add_key adds them. */
#define FILTER_MARKER 0xFE
size_t filter_key_hashes(const uint8_t *ek, size_t eklen, uint64_t h[2]);
int filter_key_marker(const uint8_t *ek, size_t eklen, uint64_t *h);
uint64_t filter_marker_hash(const char *phone, size_t len);
/* (h: the key's own hash, sdx_hash64(ek, eklen), computed ahead) */
int filter_add_key(struct wtxn *w, const uint8_t *ek, size_t eklen, uint64_t h);
/* The schema-5 migration: the filter rebuilt with its markers, in the
 * open's transaction. */
int filter_migrate_markers(MDB_txn *txn, struct sdx_db *db);
/* a hint: h's block is wanted soon (nothing if its chunk is not read) */
void filter_prefetch(const struct wtxn *w, uint64_t h);
int filter_reserve(struct wtxn *w, uint64_t more);
int filter_flush(struct wtxn *w);
void filter_release(struct wtxn *w);
/* verify: rebuild the filter from `entity` and compare it bit for bit */
int filter_verify(MDB_txn *txn, struct sdx_db *db,
		  int (*say)(void *ctx, const char *msg), void *ctx);
/* 1 if h may be present, 0 if surely absent; negative on error. */
int filter_maybe(struct reader *rd, uint64_t h);
/* The block filter_maybe(rd, h) reads, for filter_test, which may come
 * later in the same read (the block starts loading now). NULL with *rc 0
 * when there is no such block (h may be present); *rc < 0 on error. */
const uint8_t *filter_block(struct reader *rd, uint64_t h, int *rc);
/* filter_block in two steps, for many keys in one snapshot: filter_sync
 * once, then filter_block_synced for each key. */
int filter_sync(struct reader *rd);
const uint8_t *filter_block_synced(struct reader *rd, uint64_t h);
int filter_test(const uint8_t *blk, uint64_t h);

/* ---- state.c ---- */
/* Per-report state (sub-db `rstate`): retraction and dispute. */
typedef struct rstate {
	unsigned flags; /* SDX_RSTATE_RETRACTED | SDX_RSTATE_DISPUTED */
	int32_t retract_date;
	char retract_note[SDX_NOTE_MAX + 1], retract_by[SDX_AGENCY_MAX + 1];
	/* dispute: last writer wins by (date, origin, seq) */
	int32_t d_date;
	char d_origin[SDX_OFFICE_MAX + 1];
	uint64_t d_seq;
	char d_note[SDX_NOTE_MAX + 1], d_by[SDX_AGENCY_MAX + 1];
	/* the origin of the retraction ("": one written before authority) */
	char r_origin[SDX_OFFICE_MAX + 1];
	/* the newest dispute, by the same (date, origin, seq), open or since
	 * resolved (then d_* hold the resolution): a last-writer-wins
	 * register of its own, so every office keeps the same history.
	 * ld_seq 0 = none known (never disputed, or a record written
	 * before it was kept) */
	int32_t ld_date;
	uint64_t ld_seq;
	char ld_origin[SDX_OFFICE_MAX + 1];
	char ld_note[SDX_NOTE_MAX + 1], ld_by[SDX_AGENCY_MAX + 1];
} rstate;
int rstate_get(MDB_txn *txn, struct sdx_db *db, const uint8_t id[16],
	       rstate *s); /* SDX_ENOTFOUND if none */
int rstate_put(MDB_txn *txn, struct sdx_db *db, const uint8_t id[16],
	       const rstate *s);
/* allowlist record (sub-db `allow`) */
typedef struct allow_rec {
	int allowed;
	int32_t date;
	char origin[SDX_OFFICE_MAX + 1];
	uint64_t seq;
	uint64_t clock; /* the standing entry's Lamport counter; 0: none
			   (written before counters) */
	char note[SDX_NOTE_MAX + 1], by[SDX_AGENCY_MAX + 1];
} allow_rec;
int allow_get(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek, size_t eklen,
	      allow_rec *a);
int allow_put(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek, size_t eklen,
	      const allow_rec *a);
/* (date, origin, seq) order, for last-writer-wins */
int stamp_cmp(int32_t d1, const char *o1, uint64_t s1, int32_t d2,
	      const char *o2, uint64_t s2);
/* The allowlist's order: (clock, origin, seq); entries without a clock
 * (0) before any with one, and among themselves by stamp_cmp. */
int allow_cmp(uint64_t c1, int32_t d1, const char *o1, uint64_t s1,
	      const allow_rec *b);

/* ---- prepare.c ---- */
/* A report ready to apply: its body (canonical CBOR with the received
 * date), its id (hash of the body without it) and a view. */
struct prepared {
	codec_report_view v;
	uint8_t id[16];
	size_t len;
	uint8_t body[CODEC_REPORT_MAX];
};
/* Encode report r for this database (origin defaults to the office,
 * received date to today) into p. */
int prepare(struct sdx_db *db, const sdx_report *r, int32_t today,
	    struct prepared *p);

/* ---- apply.c: the one path every change takes ---- */
/* The stamp of the operation being applied. */
typedef struct op_ctx {
	const char *origin;
	uint64_t seq;
	int local;	 /* local ops report SDX_EEXISTS for no-op changes */
	uint32_t oindex; /* the origin's index: the op's oplog key */
	int role; /* the origin's (local: this database's) SDX_OFFICE_* */
} op_ctx;
/* A received operation its origin had no authority for (or dated in the
 * future): the apply functions return APPLY_REFUSED with w->refusal set
 * and nothing written; the log keeps the operation, not applied. */
#define APPLY_REFUSED SDX_EROLE
/* One report's contribution to one entity's summary (and its
 * entity_report entry and account index). */
typedef struct contrib { /* 32 bytes: a batch holds one per report */
	uint8_t id[16];
	int32_t date;
	uint8_t category, confirmation;
	uint8_t has_agency; /* CONTRIB_AGENCY, CONTRIB_POLICE */
	uint8_t sflags; /* the report's state (a retraction may be pending) */
	uint64_t ah;	/* XXH3-64 of the agency */
} contrib;
#define CONTRIB_AGENCY 0x1u /* has an agency (ah) */
#define CONTRIB_POLICE 0x2u /* a police-only report */
/* The view's identifiers are sorted: an entity named in two roles comes
 * twice in a row; 1 if ident i repeats ident i - 1's entity. */
int same_entity(const codec_report_view *v, size_t i);
void contrib_from_view(contrib *c, const codec_report_view *v,
		       const uint8_t id[16], unsigned sflags);
/* The state of a report about to be stored (body: its CBOR): a pending
 * retraction from another origin than the report's is dropped. */
int apply_state_flags(struct wtxn *w, const uint8_t id[16], const uint8_t *body,
		      size_t len, unsigned *flags);
int apply_contrib(struct wtxn *w, const uint8_t *ek, size_t eklen,
		  entity_sum *s, const contrib *c);
int apply_add(struct wtxn *w, const uint8_t *body, size_t len,
	      const codec_report_view *v, const uint8_t id[16], int *added);
int apply_state(struct wtxn *w, const op_ctx *oc, int type,
		const codec_state_op *o);
int apply_allow(struct wtxn *w, const op_ctx *oc, int type,
		const codec_allow_op *o);
/* validate.c: the strings of a received operation (UTF-8, no control or
 * bidirectional control characters, lengths; identifiers canonical): NULL
 * if clean, else why not (static text, for the refusal). */
const char *validate_report(const codec_report_view *v);
const char *validate_state_op(const codec_state_op *o);
const char *validate_allow_op(const codec_allow_op *o);

/* Decode and apply one op body in a session (w->adds set). An ADD goes
 * to the addset; *has_ref = 1 and `ref` its report id: the log keeps the
 * id instead of a second copy (the commit gives the entry its own copy if
 * the stored body differs). */
int apply_body(struct wtxn *w, const op_ctx *oc, int type, const uint8_t *body,
	       size_t len, uint8_t ref[16], int *has_ref);

/* ---- addset.c: reports decided new, written sorted at the end ---- */
struct addent {	      /* 64 bytes: a batch of a million holds a million */
	contrib c;    /* c.id is the report's id */
	uint64_t off; /* body in bodies */
	/* a received ADD: its oplog entry, which refers to the body in
	 * `report` and must hold its own copy if the database's differs */
	uint64_t oseq;
	uint32_t len, oindex;
	uint8_t audience;
	uint8_t stored; /* the database held it already: nothing to write */
	uint8_t logged;
};
/* One (entity, report) pair, 24 bytes; p0/p1: the key's first 16
 * bytes. A set holds fewer than ADDSET_MAX reports and 4 GiB of keys
 * (addset_put: SDX_ENOMEM past them). */
#define ADDSET_MAX ((size_t)1 << 23)
#define ADDSET_EXT ((uint64_t)1 << 63)
struct addcon {
	uint64_t p0, p1;
	uint32_t koff;
	uint32_t ent : 23, klen : 9; /* klen <= EKEY_MAX */
};
/* spill.c: append-only bytes, in memory and past 16 MiB in an unlinked
 * file in the database's directory (page cache, not anonymous memory).
 * Offsets are stable; spill_seal gives a base pointer valid until the
 * next append or clear. A zeroed struct is an empty spill. */
struct spill {
	uint8_t *mem;	 /* everything, or (file) the staging buffer */
	size_t len, cap; /* bytes appended; mem's capacity */
	size_t staged;	 /* file: bytes in mem not yet written */
	size_t flushed;	 /* file: bytes written */
	int fd, file;	 /* file: fd is the unlinked file */
	int nofile;	 /* a file failed once: memory only */
	uint8_t *map;	 /* the sealed read-only view */
	size_t maplen;
};
int spill_append(struct spill *s, const char *dir, const uint8_t *p, size_t n,
		 size_t *off);
int spill_reserve(struct spill *s, size_t n); /* memory for n more */
int spill_seal(struct spill *s, const uint8_t **base);
void spill_clear(struct spill *s); /* empty, keeping the file */
void spill_free(struct spill *s);

/* bigmem.c: a growing array (as sdx_grow) that moves past 16 MiB into
 * a shared mapping of an unlinked file in dir (page cache, not anonymous
 * memory), or stays in memory if it cannot. A zeroed struct and a NULL
 * array are an empty one; bigmem_free frees the array and zeroes both. */
#define BIGMEM_AT ((size_t)16 << 20)
struct bigmem {
	size_t bytes; /* the mapping's length (file) */
	int fd, file, nofile;
};
int bigmem_grow(struct bigmem *m, const char *dir, void *p, size_t *cap,
		size_t need, size_t elem, size_t first);
void bigmem_free(struct bigmem *m, void *p);

struct addset {
	struct spill bodies;
	const char *dir;     /* where bodies spill (the database's) */
	const uint8_t *base; /* bodies, sealed by addset_write */
	/* bytes the caller keeps unchanged until the commit (an import's
	 * private copy of the bundle, sdx_apply_stable): a body among them
	 * is not copied into the spill (entry off: ADDSET_EXT | offset) */
	const uint8_t *ext;
	size_t ext_len, ext_bytes; /* ext_bytes: of bodies kept there */
	struct addent *ents;
	size_t nent, capent;
	uint8_t *keys;
	size_t keylen, keycap;
	struct addcon *cons;
	size_t ncon, capcon;
	struct bigmem ents_mem, keys_mem, cons_mem; /* where each array is */
	/* nodedup (a bulk batch): no set; the same id twice is found at
	 * commit, in key order, and counted with the stored ones */
	int nodedup;
	/* a bulk batch, or a session of ADDs only (session.c): nothing
	 * else writes `report` or `entity` in its transaction before
	 * addset_write, so a large set may rebuild them by a sorted merge
	 * (addset.c) */
	int merge_ok;
	uint64_t *set; /* open addressing on the id (see set_slot) */
	size_t setcap;
	struct er_pending er; /* one entity's new entity_report values */
	/* the empty slot addset_find found for hint_id */
	size_t hint_slot;
	uint8_t hint_id[16];
	int hint_ok;
};
/* merge.c: a table rebuilt in the write transaction as the sorted merge
 * of its last commit (read through a read transaction) and a sorted
 * batch, with MDB_APPEND. tmerge_open turns it on (on = 1) only for a
 * batch of `adds` keys that is a large fraction of a non-empty table;
 * keys are then given to tmerge_seek (the old value, if the table held
 * the key: taken out, the caller gives it back by tmerge_keep or
 * replaces it by tmerge_put) and tmerge_put in increasing order.
 * tmerge_close writes the rest of the old entries (unless rc) and
 * returns rc or its own status. */
struct tmerge {
	int on, more;	      /* merging; old entries left (k, d) */
	int started;	      /* the table was emptied and is rewritten */
	MDB_txn *rtxn, *wtxn; /* the last commit's snapshot; the writer */
	struct wtxn *w;
	MDB_cursor *rc, *wc; /* old entries; the rebuilt table */
	MDB_dbi dbi;
	MDB_val k, d;
	int dup;   /* a DUPSORT table */
	int nlast; /* last: the last key appended */
	MDB_val last;
	size_t appended;
};
void tmerge_init(struct tmerge *m);
int tmerge_open(struct wtxn *w, MDB_dbi dbi, size_t adds, struct tmerge *m);
int tmerge_seek(struct tmerge *m, const MDB_val *key, MDB_val *old, int *found);
int tmerge_keep(struct tmerge *m, const MDB_val *key, const MDB_val *old);
int tmerge_put(struct tmerge *m, const MDB_val *key, const MDB_val *data);
/* A DUPSORT table: key's n new values (each `size` bytes, sorted,
 * distinct) merged with its old ones; keys in increasing order. */
int tmerge_dups(struct tmerge *m, const MDB_val *key, const uint8_t *vals,
		size_t n, size_t size);
int tmerge_close(struct tmerge *m, int rc);
/* After the commit of a transaction whose merges dropped at least
 * SETTLE_PAGES pages (w->merged): one more,
 * empty commit, so that the next merge may take the pages this one
 * freed (see merge.c). Its failure loses nothing. */
void tmerge_settle(struct sdx_db *db);
#define SETTLE_PAGES 256
void addset_free(struct addset *s);
void addset_clear(struct addset *s); /* empty, keeping the memory */
/* *e = the entry with this id, or NULL. */
int addset_find(struct addset *s, const uint8_t id[16],
		const struct addent **e);
/* Room for n more reports without growing (a hint). */
int addset_reserve(struct addset *s, size_t n);
/* Keep a report known to be new (not stored, not in the set). */
int addset_put(struct addset *s, const codec_report_view *v,
	       const uint8_t id[16], const uint8_t *body, size_t len);
/* The last entry put came with oplog entry (oindex, oseq). */
void addset_logged(struct addset *s, uint32_t oindex, uint64_t oseq);
/* About how much the map must grow to write the set. */
size_t addset_bytes(const struct addset *s, struct sdx_db *db);
/* Write every report, entity_report entry and summary of the set. */
int addset_write(struct addset *s, struct wtxn *w, size_t *stored);

/* ---- role.c ---- */
/* This database's role in txn (SDX_OFFICE_NOROLE when unset or
 * unreadable). */
int store_role(MDB_txn *txn, struct sdx_db *db);

/* ---- origin.c ---- */
/* An office id: [A-Za-z0-9._-]{1,SDX_OFFICE_MAX}. */
int office_ok(const char *s);
/* Every record of sub-db `dbi` in key order, in one read snapshot,
 * through fn; fn returns non-zero to stop, and that value is returned. */
int store_scan_all(struct sdx_db *db, MDB_dbi dbi,
		   int (*fn)(const MDB_val *k, const MDB_val *d, void *ctx),
		   void *ctx);
/* Keep origin's signature over 1..seq if newer than the one held. */
int origin_set_sig(struct wtxn *w, const char *origin, uint64_t seq,
		   const uint8_t sig[64]);
/* An `origin` record (key k, value d) into o. */
int origin_decode(const MDB_val *k, const MDB_val *d, origin_rec *o);
int origin_load(struct wtxn *w, const char *origin, int create,
		origin_rec **out);
int origin_flush(struct wtxn *w);
int origin_read(MDB_txn *txn, struct sdx_db *db, const char *origin,
		origin_rec *o);

/* oplog entry: key be32 origin index, be64 seq; value: type, audience,
 * OPF_* flags, mark (SDX_MARK_*), digest, chain, then the body (or the
 * report id, OPF_REF; nothing, OPF_REDACTED) */
#define OPLOG_HDR 68
#define OPF_REDACTED 0x1u
#define OPF_REF 0x2u /* value holds the report id, the body is in `report` */
#define OPF_REFUSED 0x4u /* held, not applied: its origin had no authority */
/* XOR operation (seq, chain byte = type | mark, digest) of o into o's
 * fingerprint (in or out: the same call). */
void fp_update(origin_rec *o, uint64_t seq, int type, const uint8_t digest[32]);
/* Write operation seq of origin o (body, or a redacted op: body NULL;
 * ref: the report id the body is stored under) and advance o's head,
 * chain and fingerprint. */
int oplog_put(struct wtxn *w, origin_rec *o, uint64_t seq, int type,
	      int audience, const uint8_t digest[32], const uint8_t chain[32],
	      const uint8_t *body, size_t len, const uint8_t *ref);
/* The same for an operation held but refused (not applied). */
int oplog_put_refused(struct wtxn *w, origin_rec *o, uint64_t seq, int type,
		      int audience, const uint8_t digest[32],
		      const uint8_t chain[32], const uint8_t *body, size_t len);
/* 1 if operation seq of o is held as its digest alone, with this digest
 * and chain; 0 if not; an error. */
int oplog_is_redacted(struct wtxn *w, const origin_rec *o, uint64_t seq,
		      const uint8_t digest[32], const uint8_t chain[32]);
/* Give operation seq of o, held as its digest alone, its body (or ref);
 * o's head, chain and fingerprint stay as they are. */
int oplog_fill(struct wtxn *w, const origin_rec *o, uint64_t seq, int type,
	       int audience, const uint8_t digest[32], const uint8_t chain[32],
	       const uint8_t *body, size_t len, const uint8_t *ref,
	       int refused);
/* Append an op of this office to the log; *seq = its number. ref: the
 * report id an ADD's body is stored under (the log refers to it). */
/* verify's check of every origin's chain, digests and fingerprint */
int oplog_verify(MDB_txn *txn, struct sdx_db *db,
		 int (*say)(void *ctx, const char *msg), void *ctx);
/* Make oplog entry (oindex, oseq), which refers to its report's stored
 * body, hold its own copy `body` instead. */
int oplog_own_body(struct wtxn *w, uint32_t oindex, uint64_t oseq,
		   const uint8_t *body, size_t len);
int oplog_append_local(struct wtxn *w, int type, int audience,
		       const uint8_t *body, size_t len, const uint8_t *ref,
		       uint64_t *seq);

/* ---- dsecret.c ---- */
/* origin's digest secret in txn: 0, MDB_NOTFOUND or an LMDB status. */
int dsecret_read(MDB_txn *txn, struct sdx_db *db, const char *origin,
		 uint8_t out[32]);
/* Keep origin's secret; SDX_EEXISTS if another one is held. */
int dsecret_write(MDB_txn *txn, struct sdx_db *db, const char *origin,
		  const uint8_t secret[32]);
/* This office's secret, made if missing. */
int dsecret_own(struct wtxn *w, uint8_t out[32]);
/* The digest of a body of origin's under `mark`: keyed with origin's
 * secret when police-marked (SDX_EKEY: no secret held). */
int store_op_digest(struct wtxn *w, const char *origin, int mark,
		    const uint8_t *body, size_t len, uint8_t out[32]);

/* ---- agencies.c ---- */
/* *ok = 1 if a received report of origin may name agency[0..len) (its
 * trust record lists it, or lists none), 0 if not. An LMDB status. */
int agency_allowed(struct wtxn *w, const char *origin, const char *agency,
		   size_t len, int *ok);

/* ---- peer.c ---- */
int peer_put(struct wtxn *w, const char *peer, const sdx_vv_entry *vv,
	     size_t n);
/* Cap every peer's vector entry for origin at seq; *n = peers changed. */
int peer_cap_all(struct wtxn *w, const char *origin, uint64_t seq, uint64_t *n);

/* ---- keyhist.c: the keys an origin replaced ---- */
/* Into out (cap SDX_KEYS_MAX), *n entries; 0 entries when none. */
int keyhist_get(MDB_txn *txn, struct sdx_db *db, const char *origin,
		sdx_key_period *out, size_t *n);
/* o's key replaced by pubkey after seq `after`: the history keeps the
 * periods that end before `after`, then the key valid at `after`; o
 * takes pubkey (dirty). SDX_EEXISTS: pubkey is o's key or one it had. */
int keyhist_replace(struct wtxn *w, origin_rec *o, const uint8_t pubkey[32],
		    uint64_t after);

/* ---- head.c ---- */
/* Forget origin's head if it is past `after` (a key replaced after it). */
int head_drop_after(struct wtxn *w, const char *origin, uint64_t after);

/* ---- void.c ---- */
/* Remove o's operations after seq `after` from the log and undo them. */
int void_after(struct wtxn *w, origin_rec *o, uint64_t after,
	       sdx_void_result *res);

/* ---- small helpers ---- */
/* End of a walk: MDB_NOTFOUND is the normal end, LMDB codes are
 * translated, callback values and SDX codes pass through. */
static inline int walk_end(int rc)
{
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc >= MDB_KEYEXIST && rc <= MDB_LAST_ERRCODE)
		return store_err(rc);
	return rc;
}

static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}
static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
static inline void be64_put(uint8_t *p, uint64_t v)
{
	be32_put(p, (uint32_t)(v >> 32));
	be32_put(p + 4, (uint32_t)v);
}
static inline uint64_t be64_get(const uint8_t *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}
static inline void le32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t le32_get(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline void le64_put(uint8_t *p, uint64_t v)
{
	le32_put(p, (uint32_t)v);
	le32_put(p + 4, (uint32_t)(v >> 32));
}
static inline uint64_t le64_get(const uint8_t *p)
{
	return le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}
static inline int bounded_copy(char *dst, size_t max, const char *src)
{
	size_t n = strnlen(src ? src : "", max + 1);
	if (n > max)
		return SDX_ETOOLONG;
	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
	return 0;
}

#endif
