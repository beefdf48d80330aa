/* http.c: libmicrohttpd: one daemon with a pool of threads (one per
 * core), request bodies gathered up to SERVE_BODY_MAX, authentication,
 * rate limiting, routing, and JSON errors. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve.h"

struct http {
	struct MHD_Daemon *d;
};

/* What a connection gathers while its body comes in. */
struct pending {
	struct cli_buf body;
	int too_big;
};

const char *req_arg(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->con, MHD_GET_ARGUMENT_KIND, name);
}

void resp_error(struct resp *o, unsigned status, const char *code,
		const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	o->status = status;
	o->type = "application/json";
	o->body.len = 0;
	cli_buf_puts(&o->body, "{\"error\":{\"code\":\"");
	cli_buf_puts(&o->body, code);
	cli_buf_puts(&o->body, "\",\"message\":");
	cli_buf_json_str(&o->body, msg, strlen(msg));
	cli_buf_puts(&o->body, "}}\n");
}

static void peer_address(struct MHD_Connection *con, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	buf[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  buf, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			  (socklen_t)size);
}

/* The bearer token: 0 and the caller in r->who, or an error in o. */
static int authenticate(struct req *r, struct resp *o)
{
	struct server *s = r->srv;
	const char *h = MHD_lookup_connection_value(r->con, MHD_HEADER_KIND,
						    "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7)) {
		resp_error(o, 401, "unauthorized",
			   "a bearer token is needed (Authorization: Bearer "
			   "TOKEN; 'scamdex token add')");
		o->www_auth = 1;
		return -1;
	}
	const char *tok = h + 7;
	while (*tok == ' ')
		tok++;
	pthread_mutex_lock(&s->tkey_mtx);
	if (!s->have_tkey && token_key(s->db, s->tkey, 0) == 0)
		s->have_tkey = 1;
	int have = s->have_tkey;
	pthread_mutex_unlock(&s->tkey_mtx);
	int rc = have ? limits_auth(s->limits, s->db, s->tkey, tok, strlen(tok),
				    &r->who)
		      : SDX_ENOTFOUND;
	if (rc == SDX_ENOTFOUND) {
		resp_error(o, 401, "unauthorized", "unknown or revoked token");
		o->www_auth = 1;
		return -1;
	}
	if (rc) {
		resp_error(o, 500, "database", "reading the tokens: %s",
			   sdx_strerror(rc));
		return -1;
	}
	r->who.via = "http";
	peer_address(r->con, r->who.from, sizeof r->who.from);
	return 0;
}

/* A batch costs one plus one per thousand identifiers. */
static double cost_of(const struct req *r)
{
	if (strcmp(r->path, "/v1/check") || strcmp(r->method, "POST"))
		return 1;
	size_t lines = 0;
	for (size_t i = 0; i < r->body_len; i++)
		lines += r->body[i] == '\n' || r->body[i] == ',';
	return 1 + (double)lines / 1000;
}

static int is(const struct req *r, const char *method, const char *path)
{
	return !strcmp(r->method, method) && !strcmp(r->path, path);
}

static void route_api(struct req *r, struct resp *o)
{
	if (authenticate(r, o))
		return;
	unsigned wait =
	    limits_take(r->srv->limits, r->who.name, r->who.role, cost_of(r));
	if (wait) {
		resp_error(o, 429, "rate_limited",
			   "too many requests for token %s (role %s); retry "
			   "in %u s",
			   r->who.name, role_name(r->who.role), wait);
		o->retry_after = wait;
		return;
	}
	const char *p = r->path;
	if (is(r, "GET", "/v1/check"))
		api_check(r, o);
	else if (is(r, "POST", "/v1/check"))
		api_check_batch(r, o);
	else if (is(r, "GET", "/v1/show"))
		api_show(r, o);
	else if (is(r, "GET", "/v1/links"))
		api_links(r, o);
	else if (is(r, "GET", "/v1/stats"))
		api_stats(r, o);
	else if (is(r, "POST", "/v1/reports"))
		api_report_add(r, o);
	else if (is(r, "POST", "/v1/qr"))
		api_qr(r, o);
	else if (is(r, "GET", "/v1/whoami"))
		api_whoami(r, o);
	else if (is(r, "GET", "/v1/bank"))
		api_bank(r, o);
	else if (!strncmp(p, "/v1/reports/", 12) &&
		 !strcmp(r->method, "POST")) {
		/* /v1/reports/{id}/retract|dispute */
		const char *id = p + 12, *slash = strchr(id, '/');
		char hex[40];
		if (slash && (size_t)(slash - id) < sizeof hex &&
		    (!strcmp(slash + 1, "retract") ||
		     !strcmp(slash + 1, "dispute"))) {
			memcpy(hex, id, (size_t)(slash - id));
			hex[slash - id] = '\0';
			api_report_state(r, o, hex, slash + 1);
		} else {
			resp_error(o, 404, "not_found", "no such endpoint: %s",
				   p);
		}
	} else {
		resp_error(o, 404, "not_found", "no such endpoint: %s %s",
			   r->method, p);
	}
}

static void route(struct req *r, struct resp *o)
{
	if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) {
		if (!strcmp(r->path, "/healthz")) {
			o->status = 200;
			o->type = "application/json";
			cli_buf_puts(&o->body, "{\"status\":\"ok\"}\n");
			return;
		}
		for (size_t i = 0; i < embedded_count; i++)
			if (!strcmp(r->path, embedded_files[i].path)) {
				o->status = 200;
				o->type = embedded_files[i].type;
				o->static_data = embedded_files[i].data;
				o->static_len = embedded_files[i].len;
				return;
			}
	}
	if (!strncmp(r->path, "/v1/", 4)) {
		route_api(r, o);
		return;
	}
	resp_error(o, 404, "not_found", "no such page: %s", r->path);
}

static enum MHD_Result reply(struct MHD_Connection *con, struct resp *o)
{
	struct MHD_Response *res;
	if (o->reader) {
		/* the size unknown: chunked transfer encoding (HTTP/1.1), the
		 * connection closed at the end (HTTP/1.0); 64 KiB a read */
		res = MHD_create_response_from_callback(
		    MHD_SIZE_UNKNOWN, 64 * 1024, o->reader, o->reader_cls,
		    o->reader_free);
		if (!res)
			o->reader_free(o->reader_cls);
		o->reader = NULL; /* the response frees it */
	} else if (o->static_data) {
		res = MHD_create_response_from_buffer(o->static_len,
						      (void *)o->static_data,
						      MHD_RESPMEM_PERSISTENT);
	} else {
		res = MHD_create_response_from_buffer(
		    o->body.len, o->body.len ? o->body.p : (void *)"",
		    o->body.len ? MHD_RESPMEM_MUST_FREE
				: MHD_RESPMEM_PERSISTENT);
		if (res && o->body.len)
			o->body.p = NULL; /* MHD frees it */
	}
	if (!res)
		return MHD_NO;
	MHD_add_response_header(res, "Content-Type", o->type);
	MHD_add_response_header(res, "Cache-Control", "no-store");
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(res, "X-Frame-Options", "DENY");
	MHD_add_response_header(res, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(
	    res, "Content-Security-Policy",
	    "default-src 'self'; img-src 'self' data: blob:; "
	    "style-src 'self'; script-src 'self'; frame-ancestors 'none'");
	if (o->retry_after) {
		char v[16];
		snprintf(v, sizeof v, "%u", o->retry_after);
		MHD_add_response_header(res, "Retry-After", v);
	}
	if (o->www_auth)
		MHD_add_response_header(res, "WWW-Authenticate",
					"Bearer realm=\"scamdex\"");
	enum MHD_Result rc = MHD_queue_response(con, o->status, res);
	MHD_destroy_response(res);
	return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *con,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	(void)version;
	struct pending *pd = *con_cls;
	if (!pd) {
		pd = calloc(1, sizeof *pd);
		if (!pd)
			return MHD_NO;
		*con_cls = pd;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!pd->body.cap) {
			/* room for the whole body at once when its length is
			 * told (a batch is tens of megabytes) */
			const char *cl = MHD_lookup_connection_value(
			    con, MHD_HEADER_KIND, "Content-Length");
			unsigned long long want =
			    cl ? strtoull(cl, NULL, 10) : 0;
			if (want > *upload_size && want <= SERVE_BODY_MAX)
				cli_buf_reserve(&pd->body, (size_t)want);
		}
		if (pd->body.len + *upload_size > SERVE_BODY_MAX)
			pd->too_big = 1;
		else if (cli_buf_put(&pd->body, upload, *upload_size))
			pd->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	struct req r;
	struct resp o;
	memset(&r, 0, sizeof r);
	memset(&o, 0, sizeof o);
	r.srv = cls;
	r.con = con;
	r.method = method;
	r.path = url;
	r.body = pd->body.p ? pd->body.p : "";
	r.body_len = pd->body.len;
	r.body_buf = &pd->body;
	r.ctype =
	    MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
	if (pd->too_big)
		resp_error(&o, 413, "too_large",
			   "the request body is larger than %u bytes",
			   SERVE_BODY_MAX);
	else
		route(&r, &o);
	if (!o.type)
		o.type = "application/json";
	enum MHD_Result rc = reply(con, &o);
	cli_buf_free(&o.body);
	return rc;
}

static void completed(void *cls, struct MHD_Connection *con, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)con;
	(void)toe;
	struct pending *pd = *con_cls;
	if (pd) {
		cli_buf_free(&pd->body);
		free(pd);
		*con_cls = NULL;
	}
}

/* "HOST:PORT" or "[V6]:PORT" into sa. */
static int parse_addr(const char *s, struct sockaddr_storage *sa,
		      socklen_t *len)
{
	char host[128];
	const char *colon;
	memset(sa, 0, sizeof *sa);
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' ||
		    (size_t)(end - s - 1) >= sizeof host)
			return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host)
			return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end || port < 0 || port > 65535)
		return -1;
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof *v4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof *v6;
		return 0;
	}
	return -1;
}

struct http *http_start(struct server *srv, const char *addr, unsigned threads,
			const char *cert, const char *key, unsigned *port,
			char *msg, size_t msgsize)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	if (parse_addr(addr, &sa, &salen)) {
		snprintf(msg, msgsize,
			 "bad --listen '%s' (ADDRESS:PORT, e.g. "
			 "127.0.0.1:8080 or [::1]:8080)",
			 addr);
		return NULL;
	}
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
	}
	unsigned flags =
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cert)
		flags |= MHD_USE_TLS;
	struct http *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(msg, msgsize, "out of memory");
		return NULL;
	}
	struct MHD_OptionItem tls[] = {
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key},
	    {MHD_OPTION_END, 0, NULL},
	};
	h->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, handle, srv, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_ARRAY,
	    cert ? tls : tls + 2, MHD_OPTION_END);
	if (!h->d) {
		snprintf(msg, msgsize, "cannot listen on %s: %s", addr,
			 errno ? strerror(errno) : "libmicrohttpd refused");
		free(h);
		return NULL;
	}
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	*port = di ? di->port : 0;
	(void)salen;
	return h;
}

void http_stop(struct http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
