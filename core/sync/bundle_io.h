/* bundle_io.h (private): the pieces of the bundle format.
 *   codec   (core/codec/bundle_codec.c): one item <-> CBOR bytes
 *   hashes  (util/hash.c, keys.c): streaming XXH3-128 and Ed25519ph
 *   writer  (bundle_write.c): items into a buffer flushed to a FILE
 *   reader  (bundle_read.c): items out of a buffered window of a file
 * Item layout: scamdex-bundle(5). */
#ifndef SCAMDEX_BUNDLE_IO_H
#define SCAMDEX_BUNDLE_IO_H

#include <stdint.h>
#include <stdio.h>

#include "hash.h"

#include <scamdex/bundle.h>

/* Item kinds: the first element of every item's array. */
enum {
	SDX_BI_HEADER = 0,
	SDX_BI_RUN = 1,
	SDX_BI_OP = 2,
	SDX_BI_REDACTED = 3,
	SDX_BI_SEGSIG = 4,
	SDX_BI_CHECKSUM = 5,
	SDX_BI_SIGNATURE = 6,
	SDX_BI_ADDRESS = 7, /* format 2: right after the header */
	SDX_BI_SECRET = 8,  /* format 3: an origin's digest secret, right
			       after its run item, in police bundles only */
	SDX_BI_HEAD = 9,    /* format 4: an origin's signed head */
};

#define SDX_BUNDLE_MAGIC "scamdex-bundle"

/* One decoded item; pointers point into the decoder's input. */
typedef struct sdx_bitem {
	int kind;
	uint64_t format;  /* header */
	const char *name; /* header: sender; run, secret: origin; address:
			     the receiver (not NUL-ended) */
	size_t name_len;
	int audience;	      /* header */
	uint64_t created;     /* header */
	size_t n_vv;	      /* header: entries written to the vv array */
	uint64_t seq;	      /* run: first seq; op, redacted, segsig: seq */
	int type;	      /* op, redacted: 1..6 */
	int mark;	      /* op, redacted: SDX_MARK_* (chain byte = type |
				 mark) */
	const uint8_t *bytes; /* op: body; redacted: digest; run: chain of
				 first-1; segsig, signature: sig; checksum;
				 secret: the secret (32 bytes); head:
				 chain(seq) */
	size_t len;
	uint64_t clock;	    /* head: the origin's clock */
	const uint8_t *sig; /* head: the origin's signature (64 bytes) */
} sdx_bitem;

/* Upper bound of an encoded item other than a header or an op. */
#define SDX_BITEM_SMALL 256

/* Encoders: bytes written, or 0 if cap is too small. */
size_t sdx_benc_header(uint8_t *buf, size_t cap, const char *sender,
		       int audience, uint64_t created, const sdx_vv_entry *vv,
		       size_t n);
size_t sdx_benc_address(uint8_t *buf, size_t cap, const char *to);
size_t sdx_benc_run(uint8_t *buf, size_t cap, const char *origin,
		    uint64_t first, const uint8_t prev[32]);
size_t sdx_benc_op(uint8_t *buf, size_t cap, uint64_t seq, int type,
		   const uint8_t *body, size_t len);
size_t sdx_benc_redacted(uint8_t *buf, size_t cap, uint64_t seq, int type,
			 const uint8_t digest[32]);
size_t sdx_benc_secret(uint8_t *buf, size_t cap, const char *origin,
		       const uint8_t secret[32]);
size_t sdx_benc_segsig(uint8_t *buf, size_t cap, uint64_t seq,
		       const uint8_t sig[64]);
size_t sdx_benc_head(uint8_t *buf, size_t cap, const sdx_head *h);
size_t sdx_benc_checksum(uint8_t *buf, size_t cap, const uint8_t sum[16]);
size_t sdx_benc_signature(uint8_t *buf, size_t cap, const uint8_t sig[64]);

/* Decode one item from buf[0..len). Returns 0 (item in *it, *used bytes),
 * 1 (incomplete: more input needed), or SDX_EBUNDLE with *why set and
 * *used = offset of the fault. vv receives up to vv_cap header entries
 * (more is SDX_EBUNDLE). */
int sdx_bdec_item(const uint8_t *buf, size_t len, sdx_bitem *it,
		  sdx_vv_entry *vv, size_t vv_cap, size_t *used,
		  const char **why);

/* Streaming XXH3-128: sdx_sum_* in hash.h (core/util/hash.c). */

/* Heads (freshness; keys.c): sign h (h->origin must be key's office),
 * verify h's signature (0 or SDX_ESIGNATURE). */
int sdx_head_sign(const sdx_key *key, sdx_head *h);
int sdx_head_verify(const uint8_t pubkey[32], const sdx_head *h);

/* Streaming Ed25519ph (keys.c). */
typedef struct sdx_sigstream sdx_sigstream;
int sdx_sigstream_new(sdx_sigstream **out);
void sdx_sigstream_update(sdx_sigstream *s, const void *p, size_t n);
int sdx_sigstream_sign(sdx_sigstream *s, const sdx_key *key, uint8_t sig[64]);
int sdx_sigstream_verify(sdx_sigstream *s, const uint8_t pubkey[32],
			 const uint8_t sig[64]); /* 0 or SDX_ESIGNATURE */
void sdx_sigstream_free(sdx_sigstream *s);

/* Operations per write transaction of an import (sync_import.c): by
 * default SDX_IMPORT_BATCH, below the store's ADDSET_MAX (8,388,608). */
#define SDX_IMPORT_BATCH 8000000
extern size_t sdx_import_batch;
/* Called between an import's two passes when set (tests). */
extern void (*sdx_import_between)(const char *path);
/* How an import copies the bundle (import_copy.c): 1 (the default) in
 * memory up to a size, else in a file; 2 always in a file; 0 not at all:
 * it reads the bundle itself and pass 2 digests and chains again
 * (tests). */
extern int sdx_import_copy;
/* store_dir, sdx_apply_stable (core/store) */
#include "for_sync.h"

/* Office ids: [A-Za-z0-9._-]{1,SDX_OFFICE_MAX}. */
int sdx_office_valid(const char *s, size_t len);

/* Writer: items are encoded into a buffer, hashed and written when it
 * fills. Errors stick: after one, every call returns it. */
typedef struct sdx_bwriter {
	FILE *f;
	uint8_t *buf;
	size_t len, cap;
	uint64_t bytes; /* flushed so far */
	sdx_sum *sum;
	sdx_sigstream *sig;
	int err;
} sdx_bwriter;

int sdx_bw_open(sdx_bwriter *w, FILE *f);
/* The header, then the address item naming the receiver `to`. */
int sdx_bw_header(sdx_bwriter *w, const char *sender, const char *to,
		  int audience, uint64_t created, const sdx_vv_entry *vv,
		  size_t n);
int sdx_bw_run(sdx_bwriter *w, const char *origin, uint64_t first,
	       const uint8_t prev[32]);
int sdx_bw_secret(sdx_bwriter *w, const char *origin, const uint8_t secret[32]);
/* type: the chain byte (type | mark) */
int sdx_bw_op(sdx_bwriter *w, uint64_t seq, int type, const uint8_t *body,
	      size_t len);
int sdx_bw_redacted(sdx_bwriter *w, uint64_t seq, int type,
		    const uint8_t digest[32]);
int sdx_bw_segsig(sdx_bwriter *w, uint64_t seq, const uint8_t sig[64]);
int sdx_bw_head(sdx_bwriter *w, const sdx_head *h);
/* Checksum and signature items, then flush. */
int sdx_bw_finish(sdx_bwriter *w, const sdx_key *key);
void sdx_bw_close(sdx_bwriter *w); /* frees; does not close f */

/* Reader: checks framing (header first; checksum, signature, end of
 * file last), keeps the checksum and the signature hash running, and
 * compares the checksum itself. */
typedef struct sdx_breader {
	FILE *f;
	uint8_t *buf;
	size_t cap, pos, end, hashed;
	uint64_t size;	 /* of the file when opened */
	uint64_t base;	 /* file offset of buf[0] */
	uint64_t offset; /* file offset of the last item returned */
	int eof;
	int state; /* 0 before header, 1 body, 2 after checksum, 3 done */
	int need_address; /* the header was read; the address item is due */
	char to[SDX_OFFICE_MAX + 1]; /* the address item's receiver */
	int nohash; /* a second pass whose content is checked otherwise:
		       no checksum, no signature hash */
	sdx_sum *sum;
	sdx_sigstream *sig;
	sdx_vv_entry *vv; /* the header's vector (SDX_BUNDLE_ORIGINS_MAX) */
	char why[160];
} sdx_breader;

/* Opens path for reading (rewind with sdx_br_rewind for a second pass). */
int sdx_br_open(sdx_breader *r, const char *path);
int sdx_br_rewind(sdx_breader *r);
/* The file offset of the next item; sdx_br_seek goes back to such an
 * offset for a second pass, without hashing (nohash) and inside the
 * body (state 1): the header is not read again. */
uint64_t sdx_br_tell(const sdx_breader *r);
int sdx_br_seek(sdx_breader *r, uint64_t offset);
/* 0: *it holds the next item (valid until the next call); 1: the end,
 * after the signature item; < 0: an error (SDX_EBUNDLE, SDX_EBUNDLESUM,
 * SDX_EVERSION, SDX_EIO) with r->why and r->offset set. After the
 * signature item, call sdx_br_verify before asking for the end. */
int sdx_br_next(sdx_breader *r, sdx_bitem *it);
/* Verify the signature item just returned against the sender's key. */
int sdx_br_verify(sdx_breader *r, const uint8_t pubkey[32],
		  const uint8_t sig[64]);
void sdx_br_close(sdx_breader *r);

#endif /* SCAMDEX_BUNDLE_IO_H */
