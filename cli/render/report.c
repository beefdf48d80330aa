/* report.c: one report with its provenance as a JSON object ('scamdex
 * show --json', GET /v1/show). */
#include <jansson.h>
#include <string.h>

#include "render.h"

const char *render_state_name(unsigned state)
{
	if (state & SDX_RSTATE_RETRACTED)
		return "retracted";
	if (state & SDX_RSTATE_DISPUTED)
		return "disputed";
	return "active";
}

static json_t *jdate(int32_t d)
{
	char s[11];
	if (d == SDX_DATE_NONE)
		return json_null();
	sdx_date_format(d, s);
	return json_string(s);
}

/* A string from the database; jansson refuses invalid UTF-8, which must
 * not lose the whole report. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	return j ? j : json_string("\xef\xbf\xbd");
}

static json_t *jstr_or_null(const char *s)
{
	return s[0] ? jstr(s) : json_null();
}

json_t *render_report_json(const sdx_report *r, const char *office)
{
	char hex[33];
	sdx_id_to_hex(r->id, hex);
	json_t *o = json_object();
	json_t *ids = json_array();
	if (!o || !ids) {
		json_decref(o);
		json_decref(ids);
		return NULL;
	}
	for (size_t i = 0; i < r->n_idents; i++) {
		const sdx_ident *id = &r->idents[i];
		json_array_append_new(
		    ids, json_pack("{s:s, s:o, s:s}", "kind",
				   sdx_kind_name(id->kind), "canonical",
				   jstr(id->canonical), "role",
				   sdx_role_name(id->role)));
	}
	json_object_set_new(o, "id", json_string(hex));
	json_object_set_new(o, "state",
			    json_string(render_state_name(r->state)));
	json_object_set_new(o, "spoofing",
			    json_boolean(r->state & SDX_RSTATE_SPOOF));
	json_object_set_new(o, "incident_date", jdate(r->incident_date));
	json_object_set_new(o, "received_date", jdate(r->received_date));
	json_object_set_new(o, "origin",
			    jstr(r->origin[0] ? r->origin : office));
	json_object_set_new(o, "agency", jstr_or_null(r->agency));
	json_object_set_new(o, "case_ref", jstr_or_null(r->case_ref));
	json_object_set_new(o, "category",
			    r->category
				? json_string(sdx_category_name(r->category))
				: json_null());
	json_object_set_new(o, "channel",
			    r->channel
				? json_string(sdx_channel_name(r->channel))
				: json_null());
	/* the label a file gave for an unknown category or channel (the
	 * value is then "other"): only when there is one */
	/* display labels, the vocabulary's Vietnamese (English: the values
	 * themselves) */
	json_object_set_new(o, "category_vi",
			    r->category
				? jstr(sdx_category_label_vi(r->category))
				: json_null());
	json_object_set_new(o, "channel_vi",
			    r->channel ? jstr(sdx_channel_label_vi(r->channel))
				       : json_null());
	if (r->category_label[0])
		json_object_set_new(o, "category_label",
				    jstr(r->category_label));
	if (r->channel_label[0])
		json_object_set_new(o, "channel_label", jstr(r->channel_label));
	json_object_set_new(o, "amount",
			    r->amount >= 0 ? json_integer(r->amount)
					   : json_null());
	json_object_set_new(
	    o, "confirmation",
	    json_string(sdx_confirmation_name(r->confirmation)));
	json_object_set_new(o, "audience",
			    json_string(sdx_audience_name(r->audience)));
	json_object_set_new(o, "narrative", jstr_or_null(r->narrative));
	json_object_set_new(o, "identifiers", ids);
	if (r->state & (SDX_RSTATE_RETRACTED | SDX_RSTATE_DISPUTED)) {
		json_object_set_new(o, "state_date", jdate(r->state_date));
		json_object_set_new(o, "state_by", jstr_or_null(r->state_by));
		json_object_set_new(o, "state_office",
				    jstr_or_null(r->state_office));
		json_object_set_new(o, "state_note",
				    jstr_or_null(r->state_note));
	}
	if (render_has_dispute(r)) {
		int resolved = (r->state & SDX_RSTATE_RESOLVED) != 0;
		json_t *d = json_object();
		if (!d) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(
		    d, "state", json_string(resolved ? "resolved" : "open"));
		json_object_set_new(d, "date", jdate(r->dispute_date));
		json_object_set_new(d, "by", jstr_or_null(r->dispute_by));
		json_object_set_new(d, "office",
				    jstr_or_null(r->dispute_office));
		json_object_set_new(d, "note", jstr_or_null(r->dispute_note));
		json_object_set_new(d, "resolved_date",
				    resolved ? jdate(r->resolve_date)
					     : json_null());
		json_object_set_new(d, "resolved_by",
				    resolved ? jstr_or_null(r->resolve_by)
					     : json_null());
		json_object_set_new(d, "resolved_office",
				    resolved ? jstr_or_null(r->resolve_office)
					     : json_null());
		json_object_set_new(d, "resolved_note",
				    resolved ? jstr_or_null(r->resolve_note)
					     : json_null());
		json_object_set_new(o, "dispute", d);
	}
	return o;
}

int render_has_dispute(const sdx_report *r)
{
	return (r->state & (SDX_RSTATE_DISPUTED | SDX_RSTATE_RESOLVED)) != 0;
}

/* Text from another office: no control character reaches a terminal. */
static void put_clean(struct cli_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		cli_buf_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}

/* "DATE by WHO (office OFFICE): NOTE", each part when known: the
 * office is the signer, which a dispute's free-text WHO may not name;
 * not repeated when it is this database's own office (self) */
void render_event_text(struct cli_buf *b, int32_t date, const char *by,
		       const char *office, const char *self, const char *note)
{
	if (date != SDX_DATE_NONE) {
		render_date(b, date, 0);
		cli_buf_putc(b, ' ');
	}
	if (by[0]) {
		cli_buf_puts(b, render_tr("by ", "bởi "));
		put_clean(b, by);
	}
	if (office[0] && strcmp(office, self) != 0) {
		cli_buf_puts(b, by[0] ? " (" : "(");
		cli_buf_puts(b, render_tr("office ", "đơn vị "));
		put_clean(b, office);
		cli_buf_putc(b, ')');
	}
	if (note[0]) {
		cli_buf_puts(b, ": ");
		put_clean(b, note);
	}
}

/* "  label" padded to 16 columns (characters, not bytes) */
static void put_label(struct cli_buf *b, const char *name)
{
	size_t chars = 0;
	for (const char *p = name; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	cli_buf_puts(b, "  ");
	cli_buf_puts(b, name);
	for (size_t i = chars; i < 14; i++)
		cli_buf_putc(b, ' ');
}

void render_dispute_text(struct cli_buf *b, const sdx_report *r,
			 const char *self)
{
	if (!(r->state & SDX_RSTATE_RESOLVED))
		return; /* an open dispute is the report's state line */
	put_label(b, render_tr("disputed", "bị khiếu nại"));
	if (r->dispute_date == SDX_DATE_NONE && !r->dispute_by[0] &&
	    !r->dispute_office[0] && !r->dispute_note[0])
		cli_buf_puts(b, "?");
	render_event_text(b, r->dispute_date, r->dispute_by, r->dispute_office,
			  self, r->dispute_note);
	cli_buf_putc(b, '\n');
	put_label(b, render_tr("resolved", "đã giải quyết"));
	render_event_text(b, r->resolve_date, r->resolve_by, r->resolve_office,
			  self, r->resolve_note);
	cli_buf_putc(b, '\n');
}
