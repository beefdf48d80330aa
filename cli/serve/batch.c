/* batch.c: POST /v1/check, a batch of identifiers (a JSON array of strings
 * or JSON Lines). The whole body is parsed first (a malformed line is a
 * 400 before any answer); the answer is then made in chunks of
 * SERVE_BATCH_CHUNK identifiers by one thread per core while the socket
 * drains, at most two chunks per thread ahead of it: memory stays a few
 * megabytes where a million identifiers answer 370 MB. The audit record
 * holds every identifier looked up, in order, with its verdict. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../render/render.h"
#include "serve.h"

/* ---- the body ---- */

struct item { /* a body is at most SERVE_BODY_MAX bytes */
	uint32_t off;
	uint32_t n : 31;
	uint32_t side : 1; /* in the decoded-strings buffer */
};

struct batch {
	const char *body;
	struct cli_buf side; /* decoded strings with escapes */
	struct item *items;
	size_t n, cap;
	int array;
	char msg[256];
};

static int add_item(struct batch *b, size_t off, size_t n, int side)
{
	if (b->n == SERVE_BATCH_MAX) {
		snprintf(b->msg, sizeof b->msg,
			 "more than %u identifiers in one batch",
			 SERVE_BATCH_MAX);
		return -1;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		struct item *it = realloc(b->items, cap * sizeof *it);
		if (!it) {
			snprintf(b->msg, sizeof b->msg, "out of memory");
			return -1;
		}
		b->items = it;
		b->cap = cap;
	}
	b->items[b->n++] = (struct item){
	    (uint32_t)off, (uint32_t)n & 0x7fffffff, (uint32_t)side};
	return 0;
}

/* A JSON string literal at s (len bytes, s[0] == '"'): its end (past the
 * closing quote) in *end; the item added, decoded by jansson when it
 * has escapes. */
static int string_item(struct batch *b, const char *s, size_t len, size_t *end)
{
	int esc = 0;
	size_t i = 1;
	for (; i < len && s[i] != '"'; i++) {
		if (s[i] == '\\') {
			esc = 1;
			i++;
		}
	}
	if (i >= len) {
		snprintf(b->msg, sizeof b->msg, "byte %zu: unterminated string",
			 (size_t)(s - b->body));
		return -1;
	}
	*end = i + 1;
	if (!esc)
		return add_item(b, (size_t)(s + 1 - b->body), i - 1, 0);
	json_error_t je;
	json_t *j = json_loadb(s, i + 1, JSON_DECODE_ANY, &je);
	if (!json_is_string(j)) {
		json_decref(j);
		snprintf(b->msg, sizeof b->msg, "byte %zu: %s",
			 (size_t)(s - b->body), je.text);
		return -1;
	}
	size_t off = b->side.len, n = json_string_length(j);
	cli_buf_put(&b->side, json_string_value(j), n);
	json_decref(j);
	return add_item(b, off, n, 1);
}

/* A JSON array of strings. */
static int parse_array(struct batch *b, const char *s, size_t len)
{
	size_t i = 1; /* past '[' */
	int need_item = 0;
	for (;;) {
		while (i < len && json_ws(s[i]))
			i++;
		if (i < len && s[i] == ']' && !need_item) {
			i++;
			break;
		}
		if (i >= len || s[i] != '"') {
			snprintf(b->msg, sizeof b->msg,
				 "byte %zu: expected a string (a JSON array "
				 "of strings)",
				 i);
			return -1;
		}
		size_t used;
		if (string_item(b, s + i, len - i, &used))
			return -1;
		i += used;
		while (i < len && json_ws(s[i]))
			i++;
		if (i < len && s[i] == ',') {
			i++;
			need_item = 1;
			continue;
		}
		need_item = 0;
		if (i < len && s[i] == ']') {
			i++;
			break;
		}
		snprintf(b->msg, sizeof b->msg, "byte %zu: expected ',' or ']'",
			 i);
		return -1;
	}
	while (i < len && json_ws(s[i]))
		i++;
	if (i != len) {
		snprintf(b->msg, sizeof b->msg,
			 "byte %zu: text after the array", i);
		return -1;
	}
	return 0;
}

/* JSON Lines: each line a JSON string, or the bare identifier. */
static int parse_lines(struct batch *b, const char *s, size_t len)
{
	size_t line = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) : len;
		size_t a = i, z = e;
		line++;
		while (a < z && json_ws(s[a]))
			a++;
		while (z > a && json_ws(s[z - 1]))
			z--;
		if (z > a && s[a] == '"') {
			size_t used;
			if (string_item(b, s + a, z - a, &used))
				return -1;
			if (a + used != z) {
				snprintf(b->msg, sizeof b->msg,
					 "line %zu: text after the string",
					 line);
				return -1;
			}
		} else if (z > a && add_item(b, a, z - a, 0)) {
			return -1;
		}
		i = e + 1;
	}
	return 0;
}

/* ---- the answer, chunk by chunk ---- */

enum { SLOT_FREE, SLOT_BUSY, SLOT_READY };

/* One chunk's answer and audit items. */
struct slot {
	struct cli_buf out, aud;
	size_t ids;	/* identifiers looked up */
	size_t naud;	/* audit items: one per interpretation */
	size_t unknown; /* identifiers answered "unknown" */
	int state;
	int rc; /* an SDX code: the chunk stopped at a database error */
};

struct stream {
	struct req r; /* srv and who (copied); the body below */
	struct cli_buf body;
	struct batch b;
	int aud;
	int32_t today;
	size_t nchunks;
	pthread_mutex_t m;
	pthread_cond_t ready; /* a chunk became ready */
	pthread_cond_t room;  /* a slot became free, or stop */
	size_t next;	      /* the next chunk to make */
	size_t head;	      /* the chunk being sent */
	size_t off;	      /* its bytes already sent */
	int stop;
	struct slot *slots; /* chunk k in slots[k % nslots] */
	unsigned nslots;
	pthread_t *threads;
	unsigned nthreads;
	struct audit_rec rec;
	size_t done, unknown; /* identifiers in rec */
	int recorded;	      /* rec pushed */
};

/* Chunk k's identifiers into s, with the array's "[\n" before the first
 * and "\n]\n" after the last (the other items end with ",\n"). */
static void make_chunk(struct stream *st, size_t k, struct slot *s)
{
	const struct batch *b = &st->b;
	sdx_db *db = st->r.srv->db;
	sdx_interp res[SDX_INTERP_MAX];
	size_t nres = 0;
	sdx_norm_error err;
	size_t from = k * SERVE_BATCH_CHUNK, to = from + SERVE_BATCH_CHUNK;
	if (to > b->n)
		to = b->n;
	s->out.len = s->aud.len = 0;
	s->ids = s->naud = s->unknown = 0;
	s->rc = 0;
	/* room made once (an answer is about 370 bytes, its audit items
	 * about 40); the slot keeps it for the chunks after */
	cli_buf_reserve(&s->out, (to - from) * 448 + 64);
	cli_buf_reserve(&s->aud, (to - from) * 64);
	if (b->array && k == 0)
		cli_buf_put(&s->out, "[\n", 2);
	for (size_t i = from; i < to; i++) {
		const struct item *it = &b->items[i];
		const char *in = (it->side ? b->side.p : b->body) + it->off;
		int rc = render_check_all(db, SDX_KIND_AUTO, in, it->n,
					  st->today, st->aud, res, &nres, &err);
		if (rc == 0) {
			render_check_all_json(&s->out, in, it->n, res, nres);
			s->naud += audit_interps(&s->aud, res, nres);
			s->unknown +=
			    res[0].result.verdict == SDX_VERDICT_UNKNOWN;
		} else if (cli_is_input_error(rc)) {
			char msg[256];
			cli_input_error_text(rc, &err, msg, sizeof msg);
			render_check_error_json(&s->out, in, it->n, msg);
			audit_item_to(&s->aud, SDX_KIND_AUTO, in, it->n,
				      "invalid");
			s->naud++;
		} else {
			s->rc = rc;
			return;
		}
		s->ids++;
		if (b->array && i + 1 < b->n)
			cli_buf_put(&s->out, ",\n", 2);
		else
			cli_buf_putc(&s->out, '\n');
	}
	if (b->array && k + 1 == st->nchunks)
		cli_buf_put(&s->out, "]\n", 2);
}

/* The chunk's look-ups join the audit record (chunks in order). */
static void record_chunk(struct stream *st, struct slot *s)
{
	audit_items_add(&st->rec, &s->aud, s->naud);
	st->done += s->ids;
	st->unknown += s->unknown;
	s->aud.len = 0;
	s->naud = s->ids = s->unknown = 0;
}

/* The record, once: every identifier looked up (the token's look-ups
 * counted for the enumeration flag). */
static void record_push(struct stream *st)
{
	if (st->recorded)
		return;
	st->recorded = 1;
	if (st->done)
		audit_push(&st->r, &st->rec,
			   enum_flag(&st->r, st->done, st->unknown));
}

/* A thread making chunks in order while there is room. */
static void *maker(void *arg)
{
	struct stream *st = arg;
	pthread_mutex_lock(&st->m);
	for (;;) {
		while (!st->stop && st->next < st->nchunks &&
		       st->next >= st->head + st->nslots)
			pthread_cond_wait(&st->room, &st->m);
		if (st->stop || st->next >= st->nchunks)
			break;
		size_t k = st->next++;
		struct slot *s = &st->slots[k % st->nslots];
		s->state = SLOT_BUSY;
		pthread_mutex_unlock(&st->m);
		make_chunk(st, k, s);
		pthread_mutex_lock(&st->m);
		s->state = SLOT_READY;
		pthread_cond_broadcast(&st->ready);
	}
	pthread_mutex_unlock(&st->m);
	return NULL;
}

/* Stop the makers and free everything; what was looked up is recorded. */
static void stream_free(void *cls)
{
	struct stream *st = cls;
	pthread_mutex_lock(&st->m);
	st->stop = 1;
	pthread_cond_broadcast(&st->room);
	pthread_mutex_unlock(&st->m);
	for (unsigned i = 0; i < st->nthreads; i++)
		pthread_join(st->threads[i], NULL);
	/* chunks made but not sent (the client left, or a database error):
	 * looked up all the same */
	for (size_t k = st->head; k < st->next; k++)
		record_chunk(st, &st->slots[k % st->nslots]);
	record_push(st);
	audit_free(&st->rec);
	for (unsigned i = 0; i < st->nslots; i++) {
		cli_buf_free(&st->slots[i].out);
		cli_buf_free(&st->slots[i].aud);
	}
	free(st->slots);
	free(st->threads);
	pthread_cond_destroy(&st->ready);
	pthread_cond_destroy(&st->room);
	pthread_mutex_destroy(&st->m);
	free(st->b.items);
	cli_buf_free(&st->b.side);
	cli_buf_free(&st->body);
	free(st);
}

/* libmicrohttpd's content reader: the chunks' bytes in order, waiting for
 * the makers when the socket is ahead of them. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	(void)pos;
	pthread_mutex_lock(&st->m);
	for (;;) {
		if (st->head == st->nchunks) {
			record_push(st);
			pthread_mutex_unlock(&st->m);
			return -1; /* MHD_CONTENT_READER_END_OF_STREAM */
		}
		struct slot *s = &st->slots[st->head % st->nslots];
		if (s->state != SLOT_READY) {
			pthread_cond_wait(&st->ready, &st->m);
			continue;
		}
		if (s->rc) {
			/* a database error: the answer cannot be finished;
			 * the client sees the transfer cut */
			fprintf(stderr, "scamdex serve: batch stopped: %s\n",
				sdx_strerror(s->rc));
			st->stop = 1;
			pthread_cond_broadcast(&st->room);
			pthread_mutex_unlock(&st->m);
			return -2; /* MHD_CONTENT_READER_END_WITH_ERROR */
		}
		if (st->off == s->out.len) {
			record_chunk(st, s);
			s->state = SLOT_FREE;
			st->head++;
			st->off = 0;
			pthread_cond_broadcast(&st->room);
			continue;
		}
		break;
	}
	struct slot *s = &st->slots[st->head % st->nslots];
	size_t n = s->out.len - st->off;
	if (n > max)
		n = max;
	size_t off = st->off;
	pthread_mutex_unlock(&st->m);
	/* the slot is the reader's until it is freed */
	memcpy(buf, s->out.p + off, n);
	pthread_mutex_lock(&st->m);
	st->off += n;
	pthread_mutex_unlock(&st->m);
	return (ssize_t)n;
}

static void stream_fail(struct stream *st, struct resp *o, const char *what)
{
	resp_error(o, 500, "internal", "%s", what);
	stream_free(st);
}

void api_check_batch(struct req *r, struct resp *o)
{
	int aud = audience_of(r, o);
	if (aud < 0)
		return;
	struct stream *st = calloc(1, sizeof *st);
	if (!st) {
		resp_error(o, 500, "internal", "out of memory");
		return;
	}
	pthread_mutex_init(&st->m, NULL);
	pthread_cond_init(&st->ready, NULL);
	pthread_cond_init(&st->room, NULL);
	st->r.srv = r->srv;
	st->r.who = r->who;
	st->aud = aud;
	st->today = sdx_date_today();
	audit_begin(&st->rec, &r->who, "check", aud);
	/* the body stays with the answer: the identifiers point into it */
	if (r->body_buf) {
		st->body = *r->body_buf;
		memset(r->body_buf, 0, sizeof *r->body_buf);
	}
	struct batch *b = &st->b;
	b->body = r->body;
	size_t i = 0;
	while (i < r->body_len && json_ws(r->body[i]))
		i++;
	b->array = i < r->body_len && r->body[i] == '[';
	/* room for the items at once: one per line or comma at most */
	size_t guess = 1;
	for (const char *p = r->body, *e = r->body + r->body_len;
	     guess <= SERVE_BATCH_MAX &&
	     (p = memchr(p, b->array ? ',' : '\n', (size_t)(e - p)));
	     p++)
		guess++;
	b->items = malloc(guess * sizeof *b->items);
	b->cap = b->items ? guess : 0;
	int bad = b->array ? parse_array(b, r->body + i, r->body_len - i)
			   : parse_lines(b, r->body, r->body_len);
	if (bad) {
		resp_error(o, 400, "bad_body",
			   "a JSON array of strings or JSON Lines: %s", b->msg);
		stream_free(st);
		return;
	}
	st->nchunks = (b->n + SERVE_BATCH_CHUNK - 1) / SERVE_BATCH_CHUNK;
	if (!st->nchunks)
		st->nchunks = 1; /* the empty answer: "[\n]\n" or nothing */
	unsigned nt = st->nchunks > 1 ? r->srv->batch_threads : 0;
	st->nslots = nt ? 2 * nt : 1;
	st->slots = calloc(st->nslots, sizeof *st->slots);
	st->threads = nt ? calloc(nt, sizeof *st->threads) : NULL;
	if (!st->slots || (nt && !st->threads)) {
		stream_fail(st, o, "out of memory");
		return;
	}
	/* the makers take chunks 1, 2, ... while this thread makes the
	 * first: a database error there is still a 500 */
	st->next = 1;
	st->slots[0].state = SLOT_BUSY;
	for (unsigned k = 0; k < nt; k++) {
		if (pthread_create(&st->threads[k], NULL, maker, st))
			break;
		st->nthreads++;
	}
	if (nt && !st->nthreads) {
		stream_fail(st, o, "cannot start a thread");
		return;
	}
	make_chunk(st, 0, &st->slots[0]);
	pthread_mutex_lock(&st->m);
	st->slots[0].state = SLOT_READY;
	int rc = st->slots[0].rc;
	if (rc || st->nchunks == 1)
		st->stop = 1;
	pthread_mutex_unlock(&st->m);
	if (rc) {
		/* nothing sent: nothing recorded, as for any 500 */
		st->recorded = 1;
		resp_error(o, 500, "database", "%s", sdx_strerror(rc));
		stream_free(st);
		return;
	}
	o->status = 200;
	o->type = b->array ? "application/json" : "application/x-ndjson";
	if (st->nchunks == 1) {
		/* one chunk: answered at once, its buffer moved */
		o->body = st->slots[0].out;
		memset(&st->slots[0].out, 0, sizeof st->slots[0].out);
		st->head = 1;
		record_chunk(st, &st->slots[0]);
		record_push(st);
		stream_free(st);
		return;
	}
	/* the record's room at once, guessed from the first chunk's items */
	cli_buf_reserve(&st->rec.b,
			st->slots[0].aud.len * st->nchunks * 9 / 8 + 4096);
	o->reader = stream_read;
	o->reader_free = stream_free;
	o->reader_cls = st;
}
