/* transport.c: moving drop files with libcurl (http, https and WebDAV
 * PUT/DELETE, sftp, file). The only file that includes <curl/curl.h>.
 * Every transfer has a connect timeout and a stall timeout, is tried again
 * with a doubling wait after a transient failure, and verifies TLS peers
 * and ssh host keys. Messages never carry a password. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "drop.h"

void xfer_close(xfer *x)
{
	if (x->curl)
		curl_easy_cleanup(x->curl);
	x->curl = NULL;
}

int xfer_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, PROG ": libcurl failed to initialize\n");
		return -1;
	}
	return 0;
}

/* x->err, cut to its size (a URL or path may be long). */
__attribute__((format(printf, 2, 3))) static void seterr(xfer *x,
							 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err, sizeof x->err, fmt, ap);
	va_end(ap);
}

static int is_file(const drop *d)
{
	return !strncmp(d->url, "file://", 7);
}

static int is_sftp(const drop *d)
{
	return !strncmp(d->url, "sftp://", 7);
}

static int is_http(const drop *d)
{
	return !strncmp(d->url, "http", 4);
}

/* The path part of the drop's URL, percent-decoded: file:///a/b/ ->
 * /a/b/; sftp://u@h:p/a/b/ -> /a/b/. */
static int url_path(const drop *d, const char *name, char *out, size_t size)
{
	const char *p = strstr(d->url, "://") + 3;
	size_t o = 0;
	p = strchr(p, '/');
	if (!p)
		return -1;
	for (; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '%' && p[1] && p[2]) {
			char h[3] = {p[1], p[2], 0};
			c = (int)strtol(h, NULL, 16);
			p += 2;
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (strlen(out) + strlen(name) + 1 > size)
		return -1;
	strcat(out, name);
	return 0;
}

static void sleep_for(double s)
{
	struct timespec ts;
	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static CURL *setup(xfer *x, const char *name, char *url, size_t urlsize)
{
	const drop *d = x->d;
	const char *ca = x->o->ca ? x->o->ca : d->ca;
	CURL *c;
	snprintf(url, urlsize, "%s%s", d->url, name);
	/* one handle per drop: its connection (an ssh session, a TLS
	 * session) serves every transfer of the command */
	if (!x->curl && !(x->curl = curl_easy_init()))
		return NULL;
	c = x->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,sftp,file");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, x->o->timeout);
	/* "slow": under 1 byte/s for the timeout is a stall */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, x->o->timeout);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "scamdex-sync");
	if (ca && ca[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (d->user[0])
		curl_easy_setopt(c, CURLOPT_USERNAME, d->user);
	if (d->password[0])
		curl_easy_setopt(c, CURLOPT_PASSWORD, d->password);
	if (d->netrc[0]) {
		curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_REQUIRED);
		if (strcmp(d->netrc, "~"))
			curl_easy_setopt(c, CURLOPT_NETRC_FILE, d->netrc);
	}
	if (is_sftp(d)) {
		char kh[1100];
		const char *home = getenv("HOME");
		if (d->sshkey[0]) {
			char pub[1100];
			curl_easy_setopt(c, CURLOPT_SSH_AUTH_TYPES,
					 (long)CURLSSH_AUTH_PUBLICKEY);
			curl_easy_setopt(c, CURLOPT_SSH_PRIVATE_KEYFILE,
					 d->sshkey);
			snprintf(pub, sizeof pub, "%s.pub", d->sshkey);
			if (access(pub, R_OK) == 0)
				curl_easy_setopt(c, CURLOPT_SSH_PUBLIC_KEYFILE,
						 pub);
		}
		/* Host keys are checked: the drop's known_hosts file, else
		 * ~/.ssh/known_hosts; an unknown host is refused. */
		if (d->known_hosts[0])
			snprintf(kh, sizeof kh, "%s", d->known_hosts);
		else
			snprintf(kh, sizeof kh, "%s/.ssh/known_hosts",
				 home ? home : "");
		curl_easy_setopt(c, CURLOPT_SSH_KNOWNHOSTS, kh);
	}
	return c;
}

/* Worth another try? */
static int transient(CURLcode rc, long http)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSH:
	case CURLE_UPLOAD_FAILED:
		return 1;
	case CURLE_HTTP_RETURNED_ERROR:
		return http >= 500 || http == 408 || http == 429;
	default:
		return 0;
	}
}

static void describe(xfer *x, const char *url, CURLcode rc, long http,
		     const char *detail)
{
	if (rc == CURLE_HTTP_RETURNED_ERROR || (rc == CURLE_OK && http >= 400))
		seterr(x, "%s: HTTP %ld", url, http);
	else
		seterr(x, "%s: %s", url,
		       detail && detail[0] ? detail : curl_easy_strerror(rc));
}

/* Perform with retries; prepare(c, ctx, attempt) is called before every
 * try (to rewind a source or reopen a sink). */
typedef int (*prep_fn)(CURL *c, void *ctx);

static int perform(xfer *x, CURL *c, const char *url, prep_fn prep, void *ctx,
		   long *http_out)
{
	char detail[CURL_ERROR_SIZE];
	double wait = x->o->backoff;
	CURLcode rc = CURLE_OK;
	long http = 0;
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
	for (int attempt = 0;; attempt++) {
		curl_off_t down = 0, up = 0;
		double t = now_seconds();
		detail[0] = '\0';
		if (prep && prep(c, ctx) != 0) {
			seterr(x, "%s: %s", url, strerror(errno));
			return -1;
		}
		rc = curl_easy_perform(c);
		x->last = (int)rc;
		http = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
		curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down);
		curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
		x->bytes += (uint64_t)down + (uint64_t)up;
		x->seconds += now_seconds() - t;
		if (rc == CURLE_OK && http < 400)
			break;
		if (rc == CURLE_OK)
			rc = CURLE_HTTP_RETURNED_ERROR;
		describe(x, url, rc, http, detail);
		if (!transient(rc, http) || attempt >= x->o->retries) {
			if (attempt > 0) {
				size_t l = strlen(x->err);
				snprintf(x->err + l, sizeof x->err - l,
					 " (after %d tries)", attempt + 1);
			}
			if (http_out)
				*http_out = http;
			return -1;
		}
		sleep_for(wait);
		wait *= 2;
	}
	if (http_out)
		*http_out = http;
	return 0;
}

/* ---- GET into memory ---- */

typedef struct membuf {
	char *p;
	size_t len, max;
	int over;
} membuf;

static size_t mem_write(char *p, size_t sz, size_t n, void *ctx)
{
	membuf *m = ctx;
	size_t k = sz * n;
	char *q;
	if (m->len + k > m->max) {
		m->over = 1;
		return 0;
	}
	if (!(q = realloc(m->p, m->len + k + 1)))
		return 0;
	m->p = q;
	memcpy(m->p + m->len, p, k);
	m->len += k;
	m->p[m->len] = '\0';
	return k;
}

static int mem_reset(CURL *c, void *ctx)
{
	membuf *m = ctx;
	(void)c;
	m->len = 0;
	return 0;
}

int xfer_get_mem(xfer *x, const char *name, size_t max, char **out, size_t *len)
{
	char url[DROP_URL_MAX + 128];
	membuf m = {NULL, 0, max, 0};
	CURL *c = setup(x, name, url, sizeof url);
	int rc;
	*out = NULL;
	*len = 0;
	if (!c) {
		seterr(x, "%s", "libcurl: out of memory");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mem_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &m);
	rc = perform(x, c, url, mem_reset, &m, NULL);
	if (m.over) {
		seterr(x, "%s: larger than %zu bytes", url, max);
		rc = -1;
	}
	if (rc) {
		free(m.p);
		return -1;
	}
	if (!m.p && !(m.p = calloc(1, 1))) {
		seterr(x, "%s", "out of memory");
		return -1;
	}
	*out = m.p;
	*len = m.len;
	return 0;
}

/* ---- GET into a file, continuing it ---- */

typedef struct filesink {
	const char *path;
	FILE *f;
	uint64_t start;
	uint64_t have, max; /* bytes in the file; at most this many */
	int restart;	    /* the server ignored the range: from byte 0 */
	int over;	    /* the server sent more than max */
} filesink;

static size_t sink_write(char *p, size_t sz, size_t n, void *ctx)
{
	filesink *s = ctx;
	size_t k = sz * n, room = (size_t)(s->max - s->have);
	size_t w = k < room ? k : room;
	if (s->have > s->max)
		w = 0;
	if (w && fwrite(p, 1, w, s->f) != w)
		return 0;
	s->have += w;
	if (w < k) {
		s->over = 1; /* stop: the rest is not the bundle's */
		return 0;
	}
	return k;
}

static int sink_open(CURL *c, void *ctx)
{
	filesink *s = ctx;
	struct stat st;
	if (s->f)
		fclose(s->f);
	if (s->restart) {
		s->f = fopen(s->path, "wb");
		s->restart = 0;
	} else {
		s->f = fopen(s->path, "ab");
	}
	if (!s->f)
		return -1;
	if (fstat(fileno(s->f), &st) != 0)
		return -1;
	s->start = s->have = (uint64_t)st.st_size;
	curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)s->start);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	return 0;
}

int xfer_get_file(xfer *x, const char *name, const char *path, uint64_t max,
		  uint64_t *resumed)
{
	char url[DROP_URL_MAX + 128];
	filesink s = {path, NULL, 0, 0, max, 0, 0};
	CURL *c = setup(x, name, url, sizeof url);
	int rc;
	long http = 0;
	if (!c) {
		seterr(x, "%s", "libcurl: out of memory");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	rc = perform(x, c, url, sink_open, &s, &http);
	if (rc && s.start > 0 && strstr(x->err, "byte ranges")) {
		/* no ranges here: the whole file again */
		s.restart = 1;
		rc = perform(x, c, url, sink_open, &s, &http);
	}
	/* more than the index says: the first max bytes are kept and the
	 * content address decides */
	if (s.over)
		rc = 0;
	if (resumed)
		*resumed = s.start;
	if (s.f && fclose(s.f) != 0 && !rc) {
		seterr(x, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* ---- PUT ---- */

typedef struct filesrc {
	FILE *f;
	const void *p; /* or memory */
	size_t n, off;
} filesrc;

static size_t mem_read(char *buf, size_t sz, size_t n, void *ctx)
{
	filesrc *s = ctx;
	size_t k = sz * n;
	if (k > s->n - s->off)
		k = s->n - s->off;
	memcpy(buf, (const char *)s->p + s->off, k);
	s->off += k;
	return k;
}

static int src_rewind(CURL *c, void *ctx)
{
	filesrc *s = ctx;
	(void)c;
	if (s->f)
		return fseek(s->f, 0, SEEK_SET);
	s->off = 0;
	return 0;
}

static int put(xfer *x, const char *name, filesrc *s, uint64_t size, int atomic)
{
	char url[DROP_URL_MAX + 128], tmpname[256], path[4200], q1[4400],
	    q2[8800];
	struct curl_slist *post = NULL;
	const char *target = name;
	CURL *c;
	int rc;

	if (is_file(x->d)) {
		char dst[4200];
		if (url_path(x->d, name, dst, sizeof dst) != 0) {
			seterr(x, "%s%s: bad path", x->d->url, name);
			return -1;
		}
		if (snprintf(path, sizeof path, "%s.tmp", dst) >=
		    (int)sizeof path) {
			seterr(x, "%s: path too long", dst);
			return -1;
		}
		FILE *f = fopen(path, "wb");
		uint64_t t0 = 0;
		double st = now_seconds();
		char buf[1 << 16];
		size_t k;
		int err = 0;
		if (!f) {
			seterr(x, "%s: %s", path, strerror(errno));
			return -1;
		}
		src_rewind(NULL, s);
		for (;;) {
			k = s->f ? fread(buf, 1, sizeof buf, s->f)
				 : mem_read(buf, 1, sizeof buf, s);
			if (!k)
				break;
			if (fwrite(buf, 1, k, f) != k) {
				err = errno ? errno : EIO;
				break;
			}
			t0 += k;
		}
		if (!err && (fflush(f) != 0 || fsync(fileno(f)) != 0))
			err = errno;
		if (fclose(f) != 0 && !err)
			err = errno;
		if (!err && rename(path, dst) != 0)
			err = errno;
		x->bytes += t0;
		x->seconds += now_seconds() - st;
		if (err) {
			unlink(path);
			seterr(x, "%s: %s", dst, strerror(err));
			return -1;
		}
		(void)size;
		return 0;
	}
	if (atomic && is_sftp(x->d)) {
		char dir[4200];
		snprintf(tmpname, sizeof tmpname, "%s.tmp", name);
		target = tmpname;
		if (url_path(x->d, "", dir, sizeof dir) != 0) {
			seterr(x, "%s: bad path", x->d->url);
			return -1;
		}
		snprintf(q1, sizeof q1, "*rm \"%s%s\"", dir, name);
		snprintf(q2, sizeof q2, "rename \"%s%s\" \"%s%s\"", dir,
			 tmpname, dir, name);
		post = curl_slist_append(post, q1);
		post = curl_slist_append(post, q2);
	}
	if (!(c = setup(x, target, url, sizeof url))) {
		curl_slist_free_all(post);
		seterr(x, "%s", "libcurl: out of memory");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
	if (s->f) {
		curl_easy_setopt(c, CURLOPT_READFUNCTION, fread);
		curl_easy_setopt(c, CURLOPT_READDATA, s->f);
	} else {
		curl_easy_setopt(c, CURLOPT_READFUNCTION, mem_read);
		curl_easy_setopt(c, CURLOPT_READDATA, s);
	}
	if (post)
		curl_easy_setopt(c, CURLOPT_POSTQUOTE, post);
	if (is_http(x->d))
		curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	rc = perform(x, c, url, src_rewind, s, NULL);
	curl_slist_free_all(post);
	return rc;
}

int xfer_put_file(xfer *x, const char *name, const char *path, int atomic)
{
	filesrc s = {NULL, NULL, 0, 0};
	struct stat st;
	int rc;
	if (!(s.f = fopen(path, "rb")) || fstat(fileno(s.f), &st) != 0) {
		seterr(x, "%s: %s", path, strerror(errno));
		if (s.f)
			fclose(s.f);
		return -1;
	}
	rc = put(x, name, &s, (uint64_t)st.st_size, atomic);
	fclose(s.f);
	return rc;
}

int xfer_put_mem(xfer *x, const char *name, const void *p, size_t n)
{
	filesrc s = {NULL, p, n, 0};
	return put(x, name, &s, n, 1);
}

int xfer_size(xfer *x, const char *name, int64_t *size)
{
	char url[DROP_URL_MAX + 128];
	curl_off_t len = -1;
	long http = 0;
	CURL *c = setup(x, name, url, sizeof url);
	*size = -1;
	if (!c) {
		seterr(x, "%s", "libcurl: out of memory");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	if (perform(x, c, url, NULL, NULL, &http) != 0)
		return http == 404 || http == 410 ||
			       x->last == CURLE_REMOTE_FILE_NOT_FOUND ||
			       x->last == CURLE_FILE_COULDNT_READ_FILE
			   ? 0
			   : -1;
	curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
	*size = len;
	return 0;
}

int xfer_delete(xfer *x, const char *name)
{
	char url[DROP_URL_MAX + 128], path[4200], q[4400];
	struct curl_slist *quote = NULL;
	long http = 0;
	CURL *c;
	int rc;
	if (is_file(x->d)) {
		if (url_path(x->d, name, path, sizeof path) != 0)
			return -1;
		if (unlink(path) != 0 && errno != ENOENT) {
			seterr(x, "%s: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (is_sftp(x->d)) {
		if (url_path(x->d, name, path, sizeof path) != 0)
			return -1;
		snprintf(q, sizeof q, "rm \"%s\"", path);
		quote = curl_slist_append(NULL, q);
		if (!(c = setup(x, "", url, sizeof url)))
			return -1;
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		curl_easy_setopt(c, CURLOPT_QUOTE, quote);
	} else {
		if (!(c = setup(x, name, url, sizeof url)))
			return -1;
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	rc = perform(x, c, url, NULL, NULL, &http);
	if (rc && http == 404)
		rc = 0;
	curl_slist_free_all(quote);
	return rc;
}
