/* scamdex/bundle.h: office keys and sync bundles.
 *
 * An office signs with an Ed25519 key pair (libsodium). A bundle is a
 * streamed CBOR file (format: scamdex-bundle(5)): a header with the
 * sender's version vector, one run of operations per origin closed by that
 * origin's signature over its hash chain (sync.h), an XXH3-128 checksum
 * and the sender's Ed25519ph signature over everything before it.
 * Neither export nor import holds a bundle in memory whole. */
#ifndef SCAMDEX_BUNDLE_H
#define SCAMDEX_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <scamdex/db.h>
#include <scamdex/sync.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The bundle format this library writes and reads (3: chain bytes with
 * marks and digest secrets; 4: and heads; 2 is read too). A bundle of a
 * newer format is refused with SDX_EVERSION. */
#define SDX_BUNDLE_FORMAT 4
#define SDX_BUNDLE_FORMAT_MIN 2

/* Longest operation body a bundle may carry (bytes). */
#define SDX_BUNDLE_BODY_MAX 65536

/* Most origins (version vector entries) a bundle may name. */
#define SDX_BUNDLE_ORIGINS_MAX 4096

/* An office's key pair. All storage is inside the struct; wipe it with
 * sdx_key_wipe when done. */
typedef struct sdx_key {
	char office[SDX_OFFICE_MAX + 1];
	uint8_t pubkey[32];
	uint8_t secret[64]; /* libsodium's Ed25519 secret key */
} sdx_key;

/* Create a new key pair for `office` (an office id, [A-Za-z0-9._-]+, at
 * most SDX_OFFICE_MAX bytes; else SDX_EINVAL). */
SDX_API int sdx_keygen(const char *office, sdx_key *out);

/* Write the key to a NEW file `path` with mode 0600 (the directory must
 * exist). SDX_EEXISTS if the file exists; SDX_EIO (errno set) on other
 * failures. The file is one line:
 *   scamdex-key-v1 OFFICE SECRET-HEX(128) */
SDX_API int sdx_key_save(const sdx_key *key, const char *path);

/* Read a key file written by sdx_key_save. SDX_EKEY if it is missing,
 * unreadable, malformed, or its public half does not match; SDX_EKEYMODE
 * (nothing read) if its mode lets group or others read or write it, as
 * ssh refuses such a key: 'chmod 600 FILE' mends it. */
SDX_API int sdx_key_load(const char *path, sdx_key *out);

/* Zero the key's secret (sodium_memzero). NULL is a no-op. */
SDX_API void sdx_key_wipe(sdx_key *key);

/* Public keys as 64 lower-case hex digits (+ NUL). from_hex: SDX_EKEY
 * unless exactly 64 hex digits. */
SDX_API void sdx_pubkey_to_hex(const uint8_t pubkey[32], char hex[65]);
SDX_API int sdx_pubkey_from_hex(const char *hex, size_t len,
				uint8_t pubkey[32]);

/* An origin's segment signature: Ed25519 over
 *   "scamdex-seg-v1" || u8 len(origin) || origin || u64be seq || chain(seq)
 * verify: 0 or SDX_ESIGNATURE. */
SDX_API int sdx_segment_sign(const sdx_key *key, const char *origin,
			     uint64_t seq, const uint8_t chain[32],
			     uint8_t sig[64]);
SDX_API int sdx_segment_verify(const uint8_t pubkey[32], const char *origin,
			       uint64_t seq, const uint8_t chain[32],
			       const uint8_t sig[64]);

/* What an export wrote. */
typedef struct sdx_export_result {
	uint64_t ops;	    /* operations written */
	uint64_t redacted;  /* of them, police-only ops sent as digest only */
	uint64_t origins;   /* origin runs written */
	uint64_t held_back; /* operations the peer lacks that this bundle could
			       not carry: no origin signature covers them yet,
			       or they are held here redacted and the
			       audience is police */
	uint64_t bytes;	    /* size of the bundle */
	int audience;	    /* the bundle's: the narrowest of the one asked
			       for, the peer's role and this database's */
} sdx_export_result;

/* sdx_bundle_export flags */
#define SDX_EXPORT_FULL                                                        \
	0x1u /* ignore the vector the peer announced: send                     \
		everything (after a peer restored a                            \
		backup) */

/* Write a bundle for `peer` to `path` ("-" = standard output): every
 * operation the peer lacks according to the version vector it announced
 * in its last bundle (sdx_peer_get_vv; none yet = everything). `key` is
 * this office's (its office must equal sdx_db_office, else SDX_EKEY).
 * The peer must be trusted (else SDX_EUNTRUSTED) with a role, and this
 * database must have one (else SDX_EROLE). `audience` only narrows:
 * the bundle's audience (res->audience) is the narrowest of it, the
 * peer's role and this database's role, so a bank peer never receives
 * police-only data whatever the caller asks. Audience SDX_AUD_BANK sends
 * police-only operations as their digest alone: those whose log audience is
 * SDX_AUD_POLICE (adds of police-only reports) and the retractions, disputes
 * and resolutions of police-only reports held here. The file is written to
 * path.tmp and renamed when complete, so a failed export leaves no partial
 * bundle. res may be NULL. */
SDX_API int sdx_bundle_export(sdx_db *db, const sdx_key *key, const char *peer,
			      int audience, unsigned flags, const char *path,
			      sdx_export_result *res);

/* What an import found and did. */
typedef struct sdx_import_result {
	char sender[SDX_OFFICE_MAX + 1];
	int audience;	     /* the bundle's (sdx_audience) */
	uint64_t created;    /* the bundle's creation time (Unix seconds) */
	uint64_t origins;    /* origin runs in the bundle */
	uint64_t ops;	     /* operations in the bundle */
	uint64_t applied;    /* new operations applied */
	uint64_t duplicates; /* operations already held (skipped) */
	uint64_t gap;	     /* skipped: earlier operations of their origin
				are missing here; the next bundle heals it */
	uint64_t redacted;   /* of the applied, digest-only operations */
	int replay;	     /* 1: nothing new and the sender's vector is not
				newer than the one stored (an old or repeated
				bundle); the database is unchanged */
	uint64_t offset;     /* on failure: byte offset of the faulty item */
	char reason[256];    /* on failure: why, in words; on success: a note
				(gaps) or "" */
	char to[SDX_OFFICE_MAX + 1]; /* the office the bundle is addressed to */
	uint64_t withheld; /* a police database: operations not applied
			      because their origin's run reached a
			      digest-only (redacted) one it does not hold;
			      redacted is not held, a police peer's bundle
			      brings them */
	uint64_t refused;  /* held (their place in the sequence) but not
			      applied: their origin had no authority
			      (scamdex-sync(1), AUTHORITY) */
} sdx_import_result;

/* Import one bundle. Pass 1 reads the whole file and verifies the
 * checksum, the sender's signature (the sender must be trusted, with a
 * role), the address, every origin's trust, hash chain and segment
 * signature, and every body's encoding; nothing touches the database
 * during it. Pass 2 reads the file again and applies it in write
 * transactions of 1048576 operations, each committed only when the hash
 * chain at its end equals what pass 1 verified (the last one after every
 * segment signature verified again), so a file changed between the
 * passes applies nothing unverified. A bundle that fails verification
 * returns its code (SDX_EBUNDLE, SDX_EBUNDLESUM, SDX_ESIGNATURE,
 * SDX_EUNTRUSTED, SDX_EROLE, SDX_EADDRESS, SDX_EVERSION, SDX_EIO...) with
 * res->reason and res->offset filled, and the database unchanged. A
 * system failure in pass 2 (disk full) keeps the batches committed
 * before it (res->applied counts them): verified operations, a prefix
 * of each origin's run; importing the bundle again continues. The
 * sender's vector is stored with the last batch. res must not be NULL. */
SDX_API int sdx_bundle_import(sdx_db *db, const char *path,
			      sdx_import_result *res);

/* Pass 1 alone: verify a bundle against this database's trust list and
 * chains without changing anything. Same results as sdx_bundle_import
 * (applied/duplicates/gap are left 0). */
SDX_API int sdx_bundle_verify(sdx_db *db, const char *path,
			      sdx_import_result *res);

/* Every bundle is addressed to one office (res->to). sdx_bundle_import
 * and sdx_bundle_verify refuse one addressed to another office than this
 * database's with SDX_EADDRESS; these take, besides, one addressed to
 * `accept_for` (NULL: none), e.g. a bank's second database that takes
 * the bundles written for the first. */
SDX_API int sdx_bundle_import_for(sdx_db *db, const char *path,
				  const char *accept_for,
				  sdx_import_result *res);
SDX_API int sdx_bundle_verify_for(sdx_db *db, const char *path,
				  const char *accept_for,
				  sdx_import_result *res);

/* The same with options: accept_for as above, and `refused`, called for
 * every operation held but refused (origin, seq, type, why: static
 * text), e.g. to log it. */
typedef struct sdx_import_opts {
	const char *accept_for;
	void (*refused)(void *ctx, const char *origin, uint64_t seq, int type,
			const char *why);
	void *ctx;
} sdx_import_opts;
SDX_API int sdx_bundle_import_opts(sdx_db *db, const char *path,
				   const sdx_import_opts *opts,
				   sdx_import_result *res);
SDX_API int sdx_bundle_verify_opts(sdx_db *db, const char *path,
				   const sdx_import_opts *opts,
				   sdx_import_result *res);

#ifdef __cplusplus
}
#endif

#endif /* SCAMDEX_BUNDLE_H */
