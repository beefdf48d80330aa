/* serve.h: scamdex serve, the HTTP look-up service (libmicrohttpd): the
 * JSON API under /v1/, the web page at /, bearer tokens with roles, rate
 * limits and the audit log. One file per job:
 *   cmd_serve.c  options, start, signals, stop
 *   http.c       libmicrohttpd: requests, bodies, responses, routing,
 *                authentication and rate limiting
 *   api.c        the endpoints
 *   batch.c      POST /v1/check: the batch, its answer streamed
 *   limits.c     per-token buckets, the token cache, enumeration
 *   auditq.c     the audit records' queue and its writer thread
 *   svg.c        links graph to SVG (Graphviz's libgvc)
 *   qr.c         QR codes in uploaded images (libzbar)
 *   embedded.c   the web page and openapi.json (generated at build) */
#ifndef SCAMDEX_SERVE_H
#define SCAMDEX_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../access.h"
#include "../cli.h"
#include "../token.h"

/* The largest request body, and the most identifiers in one batch. */
#define SERVE_BODY_MAX (64u << 20)
#define SERVE_BATCH_MAX 1000000u
/* A batch's answer is made in chunks of this many identifiers by one
 * thread per core, at most two chunks per thread ahead of the socket; a
 * batch of one chunk is answered at once (Content-Length), a larger one
 * streamed (chunked transfer encoding). */
#define SERVE_BATCH_CHUNK 8192u
/* A QR upload: grey pixels, at most this many. */
#define SERVE_QR_PIXELS_MAX (4096u * 4096u)

/* ---- limits.c ---- */
struct rate {
	double per_sec; /* 0: no limit */
	double burst;
	uint32_t enum_unknown; /* look-ups of unreported identifiers per
				  10 minutes that flag enumeration; 0 off */
};
/* The documented defaults per role. */
void limits_defaults(struct rate rates[ROLE_COUNT]);
/* "ROLE=RATE[/BURST[/ENUM]]"; -1 when malformed. */
int limits_parse(struct rate rates[ROLE_COUNT], const char *spec);

struct limits;
struct limits *limits_new(const struct rate rates[ROLE_COUNT]);
void limits_free(struct limits *l);
/* Resolve a bearer token (cached for a second; a revoked token stops
 * within that). 0 and name/role, SDX_ENOTFOUND for an unknown or revoked
 * token, another SDX code on a database error. */
int limits_auth(struct limits *l, sdx_db *db, const uint8_t *key,
		const char *token, size_t len, struct who *w);
/* Take cost from the token's bucket: 0, or the seconds to wait. */
unsigned limits_take(struct limits *l, const char *name, int role, double cost);
/* Count look-ups (and how many were of unreported identifiers) for the
 * token; 1 when its recent look-ups look like enumeration. */
int limits_note(struct limits *l, const char *name, int role, size_t lookups,
		size_t unknown);

/* ---- auditq.c ---- */
struct auditq;
struct auditq *auditq_start(sdx_db *db);
/* Queue one record (copied). */
void auditq_push(struct auditq *q, const char *rec, size_t len);
/* Write what is queued and stop the writer. */
void auditq_stop(struct auditq *q);

/* ---- svg.c ---- */
/* Lay out DOT text and render SVG into out; 0 or -1 (msg says why). */
int svg_render(const char *dot, size_t len, struct cli_buf *out, char *msg,
	       size_t msgsize);

/* ---- qr.c ---- */
/* Decode the QR codes of a grey image (w x h bytes). Each payload is
 * given to cb in turn. The count, or -1. */
int qr_decode(const uint8_t *grey, unsigned w, unsigned h,
	      void (*cb)(const char *data, size_t len, void *ctx), void *ctx);

/* ---- embedded.c ---- */
struct embedded {
	const char *path; /* "/", "/app.js", "/v1/openapi.json" */
	const char *type;
	const unsigned char *data;
	size_t len;
};
extern const struct embedded embedded_files[];
extern const size_t embedded_count;

/* ---- the server ---- */
struct server {
	sdx_db *db;
	uint8_t tkey[TOKEN_KEY_LEN];
	int have_tkey;
	pthread_mutex_t tkey_mtx;
	char office[SDX_OFFICE_MAX + 1];
	struct limits *limits;
	struct auditq *audit;
	unsigned batch_threads;
	int32_t today; /* SDX_DATE_NONE: today at each request */
};

/* A response being made. */
struct resp {
	unsigned status;
	const char *type;
	struct cli_buf body;
	const unsigned char *static_data; /* instead of body: not freed */
	size_t static_len;
	/* instead of body: the answer made as the socket drains (size
	 * unknown: chunked), read with libmicrohttpd's content reader
	 * contract (bytes, -1 at the end, -2 on an error), then freed */
	ssize_t (*reader)(void *cls, uint64_t pos, char *buf, size_t max);
	void (*reader_free)(void *cls);
	void *reader_cls;
	unsigned retry_after; /* 429: Retry-After */
	int www_auth;	      /* 401: WWW-Authenticate */
};

/* A request, once its body is in. */
struct req {
	struct server *srv;
	void *con; /* struct MHD_Connection */
	const char *method, *path;
	const char *body;
	size_t body_len;
	struct cli_buf *body_buf; /* the body's buffer: an endpoint may take
				     it (a streamed batch keeps it) */
	const char *ctype;
	struct who who;
};

/* The value of query parameter name, or NULL. */
const char *req_arg(const struct req *r, const char *name);

/* {"error":{"code":code,"message":...}} with status. */
void resp_error(struct resp *o, unsigned status, const char *code,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* JSON's white space. */
static inline int json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- api.c ---- endpoints; each fills o ---- */
/* The audience asked for (?audience=) capped by the role; -1 and an
 * error in o when it is not a known one. */
int audience_of(struct req *r, struct resp *o);
/* Queue the finished record (flag may be NULL). */
void audit_push(struct req *r, struct audit_rec *rec, const char *flag);
/* "enumeration" when the token's recent look-ups look like it, else
 * NULL (counts them: limits_note). */
const char *enum_flag(struct req *r, size_t lookups, size_t unknown);
/* Every interpretation answered as audit items into b; returns n. */
size_t audit_interps(struct cli_buf *b, const sdx_interp *it, size_t n);

void api_check(struct req *r, struct resp *o);
void api_check_batch(struct req *r, struct resp *o);
void api_show(struct req *r, struct resp *o);
void api_links(struct req *r, struct resp *o);
void api_stats(struct req *r, struct resp *o);
void api_report_add(struct req *r, struct resp *o);
void api_report_state(struct req *r, struct resp *o, const char *hex,
		      const char *action);
void api_qr(struct req *r, struct resp *o);
void api_whoami(struct req *r, struct resp *o);
void api_bank(struct req *r, struct resp *o);

/* ---- http.c ---- */
struct http;
/* Listen on addr ("127.0.0.1:8080", "[::1]:0"); threads 0: one per
 * core. cert and key: PEM contents for TLS, or NULL. The port bound is
 * put in *port. NULL (msg says why) on failure. */
struct http *http_start(struct server *srv, const char *addr, unsigned threads,
			const char *cert, const char *key, unsigned *port,
			char *msg, size_t msgsize);
void http_stop(struct http *h);

#endif
