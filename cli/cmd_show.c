/* cmd_show.c: scamdex show: an identifier's reports with full
 * provenance, newest incident first. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cli.h"
#include "render/render.h"

static const struct cli_cmd cmd = {
    "show",
    "usage: scamdex show [--kind K] [--audience bank|police] [--json] ID\n",
    "The reports naming identifier ID, newest incident first, with their\n"
    "provenance: agency, case, dates, category, channel, amount,\n"
    "confirmation, audience, the other identifiers, narrative, and any\n"
    "retraction or dispute.\n"
    "\n"
    "  --kind K          phone, bank, account, iban, handle or domain\n"
    "                    (default: detect)\n"
    "  --audience A      bank: leave out police-only reports; police\n"
    "                    (default): everything\n"
    "  --json            one JSON object per report (with its 32-hex id)\n"
    "  -h, --help        this help\n",
};

struct ctx {
	int json;
	size_t shown;
	char office[SDX_OFFICE_MAX + 1];
	int error; /* a write failed */
};

/* Text from the database may come from another office: no control
 * characters reach the terminal; newlines indent continuation lines. */
static void put_text(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			fputs("\n                ", stdout);
		else if (c < 0x20 || c == 0x7f)
			putchar('?');
		else
			putchar(c);
	}
}

/* "  name" padded to a column of 16 characters (not bytes: the
 * Vietnamese labels) */
static void label(const char *name)
{
	size_t chars = 0;
	for (const char *p = name; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	printf("  %s", name);
	for (size_t i = chars; i < 14; i++)
		putchar(' ');
}

static void field(const char *name, const char *value)
{
	if (!value[0])
		return;
	label(name);
	put_text(value);
	putchar('\n');
}

static const char *origin_of(const struct ctx *c, const sdx_report *r)
{
	return r->origin[0] ? r->origin : c->office;
}

static void show_text(struct ctx *c, const sdx_report *r)
{
	char hex[33], date[11];
	sdx_id_to_hex(r->id, hex);
	putchar('\n');
	printf("%s%s %s%s", cli_c(CLI_BOLD), render_tr("report", "tin báo"),
	       hex, cli_reset());
	if (r->incident_date != SDX_DATE_NONE) {
		sdx_date_format(r->incident_date, date);
		printf("  %s", date);
	}
	if (r->category)
		printf("  %s", render_category_label(r->category));
	if (r->category_label[0]) {
		fputs(" (\"", stdout);
		put_text(r->category_label);
		fputs("\")", stdout);
	}
	if (r->channel)
		printf("  %s %s", render_tr("via", "qua"),
		       render_channel_label(r->channel));
	if (r->channel_label[0]) {
		fputs(" (\"", stdout);
		put_text(r->channel_label);
		fputs("\")", stdout);
	}
	if (r->state & SDX_RSTATE_RETRACTED)
		printf("  %s%s%s", cli_c(CLI_YELLOW),
		       render_tr("RETRACTED", "ĐÃ RÚT LẠI"), cli_reset());
	else if (r->state & SDX_RSTATE_DISPUTED)
		printf("  %s%s%s", cli_c(CLI_YELLOW),
		       render_tr("DISPUTED", "BỊ KHIẾU NẠI"), cli_reset());
	if (r->state & SDX_RSTATE_SPOOF)
		printf("  %s%s%s", cli_c(CLI_MAGENTA),
		       render_tr("POSSIBLE SPOOFING", "CÓ THỂ GIẢ MẠO SỐ"),
		       cli_reset());
	putchar('\n');
	field(render_tr("agency", "đơn vị"), r->agency);
	field(render_tr("case", "số hồ sơ"), r->case_ref);
	field(render_tr("origin", "nơi gửi"), origin_of(c, r));
	if (r->received_date != SDX_DATE_NONE) {
		sdx_date_format(r->received_date, date);
		field(render_tr("received", "ngày nhận"), date);
	}
	field(render_tr("confirmation", "xác minh"),
	      render_confirmation_label(r->confirmation));
	field(render_tr("audience", "phạm vi"),
	      render_audience_label(r->audience));
	if (r->amount >= 0) {
		char amount[32];
		cli_amount(r->amount, amount);
		field(render_tr("amount", "số tiền"), amount);
	}
	for (size_t i = 0; i < r->n_idents; i++) {
		const sdx_ident *id = &r->idents[i];
		struct cli_buf b = {0};
		label(i ? "" : render_tr("identifiers", "định danh"));
		printf("%s ", render_kind_label(id->kind));
		render_identifier_text(&b, id->kind, id->canonical);
		cli_buf_putc(&b, '\0');
		put_text(b.p ? b.p : id->canonical);
		free(b.p);
		if (id->role)
			printf(" (%s)", render_role_label(id->role));
		putchar('\n');
	}
	field(render_tr("narrative", "nội dung"), r->narrative);
	if (r->state & (SDX_RSTATE_RETRACTED | SDX_RSTATE_DISPUTED)) {
		label(r->state & SDX_RSTATE_RETRACTED
			  ? render_tr("retracted", "đã rút lại")
			  : render_tr("disputed", "bị khiếu nại"));
		struct cli_buf e = {0};
		render_event_text(&e, r->state_date, r->state_by,
				  r->state_office, c->office, r->state_note);
		if (e.len)
			fwrite(e.p, 1, e.len, stdout);
		cli_buf_free(&e);
		putchar('\n');
	}
	struct cli_buf h = {0};
	render_dispute_text(&h, r, c->office);
	if (h.len)
		fwrite(h.p, 1, h.len, stdout);
	cli_buf_free(&h);
}

static int on_report(const sdx_report *r, void *arg)
{
	struct ctx *c = arg;
	if (c->json) {
		json_t *o = render_report_json(r, c->office);
		if (!o || cli_json_line(o) != 0)
			c->error = 1;
		json_decref(o);
	} else {
		show_text(c, r);
	}
	c->shown++;
	if (ferror(stdout))
		c->error = 1;
	return c->error;
}

int cmd_show(int argc, char **argv)
{
	struct ctx c;
	memset(&c, 0, sizeof c);
	sdx_kind kind = SDX_KIND_AUTO;
	int audience = SDX_AUD_POLICE;
	const char *input = NULL;
	const struct cli_opt opts[] = {
	    CLI_KIND("kind", &kind),
	    CLI_AUDIENCE("audience", &audience),
	    CLI_FLAG("json", &c.json),
	    {0},
	};
	struct cli_pos pos = {&input, 1, "one ID only; extra", NULL, 0};
	int st = cli_args_parse(&cmd, opts, &pos, argc, argv);
	if (st != CLI_GO)
		return st;
	if (!input)
		return cli_usage_error(&cmd, "no ID given");
	int rc = cli_identifier_readings(&cmd, kind, input);
	if (rc)
		return rc;
	sdx_db *db;
	struct who who;
	rc = access_open(&cmd, CLI_DB_LOOKUP, NULL, &db, &who);
	if (rc)
		return rc;
	audience = role_audience(who.role, audience);
	if (sdx_db_office(db, c.office, sizeof c.office) != 0)
		c.office[0] = '\0';
	/* the reading check answers with: the most serious ("BVB 123" at
	 * the bank it was reported at, a number by its reported Zalo
	 * account) */
	sdx_interp it[SDX_INTERP_MAX];
	size_t n = 0, pick;
	if ((rc = cli_pick_reading(&cmd, db, audience, kind, input, 1, it, &n,
				   &pick)))
		return rc;
	const char *canonical = render_reading_named(&it[pick]);
	kind = it[pick].result.kind;
	if (!c.json) {
		/* the verdict first, as check says it, and the other readings
		 * that have something to say; then the reports */
		struct cli_buf b = {0};
		render_interp_text(&b, &it[pick]);
		for (size_t i = 0; i < n; i++)
			if (i != pick &&
			    it[i].result.verdict != SDX_VERDICT_UNKNOWN) {
				cli_buf_puts(&b, render_tr("  or ", "  hoặc "));
				render_interp_text(&b, &it[i]);
			}
		fwrite(b.p, 1, b.len, stdout);
		free(b.p);
		/* an official identifier: who said so, when and why */
		sdx_allow_entry al;
		if (sdx_allow_info(db, kind, canonical, &al) == 0) {
			char date[11];
			sdx_date_format(al.date, date);
			label(render_tr("official", "chính thức"));
			printf("%s", date);
			if (al.by[0]) {
				fputs(render_tr(" by ", " bởi "), stdout);
				put_text(al.by);
			}
			if (al.note[0]) {
				fputs(": ", stdout);
				put_text(al.note);
			}
			putchar('\n');
		}
	}
	rc = sdx_show(db, kind, canonical, audience, on_report, &c);
	if (rc == 0) {
		char res[32];
		struct audit_rec rec;
		snprintf(res, sizeof res, "reports:%zu", c.shown);
		audit_begin(&rec, &who, "show", audience);
		audit_item(&rec, kind, canonical, strlen(canonical), res);
		audit_write(&cmd, db, &rec);
		audit_free(&rec);
	}
	sdx_db_close(db);
	if (c.error)
		return EXIT_SYSTEM; /* main reports the write error */
	if (rc != 0)
		return cli_db_error(&cmd, canonical, rc);
	if (!c.shown && !c.json)
		printf("%s\n", render_tr("no reports", "không có tin báo"));
	return EXIT_CLEAN;
}
