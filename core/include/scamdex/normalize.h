/* scamdex/normalize.h: identifier kinds and their canonical forms.
 *
 * Normalization is total: it writes the canonical form into a caller buffer
 * (no allocation) or fails with a specific SDX_E* code, the offset of the
 * offending byte in the input and a short reason. */
#ifndef SCAMDEX_NORMALIZE_H
#define SCAMDEX_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include <scamdex/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Identifier kinds. The numbers are stable: they are the one-byte key tag in
 * the store and appear in bundles. */
typedef enum sdx_kind {
	SDX_KIND_AUTO = 0,    /* in: detect from the input's shape */
	SDX_KIND_PHONE = 1,   /* E.164 with '+': "+84795555373" */
	SDX_KIND_BANK = 2,    /* "BIN:account": "970436:0011004012345" */
	SDX_KIND_IBAN = 3,    /* upper case, no spaces, mod-97 valid */
	SDX_KIND_HANDLE = 4,  /* "platform:name": "telegram:some_user" */
	SDX_KIND_DOMAIN = 5,  /* lower-case IDNA host: "example.com" */
	SDX_KIND_ACCOUNT = 6, /* query only: an account number without a bank,
				 canonical = the account ("0011004012345");
				 never stored as an entity of its own */
} sdx_kind;

#define SDX_KIND_COUNT 7

/* Longest raw input accepted (bytes); longer is SDX_ETOOLONG. A VietQR
 * payload is at most a few hundred bytes. */
#define SDX_INPUT_MAX 1024
/* Buffer size that holds any canonical form plus its NUL. */
#define SDX_CANON_MAX 256

/* Where and why a normalization failed. */
typedef struct sdx_norm_error {
	int code;	  /* the SDX_E* code also returned */
	sdx_kind kind;	  /* the kind that was tried (AUTO if none fitted) */
	size_t offset;	  /* byte offset in the input of the fault */
	char reason[160]; /* e.g. "phone: 8 digits after the trunk prefix,
			     expected 9 or 10" (no offset in the text) */
} sdx_norm_error;

/* "phone", "bank", "iban", "handle", "domain", "account"; "auto" for 0;
 * "?" for anything else. Static string. */
SDX_API const char *sdx_kind_name(sdx_kind kind);

/* Parse a kind name (as above, case-insensitive). SDX_EKIND if unknown. */
SDX_API int sdx_kind_parse(const char *name, sdx_kind *out);

/* Normalize `input` (`len` bytes, UTF-8, need not be NUL-terminated) as
 * `kind`, or detect the kind when kind is SDX_KIND_AUTO.
 * On success writes the NUL-terminated canonical form to out (outsize
 * bytes; SDX_CANON_MAX always suffices), its length to *outlen (may be
 * NULL) and the kind to *kind_out (may be NULL), and returns 0.
 * On failure returns the SDX_E* code and, if err is not NULL, fills it;
 * out is then set to the empty string.
 * Detection: a leading '+' or "00", or phone punctuation ('.', '(', ')',
 * '-') around a valid phone number -> phone; a bare digit string (spaces
 * allowed) that is a valid phone number -> SDX_EAMBIGUOUS (it may also be
 * an account); other digit strings of 6..19 digits -> account; "@x", URLs
 * of chat platforms and "platform:name" -> handle; "<bank>:<acct>", a
 * bank name or code followed by an account, or a VietQR payload -> bank;
 * two letters + two digits + mod-97 valid -> iban; URLs and host names ->
 * domain. A "00" digit string that is not a valid phone number but has
 * 6..19 digits is an account ("0011004012345").
 * Leading and trailing white space is ignored; err->offset counts from the
 * start of `input` as passed. The accepted forms of every kind are listed
 * in scamdex(1), section NORMALIZE.
 * Allocation-free and thread-safe; the one exception is a domain whose
 * host is non-ASCII or punycode ("xn--"), which libidn2 checks with an
 * internal allocation. */
SDX_API int sdx_normalize(sdx_kind kind, const char *input, size_t len,
			  char *out, size_t outsize, size_t *outlen,
			  sdx_kind *kind_out, sdx_norm_error *err);

/* A link as a report names it (scamdex report --url, the importer's url
 * column): a chat platform's link (t.me/name, zalo.me/0912345678,
 * facebook.com/name) is the account it opens (kind HANDLE), a WhatsApp
 * link (wa.me/84912345678) the number (kind PHONE), any other the host
 * (kind DOMAIN). Storing t.me or facebook.com as the host would flag
 * every account there and leave the account itself unreported. An input
 * that is no link (a phone number, an account, an e-mail address) fails
 * with the host's error. As sdx_normalize otherwise. */
SDX_API int sdx_normalize_link(const char *input, size_t len, char *out,
			       size_t outsize, size_t *outlen,
			       sdx_kind *kind_out, sdx_norm_error *err);

/* One reading of an input: a kind and its canonical form. */
typedef struct sdx_reading {
	sdx_kind kind;
	char canonical[SDX_CANON_MAX];
	int related; /* not a reading of the input but an identifier tied to
			it (a chat account named by the phone number): a
			check answers it only when it has something to say */
} sdx_reading;

/* Most readings one input can have; an out array of this many always
 * suffices. */
#define SDX_READINGS_MAX 8

/* Every plausible reading of `input`, where sdx_normalize gives one
 * canonical form or refuses an ambiguous input. With SDX_KIND_AUTO:
 *   - a phone number written in digits alone, no '+' (a bare one:
 *     sdx_normalize's SDX_EAMBIGUOUS): the phone number, then the account
 *     number (kind ACCOUNT: the account at every bank);
 *   - an IPv4 address written as four dotted groups that is also a valid
 *     phone number ("091.234.56.78"): the host (kind DOMAIN), then the
 *     phone number.
 * With any kind: an account at a bank known under two BINs under both;
 * one at a bank named by words two banks share ("BVB") at both; an IPv4
 * host written another way as the dotted address too; a chat account
 * named by a phone number as the number too; and after every phone
 * number the chat accounts named by it, related (see sdx_reading).
 * Writes at most max readings to out (SDX_READINGS_MAX suffices), their
 * number to *count, and returns 0; on failure returns sdx_normalize's
 * code and fills err, *count = 0. No allocation (as sdx_normalize). */
SDX_API int sdx_normalize_all(sdx_kind kind, const char *input, size_t len,
			      sdx_reading *out, size_t max, size_t *count,
			      sdx_norm_error *err);

/* The registrable domain of a canonical host name by the Public Suffix
 * List (libpsl, the newest of its built-in list and the system's): *off
 * is where it starts in host ("login.evil.com" -> 6, "evil.github.io" ->
 * 0, since github.io is a public suffix). SDX_ENOTFOUND (and *off = 0)
 * when host is itself a public suffix ("github.io", "com.vn"), has no
 * known suffix, or is an IP address. The list is loaded once, on first
 * use (an allocation that lives until exit); thread-safe. */
SDX_API int sdx_domain_registrable(const char *host, size_t len, size_t *off);

/* 1 if the canonical host name is a public suffix ("com", "com.vn",
 * "github.io", "gov.vn"), else 0. */
SDX_API int sdx_domain_is_public_suffix(const char *host, size_t len);

/* A parsed VietQR (EMVCo / NAPAS247) payload. Strings are NUL-terminated
 * copies; a longer amount, purpose or merchant value is cut to fit (at a
 * UTF-8 character boundary). */
typedef struct sdx_vietqr {
	char bin[7];	   /* 38.01.00, six digits */
	char account[20];  /* 38.01.01, up to 19 characters, upper-cased */
	char service[9];   /* 38.02: "QRIBFTTA" or "QRIBFTTC" */
	char amount[14];   /* 54, "" if absent */
	char purpose[100]; /* 62.08, "" if absent */
	char merchant[26]; /* 59, "" if absent */
	int dynamic;	   /* 01 == "12" */
} sdx_vietqr;

/* Parse and CRC-check a VietQR payload. SDX_ETLV for a malformed TLV,
 * SDX_ECHECKSUM for a CRC mismatch (reason names both values),
 * SDX_EBANK for an unknown BIN. No allocation. */
SDX_API int sdx_vietqr_parse(const char *payload, size_t len, sdx_vietqr *out,
			     sdx_norm_error *err);

/* A bank of the reference table. All strings static, "" when unknown. */
typedef struct sdx_bank_info {
	const char *bin;
	const char *short_name;
	const char *name;
	const char *code;
	const char *swift;
} sdx_bank_info;

/* Look a bank up by BIN, code, short name or full name (case and
 * Vietnamese diacritics ignored). SDX_EBANK if none matches.
 * Also alternate and former codes and names from the reference table
 * ("AGRIBANK", "STP", "OceanBank"); spaces and punctuation are ignored
 * ("MB Bank" = "MBBank"), as are a leading "Ngân hàng" and a trailing
 * "Bank". Where one spelling names two banks, the code column of the
 * reference table wins over an alternate code and an SBV-issued BIN
 * (9704xx) over another list's: "BVB" is BaoViet Bank 970438 (BVBank is
 * 970454 or "VCCB"), "CIMB" 970459, "MAFC" 970468. A BIN is never
 * ambiguous: prefer it. */
SDX_API int sdx_bank_lookup(const char *text, size_t len,
			    const sdx_bank_info **out);

/* The bank of a six-digit BIN, or NULL. */
SDX_API const sdx_bank_info *sdx_bank_by_bin(const char *bin);

/* Fold text for name matching: NFKD, strip combining marks, map đ/Đ to d,
 * lower-case, collapse runs of spaces/punctuation to one space, trim.
 * Writes a NUL-terminated string; SDX_ETOOLONG if it does not fit,
 * SDX_EUTF8 on invalid UTF-8. Used for bank names, header names, category
 * and channel names. */
SDX_API int sdx_fold(const char *text, size_t len, char *out, size_t outsize);

#ifdef __cplusplus
}
#endif

#endif /* SCAMDEX_NORMALIZE_H */
