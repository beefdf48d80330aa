/* drop_conf.c: scamdex-sync drop add|list|remove, and DB/drops.conf where
 * drops and their credentials are kept (mode 0600; one drop a line:
 * NAME URL key=value..., values with %, space, tab, newline and = written
 * as %XX). */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle_io.h"
#include "drop.h"

static int conf_path(char *buf, size_t size)
{
	int n;
	if (!tool.db_path[0] && tool_db_path() != 0)
		return -1;
	n = snprintf(buf, size, "%s/drops.conf", tool.db_path);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int state_dir(char *buf, size_t size, const char *sub)
{
	int n;
	if (!tool.db_path[0] && tool_db_path() != 0)
		return -1;
	n = snprintf(buf, size, "%s/drops%s%s", tool.db_path, sub ? "/" : "",
		     sub ? sub : "");
	if (n < 0 || (size_t)n >= size)
		return -1;
	if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, PROG ": %s: %s\n", buf, strerror(errno));
		return -1;
	}
	return 0;
}

const char *human_bytes(uint64_t n, char buf[32])
{
	if (n < 10000)
		snprintf(buf, 32, "%llu B", (unsigned long long)n);
	else if (n < 10000000)
		snprintf(buf, 32, "%.1f kB", n / 1e3);
	else if (n < 10000000000ull)
		snprintf(buf, 32, "%.1f MB", n / 1e6);
	else
		snprintf(buf, 32, "%.1f GB", n / 1e9);
	return buf;
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct vvc {
	sdx_vv_entry *v;
	size_t n, cap;
} vvc;

static int vv_collect(const sdx_origin_info *o, void *p)
{
	vvc *c = p;
	if (!o->seq)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		sdx_vv_entry *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return SDX_ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	strcpy(c->v[c->n].origin, o->origin);
	c->v[c->n++].seq = o->seq;
	return 0;
}

int own_vector(sdx_db *db, sdx_vv_entry **vv, size_t *n)
{
	vvc c = {0};
	int rc = sdx_origins(db, vv_collect, &c);
	if (rc) {
		free(c.v);
		return rc;
	}
	*vv = c.v;
	*n = c.n;
	return 0;
}

/* ---- drops.conf ---- */

static const struct field {
	const char *key;
	size_t off, size;
} fields[] = {
#define F(k, m)                                                                \
	{                                                                      \
		k, offsetof(drop, m), sizeof(((drop *)0)->m)                   \
	}
    F("user", user),	  F("password", password),	 F("netrc", netrc),
    F("ssh-key", sshkey), F("known-hosts", known_hosts), F("ca", ca),
    F("role", role),
#undef F
};

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '%' || *s == ' ' || *s == '\t' || *s == '\n' ||
		    *s == '=' || *s == '\r')
			fprintf(f, "%%%02X", (unsigned char)*s);
		else
			fputc(*s, f);
}

static int unescape(const char *s, size_t len, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len ||
			    !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return -1;
			char h[3] = {s[i + 1], s[i + 2], 0};
			c = (int)strtol(h, NULL, 16);
			i += 2;
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

void drops_free(drops *d)
{
	if (d->v)
		memset(d->v, 0, d->n * sizeof *d->v); /* passwords */
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

drop *drops_find(drops *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].name, name))
			return &d->v[i];
	return NULL;
}

int drops_load(drops *d)
{
	char path[4200], line[8192];
	unsigned lineno = 0;
	FILE *f;
	memset(d, 0, sizeof *d);
	if (conf_path(path, sizeof path) != 0)
		return -1;
	if (!(f = fopen(path, "r"))) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (tool_private(NULL, "the drops file (it may hold passwords)", path,
			 fileno(f)) != 0) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *tok, *save = NULL;
		drop *nd, *x;
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!(nd = realloc(d->v, (d->n + 1) * sizeof *nd)))
			goto bad;
		d->v = nd;
		x = &d->v[d->n];
		memset(x, 0, sizeof *x);
		tok = strtok_r(line, " ", &save);
		if (!tok || unescape(tok, strlen(tok), x->name, sizeof x->name))
			goto bad;
		tok = strtok_r(NULL, " ", &save);
		if (!tok || unescape(tok, strlen(tok), x->url, sizeof x->url))
			goto bad;
		while ((tok = strtok_r(NULL, " ", &save))) {
			char *eq = strchr(tok, '=');
			size_t k, kl;
			if (!eq)
				goto bad;
			kl = (size_t)(eq - tok);
			for (k = 0; k < sizeof fields / sizeof *fields; k++)
				if (strlen(fields[k].key) == kl &&
				    !strncmp(fields[k].key, tok, kl))
					break;
			if (k == sizeof fields / sizeof *fields ||
			    unescape(eq + 1, strlen(eq + 1),
				     (char *)x + fields[k].off, fields[k].size))
				goto bad;
		}
		d->n++;
	}
	memset(line, 0, sizeof line);
	fclose(f);
	return 0;
bad:
	memset(line, 0, sizeof line);
	fclose(f);
	fprintf(stderr, PROG ": %s: line %u: not a drop line\n", path, lineno);
	drops_free(d);
	return -1;
}

int drops_save(const drops *d)
{
	char path[4200], tmp[4300];
	FILE *f;
	int fd, err = 0;
	if (conf_path(path, sizeof path) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "# scamdex-sync drops: NAME URL key=value... (secrets: "
		   "keep this file 0600)\n");
	for (size_t i = 0; i < d->n; i++) {
		const drop *x = &d->v[i];
		put_escaped(f, x->name);
		fputc(' ', f);
		put_escaped(f, x->url);
		for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
			const char *v = (const char *)x + fields[k].off;
			if (!v[0])
				continue;
			fprintf(f, " %s=", fields[k].key);
			put_escaped(f, v);
		}
		fputc('\n', f);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = errno;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err) {
		unlink(tmp);
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(err));
		return -1;
	}
	return 0;
}

/* ---- transfer options ---- */

void xfer_defaults(xfer_opts *o)
{
	memset(o, 0, sizeof *o);
	o->timeout = 30;
	o->retries = 3;
	o->backoff = 2;
	o->retain = 7 * 86400;
}

static int num(const char *cmd, const char *name, const char *v, double lo,
	       double hi, double *out)
{
	char *end;
	double x;
	errno = 0;
	x = strtod(v, &end);
	if (errno || end == v || *end || x < lo || x > hi) {
		tool_usage(cmd, "%s: '%s' is not a number from %g to %g", name,
			   v, lo, hi);
		return -1;
	}
	*out = x;
	return 1;
}

int xfer_opt(const char *cmd, int argc, char **argv, int *i, xfer_opts *o)
{
	const char *v;
	double x;
	int r;
	if (!strcmp(argv[*i], "--quiet") || !strcmp(argv[*i], "-q")) {
		o->quiet = 1;
		return 1;
	}
	if ((r = tool_opt(cmd, argc, argv, i, "--ca", &o->ca)))
		return r;
	if ((r = tool_opt(cmd, argc, argv, i, "--timeout", &v))) {
		if (r < 0 || num(cmd, "--timeout", v, 1, 3600, &x) < 0)
			return -1;
		o->timeout = (long)x;
		return 1;
	}
	if ((r = tool_opt(cmd, argc, argv, i, "--retries", &v))) {
		if (r < 0 || num(cmd, "--retries", v, 0, 20, &x) < 0)
			return -1;
		o->retries = (int)x;
		return 1;
	}
	if ((r = tool_opt(cmd, argc, argv, i, "--backoff", &v))) {
		if (r < 0 || num(cmd, "--backoff", v, 0, 600, &x) < 0)
			return -1;
		o->backoff = x;
		return 1;
	}
	if ((r = tool_opt(cmd, argc, argv, i, "--retain", &v))) {
		if (r < 0 || num(cmd, "--retain", v, 0, 3650, &x) < 0)
			return -1;
		o->retain = (long)(x * 86400);
		return 1;
	}
	return 0;
}

/* ---- scamdex-sync drop ---- */

static int read_secret_file(const char *path, char *out, size_t size)
{
	FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "r");
	size_t n;
	if (!f) {
		fprintf(stderr, PROG " drop: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (f != stdin &&
	    tool_private("drop", "the password file", path, fileno(f)) != 0) {
		fclose(f);
		return -1;
	}
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	if (f != stdin)
		fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	if (!out[0]) {
		fprintf(stderr, PROG " drop: %s: no password in it\n", path);
		return -1;
	}
	return 0;
}

static int set_str(const char *what, char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size) {
		tool_usage("drop", "%s is too long", what);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

static int abs_path(const char *what, char *dst, size_t size, const char *v)
{
	char *r = realpath(v, NULL);
	int rc;
	if (!r) {
		fprintf(stderr, PROG " drop: %s %s: %s\n", what, v,
			strerror(errno));
		return -1;
	}
	rc = set_str(what, dst, size, r);
	free(r);
	return rc;
}

static int drop_add(int argc, char **argv)
{
	drop x;
	drops d;
	const char *v, *pwfile = NULL;
	int r, rc = EXIT_SYSTEM;
	size_t ul;

	memset(&x, 0, sizeof x);
	if (argc < 4)
		return tool_usage("drop", "%s", "add takes NAME URL [options]");
	if (!sdx_office_valid(argv[2], strlen(argv[2])))
		return tool_usage("drop", "bad office id '%s'", argv[2]);
	strcpy(x.name, argv[2]);
	ul = strlen(argv[3]);
	if (ul + 2 > sizeof x.url)
		return tool_usage("drop", "%s", "URL too long");
	if (strncmp(argv[3], "http://", 7) && strncmp(argv[3], "https://", 8) &&
	    strncmp(argv[3], "sftp://", 7) && strncmp(argv[3], "file:///", 8))
		return tool_usage("drop",
				  "'%s': a drop URL starts with http://, "
				  "https://, sftp:// or file:///",
				  argv[3]);
	{
		/* user:password@ in the URL would be printed by 'drop list' */
		const char *h = strstr(argv[3], "://") + 3;
		const char *at = strchr(h, '@'), *sl = strchr(h, '/');
		if (at && (!sl || at < sl) && memchr(h, ':', (size_t)(at - h)))
			return tool_usage("drop", "%s",
					  "no password in the URL: use "
					  "--password-file FILE or --netrc");
	}
	memcpy(x.url, argv[3], ul + 1);
	if (x.url[ul - 1] != '/')
		strcat(x.url, "/");
	for (int i = 4; i < argc; i++) {
		if ((r = tool_opt("drop", argc, argv, &i, "--user", &v))) {
			if (r < 0 ||
			    set_str("--user", x.user, sizeof x.user, v))
				return EXIT_USAGE;
		} else if ((r = tool_opt("drop", argc, argv, &i,
					 "--password-file", &pwfile))) {
			if (r < 0)
				return EXIT_USAGE;
		} else if ((r = tool_opt("drop", argc, argv, &i, "--netrc-file",
					 &v))) {
			if (r < 0 || abs_path("--netrc-file", x.netrc,
					      sizeof x.netrc, v))
				return r < 0 ? EXIT_USAGE : EXIT_SYSTEM;
		} else if (!strcmp(argv[i], "--netrc")) {
			strcpy(x.netrc, "~");
		} else if ((r = tool_opt("drop", argc, argv, &i, "--ssh-key",
					 &v))) {
			if (r < 0 ||
			    abs_path("--ssh-key", x.sshkey, sizeof x.sshkey, v))
				return r < 0 ? EXIT_USAGE : EXIT_SYSTEM;
		} else if ((r = tool_opt("drop", argc, argv, &i,
					 "--known-hosts", &v))) {
			if (r < 0 || abs_path("--known-hosts", x.known_hosts,
					      sizeof x.known_hosts, v))
				return r < 0 ? EXIT_USAGE : EXIT_SYSTEM;
		} else if ((r = tool_opt("drop", argc, argv, &i, "--ca", &v))) {
			if (r < 0 || abs_path("--ca", x.ca, sizeof x.ca, v))
				return r < 0 ? EXIT_USAGE : EXIT_SYSTEM;
		} else if ((r = tool_opt("drop", argc, argv, &i, "--role",
					 &v))) {
			if (r < 0)
				return EXIT_USAGE;
			if (strcmp(v, "police") && strcmp(v, "bank"))
				return tool_usage("drop",
						  "unknown role '%s' (police, "
						  "bank)",
						  v);
			strcpy(x.role, v);
		} else {
			return tool_usage("drop", "unexpected argument '%s'",
					  argv[i]);
		}
	}
	if (pwfile && read_secret_file(pwfile, x.password, sizeof x.password))
		goto out;
	if (x.password[0] && !x.user[0]) {
		rc = tool_usage("drop", "%s", "--password-file needs --user");
		goto out;
	}
	if (drops_load(&d) != 0)
		goto out;
	{
		drop *old = drops_find(&d, x.name);
		if (!old) {
			drop *nv = realloc(d.v, (d.n + 1) * sizeof *nv);
			if (!nv) {
				drops_free(&d);
				goto out;
			}
			d.v = nv;
			old = &d.v[d.n++];
		}
		*old = x;
	}
	if (drops_save(&d) == 0)
		rc = EXIT_OK;
	drops_free(&d);
out:
	memset(&x, 0, sizeof x);
	return rc;
}

static int drop_list(void)
{
	drops d;
	char office[SDX_OFFICE_MAX + 1] = "";
	sdx_db *db = tool_open(SDX_OPEN_RDONLY);
	if (db) {
		sdx_db_office(db, office, sizeof office);
		sdx_db_close(db);
	}
	if (drops_load(&d) != 0)
		return EXIT_SYSTEM;
	for (size_t i = 0; i < d.n; i++) {
		const drop *x = &d.v[i];
		printf("%s %s %s", x->name, x->url,
		       !strcmp(x->name, office) ? "own" : "peer");
		if (x->role[0])
			printf(" role=%s", x->role);
		if (x->user[0])
			printf(" user=%s", x->user);
		if (x->password[0])
			printf(" password=(stored)");
		if (x->netrc[0])
			printf(" netrc=%s",
			       strcmp(x->netrc, "~") ? x->netrc : "~/.netrc");
		if (x->sshkey[0])
			printf(" ssh-key=%s", x->sshkey);
		if (x->known_hosts[0])
			printf(" known-hosts=%s", x->known_hosts);
		if (x->ca[0])
			printf(" ca=%s", x->ca);
		putchar('\n');
	}
	drops_free(&d);
	return EXIT_OK;
}

static int drop_remove(const char *name)
{
	drops d;
	drop *x;
	int rc = EXIT_SYSTEM;
	if (drops_load(&d) != 0)
		return EXIT_SYSTEM;
	if (!(x = drops_find(&d, name))) {
		fprintf(stderr, PROG " drop remove: no drop named %s\n", name);
		drops_free(&d);
		return EXIT_REJECTED;
	}
	memmove(x, x + 1, (size_t)(d.v + d.n - (x + 1)) * sizeof *x);
	d.n--;
	if (drops_save(&d) == 0)
		rc = EXIT_OK;
	drops_free(&d);
	return rc;
}

int cmd_drop(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	if (!strcmp(verb, "--help")) {
		printf("usage: " PROG " drop add NAME URL [--role police|bank] "
		       "[--user USER [--password-file FILE|-]]\n"
		       "           [--netrc | --netrc-file FILE] [--ssh-key "
		       "FILE] [--known-hosts FILE] [--ca FILE]\n"
		       "       " PROG " drop remove NAME\n"
		       "       " PROG " drop list\n");
		return EXIT_OK;
	}
	if (tool_db_path() != 0)
		return EXIT_SYSTEM;
	if (!strcmp(verb, "add"))
		return drop_add(argc, argv);
	if (!strcmp(verb, "list")) {
		if (argc != 2)
			return tool_usage("drop", "%s", "list takes nothing");
		return drop_list();
	}
	if (!strcmp(verb, "remove")) {
		if (argc != 3)
			return tool_usage("drop", "%s", "remove takes NAME");
		return drop_remove(argv[2]);
	}
	return tool_usage("drop", "unknown verb '%s' (add, remove, list)",
			  verb);
}
