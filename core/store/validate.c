/* validate.c: the strings of a received operation, checked again before it
 * is applied. A bundle is signed by its origin, not vetted by it: an
 * office's software (or its key, stolen) may send text that a terminal
 * would obey (escape sequences, carriage returns, bidirectional overrides)
 * or identifiers no normalizer would write. The apply path (apply.c)
 * refuses such an operation (held in the log, not applied, counted and
 * named by the importer) and applies the rest of the bundle.
 *
 * Rules: every text is valid UTF-8 within its documented length (db.h),
 * with no control character (C0, DEL, C1) and no bidirectional control
 * (U+202A..U+202E, U+2066..U+2069); a narrative may hold line feeds and
 * tabs. Every identifier's canonical form normalizes to itself, in its
 * kind. */
#include <utf8proc.h>

#include <scamdex/normalize.h>

#include "store.h"

static int bidi_control(utf8proc_int32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* NULL if s is clean text of at most max bytes; else why not. An ASCII
 * byte is its own code point (what utf8proc_iterate would give): it is
 * judged here, and utf8proc decodes the rest (most texts are ASCII, and
 * a call per byte was a sixth of a sync import's instructions). */
static const char *text_fault(codec_str s, size_t max, int multiline)
{
	if (s.len > max)
		return "too long";
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s.p;
	for (size_t i = 0; i < s.len;) {
		if (p[i] < 0x80) {
			uint8_t c = p[i++];
			if ((c < 0x20 || c == 0x7f) &&
			    !(multiline && (c == '\n' || c == '\t')))
				return "a control character";
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t n =
		    utf8proc_iterate(p + i, (utf8proc_ssize_t)(s.len - i), &cp);
		if (n <= 0)
			return "not valid UTF-8";
		i += (size_t)n;
		if (multiline && (cp == '\n' || cp == '\t'))
			continue;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return "a control character";
		if (bidi_control(cp))
			return "a bidirectional control character";
	}
	return NULL;
}

/* Static texts for the refusal (sdx_apply_refusal): field and fault. */
#define FAULTS(F)                                                              \
	F(agency)                                                              \
	F(case_ref)                                                            \
	F(narrative) F(category_label) F(channel_label) F(note) F(by)

static const char *field_fault(const char *field, const char *fault)
{
	/* one static string per (field, fault) pair */
#define TEXTS(f)                                                               \
	{#f, "the " #f " is too long", "the " #f " is not valid UTF-8",        \
	 "the " #f " holds a control character",                               \
	 "the " #f " holds a bidirectional control character"},
	static const char *const t[][5] = {FAULTS(TEXTS)};
#undef TEXTS
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (strcmp(t[i][0], field) != 0)
			continue;
		if (!strcmp(fault, "too long"))
			return t[i][1];
		if (!strcmp(fault, "not valid UTF-8"))
			return t[i][2];
		if (!strcmp(fault, "a control character"))
			return t[i][3];
		return t[i][4];
	}
	return "a text field is not clean";
}

#define CHECK(name, s, max, multi)                                             \
	do {                                                                   \
		const char *f_ = text_fault(s, max, multi);                    \
		if (f_)                                                        \
			return field_fault(name, f_);                          \
	} while (0)

/* NULL if (kind, canonical) is a canonical identifier: normalizing it in
 * its kind gives it back, byte for byte. */
static const char *ident_fault(int kind, codec_str canonical)
{
	char out[SDX_CANON_MAX];
	size_t n = 0;
	sdx_kind got = SDX_KIND_AUTO;
	if (kind < SDX_KIND_PHONE || kind > SDX_KIND_DOMAIN)
		return "an identifier of an unknown kind";
	if (canonical.len == 0 || canonical.len >= SDX_CANON_MAX)
		return "an identifier of a bad length";
	if (text_fault(canonical, SDX_CANON_MAX - 1, 0))
		return "an identifier with a control character or bad UTF-8";
	if (sdx_normalize((sdx_kind)kind, canonical.p, canonical.len, out,
			  sizeof out, &n, &got, NULL) != 0 ||
	    got != (sdx_kind)kind || n != canonical.len ||
	    memcmp(out, canonical.p, n) != 0)
		return "an identifier that is not in its canonical form";
	return NULL;
}

const char *validate_report(const codec_report_view *v)
{
	const char *f;
	CHECK("agency", v->agency, SDX_AGENCY_MAX, 0);
	CHECK("case_ref", v->case_ref, SDX_CASEREF_MAX, 0);
	CHECK("narrative", v->narrative, SDX_NARRATIVE_MAX, 1);
	CHECK("category_label", v->category_label, SDX_LABEL_MAX, 0);
	CHECK("channel_label", v->channel_label, SDX_LABEL_MAX, 0);
	for (size_t i = 0; i < v->n_idents; i++)
		if ((f = ident_fault(v->idents[i].kind,
				     v->idents[i].canonical)))
			return f;
	return NULL;
}

const char *validate_state_op(const codec_state_op *o)
{
	CHECK("note", o->note, SDX_NOTE_MAX, 0);
	CHECK("by", o->by, SDX_AGENCY_MAX, 0);
	return NULL;
}

const char *validate_allow_op(const codec_allow_op *o)
{
	CHECK("note", o->note, SDX_NOTE_MAX, 0);
	CHECK("by", o->by, SDX_AGENCY_MAX, 0);
	return ident_fault(o->kind, o->canonical);
}
