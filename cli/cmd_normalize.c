/* cmd_normalize.c: scamdex normalize [--kind KIND] [--json] [INPUT...]:
 * the canonical form of each input, one line each, from the arguments or
 * (none given, or "-") from standard input, one per line. Opens no
 * database. Exit 0 when every input normalized, 2 when any did not (or on
 * bad usage), 3 when standard output cannot be written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "cli.h"

static const struct cli_cmd cmd = {
    "normalize",
    "usage: scamdex normalize [--kind KIND] [--json] [INPUT...]\n",
    "Print the canonical form of each INPUT (or of each line of standard\n"
    "input when no INPUT is given, or for '-'): its kind and canonical\n"
    "form, or 'error' and the reason. Blank lines are skipped.\n"
    "\n"
    "  --kind KIND  phone, bank, account, iban, handle or domain; default:\n"
    "               detect from the shape (a bare digit string that is a\n"
    "               valid phone number is ambiguous without --kind)\n"
    "  --json       one JSON object a line: {\"input\", \"kind\",\n"
    "               \"canonical\"} or {\"input\", \"kind\", \"error\",\n"
    "               \"code\", \"offset\"}\n"
    "  -h, --help   this help\n"
    "\n"
    "Exit status: 0 every input normalized, 2 some did not or bad usage,\n"
    "3 output error.\n",
};

/* s as a JSON string, each byte that does not start a valid UTF-8
 * character (utf8proc) or is a NUL replaced by U+FFFD, so that jansson
 * accepts it. NULL: out of memory. */
static json_t *json_text(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	if (j)
		return j;
	char *buf = malloc(n * 3 + 1);
	if (!buf)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		size_t left = n - i;
		utf8proc_ssize_t k = utf8proc_iterate(
		    (const utf8proc_uint8_t *)s + i,
		    left > 4 ? 4 : (utf8proc_ssize_t)left, &cp);
		if (k > 0 && cp != 0) {
			memcpy(buf + o, s + i, (size_t)k);
			o += (size_t)k;
			i += (size_t)k;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

static int emit_json(const char *in, size_t len, int rc, sdx_kind kind,
		     const char *canon, const sdx_norm_error *err,
		     const char *msg)
{
	json_t *o = json_object();
	if (!o)
		return -1;
	json_object_set_new(o, "input", json_text(in, len));
	if (rc == 0) {
		json_object_set_new(o, "kind",
				    json_string(sdx_kind_name(kind)));
		json_object_set_new(o, "canonical", json_string(canon));
	} else {
		json_object_set_new(o, "kind",
				    json_string(sdx_kind_name(err->kind)));
		json_object_set_new(o, "error", json_text(msg, strlen(msg)));
		json_object_set_new(o, "code",
				    json_string(sdx_status_name(rc)));
		json_object_set_new(o, "offset",
				    json_integer((json_int_t)err->offset));
	}
	int w = json_dumpf(o, stdout, JSON_PRESERVE_ORDER);
	json_decref(o);
	if (w != 0 || putchar('\n') == EOF)
		return -1;
	return 0;
}

/* Normalize and print one input; 1 when it failed, -1 on a write
 * error. */
static int one(sdx_kind want, int json, const char *in, size_t len)
{
	char canon[SDX_CANON_MAX];
	char msg[sizeof((sdx_norm_error *)0)->reason + 64];
	sdx_norm_error err;
	sdx_kind kind = SDX_KIND_AUTO;
	memset(&err, 0, sizeof err);
	int rc = sdx_normalize(want, in, len, canon, sizeof canon, NULL, &kind,
			       &err);
	if (rc != 0) {
		if (rc == SDX_EAMBIGUOUS)
			snprintf(msg, sizeof msg,
				 "%s: --kind phone or --kind account",
				 err.reason);
		else
			cli_input_error_text(rc, &err, msg, sizeof msg);
	}
	if (json) {
		if (emit_json(in, len, rc, kind, canon, &err, msg) < 0)
			return -1;
	} else if (rc == 0) {
		if (printf("%-8s%s\n", sdx_kind_name(kind), canon) < 0)
			return -1;
	} else {
		char cut[201], safe[201];
		size_t n = len > 200 ? 200 : len;
		memcpy(cut, in, n);
		cut[n] = '\0';
		if (printf("error   '%s': %s (offset %zu)\n",
			   cli_safe(cut, safe, sizeof safe), msg,
			   err.offset) < 0)
			return -1;
	}
	return rc != 0;
}

static int from_stdin(sdx_kind want, int json, int *failed)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		size_t len = (size_t)n;
		while (len > 0 &&
		       (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len)
			continue;
		int r = one(want, json, line, len);
		if (r < 0) {
			rc = -1;
			break;
		}
		*failed |= r;
	}
	if (rc == 0 && ferror(stdin)) {
		fprintf(stderr, "scamdex normalize: reading standard input "
				"failed\n");
		rc = -1;
	}
	free(line);
	return rc;
}

int cmd_normalize(int argc, char **argv)
{
	struct cli_args p;
	sdx_kind want = SDX_KIND_AUTO;
	int json = 0, failed = 0, r;
	const struct cli_opt opts[] = {
	    CLI_KIND("kind", &want),
	    CLI_FLAG("json", &json),
	    {0},
	};
	/* Options first, so that --kind applies to every input. */
	struct cli_pos pos = {NULL, SIZE_MAX, NULL, NULL, 0};
	int st = cli_args_parse(&cmd, opts, &pos, argc, argv);
	if (st == EXIT_CLEAN) /* the help */
		return fflush(stdout) ? EXIT_SYSTEM : EXIT_CLEAN;
	if (st != CLI_GO)
		return st;
	int any = pos.n > 0;
	cli_args_init(&p, &cmd, opts, argc, argv);
	while (any && (r = cli_args_next(&p)) != CLI_ARG_END) {
		if (r != CLI_ARG_POS)
			continue;
		if (!strcmp(p.val, "-"))
			r = from_stdin(want, json, &failed);
		else
			r = one(want, json, p.val, strlen(p.val));
		if (r < 0)
			goto write_error;
		failed |= r;
	}
	if (!any && from_stdin(want, json, &failed) < 0)
		goto write_error;
	if (fflush(stdout) != 0)
		goto write_error;
	return failed ? EXIT_USAGE : EXIT_CLEAN;
write_error:
	if (!ferror(stdin))
		fprintf(stderr, "scamdex normalize: writing output failed\n");
	return EXIT_SYSTEM;
}
