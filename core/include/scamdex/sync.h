/* scamdex/sync.h: the operation log, version vectors, trust and bundles.
 *
 * Every change is an operation numbered per origin office (1, 2, 3...).
 * Each origin's operations form a hash chain:
 *   chain(0)   = BLAKE2b-256("scamdex-chain-v1" || origin id)
 *   digest(op) = BLAKE2b-256(op body)            (body = canonical CBOR)
 *              = BLAKE2b-256 keyed with the origin's digest secret, for
 *                a police-only operation marked so (SDX_MARK_POLICE)
 *   chain(n)   = BLAKE2b-256(chain(n-1) || u8 (type | mark) || digest)
 * The mark (since 2026-12-07) is signed with the chain: SDX_MARK_V2 on
 * every operation written since, plus SDX_MARK_POLICE on a police-only
 * one; 0 on the operations written before (their audience is not
 * signed, their digests are unkeyed). See scamdex-bundle(5).
 * An origin signs (origin, seq, chain(seq)) with Ed25519; that one
 * signature makes every operation up to seq verifiable, also when a relay
 * forwards them. An operation whose body must not reach a bank (a
 * police-only report) travels as its digest alone ("redacted"): the chain
 * still verifies and the receiver's sequence has no gap.
 * Bundle format: scamdex-bundle(5). */
#ifndef SCAMDEX_SYNC_H
#define SCAMDEX_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <scamdex/db.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sdx_op_type {
	SDX_OP_ADD = 1,	    /* body: the report's canonical CBOR */
	SDX_OP_RETRACT = 2, /* body: {report id, reason, by, date} */
	SDX_OP_ALLOW = 3,   /* body: {kind, canonical, note, by, date, clock} */
	SDX_OP_DISALLOW = 4, /* body: as ALLOW */
	SDX_OP_DISPUTE = 5,  /* body: {report id, note, by, date} */
	SDX_OP_RESOLVE = 6,  /* body: as DISPUTE */
} sdx_op_type;

SDX_API const char *sdx_op_type_name(int type); /* "add", "retract"... */

/* One operation as read from or written to the log. */
/* The chain byte is type | mark. */
#define SDX_MARK_V2 0x40     /* the audience is signed (below) */
#define SDX_MARK_POLICE 0x80 /* with SDX_MARK_V2: police-only, keyed digest */
#define SDX_MARK_MASK 0xC0
/* Is chain byte b an operation's? 1..6, each with no mark, V2 or
 * V2|POLICE. */
#define SDX_CHAIN_BYTE_OK(b)                                                   \
	(((b)&0x3F) >= 1 && ((b)&0x3F) <= 6 &&                                 \
	 ((b)&SDX_MARK_MASK) != SDX_MARK_POLICE && (b) <= 0xFF)

typedef struct sdx_op {
	const char *origin;  /* office id */
	uint64_t seq;	     /* 1, 2, ... per origin */
	int type;	     /* sdx_op_type */
	int audience;	     /* sdx_audience of the op (ADD of a police-only
				report: POLICE; everything else: BANK) */
	const uint8_t *body; /* canonical CBOR; NULL when redacted */
	size_t body_len;
	uint8_t digest[32]; /* BLAKE2b-256 of body (keyed when police-marked) */
	uint8_t chain[32];  /* chain(seq) */
	int mark;	    /* 0 (written before marks), SDX_MARK_V2, or
			       SDX_MARK_V2 | SDX_MARK_POLICE: chain byte = type | mark */
} sdx_op;

typedef int (*sdx_op_cb)(const sdx_op *op, void *ctx);

/* The operations of `origin` with seq > after, ascending; pointers valid
 * during the callback. */
SDX_API int sdx_oplog_scan(sdx_db *db, const char *origin, uint64_t after,
			   sdx_op_cb cb, void *ctx);

/* chain(seq) of origin into out (seq 0 = the chain's start).
 * SDX_ENOTFOUND if this database does not hold that operation. */
SDX_API int sdx_oplog_chain(sdx_db *db, const char *origin, uint64_t seq,
			    uint8_t out[32]);

/* *seq = the first operation of origin this database holds as its digest
 * alone (a police-only operation it received redacted), 0 if none. */
SDX_API int sdx_oplog_first_redacted(sdx_db *db, const char *origin,
				     uint64_t *seq);

/* Compute chain(n) from chain(n-1), type and digest. */
SDX_API void sdx_chain_start(const char *origin, uint8_t out[32]);
SDX_API void sdx_chain_next(const uint8_t prev[32], int type,
			    const uint8_t digest[32], uint8_t out[32]);
SDX_API void sdx_digest(const uint8_t *body, size_t len, uint8_t out[32]);
/* The digest of a police-only body: BLAKE2b-256 keyed with its origin's
 * 32-byte digest secret. */
SDX_API void sdx_digest_keyed(const uint8_t *body, size_t len,
			      const uint8_t secret[32], uint8_t out[32]);
/* 32 random bytes for a new digest secret. */
SDX_API int sdx_digest_secret_make(uint8_t out[32]);

/* Digest secrets: every origin keys the digests of its police-only
 * operations with a secret of its own, which travels only in police
 * bundles. sdx_digest_secret_get: origin's secret into out, SDX_ENOTFOUND
 * if this database holds none. sdx_digest_secret_ensure: this office's
 * own, made if missing (*made = 1 then). */
SDX_API int sdx_digest_secret_get(sdx_db *db, const char *origin,
				  uint8_t out[32]);
SDX_API int sdx_digest_secret_ensure(sdx_db *db, int *made);

/* Roles. Every office is police or bank; a database knows its own
 * (sdx_db_set_role) and every trusted office's (sdx_trust_set). The
 * role decides what an office may receive (a bank: no police-only data)
 * and what its operations may do (scamdex-sync(1), ROLES). The
 * values are those of the audience an office of that role may see. */
#define SDX_OFFICE_NOROLE (-1) /* a record made before roles */
#define SDX_OFFICE_BANK 0      /* = SDX_AUD_BANK */
#define SDX_OFFICE_POLICE 1    /* = SDX_AUD_POLICE */
/* "bank", "police", "none" (static) */
SDX_API const char *sdx_office_role_name(int role);
/* "bank" or "police" into *role; SDX_EINVAL otherwise. */
SDX_API int sdx_office_role_parse(const char *s, int *role);

/* This database's own role: set once (SDX_EEXISTS if already set to
 * the other role); sdx_db_role gives SDX_OFFICE_NOROLE for a database made
 * before roles. */
SDX_API int sdx_db_set_role(sdx_db *db, int role);
SDX_API int sdx_db_role(sdx_db *db, int *role);

/* What this database knows of one origin. */
typedef struct sdx_origin_info {
	char origin[SDX_OFFICE_MAX + 1];
	uint64_t seq;		 /* highest operation held (version vector) */
	uint8_t chain[32];	 /* chain(seq) */
	uint8_t fingerprint[16]; /* XOR over held ops of XXH3-128(keyed:
				    origin, seq, type, digest) */
	uint64_t sig_seq;	 /* the newest origin signature held covers
				    ops 1..sig_seq; 0 = none */
	uint8_t sig[64];
	int trusted; /* a public key is in the trust list */
	uint8_t pubkey[32];
	int role; /* SDX_OFFICE_*: the role its trust record gives it */
} sdx_origin_info;

typedef int (*sdx_origin_cb)(const sdx_origin_info *o, void *ctx);

/* Every origin this database holds operations of or trusts, by id. */
SDX_API int sdx_origins(sdx_db *db, sdx_origin_cb cb, void *ctx);
SDX_API int sdx_origin_get(sdx_db *db, const char *origin,
			   sdx_origin_info *out);

/* Store an origin's signature over (origin, seq, chain(seq)); kept if
 * newer than the one held and seq <= the ops held. The caller verified
 * it. */
SDX_API int sdx_origin_set_signature(sdx_db *db, const char *origin,
				     uint64_t seq, const uint8_t sig[64]);

/* Trust list: offices whose operations and bundles are accepted.
 * sdx_trust_set trusts `office` with `pubkey` and `role` (SDX_OFFICE_BANK
 * or SDX_OFFICE_POLICE). sdx_trust_add, from before roles, keeps the
 * record's role (SDX_OFFICE_NOROLE for a new one: such an office is refused
 * as a sender, an origin or a peer until it has a role).
 * sdx_trust_remove: SDX_ENOTFOUND if the office is not trusted. */
SDX_API int sdx_trust_set(sdx_db *db, const char *office,
			  const uint8_t pubkey[32], int role);
SDX_API int sdx_trust_add(sdx_db *db, const char *office,
			  const uint8_t pubkey[32]);
SDX_API int sdx_trust_remove(sdx_db *db, const char *office);
/* The agency strings reports originated by `office` may name (n = 0:
 * any). A received report naming another is refused (held in the log,
 * not applied). sdx_trust_agencies: the list into buf, each string
 * ended by a NUL, *n of them (0: any agency). */
SDX_API int sdx_trust_set_agencies(sdx_db *db, const char *office,
				   const char *const *agencies, size_t n);
SDX_API int sdx_trust_agencies(sdx_db *db, const char *office, char *buf,
			       size_t cap, size_t *n);

/* Key replacement (a stolen or lost office key). Every origin signs its
 * segments with the key of its trust record; a replaced key stays valid
 * for the segments that end at or before the seq it was replaced after.
 * sdx_origin_keys fills up to cap of an origin's replaced keys, oldest
 * first (*n = how many there are): key i signs segments ending in
 * (upto of i-1, upto of i]; the trust record's key signs those after the
 * last upto. An origin never replaced has none (*n = 0). */
#define SDX_KEYS_MAX 16 /* replaced keys kept per origin */
typedef struct sdx_key_period {
	uint64_t upto;
	uint8_t pubkey[32];
} sdx_key_period;
SDX_API int sdx_origin_keys(sdx_db *db, const char *origin, sdx_key_period *out,
			    size_t cap, size_t *n);
/* The key that must have signed origin's segment ending at seq: one of
 * the replaced keys, or the trust record's (SDX_ENOTFOUND: not trusted). */
SDX_API int sdx_origin_key_for(sdx_db *db, const char *origin, uint64_t seq,
			       uint8_t pubkey[32]);

/* What sdx_trust_replace undid. */
typedef struct sdx_void_result {
	uint64_t ops;	  /* operations removed from the log */
	uint64_t reports; /* reports removed (added by them alone) */
	uint64_t states;  /* reports whose retraction or dispute was redone */
	uint64_t allows;  /* identifiers whose allowlist entry was redone */
	uint64_t peers;	  /* peers' vectors set back to void_after */
} sdx_void_result;

/* Office `office` (trusted, not this database's own) replaced its key:
 * `pubkey` signs its segments after `void_after`, the key it had signs
 * those up to it. Its operations after void_after are removed from the
 * log and undone in one transaction (reports they added removed, every
 * retraction, dispute and allowlist entry they touched worked out again
 * from the operations that remain, every summary and the check filter
 * recomputed), its vector entry goes back to void_after (the genuine
 * operations come again, signed with the new key), its stored signature
 * too if it covered more, and every peer's vector entry for it is capped
 * at void_after. res (may be NULL) says what was undone. SDX_ENOTFOUND:
 * not trusted; SDX_EINVAL: this office itself (see sdx_rekey) or a bad
 * argument; SDX_EEXISTS: pubkey is the key it has, or an older one. */
SDX_API int sdx_trust_replace(sdx_db *db, const char *office,
			      const uint8_t pubkey[32], uint64_t void_after,
			      sdx_void_result *res);
/* This office got a new key pair (its secret in the key file is the
 * caller's job): its trust record takes `pubkey`, the old key stays valid
 * up to void_after (at most the office's own seq: SDX_EINVAL), its own
 * operations stay (those after void_after travel signed with the new
 * key) and every peer's vector entry for this office is capped at
 * void_after (the peers void what came after and take it again). */
SDX_API int sdx_rekey(sdx_db *db, const uint8_t pubkey[32],
		      uint64_t void_after);

/* Freshness: an origin's signed head, (origin, seq, chain(seq), the
 * origin's clock) under the origin's Ed25519 signature over
 * "scamdex-head-v1" || u8 len(origin) || origin || u64be seq ||
 * chain(seq) || u64be clock. Bundles carry the newest head known of every
 * origin; a relay forwards heads but cannot forge one or make one newer,
 * so a database learns how far behind it is on an origin, and since
 * when, even through a hub that withholds that origin's operations. */
typedef struct sdx_head {
	char origin[SDX_OFFICE_MAX + 1];
	uint64_t seq;
	uint8_t chain[32];
	uint64_t clock; /* Unix seconds, the origin's clock when it signed */
	uint8_t sig[64];
} sdx_head;
/* The newest head held of origin; SDX_ENOTFOUND if none. */
SDX_API int sdx_head_get(sdx_db *db, const char *origin, sdx_head *out);
/* Keep h (its signature checked by the caller) if it is newer than the
 * one held: a later clock, or the same clock and a higher seq. *stored
 * (may be NULL) = 1 if it was kept. */
SDX_API int sdx_head_put(sdx_db *db, const sdx_head *h, int *stored);

/* Peers: the version vector a peer announced in its last bundle. */
typedef struct sdx_vv_entry {
	char origin[SDX_OFFICE_MAX + 1];
	uint64_t seq;
} sdx_vv_entry;
SDX_API int sdx_peer_set_vv(sdx_db *db, const char *peer,
			    const sdx_vv_entry *vv, size_t n);
/* Fills up to cap entries, *n = how many the peer has (may exceed cap).
 * An unknown peer has an empty vector (n = 0, return 0). */
SDX_API int sdx_peer_get_vv(sdx_db *db, const char *peer, sdx_vv_entry *vv,
			    size_t cap, size_t *n);
typedef int (*sdx_peer_cb)(const char *peer, const sdx_vv_entry *vv, size_t n,
			   void *ctx);
SDX_API int sdx_peers(sdx_db *db, sdx_peer_cb cb, void *ctx);

/* Applying received operations: all inside one write transaction.
 * sdx_apply_op checks op->seq against what is held: <= held: duplicate,
 * *applied = 0; == held + 1: its chain must equal
 * sdx_chain_next(chain(held), type, digest) (else SDX_ESIGNATURE) and it
 * is applied, *applied = 1; > held + 1: SDX_EGAP, nothing done. A
 * redacted op (body NULL) advances the sequence only. Applying is
 * idempotent and commutative across origins (a retraction that arrives
 * before its report is kept and takes effect when the report arrives;
 * dispute/resolve resolve by (date, origin, seq), allow/disallow by
 * (Lamport clock, origin, seq): scamdex-bundle(5)). */
typedef struct sdx_apply sdx_apply;
SDX_API int sdx_apply_begin(sdx_db *db, sdx_apply **out);
/* Say, before the first sdx_apply_op, that about `ops` operations with
 * `bytes` of bodies will follow: the map grows now if they would not fit,
 * instead of after a write that fails (then the session is replayed).
 * A hint: SDX_EINVAL after the first op, SDX_EFULL if the disk has no
 * room for the growth. */
SDX_API int sdx_apply_expect(sdx_apply *a, size_t ops, size_t bytes);
/* The same, told exactly: `idents` identifiers in the reports among the
 * ops and `bytes` of bodies and identifiers (each its canonical form and
 * one byte). Room for that is what the commit asks for, so the session
 * is not replayed there (sdx_apply_expect guesses two identifiers an op,
 * of 47 bytes at most). */
SDX_API int sdx_apply_expect_idents(sdx_apply *a, size_t ops, size_t idents,
				    size_t bytes);
/* The caller computes, from the very bytes it passes, each op's body
 * digest and its chain step continuing from chain(held), and passes only
 * ops that match (as scamdex-sync's import does): sdx_apply_op then
 * skips computing them again and checks only the sequence. */
SDX_API int sdx_apply_verified(sdx_apply *a);
/* *applied = 2: the operation is held (its place in the sequence, the
 * chain, the fingerprint) but refused, not applied: its origin had no
 * authority for it (scamdex-sync(1), AUTHORITY); sdx_apply_refusal says
 * why (static text, until the next op). */
SDX_API int sdx_apply_op(sdx_apply *a, const sdx_op *op, int *applied);
SDX_API const char *sdx_apply_refusal(const sdx_apply *a);
/* Where the session reads a body again: a session that fills the map is
 * applied again on a grown one, from its log, which keeps a copy of each
 * op's body unless the op came by sdx_apply_op_at: then only `where`,
 * and fn(ctx, where, buf, len) fills buf with the body's len bytes again
 * (from the bundle file: scamdex-sync's import). A body read again must
 * have the op's digest, or the session fails (SDX_ESIGNATURE, nothing
 * committed). Before the first op; SDX_EINVAL after. */
typedef int (*sdx_apply_read_fn)(void *ctx, uint64_t where, uint8_t *buf,
				 size_t len);
SDX_API int sdx_apply_source(sdx_apply *a, sdx_apply_read_fn fn, void *ctx);
/* sdx_apply_op, for an op whose body the source holds at `where`. */
SDX_API int sdx_apply_op_at(sdx_apply *a, const sdx_op *op, uint64_t where,
			    int *applied);
SDX_API int sdx_apply_signature(sdx_apply *a, const char *origin, uint64_t seq,
				const uint8_t sig[64]);
/* Keep origin's digest secret (verified by the caller: a police-marked
 * body digested with it matched its signed chain). A secret already
 * held for origin stays (SDX_EEXISTS if it differs). */
SDX_API int sdx_apply_digest_secret(sdx_apply *a, const char *origin,
				    const uint8_t secret[32]);
SDX_API int sdx_apply_peer_vv(sdx_apply *a, const char *peer,
			      const sdx_vv_entry *vv, size_t n);
SDX_API int sdx_apply_commit(sdx_apply *a);
SDX_API void sdx_apply_abort(sdx_apply *a);

/* Decode an ADD body into a report (for redaction and display). */
SDX_API int sdx_report_decode(const uint8_t *body, size_t len, sdx_report *out);

#ifdef __cplusplus
}
#endif

#endif /* SCAMDEX_SYNC_H */
