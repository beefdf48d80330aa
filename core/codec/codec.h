/* codec.h: CBOR encodings of reports and operation bodies. Internal.
 * Encoders write canonical CBOR (definite lengths, small integer map keys
 * in ascending order, identifiers sorted) into a caller buffer; decoders
 * use libcbor's streaming decoder, check every length and key order, and
 * return SDX_ECORRUPT for anything else. Views point into the input. */
#ifndef SCAMDEX_CODEC_H
#define SCAMDEX_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include <scamdex/db.h>

/* Upper bound of an encoded report (all fields at their limits). */
#define CODEC_REPORT_MAX 16384
/* Upper bound of an encoded state or allow operation body. */
#define CODEC_OP_MAX 1024

typedef struct codec_str {
	const char *p; /* not NUL-terminated */
	size_t len;
} codec_str;

typedef struct codec_ident {
	int kind;
	int role;
	codec_str canonical;
} codec_ident;

/* A decoded report pointing into its encoding. */
typedef struct codec_report_view {
	codec_str origin, agency, case_ref, narrative;
	codec_str category_label, channel_label; /* keys 12, 13 */
	int32_t incident_date, received_date;
	int category, channel, confirmation, audience;
	int64_t amount;
	size_t n_idents;
	codec_ident idents[SDX_REPORT_IDENTS_MAX];
} codec_report_view;

/* Encode r (its provenance fields). with_received = 0 leaves the received
 * date out: that form is what the report id hashes. Identifiers are
 * written sorted by (kind, canonical, role), exact duplicates once.
 * SDX_EINVAL for out-of-range fields, SDX_ETOOLONG for long strings. */
int codec_report_encode(const sdx_report *r, int with_received, uint8_t *buf,
			size_t cap, size_t *len);
/* Build a view of r (identifiers sorted, exact duplicates dropped,
 * lengths checked) without encoding it. */
int codec_report_view_from(const sdx_report *r, codec_report_view *v);
int codec_report_view_decode(const uint8_t *buf, size_t len,
			     codec_report_view *v);
/* Re-encode a view (e.g. without the received date to compute the id). */
int codec_report_view_encode(const codec_report_view *v, int with_received,
			     uint8_t *buf, size_t cap, size_t *len);
/* Hash of an encoding (the report id): XXH3-128, given by the store. */
typedef void codec_hash_fn(const void *data, size_t len, uint8_t out[16]);
/* Encode a view with its received date (the stored body) and, in the
 * same pass, hash the form without it (the id): the bytes and the id are
 * those of codec_report_view_encode with with_received 1 and 0. The
 * view must not point into buf (it is written in place). */
int codec_report_view_encode_id(const codec_report_view *v, uint8_t *buf,
				size_t cap, size_t *len, codec_hash_fn *hash,
				uint8_t id[16]);
/* Decode into a report (provenance fields; read-side fields cleared). */
int codec_report_decode(const uint8_t *buf, size_t len, sdx_report *out);

/* RETRACT / DISPUTE / RESOLVE body:
 * {0: id, 1: note, 2: by, 3: date, ? 4: audience}. Key 4 is written only
 * for a police-only report (value 1): the op then travels as police-only
 * even through a relay that does not hold the report, and state ops on
 * bank-visible reports keep the bytes (and digests) they always had. */
typedef struct codec_state_op {
	uint8_t id[16];
	codec_str note, by;
	int32_t date;
	int audience; /* SDX_AUD_BANK when key 4 is absent */
} codec_state_op;
int codec_state_op_encode(const uint8_t id[16], const char *note,
			  const char *by, int32_t date, int audience,
			  uint8_t *buf, size_t cap, size_t *len);
int codec_state_op_decode(const uint8_t *buf, size_t len, codec_state_op *o);

/* ALLOW / DISALLOW body: {0: kind, 1: canonical, 2: note, 3: by, 4: date,
 * ? 5: clock}. clock (since 2026-12-07): the author's Lamport counter for
 * the identifier, >= 1; 0 here when absent (a body written before). */
typedef struct codec_allow_op {
	int kind;
	codec_str canonical, note, by;
	int32_t date;
	uint64_t clock;
} codec_allow_op;
int codec_allow_op_encode(int kind, const char *canonical, const char *note,
			  const char *by, int32_t date, uint64_t clock,
			  uint8_t *buf, size_t cap, size_t *len);
int codec_allow_op_decode(const uint8_t *buf, size_t len, codec_allow_op *o);

#endif
