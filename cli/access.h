/* access.h: roles, who is asking, and the audit log's records; what the
 * CLI and the service share about access. */
#ifndef SCAMDEX_CLI_ACCESS_H
#define SCAMDEX_CLI_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include <scamdex/scamdex.h>

#include "cli.h"

/* Roles, lowest first. */
enum cli_role {
	ROLE_NONE = 0,
	ROLE_TELLER,
	ROLE_BANK_SYSTEM,
	ROLE_POLICE,
	ROLE_ANALYST,
	ROLE_ADMIN,
	ROLE_COUNT,
};

/* "teller", "bank-system", "police", "analyst", "admin" ("none"). */
const char *role_name(int role);
/* The role named s, or -1. */
int role_parse(const char *s);
/* What the role may see: SDX_AUD_BANK (teller, bank-system) or
 * SDX_AUD_POLICE; the audience asked for is capped by it. */
int role_audience(int role, int asked);
/* Analysts and admins write reports, retractions and disputes. */
int role_can_write(int role);
/* Admins manage tokens and access grants. */
int role_can_admin(int role);

/* Who asks, for the audit log. */
struct who {
	char name[128]; /* token name or unix user */
	int role;
	const char *via; /* "cli" or "http" */
	char from[64];	 /* "tty /dev/pts/1", "ssh 10.0.0.5", an address */
};

/* ---- access.c: the CLI's local rule ----
 * The database's owner (the unix user owning its directory) and root are
 * admins. Any other user holds the highest role granted to the user or
 * to one of the user's groups ('scamdex access grant'), else the
 * configured default ('scamdex access default bank|none'; bank when
 * unset): the bank view (role teller) or nothing. Fills w; returns 0,
 * or -1 after printing that this user may not use the database. */
int access_local(const struct cli_cmd *cmd, sdx_db *db, struct who *w);
/* cli_db_open (mode CLI_DB_*) and access_local in one: the database open
 * and w filled, 0; or the exit status, the reason printed and nothing
 * left open. With admins_only ("manage tokens"), anyone but an admin is
 * refused: "scamdex CMD: only admins manage tokens". */
int access_open(const struct cli_cmd *cmd, int mode, const char *admins_only,
		sdx_db **db, struct who *w);

/* ---- audit.c: the audit log's records ----
 * A record is one look-up or one batch of them: who (name, role, via,
 * from), op ("check", "show", "links", "stats"), audience, the items
 * [kind, canonical, result] and an optional flag ("enumeration"). Items
 * name what was asked (an invalid input as ["invalid", the input cut to
 * 64 bytes, "invalid"]) and what was answered (a verdict, or for show
 * "reports:N", for links "links:N"). The time is the record's key.
 * Written in record format 1 (binary, described in audit.c); format 0,
 * one JSON object, is still read:
 *   {"who":..., "role":..., "via":..., "from":..., "op":"check",
 *    "audience":"bank", "items":[[kind, canonical, result], ...],
 *    "flag":"enumeration"} */
struct audit_rec {
	struct cli_buf b;
	size_t n;    /* items */
	size_t mark; /* b.len after the head */
	char head[2048];
	size_t head_len;
};

/* Start records for look-ups of op by w with audience. */
void audit_begin(struct audit_rec *r, const struct who *w, const char *op,
		 int audience);
/* Add one item (kind NULL: an invalid input). */
void audit_item(struct audit_rec *r, sdx_kind kind, const char *text,
		size_t len, const char *result);
/* Append items from another buffer of items (a batch worker's), made
 * with audit_item_to. */
void audit_item_to(struct cli_buf *b, sdx_kind kind, const char *text,
		   size_t len, const char *result);
/* The same for a verdict, the look-ups' fast way. */
void audit_verdict_to(struct cli_buf *b, sdx_kind kind, const char *canonical,
		      size_t len, sdx_verdict verdict);
void audit_items_add(struct audit_rec *r, const struct cli_buf *items,
		     size_t n);
/* The finished record (flag may be NULL) in out and len; valid until the
 * next call on r. Afterwards r holds no items and may take more with the
 * same head. */
void audit_finish(struct audit_rec *r, const char *flag, const char **out,
		  size_t *len);
void audit_free(struct audit_rec *r);

/* Write r's items as one record now (nothing when it holds none). A
 * read-only database says once on stderr that look-ups are not
 * recorded and goes on; other failures too. Returns 0 or an SDX code. */
int audit_write(const struct cli_cmd *cmd, sdx_db *db, struct audit_rec *r);

/* A record read back (either format) as one JSON object, in the keys'
 * order of format 0: who, role, via, from, op, audience, items, flag
 * (when set); NULL when it is no audit record. The caller frees it. */
struct json_t *audit_decode(const void *rec, size_t len);

#endif
