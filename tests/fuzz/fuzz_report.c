/* fuzz_report.c: the report CBOR decoder (sdx_report_decode, the ADD
 * body of the operation log and of bundles) and the other operation body
 * decoders (retract/dispute/resolve, allow/disallow).
 * A report that decodes must be complete and re-encodable: its strings
 * NUL-terminated in their arrays, its identifiers of a storable kind, and
 * encode -> decode must give the same report back (the store and the
 * report id rely on it). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scamdex/sync.h>

#include "codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_report: %s\n", what);
	abort();
}

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

static void check_report(const sdx_report *r)
{
	if (!TERMINATED(r->origin) || !TERMINATED(r->agency) ||
	    !TERMINATED(r->case_ref) || !TERMINATED(r->narrative))
		fail("a string field is not NUL-terminated");
	if (r->n_idents < 1 || r->n_idents > SDX_REPORT_IDENTS_MAX)
		fail("identifier count out of range");
	for (size_t i = 0; i < r->n_idents; i++) {
		if (!TERMINATED(r->idents[i].canonical) ||
		    !r->idents[i].canonical[0])
			fail("identifier not NUL-terminated or empty");
		if (r->idents[i].kind <= SDX_KIND_AUTO ||
		    r->idents[i].kind >= SDX_KIND_ACCOUNT)
			fail("identifier of a kind that is never stored");
	}
}

static int same_report(const sdx_report *a, const sdx_report *b)
{
	if (strcmp(a->origin, b->origin) || strcmp(a->agency, b->agency) ||
	    strcmp(a->case_ref, b->case_ref) ||
	    strcmp(a->narrative, b->narrative) ||
	    a->incident_date != b->incident_date ||
	    a->received_date != b->received_date ||
	    a->category != b->category || a->channel != b->channel ||
	    a->amount != b->amount || a->confirmation != b->confirmation ||
	    a->audience != b->audience || a->n_idents != b->n_idents)
		return 0;
	for (size_t i = 0; i < a->n_idents; i++)
		if (a->idents[i].kind != b->idents[i].kind ||
		    a->idents[i].role != b->idents[i].role ||
		    strcmp(a->idents[i].canonical, b->idents[i].canonical))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sdx_report r, back;
	static uint8_t buf[CODEC_REPORT_MAX];
	size_t len = 0;

	int rc = sdx_report_decode(data, size, &r);
	if (rc == 0) {
		check_report(&r);
		rc = codec_report_encode(&r, 1, buf, sizeof buf, &len);
		if (rc != 0)
			fail("a decoded report does not encode again");
		if (sdx_report_decode(buf, len, &back) != 0)
			fail("a re-encoded report does not decode");
		if (!same_report(&r, &back))
			fail("encode -> decode changed the report");
		uint8_t id[16];
		if (sdx_report_id(&r, id) != 0)
			fail("no id for a decoded report");
	} else if (rc > 0) {
		fail("positive status from sdx_report_decode");
	}

	codec_state_op st;
	if (codec_state_op_decode(data, size, &st) == 0) {
		if (st.note.len > SDX_NOTE_MAX || st.by.len > SDX_AGENCY_MAX)
			fail("state op string longer than its limit");
		if (codec_state_op_encode(st.id, "", "", st.date, st.audience,
					  buf, sizeof buf, &len) != 0)
			fail("a decoded state op does not encode again");
	}
	codec_allow_op al;
	if (codec_allow_op_decode(data, size, &al) == 0) {
		if (al.canonical.len == 0 ||
		    al.canonical.len >= SDX_CANON_MAX ||
		    al.note.len > SDX_NOTE_MAX || al.by.len > SDX_AGENCY_MAX)
			fail("allow op string length out of range");
	}
	return 0;
}
