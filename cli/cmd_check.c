/* cmd_check.c: scamdex check: has this identifier been reported?
 * One verdict per input, from the arguments or one per line of standard
 * input. The batch path allocates nothing per line: one read buffer, one
 * output buffer, both reused, written out in large blocks. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "cli.h"
#include "render/render.h"

static const struct cli_cmd cmd = {
    "check",
    "usage: scamdex check [--kind K] [--audience bank|police] "
    "[--json|--csv] [--today DATE]\n"
    "                     [--invalid-ok] [INPUT ...]\n",
    "Has this phone number, account, VietQR payload, handle or link been\n"
    "reported? One verdict per INPUT; with no INPUT, one per line of\n"
    "standard input (blank lines and a leading UTF-8 BOM skipped). An\n"
    "input with two readings (a bare phone-shaped number: phone and\n"
    "account) is checked both ways; a host also by its parent domains.\n"
    "\n"
    "  --kind K          phone, bank, account (a bare account number at\n"
    "                    every bank), iban, handle or domain; default:\n"
    "                    detect from the input's shape\n"
    "  --audience A      bank: count only what a bank may see (no\n"
    "                    police-only reports); police (default): all\n"
    "  --json            one JSON object per line\n"
    "  --csv             CSV with a header line, one row per reading\n"
    "                    (columns reading: 1 the most serious, via)\n"
    "  --today DATE      anchor of the 3-day, 30-day and 6-month windows\n"
    "                    (default: today, or $SCAMDEX_TODAY)\n"
    "  --invalid-ok      an invalid input is answered (INVALID) but does\n"
    "                    not make the exit status 2\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 nothing reported, 1 at least one input reported,\n"
    "2 bad usage or any invalid input (even when others are reported;\n"
    "with --invalid-ok: 0 or 1 as if it were not there), 3 database or\n"
    "system error.\n",
};

enum format { F_TEXT, F_JSON, F_CSV };

#define READ_SIZE (1u << 20)
#define FLUSH_AT (1u << 16)

struct ctx {
	sdx_db *db;
	sdx_kind kind;
	int audience;
	int32_t today;
	int fmt;	 /* enum format */
	int interactive; /* flush after every line */
	int buffered;	 /* a batch worker: never write, the caller does */
	int status;	 /* worst exit status so far */
	int invalid_ok;	 /* --invalid-ok: an invalid input is no failure */
	struct cli_buf out;
	struct cli_buf aud; /* audit items of this thread's inputs */
	size_t naud;
	struct audit_rec *rec; /* the audit record the items go to */
};

/* Every AUDIT_EVERY look-ups the audit items are written as one record
 * (a batch of a million is about 16 records). */
#define AUDIT_EVERY 65536

/* Move a context's audit items into the record, and write the record
 * once it is big enough (or at the end, when final). */
static void audit_take(struct ctx *c, struct ctx *from, int final)
{
	audit_items_add(c->rec, &from->aud, from->naud);
	from->aud.len = 0;
	from->naud = 0;
	if (c->rec->n >= AUDIT_EVERY ||
	    ((final || c->interactive) && c->rec->n))
		audit_write(&cmd, c->db, c->rec);
}

static int flush_out(struct ctx *c)
{
	if (c->out.len &&
	    fwrite(c->out.p, 1, c->out.len, stdout) != c->out.len) {
		c->out.len = 0;
		return -1;
	}
	c->out.len = 0;
	if (c->interactive && fflush(stdout) != 0)
		return -1;
	return 0;
}

static const char csv_header[] =
    "input,kind,canonical,verdict,grade,reports,retracted,agencies,"
    "categories,first_seen,last_seen,last_3d,last_30d,last_6m,"
    "confirmation,disputed,error,reading,via,categories_vi\n";

/* One CSV row per reading of an input (the input repeated): reading 1 is
 * the most serious, the input's verdict; via is the parent domain or
 * subdomain allowlist entry that answered. */
static void csv_result(struct cli_buf *b, const char *in, size_t len,
		       const sdx_interp *it, size_t reading)
{
	const sdx_check_result *r = &it->result;
	cli_buf_csv_field(b, in, len);
	cli_buf_putc(b, ',');
	cli_buf_puts(b, sdx_kind_name(r->kind));
	cli_buf_putc(b, ',');
	cli_buf_csv_field(b, r->canonical, strlen(r->canonical));
	cli_buf_putc(b, ',');
	cli_buf_puts(b, sdx_verdict_name(r->verdict));
	cli_buf_putc(b, ',');
	cli_buf_puts(b, sdx_grade_name(r->grade));
	const uint32_t n[] = {r->reports, r->retracted, r->agencies};
	for (size_t i = 0; i < 3; i++) {
		cli_buf_putc(b, ',');
		cli_buf_putu(b, n[i]);
	}
	cli_buf_putc(b, ',');
	render_categories(b, r->categories, 0, ";");
	cli_buf_putc(b, ',');
	render_date(b, r->first_seen, 0);
	cli_buf_putc(b, ',');
	render_date(b, r->last_seen, 0);
	const uint32_t w[] = {r->last_3d, r->last_30d, r->last_6m};
	for (size_t i = 0; i < 3; i++) {
		cli_buf_putc(b, ',');
		cli_buf_putu(b, w[i]);
	}
	cli_buf_putc(b, ',');
	if (r->reports)
		cli_buf_puts(b, sdx_confirmation_name(r->confirmation));
	cli_buf_putc(b, ',');
	cli_buf_putu(b, r->disputed);
	cli_buf_put(b, ",,", 2); /* no error */
	cli_buf_putu(b, (uint32_t)reading);
	cli_buf_putc(b, ',');
	cli_buf_csv_field(b, it->via, strlen(it->via));
	cli_buf_putc(b, ',');
	if (r->categories) { /* display labels: quoted as CSV needs */
		struct cli_buf vi = {0};
		render_categories_vi(&vi, r->categories, 0, ";");
		cli_buf_csv_field(b, vi.p, vi.len);
		cli_buf_free(&vi);
	}
	cli_buf_putc(b, '\n');
}

/* Terminal text: control characters of an echoed input become '?', so a
 * hostile line cannot drive the terminal: C0 and DEL, C1 (U+0080..9F) and
 * the bidirectional overrides and marks that can make a line read other
 * than it is (U+200E/F, U+202A..202E, U+2066..2069). */
static size_t unsafe_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x8e || s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 &&
	    s[2] <= 0xa9)
		return 3;
	return 0;
}

static void put_safe(struct cli_buf *b, const char *s, size_t n)
{
	cli_buf_reserve(b, n);
	for (size_t i = 0; i < n;) {
		size_t bad = unsafe_len((const unsigned char *)s + i, n - i);
		if (bad) {
			cli_buf_putc(b, '?');
			i += bad;
		} else {
			cli_buf_putc(b, s[i++]);
		}
	}
}

static void emit_invalid(struct ctx *c, const char *in, size_t len,
			 const char *msg)
{
	struct cli_buf *b = &c->out;
	/* a too-long input is echoed cut to the longest accepted */
	if (len > SDX_INPUT_MAX)
		len = SDX_INPUT_MAX;
	switch (c->fmt) {
	case F_JSON:
		render_check_error_json(b, in, len, msg);
		cli_buf_putc(b, '\n');
		break;
	case F_CSV:
		cli_buf_csv_field(b, in, len);
		cli_buf_puts(b, ",,,,,,,,,,,,,,,,");
		cli_buf_csv_field(b, msg, strlen(msg));
		cli_buf_puts(b, ",,,\n"); /* no reading, via, labels */
		break;
	case F_TEXT:
		render_verdict_word(b, render_tr("INVALID", "KHÔNG HỢP LỆ"),
				    CLI_MAGENTA);
		put_safe(b, in, len);
		cli_buf_puts(b, "  ");
		put_safe(b, msg, strlen(msg));
		cli_buf_putc(b, '\n');
		break;
	}
}

/* Check one input; -1 on a database error (message printed) or a write
 * error (reported by main at exit). */
static int check_one(struct ctx *c, const char *in, size_t len)
{
	sdx_interp it[SDX_INTERP_MAX];
	size_t n;
	sdx_norm_error err;
	int rc;
	rc = render_check_all(c->db, c->kind, in, len, c->today, c->audience,
			      it, &n, &err);
	if (rc == 0) {
		if (c->fmt == F_JSON) {
			render_check_all_json(&c->out, in, len, it, n);
			cli_buf_putc(&c->out, '\n');
		} else if (c->fmt == F_CSV) {
			for (size_t i = 0; i < n; i++)
				csv_result(&c->out, in, len, &it[i], i + 1);
		} else {
			/* every interpretation, the most serious first */
			for (size_t i = 0; i < n; i++) {
				if (i)
					cli_buf_puts(
					    &c->out,
					    render_tr("  or ", "  hoặc "));
				render_interp_text(&c->out, &it[i]);
			}
		}
		/* the audit log records every interpretation answered */
		for (size_t i = 0; i < n; i++) {
			const sdx_check_result *ri = &it[i].result;
			audit_verdict_to(&c->aud, ri->kind, ri->canonical,
					 strlen(ri->canonical), ri->verdict);
			c->naud++;
		}
		if (it[0].result.verdict == SDX_VERDICT_REPORTED &&
		    c->status < EXIT_REPORTED)
			c->status = EXIT_REPORTED;
	} else if (cli_is_input_error(rc)) {
		char msg[256];
		cli_input_error_text(rc, &err, msg, sizeof msg);
		emit_invalid(c, in, len, msg);
		audit_item_to(&c->aud, SDX_KIND_AUTO, in, len, "invalid");
		c->naud++;
		if (!c->invalid_ok && c->status < EXIT_USAGE)
			c->status = EXIT_USAGE;
	} else {
		if (!c->buffered)
			flush_out(c);
		fprintf(stderr, "scamdex check: %s\n", sdx_strerror(rc));
		return -1;
	}
	/* a write error is reported once, by main, at exit */
	if (!c->buffered && (c->out.len >= FLUSH_AT || c->interactive) &&
	    flush_out(c) != 0)
		return -1;
	return 0;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
	       ch == '\f';
}

/* Check one raw line: surrounding blanks trimmed, blank lines skipped. */
static int check_line(struct ctx *c, const char *s, size_t n)
{
	while (n && is_blank(s[n - 1]))
		n--;
	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	return n ? check_one(c, s, n) : 0;
}

static int check_lines(struct ctx *c, const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int rc = check_line(c, p, len);
		if (rc)
			return rc;
		p += len + 1;
	}
	return 0;
}

/* The batch runs on up to MAX_WORKERS threads (sdx_check is thread-safe
 * on one handle): each block of complete lines is cut into one slice per
 * thread, each slice is answered into its thread's own buffer, and the
 * buffers are written in input order. */
#define MAX_WORKERS 4
#define PAR_MIN (64u << 10) /* smaller blocks: one thread */

struct worker {
	struct ctx c; /* the shared settings; its own buffer and status */
	const char *p;
	size_t n;
	int rc;
	pthread_t t;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	w->rc = check_lines(&w->c, w->p, w->n);
	return NULL;
}

static int check_block(struct ctx *c, struct worker *w, size_t nw,
		       const char *p, size_t n)
{
	if (nw < 2 || n < PAR_MIN)
		return check_lines(c, p, n);
	if (flush_out(c) != 0)
		return -1;
	const char *s = p, *end = p + n;
	size_t k = 0;
	for (; k < nw && s < end; k++) {
		const char *e = k == nw - 1 ? end : s + n / nw;
		if (e < end) {
			const char *nl = memchr(e, '\n', (size_t)(end - e));
			e = nl ? nl + 1 : end;
		}
		w[k].p = s;
		w[k].n = (size_t)(e - s);
		w[k].rc = 0;
		s = e;
	}
	int started[MAX_WORKERS] = {0};
	for (size_t i = 1; i < k; i++)
		started[i] = pthread_create(&w[i].t, NULL, work, &w[i]) == 0;
	work(&w[0]);
	for (size_t i = 1; i < k; i++) {
		if (started[i])
			pthread_join(w[i].t, NULL);
		else
			work(&w[i]); /* no thread to be had: here, in order */
	}
	int rc = 0;
	for (size_t i = 0; i < k && rc == 0; i++) {
		struct cli_buf *o = &w[i].c.out;
		if (o->len && fwrite(o->p, 1, o->len, stdout) != o->len)
			rc = -1;
		o->len = 0;
		audit_take(c, &w[i].c, 0);
		if (w[i].c.status > c->status)
			c->status = w[i].c.status;
		if (w[i].rc)
			rc =
			    -1; /* what came after the failure is not written */
	}
	return rc;
}

/* Read standard input in large blocks and split lines in place. A line
 * longer than the block is checked as its first block (too long) and
 * the rest of it skipped. From a terminal, lines are answered as they
 * come; otherwise the block is filled first. */
static int check_stdin(struct ctx *c)
{
	char *buf = malloc(READ_SIZE);
	struct worker *w = calloc(MAX_WORKERS, sizeof *w);
	if (!buf || !w) {
		free(buf);
		free(w);
		fprintf(stderr, "scamdex check: out of memory\n");
		return -1;
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nw = cpus < 1		 ? 1
		    : cpus > MAX_WORKERS ? MAX_WORKERS
					 : (size_t)cpus;
	for (size_t i = 0; i < nw; i++) {
		w[i].c = *c;
		memset(&w[i].c.out, 0, sizeof w[i].c.out);
		w[i].c.status = 0;
		memset(&w[i].c.aud, 0, sizeof w[i].c.aud);
		w[i].c.naud = 0;
		w[i].c.buffered = 1;
		w[i].c.interactive = 0;
	}
	int line_mode = isatty(STDIN_FILENO);
	size_t end = 0;
	int eof = 0, skipping = 0, rc = 0, first = 1;
	while (rc == 0) {
		while (!eof && end < READ_SIZE) {
			ssize_t got =
			    read(STDIN_FILENO, buf + end, READ_SIZE - end);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				fprintf(stderr,
					"scamdex check: reading input: %s\n",
					strerror(errno));
				rc = -1;
				break;
			}
			if (got == 0)
				eof = 1;
			end += (size_t)got;
			if (line_mode)
				break;
		}
		if (rc)
			break;
		size_t start = 0;
		/* a UTF-8 byte order mark before the first line (a file saved
		 * by Excel or Notepad) is no part of it */
		if (first && end >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
			start = 3;
		if (end >= 3 || eof)
			first = 0;
		if (skipping) {
			const char *nl = memchr(buf, '\n', end);
			skipping = !nl;
			start = nl ? (size_t)(nl - buf) + 1 : end;
		}
		size_t last = end;
		while (last > start && buf[last - 1] != '\n')
			last--;
		if (last > start) {
			rc = check_block(c, w, nw, buf + start, last - start);
			audit_take(c, c, 0);
			start = last;
		} else if (eof) {
			rc = check_line(c, buf + start, end - start);
			start = end;
		} else if (start == 0 && end == READ_SIZE) {
			/* a full block and no line end: too long */
			rc = check_line(c, buf, end);
			skipping = 1;
			start = end;
		}
		memmove(buf, buf + start, end - start);
		end -= start;
		if (eof && end == 0)
			break;
	}
	for (size_t i = 0; i < nw; i++) {
		cli_buf_free(&w[i].c.out);
		cli_buf_free(&w[i].c.aud);
	}
	free(w);
	free(buf);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.fmt = F_TEXT;
	c.today = SDX_DATE_NONE;
	c.audience = SDX_AUD_POLICE;
	const struct cli_opt opts[] = {
	    CLI_KIND("kind", &c.kind),
	    CLI_AUDIENCE("audience", &c.audience),
	    CLI_ONE_OF("json", &c.fmt, F_JSON),
	    CLI_ONE_OF("csv", &c.fmt, F_CSV),
	    CLI_DATE("today", &c.today),
	    CLI_FLAG("invalid-ok", &c.invalid_ok),
	    {0},
	};
	/* the identifiers are counted now, checked once the database is
	 * open */
	struct cli_pos pos = {NULL, SIZE_MAX, NULL, NULL, 0};
	int st = cli_args_parse(&cmd, opts, &pos, argc, argv);
	if (st != CLI_GO)
		return st;
	size_t npos = pos.n;
	if (c.today == SDX_DATE_NONE)
		c.today = sdx_date_today();
	struct who who;
	int rc = access_open(&cmd, CLI_DB_LOOKUP, NULL, &c.db, &who);
	if (rc)
		return rc;
	c.audience = role_audience(who.role, c.audience);
	struct audit_rec rec;
	audit_begin(&rec, &who, "check", c.audience);
	c.rec = &rec;
	render_init();
	(void)cli_color(); /* decided once, before any worker thread */
	c.interactive = c.fmt == F_TEXT && isatty(STDOUT_FILENO) &&
			(npos == 0 && isatty(STDIN_FILENO));
	if (c.fmt == F_CSV)
		cli_buf_puts(&c.out, csv_header);
	rc = 0;
	if (npos) {
		struct cli_args p;
		int a;
		cli_args_init(&p, &cmd, opts, argc, argv);
		while (rc == 0 && (a = cli_args_next(&p)) != CLI_ARG_END)
			if (a == CLI_ARG_POS)
				rc = check_one(&c, p.val, strlen(p.val));
	} else {
		rc = check_stdin(&c);
	}
	if (rc == 0 && flush_out(&c) != 0)
		rc = -1; /* main reports the write error */
	audit_take(&c, &c, 1);
	audit_free(&rec);
	cli_buf_free(&c.aud);
	cli_buf_free(&c.out);
	sdx_db_close(c.db);
	return rc ? EXIT_SYSTEM : c.status;
}
