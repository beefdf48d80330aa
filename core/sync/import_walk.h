/* import_walk.h (private): the state of a bundle import's walk
 * (sync_import.c), shared with the checks of its items
 * (import_items.c) and its write batches (import_batch.c). */
#ifndef SCAMDEX_IMPORT_WALK_H
#define SCAMDEX_IMPORT_WALK_H

#include "bundle_io.h"

#define BATCH sdx_import_batch
#define SDX_SYNC_PROG "scamdex-sync"

/* Where the walk is: all pass 2 needs to resume where pass 1 stopped
 * applying. */
typedef struct place {
	uint64_t offset; /* file offset of the next item */
	uint64_t ops, origins;
	size_t n_seen; /* entries of walk.seen */
	/* the open run */
	int in_run;
	char origin[SDX_OFFICE_MAX + 1];
	uint8_t origin_pk[32];
	uint64_t first, next, held, sig_held;
	uint8_t chain[32];
	/* chain(held), where the run holds seq held and goes beyond it */
	uint8_t held_chain[32];
	int check_held;
	int gapped;
	/* a police database met a redacted op of this run it does not
	 * hold: it and the rest of the run are not applied (redacted is not
	 * held; a police bundle brings them) */
	int withheld;
	/* the origin's digest secret: held here, or from the bundle's
	 * secret item (secret_new, kept with the first police-marked body
	 * applied: secret_saved) */
	uint8_t secret[32];
	int has_secret, secret_item, secret_new, secret_saved;
} place;

/* The import's private copy of the bundle (import_copy.c). */
typedef struct import_copy {
	int fd;	      /* the copy the reader reads (-1: none) */
	int vfd;      /* each operation's digest and chain, 64 bytes */
	uint8_t *buf; /* staged values */
	size_t used;  /* bytes of buf added (pass 1) or taken (pass 2) */
	size_t have;  /* pass 2: bytes of buf read */
	uint64_t written, read; /* offsets in vfd */
	/* the copy mapped: pass 2 hands the store bodies in it, which it
	 * then need not copy (sdx_apply_stable); NULL if not mapped */
	const uint8_t *map;
	size_t size;
} import_copy;

typedef struct walk {
	sdx_db *db;
	const char *accept_for;	     /* an office other than this one whose
					bundles are taken (NULL: none) */
	const sdx_import_opts *opts; /* the refusal callback (or NULL) */
	int role;		     /* this database's */
	int import;		     /* not just verifying */
	int pass2;
	uint64_t total_ops; /* operations in the bundle, counted by pass 1 */
	int applying;	    /* ops and segment signatures go to w->apply */
	sdx_apply *apply;   /* the open batch (begun at its first use) */
	sdx_import_result *res;
	sdx_breader r;
	uint8_t sender_pk[32];
	size_t n_vv; /* entries of the header's vector (in r.vv) */
	/* the vector stored for the sender before the import */
	sdx_vv_entry *old;
	size_t n_old;
	/* origins seen in this bundle (one run each) */
	char (*seen)[SDX_OFFICE_MAX + 1];
	place p;
	/* where the first batch ended, kept by pass 1 when there is more */
	place resume;
	int resumed;
	/* after every BATCH-th operation, noted by pass 1: the chain, and
	 * the reports' identifiers and the bytes of bodies and identifiers
	 * so far (for sdx_apply_expect_idents) */
	struct checkpoint {
		uint8_t chain[32];
		uint64_t bytes, idents;
	} * cp;
	size_t n_cp, cap_cp;
	uint64_t bytes, idents; /* pass 1: so far */
	/* the audience of every operation after the first batch, 2 bits
	 * each, noted by pass 1: pass 2 does not decode bodies */
	uint8_t *aud;
	size_t cap_aud;
	/* pass 1 findings used later */
	int sig_newer;
	uint64_t committed; /* applied ops in committed batches */
	uint64_t gap_first, gap_held;
	char gap_origin[SDX_OFFICE_MAX + 1];
	/* the origins' signed heads, verified by pass 1, kept after the
	 * import when newer than the ones held */
	sdx_head *heads;
	size_t n_heads;
	int head_newer;
	import_copy copy;
} walk;

/* The import fails: the reason and the file offset go to w->res. */
__attribute__((format(printf, 3, 4))) int walk_fail(walk *w, int rc,
						    const char *fmt, ...);

/* Items checked by pass 1 (import_items.c). */
int walk_header(walk *w, const sdx_bitem *it);
int walk_address(walk *w);
int walk_run(walk *w, const sdx_bitem *it);
int walk_secret(walk *w, const sdx_bitem *it);
/* an op's body decodes as its type says; *audience: what it says */
int walk_check_body(walk *w, const sdx_bitem *it, int *audience);
int walk_segment_check(walk *w, const sdx_bitem *it);
int walk_head(walk *w, const sdx_bitem *it);
int walk_keep_heads(walk *w);

/* The private copy (import_copy.c): copy_make makes it and points the
 * reader at it (w->copy.fd stays -1 when it cannot); pass 1 adds each
 * operation's digest and chain, pass 2 takes them back in order. */
void copy_make(walk *w);
void copy_free(walk *w);
int copy_values_add(walk *w, const uint8_t digest[32], const uint8_t chain[32]);
int copy_values_rewind(walk *w);
int copy_values_next(walk *w, uint8_t digest[32], uint8_t chain[32]);

/* Write batches of BATCH operations (import_batch.c). */
int note_checkpoint(walk *w);
int note_audience(walk *w, uint64_t i, int audience);
int noted_audience(const walk *w, uint64_t i);
int batch_open(walk *w, uint64_t i);
void batch_drop(walk *w);
int batch_end(walk *w);

#endif
