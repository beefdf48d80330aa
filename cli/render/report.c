/* report.c: one report with its provenance as a JSON object ('scamdex
 * show --json', GET /v1/show). */
#include <jansson.h>

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
		json_object_set_new(o, "state_note",
				    jstr_or_null(r->state_note));
	}
	return o;
}
