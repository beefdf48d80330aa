/* row.c: one input row (cells by column) to one report, or the reason it
 * is refused. Every refusal names its column. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "import.h"

__attribute__((format(printf, 3, 4))) static int
fail(struct reject *rej, int col, const char *fmt, ...)
{
	va_list ap;

	rej->column = col < 0 ? "" : column_name(col);
	va_start(ap, fmt);
	vsnprintf(rej->reason, sizeof rej->reason, fmt, ap);
	va_end(ap);
	return -1;
}

int utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	/* an ASCII start (case numbers, agency names) eight bytes at a time */
	while (i + 8 <= len) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080u)
			break;
		i += 8;
	}
	/* Unicode 15, table 3-7: the well-formed byte sequences (no
	 * overlongs, no surrogates, nothing past U+10FFFF) */
	while (i < len) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
		} else if (c >= 0xC2 && c <= 0xDF) {
			if (i + 1 >= len || (s[i + 1] & 0xC0) != 0x80)
				return 0;
			i += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
			unsigned hi = c == 0xED ? 0x9F : 0xBF;
			if (i + 2 >= len || s[i + 1] < lo || s[i + 1] > hi ||
			    (s[i + 2] & 0xC0) != 0x80)
				return 0;
			i += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			unsigned lo = c == 0xF0 ? 0x90 : 0x80;
			unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
			if (i + 3 >= len || s[i + 1] < lo || s[i + 1] > hi ||
			    (s[i + 2] & 0xC0) != 0x80 ||
			    (s[i + 3] & 0xC0) != 0x80)
				return 0;
			i += 4;
		} else {
			return 0;
		}
	}
	return 1;
}

/* Copy a text cell into dst (size bytes incl. NUL). */
static int text(const struct row *row, int col, char *dst, size_t size,
		const char *dflt, struct reject *rej)
{
	const char *s = dflt;
	size_t len = dflt ? strlen(dflt) : 0;

	if (row->n[col] > 0) {
		s = row->v[col][0].s;
		len = row->v[col][0].len;
	}
	if (!s) {
		dst[0] = '\0';
		return 0;
	}
	if (len >= size)
		return fail(rej, col, "longer than %zu bytes", size - 1);
	if (!utf8_valid(s, len))
		return fail(rej, col, "invalid UTF-8");
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static int date(const struct row *row, int col, int32_t today, int32_t *out,
		struct reject *rej)
{
	*out = SDX_DATE_NONE;
	if (row->n[col] == 0)
		return 0;
	int rc = sheet_date(row->v[col][0].s, row->v[col][0].len, today, out);
	if (rc == SHEET_YY_FUTURE)
		return fail(rej, col,
			    "two-digit year after today: write the year in "
			    "full (DD/MM/YYYY)");
	if (rc != 0)
		return fail(rej, col,
			    "invalid date (want YYYY-MM-DD or DD/MM/YYYY, a "
			    "time may follow)");
	if (*out > today)
		return fail(rej, col, "date after today");
	return 0;
}

/* Vocabulary cells repeat ("Giả danh công an" on row after row):
 * remember what each exact text parsed to, so sdx_fold runs once per
 * distinct text. Direct-mapped, single-threaded. */
#define TERM_CACHE 512
#define TERM_KEY 48
struct term_slot {
	size_t len; /* 0 = empty */
	char key[TERM_KEY];
	int value;
	int ok;
};
/* one table per vocabulary column (category, channel, confirmation,
 * audience): a few dozen distinct texts each, few collisions */
#define TERM_COLS 4
static struct term_slot term_cache[TERM_COLS][TERM_CACHE];

static int term_index(int col)
{
	switch (col) {
	case COL_CATEGORY:
		return 0;
	case COL_CHANNEL:
		return 1;
	case COL_CONFIRMATION:
		return 2;
	default:
		return 3; /* COL_AUDIENCE */
	}
}

/* FNV-1a over the length and at most the first and last 8 bytes: the
 * cache compares the whole text anyway */
static unsigned text_hash(const char *s, size_t len)
{
	unsigned h = (2166136261u ^ (unsigned)len) * 16777619u;
	size_t n = len < 8 ? len : 8;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	for (size_t i = len > 16 ? len - 8 : n; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* An unknown label: refused (--strict), or kept as `other` with the
 * label in the report, and a warning. */
static int unknown(const struct row *row, int col, const char *what, int other,
		   char *label, const struct row_defaults *def, int *out,
		   struct reject *rej)
{
	const struct cell *c = &row->v[col][0];
	if (def->strict || other < 0 || !label)
		return fail(rej, col, "unknown %s", what);
	if (c->len > SDX_LABEL_MAX)
		return fail(rej, col, "unknown %s, longer than %d bytes", what,
			    SDX_LABEL_MAX);
	if (!utf8_valid(c->s, c->len))
		return fail(rej, col, "invalid UTF-8");
	memcpy(label, c->s, c->len);
	label[c->len] = '\0';
	*out = other;
	if (!rej->warnings++) {
		rej->warn_column = column_name(col);
		snprintf(rej->warning, sizeof rej->warning,
			 "unknown %s '%.*s' kept as other", what, (int)c->len,
			 c->s);
	}
	return 0;
}

static int term(const struct row *row, int col,
		int (*parse)(const char *, size_t, int *), int *out,
		const char *what, struct reject *rej)
{
	const char *s;
	size_t len;
	struct term_slot *slot = NULL;
	int ok;

	if (row->n[col] == 0)
		return 0;
	s = row->v[col][0].s;
	len = row->v[col][0].len;
	if (len < TERM_KEY) {
		slot = &term_cache[term_index(col)]
				  [text_hash(s, len) % TERM_CACHE];
		if (slot->len == len && memcmp(slot->key, s, len) == 0) {
			if (!slot->ok)
				return 1;
			*out = slot->value;
			return 0;
		}
	}
	ok = parse(s, len, out) == 0;
	if (slot) {
		slot->len = len;
		memcpy(slot->key, s, len);
		slot->ok = ok;
		slot->value = ok ? *out : 0;
	}
	(void)what;
	(void)rej;
	return ok ? 0 : 1;
}

/* A vocabulary column: 0, or -1 with rej filled. */
static int vocab(const struct row *row, int col,
		 int (*parse)(const char *, size_t, int *), int *out,
		 const char *what, int other, char *label,
		 const struct row_defaults *def, struct reject *rej)
{
	if (term(row, col, parse, out, what, rej) == 0)
		return 0;
	return unknown(row, col, what, other, label, def, out, rej);
}

/* Add one identifier; a repeat of one already in the report is dropped.
 * The canonical form is written in place, into the report's next slot. */
static int ident(sdx_report *r, sdx_kind kind, sdx_role role, int col,
		 const char *s, size_t len, struct reject *rej)
{
	sdx_norm_error err;
	sdx_kind got = SDX_KIND_AUTO;
	char *canon;
	size_t clen = 0;
	int rc;

	if (len > SDX_INPUT_MAX)
		return fail(rej, col, "longer than 1024 bytes");
	if (r->n_idents == SDX_REPORT_IDENTS_MAX)
		return fail(rej, col, "more than 16 identifiers");
	canon = r->idents[r->n_idents].canonical;
	err.reason[0] = '\0';
	if (col == COL_URL)
		rc = sdx_normalize_link(s, len, canon, SDX_CANON_MAX, &clen,
					&got, &err);
	else
		rc = sdx_normalize(kind, s, len, canon, SDX_CANON_MAX, &clen,
				   &got, &err);
	if (rc != 0) {
		canon[0] = '\0';
		return fail(rej, col, "%s",
			    err.reason[0] ? err.reason : sdx_strerror(rc));
	}
	/* a chat account's link (or WhatsApp's number): the chat */
	if (col == COL_URL && got != SDX_KIND_DOMAIN)
		role = SDX_ROLE_CHAT;
	for (size_t i = 0; i < r->n_idents; i++)
		if (r->idents[i].kind == got &&
		    memcmp(r->idents[i].canonical, canon, clen + 1) == 0) {
			canon[0] = '\0';
			return 0;
		}
	r->idents[r->n_idents].kind = got;
	r->idents[r->n_idents].role = role;
	r->n_idents++;
	return 0;
}

/* Does a link start at p: a scheme and "://", or "www."? */
static int link_starts(const char *p, const char *end)
{
	const char *k = p;
	while (k < end && k - p < 16 &&
	       ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		(*k >= '0' && *k <= '9') || *k == '+' || *k == '-' ||
		*k == '.'))
		k++;
	if (k > p && end - k >= 3 && !memcmp(k, "://", 3))
		return 1;
	return end - p >= 4 && (p[0] | 0x20) == 'w' && (p[1] | 0x20) == 'w' &&
	       (p[2] | 0x20) == 'w' && p[3] == '.';
}

/* The end of the value starting at s: a ';' or a line; in a link cell
 * also white space or a comma before the next link ("https://a.com/x,
 * https://b.com/y" is two links: read as one, the second was lost). */
static const char *value_end(const char *s, const char *end, int links)
{
	const char *p = s;
	for (; p < end && *p != ';' && *p != '\n'; p++) {
		if (!links || (*p != ' ' && *p != '\t' && *p != ','))
			continue;
		const char *k = p;
		while (k < end && (*k == ' ' || *k == '\t' || *k == ','))
			k++;
		if (p > s && k < end && link_starts(k, end))
			return p;
		p = k - 1;
	}
	return p;
}

/* Identifier cells may hold several values, separated by ';' or lines
 * (links also by white space or commas). */
static int idents(sdx_report *r, const struct row *row, int col, sdx_kind kind,
		  sdx_role role, struct reject *rej)
{
	for (size_t i = 0; i < row->n[col]; i++) {
		const char *s = row->v[col][i].s, *end = s + row->v[col][i].len;
		while (s < end) {
			const char *p = value_end(s, end, col == COL_URL);
			const char *a = s, *b = p;
			while (a < b && (*a == ' ' || *a == '\t' ||
					 *a == '\r' || *a == ','))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t' ||
					 b[-1] == '\r' || b[-1] == ','))
				b--;
			if (b > a &&
			    ident(r, kind, role, col, a, (size_t)(b - a), rej))
				return -1;
			s = p < end && (*p == ';' || *p == '\n') ? p + 1 : p;
		}
	}
	return 0;
}

static int one(const struct row *row, int col, struct reject *rej)
{
	if (row->n[col] > 1)
		return fail(rej, col, "more than one value");
	return 0;
}

/* The bank column repeats a few dozen names and BINs: sdx_bank_lookup
 * (which folds the text) runs once per distinct text. */
struct bank_slot {
	size_t len; /* 0 = empty */
	char key[TERM_KEY];
	const struct sdx_bank_info *bank; /* NULL: unknown */
};
static struct bank_slot bank_cache[TERM_CACHE];

static int bank_find(const char *s, size_t len,
		     const struct sdx_bank_info **out)
{
	struct bank_slot *slot = NULL;
	if (len > 0 && len < TERM_KEY) {
		slot = &bank_cache[text_hash(s, len) % TERM_CACHE];
		if (slot->len == len && memcmp(slot->key, s, len) == 0) {
			*out = slot->bank;
			return slot->bank ? 0 : SDX_EBANK;
		}
	}
	int rc = sdx_bank_lookup(s, len, out);
	if (slot && (rc == 0 || rc == SDX_EBANK)) {
		slot->len = len;
		memcpy(slot->key, s, len);
		slot->bank = rc == 0 ? *out : NULL;
	}
	return rc;
}

/* bank + account -> "BIN:account"; a bank cell alone may hold both. */
static int bank_account(sdx_report *r, const struct row *row,
			struct reject *rej)
{
	const struct sdx_bank_info *bank;
	char buf[SDX_INPUT_MAX + 16];
	const struct cell *b = &row->v[COL_BANK][0];
	const struct cell *a = &row->v[COL_ACCOUNT][0];

	if (one(row, COL_BANK, rej) || one(row, COL_ACCOUNT, rej))
		return -1;
	if (row->n[COL_ACCOUNT] == 0) {
		if (row->n[COL_BANK] == 0)
			return 0;
		/* "Vietcombank:0011004012345" or "VCB 0011 0040 12345" */
		if (sdx_normalize(SDX_KIND_BANK, b->s, b->len, buf, sizeof buf,
				  NULL, NULL, NULL) == 0)
			return ident(r, SDX_KIND_BANK, SDX_ROLE_PAYEE, COL_BANK,
				     b->s, b->len, rej);
		return fail(rej, COL_ACCOUNT, "bank without account");
	}
	if (row->n[COL_BANK] == 0) {
		/* the account cell may name its bank itself */
		if (sdx_normalize(SDX_KIND_BANK, a->s, a->len, buf, sizeof buf,
				  NULL, NULL, NULL) == 0)
			return ident(r, SDX_KIND_BANK, SDX_ROLE_PAYEE,
				     COL_ACCOUNT, a->s, a->len, rej);
		return fail(rej, COL_BANK, "account without bank");
	}
	if (bank_find(b->s, b->len, &bank) != 0)
		return fail(rej, COL_BANK, "unknown bank");
	if (a->len > SDX_INPUT_MAX)
		return fail(rej, COL_ACCOUNT, "longer than 1024 bytes");
	size_t bl = strlen(bank->bin);
	memcpy(buf, bank->bin, bl);
	buf[bl] = ':';
	memcpy(buf + bl + 1, a->s, a->len);
	return ident(r, SDX_KIND_BANK, SDX_ROLE_PAYEE, COL_ACCOUNT, buf,
		     bl + 1 + a->len, rej);
}

/* handle (+ platform, or the channel's platform) -> "platform:name" */
static int handles(sdx_report *r, const struct row *row, int channel,
		   struct reject *rej)
{
	char buf[SDX_INPUT_MAX + 64];
	const char *platform = sdx_channel_platform(channel);
	size_t plen = platform ? strlen(platform) : 0;

	if (one(row, COL_PLATFORM, rej))
		return -1;
	if (row->n[COL_PLATFORM] > 0) {
		platform = row->v[COL_PLATFORM][0].s;
		plen = row->v[COL_PLATFORM][0].len;
		if (row->n[COL_HANDLE] == 0)
			return fail(rej, COL_HANDLE, "platform without handle");
		if (plen > 32)
			return fail(rej, COL_PLATFORM, "unknown platform");
	}
	for (size_t i = 0; i < row->n[COL_HANDLE]; i++) {
		const struct cell *h = &row->v[COL_HANDLE][i];
		const char *name = h->s;
		size_t len = h->len;
		/* a handle that names its platform (URL, "x:name") is taken
		 * as is; so is "@name" (Telegram's form) unless the platform
		 * column names another: the channel is where the talk was,
		 * not always the platform of the handle. But "@0933111222",
		 * no Telegram name (those start with a letter), is the
		 * channel's account of that number (zalo:+84933111222). */
		int at = len > 0 && name[0] == '@';
		if (!platform || memchr(name, ':', len) ||
		    memchr(name, '/', len) || len > SDX_INPUT_MAX ||
		    (at && row->n[COL_PLATFORM] == 0 &&
		     !sdx_handle_is_number(name, len))) {
			if (ident(r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, COL_HANDLE,
				  name, len, rej))
				return -1;
			continue;
		}
		if (at)
			name++, len--;
		/* plen <= 32, len <= SDX_INPUT_MAX: it fits */
		memcpy(buf, platform, plen);
		buf[plen] = ':';
		memcpy(buf + plen + 1, name, len);
		if (ident(r, SDX_KIND_HANDLE, SDX_ROLE_CHAT, COL_HANDLE, buf,
			  plen + 1 + len, rej))
			return -1;
	}
	return 0;
}

int row_to_report(const struct row *row, const struct row_defaults *def,
		  sdx_report *r, struct reject *rej)
{
	sdx_report_reset(r); /* not _init: 9 KiB a row */
	rej->warnings = 0;
	if (row->too_many)
		return fail(rej, row->too_many_col, "more than 16 values");
	/* A NUL byte would cut the field short everywhere downstream: refuse
	 * the row rather than store part of a value. */
	for (int c = 0; c < COL_COUNT && !row->nul_free; c++)
		for (size_t i = 0; i < row->n[c]; i++) {
			const char *z =
			    memchr(row->v[c][i].s, '\0', row->v[c][i].len);
			if (z)
				return fail(rej, c, "NUL byte at offset %zu",
					    (size_t)(z - row->v[c][i].s));
		}
	for (int c = COL_AGENCY; c < COL_COUNT; c++)
		if (one(row, c, rej))
			return -1;

	/* provenance first: the channel decides a handle's platform */
	if (def->origin && def->origin[0] &&
	    strlen(def->origin) < sizeof r->origin)
		memcpy(r->origin, def->origin, strlen(def->origin) + 1);
	if (text(row, COL_AGENCY, r->agency, sizeof r->agency, def->agency,
		 rej) ||
	    text(row, COL_CASE_REF, r->case_ref, sizeof r->case_ref, NULL,
		 rej) ||
	    text(row, COL_NARRATIVE, r->narrative, sizeof r->narrative, NULL,
		 rej))
		return -1;
	if (date(row, COL_INCIDENT_DATE, def->today, &r->incident_date, rej) ||
	    date(row, COL_RECEIVED_DATE, def->today, &r->received_date, rej))
		return -1;
	if (r->received_date != SDX_DATE_NONE &&
	    r->incident_date != SDX_DATE_NONE &&
	    r->received_date < r->incident_date)
		return fail(rej, COL_RECEIVED_DATE,
			    "received before the incident date");
	r->audience = def->audience;
	if (vocab(row, COL_CATEGORY, sdx_category_parse, &r->category,
		  "category", SDX_CAT_OTHER, r->category_label, def, rej) ||
	    vocab(row, COL_CHANNEL, sdx_channel_parse, &r->channel, "channel",
		  SDX_CHAN_OTHER, r->channel_label, def, rej) ||
	    vocab(row, COL_CONFIRMATION, sdx_confirmation_parse,
		  &r->confirmation, "confirmation level", -1, NULL, def, rej) ||
	    vocab(row, COL_AUDIENCE, sdx_audience_parse, &r->audience,
		  "audience", -1, NULL, def, rej))
		return -1;
	if (row->n[COL_AMOUNT] > 0 &&
	    sdx_amount_parse(row->v[COL_AMOUNT][0].s, row->v[COL_AMOUNT][0].len,
			     &r->amount) != 0)
		return fail(rej, COL_AMOUNT,
			    "invalid amount (want whole VND: 5.000.000, "
			    "5tr, 2 triệu, 1,5 tỷ, 500k)");

	if (idents(r, row, COL_PHONE, SDX_KIND_PHONE, SDX_ROLE_CALLER, rej) ||
	    bank_account(r, row, rej) ||
	    idents(r, row, COL_VIETQR, SDX_KIND_BANK, SDX_ROLE_PAYEE, rej) ||
	    handles(r, row, r->channel, rej) ||
	    idents(r, row, COL_URL, SDX_KIND_AUTO, SDX_ROLE_LINK, rej))
		return -1;
	if (r->n_idents == 0)
		return fail(rej, -1, "no identifier in this row");
	return 0;
}
