/* cmd_serve.c: scamdex serve: options, start, and a clean stop on
 * SIGINT or SIGTERM (queued audit records are written first). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../render/render.h"
#include "serve.h"

static const struct cli_cmd cmd = {
    "serve",
    "usage: scamdex serve [--listen ADDRESS:PORT] [--threads N] "
    "[--tls-cert FILE --tls-key FILE] [--rate ROLE=RATE[/BURST[/ENUM]]]...\n",
    "The look-up service: the JSON API under /v1/ (scamdex-serve(1),\n"
    "/v1/openapi.json) and the web page at /, for callers with a bearer\n"
    "token ('scamdex token add'). Every look-up goes to the audit log.\n"
    "\n"
    "  --listen A:P      where to listen (default 127.0.0.1:8080; port 0\n"
    "                    picks a free one; [::1]:8080 for IPv6)\n"
    "  --threads N       request threads (default: one per core)\n"
    "  --tls-cert FILE   serve HTTPS with this PEM certificate (chain)\n"
    "  --tls-key FILE    and this PEM key, readable by its owner only\n"
    "  --rate R=N[/B[/E]]  role R's limit: N requests a second, bursts\n"
    "                    of B (default 2N), N 0 = no limit; E look-ups of\n"
    "                    unreported identifiers in 10 minutes flag\n"
    "                    enumeration (0 = never). Defaults: teller\n"
    "                    1/20/50, bank-system 1000/2000/100000, police\n"
    "                    5/60/500, analyst 10/100/2000, admin 20/200/2000\n"
    "  -h, --help        this help\n"
    "\n"
    "Prints 'scamdex serve: listening on URL' on standard error once it\n"
    "accepts connections.\n",
};

/* A PEM file into memory (NUL-terminated); key: refused when its mode
 * lets group or others read it. */
static char *read_pem(const char *path, int key)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "scamdex serve: %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (key && (st.st_mode & 077)) {
		fprintf(stderr,
			"scamdex serve: %s: the TLS key is readable by group "
			"or others (mode %03o); it must be private to its "
			"owner: run 'chmod 600 %s'\n",
			path, (unsigned)(st.st_mode & 0777), path);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (1 << 20)) {
		fprintf(stderr, "scamdex serve: %s: not a PEM file\n", path);
		close(fd);
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	ssize_t got = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (got != st.st_size) {
		fprintf(stderr, "scamdex serve: %s: cannot read it\n", path);
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	return buf;
}

/* --rate ROLE=RATE[/BURST[/ENUM]] into the rates p->o->to. */
static int rate_opt(const struct cli_args *p)
{
	if (limits_parse(p->o->to, p->val) == 0)
		return 0;
	cli_usage_error(&cmd,
			"bad --rate '%s' (ROLE=RATE[/BURST[/ENUM]], "
			"e.g. teller=1/20/50)",
			p->val);
	return -1;
}

int cmd_serve(int argc, char **argv)
{
	const char *listen = "127.0.0.1:8080", *cert_path = NULL,
		   *key_path = NULL;
	unsigned long threads = 0;
	struct rate rates[ROLE_COUNT];
	limits_defaults(rates);
	const struct cli_opt opts[] = {
	    CLI_STR("listen", &listen),
	    CLI_UINT("threads", &threads, 64),
	    CLI_STR("tls-cert", &cert_path),
	    CLI_STR("tls-key", &key_path),
	    CLI_CALL("rate", rate_opt, rates, 0),
	    {0},
	};
	int st = cli_args_parse(&cmd, opts, NULL, argc, argv);
	if (st != CLI_GO)
		return st;
	if (!cert_path != !key_path)
		return cli_usage_error(&cmd,
				       "--tls-cert and --tls-key go together");
	char *cert = NULL, *key = NULL;
	if (cert_path && (!(cert = read_pem(cert_path, 0)) ||
			  !(key = read_pem(key_path, 1)))) {
		free(cert);
		return EXIT_USAGE;
	}
	static struct server srv;
	memset(&srv, 0, sizeof srv);
	int rc = cli_db_open(&cmd, CLI_DB_WRITE, &srv.db);
	if (rc) {
		free(cert);
		free(key);
		return rc;
	}
	struct who who;
	if (access_local(&cmd, srv.db, &who) != 0 ||
	    !role_can_admin(who.role)) {
		fprintf(stderr, "scamdex serve: only the database's owner (an "
				"admin) runs the service\n");
		sdx_db_close(srv.db);
		free(cert);
		free(key);
		return EXIT_USAGE;
	}
	if (sdx_db_office(srv.db, srv.office, sizeof srv.office) != 0)
		srv.office[0] = '\0';
	pthread_mutex_init(&srv.tkey_mtx, NULL);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	srv.batch_threads = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (unsigned)ncpu;
	render_init();
	/* signals are taken by sigwait below: every thread blocks them */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv.limits = limits_new(rates);
	srv.audit = auditq_start(srv.db);
	char msg[256];
	unsigned port = 0;
	struct http *h = srv.limits && srv.audit
			     ? http_start(&srv, listen, (unsigned)threads, cert,
					  key, &port, msg, sizeof msg)
			     : NULL;
	if (!srv.limits || !srv.audit)
		snprintf(msg, sizeof msg, "out of memory");
	if (!h) {
		fprintf(stderr, "scamdex serve: %s\n", msg);
		rc = EXIT_SYSTEM;
	} else {
		char host[128];
		snprintf(host, sizeof host, "%s", listen);
		char *colon = strrchr(host, ':');
		if (colon)
			*colon = '\0';
		fprintf(stderr, "scamdex serve: listening on %s://%s:%u/\n",
			cert ? "https" : "http", host, port);
		int sig;
		sigwait(&set, &sig);
		fprintf(stderr, "scamdex serve: stopping (%s)\n",
			sig == SIGINT ? "SIGINT" : "SIGTERM");
		http_stop(h);
		rc = EXIT_CLEAN;
	}
	auditq_stop(srv.audit);
	limits_free(srv.limits);
	pthread_mutex_destroy(&srv.tkey_mtx);
	sdx_db_close(srv.db);
	free(cert);
	free(key);
	return rc;
}
