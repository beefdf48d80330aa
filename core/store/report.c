/* report.c: the report value type (init, identifiers, id) and reading
 * one report with its state. */
#include "store.h"

#include <stdlib.h>

#include "hash.h"

void sdx_report_reset(sdx_report *r)
{
	if (!r)
		return;
	r->origin[0] = r->agency[0] = r->case_ref[0] = r->narrative[0] = '\0';
	r->category_label[0] = r->channel_label[0] = '\0';
	r->incident_date = SDX_DATE_NONE;
	r->received_date = SDX_DATE_NONE;
	r->amount = -1;
	r->category = SDX_CAT_NONE;
	r->channel = SDX_CHAN_NONE;
	r->confirmation = SDX_CONF_REPORTED;
	r->audience = SDX_AUD_BANK;
	r->n_idents = 0;
	memset(r->id, 0, sizeof r->id);
	r->state = 0;
	r->state_note[0] = r->state_by[0] = '\0';
	r->state_date = SDX_DATE_NONE;
	r->dispute_note[0] = r->dispute_by[0] = '\0';
	r->dispute_date = SDX_DATE_NONE;
	r->resolve_note[0] = r->resolve_by[0] = '\0';
	r->state_office[0] = r->dispute_office[0] = r->resolve_office[0] = '\0';
	r->resolve_date = SDX_DATE_NONE;
}

void sdx_report_init(sdx_report *r)
{
	if (!r)
		return;
	memset(r, 0, sizeof *r);
	sdx_report_reset(r);
}

int sdx_report_add_ident(sdx_report *r, sdx_kind kind, sdx_role role,
			 const char *input, size_t len, sdx_norm_error *err)
{
	if (!r || !input)
		return SDX_EINVAL;
	if (r->n_idents >= SDX_REPORT_IDENTS_MAX)
		return SDX_ETOOLONG;
	if (kind == SDX_KIND_ACCOUNT)
		return SDX_EKIND;
	sdx_ident *id = &r->idents[r->n_idents];
	sdx_kind got = kind;
	int link = role == SDX_ROLE_LINK &&
		   (kind == SDX_KIND_DOMAIN || kind == SDX_KIND_AUTO);
	int rc = link
		     ? sdx_normalize_link(input, len, id->canonical,
					  sizeof id->canonical, NULL, &got, err)
		     : sdx_normalize(kind, input, len, id->canonical,
				     sizeof id->canonical, NULL, &got, err);
	if (rc)
		return rc;
	/* t.me/name as a link: the chat account it opens */
	if (link && got != SDX_KIND_DOMAIN)
		role = SDX_ROLE_CHAT;
	if (got == SDX_KIND_ACCOUNT) {
		id->canonical[0] = 0;
		if (err) {
			memset(err, 0, sizeof *err);
			err->code = SDX_EKIND;
			err->kind = SDX_KIND_ACCOUNT;
			strcpy(err->reason, "an account number needs its bank");
		}
		return SDX_EKIND;
	}
	id->kind = got;
	id->role = role;
	r->n_idents++;
	return 0;
}

int sdx_report_id(const sdx_report *r, uint8_t id[16])
{
	if (!r || !id)
		return SDX_EINVAL;
	uint8_t buf[CODEC_REPORT_MAX];
	size_t len;
	int rc = codec_report_encode(r, 0, buf, sizeof buf, &len);
	if (rc)
		return rc;
	sdx_hash128(buf, len, id);
	return 0;
}

void sdx_id_to_hex(const uint8_t id[16], char hex[33])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		hex[2 * i] = digits[id[i] >> 4];
		hex[2 * i + 1] = digits[id[i] & 15];
	}
	hex[32] = 0;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sdx_id_from_hex(const char *hex, size_t len, uint8_t id[16])
{
	if (!hex || !id || len != 32)
		return SDX_EINVAL;
	for (int i = 0; i < 16; i++) {
		int a = nibble(hex[2 * i]), b = nibble(hex[2 * i + 1]);
		if (a < 0 || b < 0)
			return SDX_EINVAL;
		id[i] = (uint8_t)(a << 4 | b);
	}
	return 0;
}

int sdx_report_decode(const uint8_t *body, size_t len, sdx_report *out)
{
	if (!body || !out)
		return SDX_EINVAL;
	int rc = codec_report_decode(body, len, out);
	if (rc)
		return rc;
	codec_report_view v;
	uint8_t buf[CODEC_REPORT_MAX];
	size_t n;
	if (!codec_report_view_decode(body, len, &v) &&
	    !codec_report_view_encode(&v, 0, buf, sizeof buf, &n))
		sdx_hash128(buf, n, out->id);
	return 0;
}

int report_fill(MDB_txn *txn, struct sdx_db *db, const uint8_t id[16],
		const void *body, size_t len, int audience, sdx_report *out)
{
	int rc = codec_report_decode(body, len, out);
	if (rc)
		return rc;
	if (audience == SDX_AUD_BANK && out->audience != SDX_AUD_BANK)
		return SDX_ENOTFOUND;
	memcpy(out->id, id, 16);
	rstate st;
	rc = rstate_get(txn, db, id, &st);
	if (!rc) {
		out->state =
		    st.flags & (SDX_RSTATE_RETRACTED | SDX_RSTATE_DISPUTED);
		if (st.flags & SDX_RSTATE_RETRACTED) {
			strcpy(out->state_note, st.retract_note);
			strcpy(out->state_by, st.retract_by);
			strcpy(out->state_office, st.r_origin);
			out->state_date = st.retract_date;
		} else if (st.flags & SDX_RSTATE_DISPUTED) {
			strcpy(out->state_note, st.d_note);
			strcpy(out->state_by, st.d_by);
			strcpy(out->state_office, st.d_origin);
			out->state_date = st.d_date;
		}
		if (st.ld_seq) {
			strcpy(out->dispute_note, st.ld_note);
			strcpy(out->dispute_by, st.ld_by);
			strcpy(out->dispute_office, st.ld_origin);
			out->dispute_date = st.ld_date;
		}
		/* d_* is a resolution when the newest change ended a known
		 * dispute (a resolution with none before it shows nothing) */
		if (!(st.flags & SDX_RSTATE_DISPUTED) && st.d_seq &&
		    st.ld_seq) {
			out->state |= SDX_RSTATE_RESOLVED;
			strcpy(out->resolve_note, st.d_note);
			strcpy(out->resolve_by, st.d_by);
			strcpy(out->resolve_office, st.d_origin);
			out->resolve_date = st.d_date;
		}
	} else if (rc != SDX_ENOTFOUND) {
		return rc;
	}
	for (size_t i = 0; i < out->n_idents; i++) {
		uint8_t ek[EKEY_MAX];
		size_t eklen =
		    ekey_make(out->idents[i].kind, out->idents[i].canonical,
			      strlen(out->idents[i].canonical), ek);
		allow_rec a;
		rc = allow_get(txn, db, ek, eklen, &a);
		if (!rc && a.allowed) {
			out->state |= SDX_RSTATE_SPOOF;
			break;
		}
		if (rc && rc != SDX_ENOTFOUND)
			return rc;
	}
	return 0;
}

int sdx_report_get(sdx_db *db, const uint8_t id[16], int audience,
		   sdx_report *out)
{
	if (!db || !id || !out)
		return SDX_EINVAL;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	MDB_val k = {16, (void *)id}, d;
	rc = mdb_get(rd->txn, db->report, &k, &d);
	if (!rc)
		rc = report_fill(rd->txn, db, id, d.mv_data, d.mv_size,
				 audience, out);
	else
		rc = store_err(rc);
	reader_put(rd);
	return rc;
}

const char *sdx_verdict_name(int verdict)
{
	static const char *const names[] = {"unknown", "reported", "official",
					    "retracted"};
	return verdict >= 0 && verdict <= 3 ? names[verdict] : "?";
}

const char *sdx_grade_name(int grade)
{
	static const char *const names[] = {"none", "low", "medium", "high",
					    "very_high"};
	return grade >= 0 && grade <= 4 ? names[grade] : "?";
}

void sdx_free(void *p)
{
	free(p);
}
