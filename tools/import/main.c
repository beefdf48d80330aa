/* main.c: scamdex-import: options, the database, batches and totals.
 *
 * Every row read is accepted, a known duplicate, or rejected with a
 * reason; the last line on standard error says so:
 *   read N = accepted A + duplicate D + rejected R
 * Rows go to the database in batches of --batch rows, one write
 * transaction each: a kill leaves the database as after the last commit,
 * and a re-run adds exactly what is missing (report ids are content
 * hashes). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "import.h"

#define BATCH_MIN 256
#define IMP_EINTR 2 /* a reader stops: interrupted */
/* Memory. The store holds a batch's reports until the commit: 64 bytes
 * a report, 24 per identifier, the identifiers' keys and, at the commit,
 * 24 bytes a report for the order of the ids, in memory up to 16 MiB an
 * array and then in an unlinked file next to the database
 * (core/store/bigmem.c); the encoded reports, about 220 bytes each, past
 * 16 MiB in another (core/store/spill.c). Those are page cache, not
 * anonymous memory. When it cannot map the file writable (see
 * core/store/db.c), LMDB keeps the pages a write transaction changes in
 * anonymous memory, which grows with the batch and the database. Large
 * batches are what make the import fast: a batch rewrites the tables
 * its reports land in (a sorted merge, core/store/merge.c, or puts that
 * copy every page they touch), so the fewer batches the less is
 * rewritten (5,077,947 reports at 10 million identifiers: in one batch
 * 58 CPU seconds and a 3.2 GB file, in six of 600,000 to 1,000,000 100
 * CPU seconds and 5.4 GB). So --batch defaults to IMP_BATCH_MAX rows,
 * and adapts should the memory still grow: it halves when a commit takes
 * the memory past ANON_MAX (and for every ANON_STEP more), doubles while
 * the memory after a commit stays under ANON_MAX / 2 and grows by a
 * quarter up to ANON_MAX; never above --batch. A batch is also committed
 * early if, while rows are added, the memory passes ANON_MAX and grows by
 * a quarter of it beyond what the commits left (checked every ANON_EVERY
 * rows). */
#define ANON_MAX ((size_t)160 << 20)
#define ANON_EVERY 256
static size_t anon_bytes(void);

struct importer {
	sdx_db *db;
	sdx_batch *batch;
	size_t batch_size, in_batch; /* --batch, rows in the open batch */
	size_t batch_cur;	     /* the adaptive size, <= batch_size */
	size_t anon_high;	     /* highest memory seen after a commit */
	size_t anon_mark;	     /* memory at the last halving, 0: none */
	uint64_t read, accepted, duplicate, rejected;
	uint64_t warned; /* rows accepted with a warning (reader's count) */
	size_t warn_shown;
	uint64_t pend_accepted, pend_duplicate; /* in the open batch */
	size_t last_line;
	/* the open batch's first row: where a failed commit's loss starts */
	const char *first_fname;
	size_t first_line;
	FILE *rejects;
	const char *reject_path;
	const char *fname;
	struct colmap *map;
	struct row_defaults def;
	struct progress progress;
	uint64_t bytes_before; /* of the files already read */
	int db_status;
	struct pipe *pipe; /* NULL: rows go to the store in the reader's
			      thread */
	uint64_t queued;   /* rows handed to the store thread */
};

static volatile sig_atomic_t interrupted;
static sdx_report report; /* reused for every row (about 9 KiB) */

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

const struct colmap *imp_colmap(const struct importer *imp)
{
	return imp->map;
}

const char *imp_filename(const struct importer *imp)
{
	return imp->fname;
}

void imp_progress(struct importer *imp, uint64_t bytes)
{
	progress_update(&imp->progress, imp->pipe ? imp->queued : imp->read,
			imp->bytes_before + bytes);
}

/* While rows are added: has memory grown past ANON_MAX beyond what the
 * last commits left (LMDB keeps its freed pages for reuse)? */
static int over_memory(const struct importer *imp)
{
	size_t anon = anon_bytes();
	return anon > ANON_MAX && anon > imp->anon_high + ANON_MAX / 4;
}

/* After a commit: size the next batch (see ANON_MAX). Past the bound,
 * every further ANON_STEP the memory takes halves the batch: the pages
 * LMDB keeps grow with the batch and, slowly, with the database. */
#define ANON_STEP ((size_t)8 << 20)
static void adapt(struct importer *imp)
{
	size_t anon = anon_bytes(), b = imp->batch_cur;

	if (anon == 0)
		return;
	if (anon > ANON_MAX) {
		if (imp->anon_mark == 0 || anon > imp->anon_mark + ANON_STEP) {
			b = b / 2 > BATCH_MIN ? b / 2 : BATCH_MIN;
			imp->anon_mark = anon;
		}
	} else if (anon < ANON_MAX / 2) {
		b *= 2;
	} else if (imp->anon_mark == 0) {
		b += b / 4;
	}
	imp->batch_cur = b < imp->batch_size ? b : imp->batch_size;
	if (anon > imp->anon_high)
		imp->anon_high = anon;
}

static int commit(struct importer *imp)
{
	int rc;

	if (!imp->batch)
		return 0;
	size_t stored = 0;
	progress_writing(&imp->progress, imp->in_batch);
	if (!imp->pipe) /* else the reader's thread draws */
		progress_redraw(&imp->progress);
	rc = sdx_batch_commit_counted(imp->batch, &stored);
	progress_writing(&imp->progress, 0);
	imp->batch = NULL;
	imp->in_batch = 0;
	if (rc != 0) {
		/* the batch is lost: its rows were not imported */
		imp->read -= imp->pend_accepted + imp->pend_duplicate;
		imp->pend_accepted = imp->pend_duplicate = 0;
		imp->db_status = rc;
		return rc;
	}
	/* a bulk batch finds at commit the rows the database held */
	imp->accepted += imp->pend_accepted - stored;
	imp->duplicate += imp->pend_duplicate + stored;
	imp->pend_accepted = imp->pend_duplicate = 0;
	adapt(imp);
	return 0;
}

/* Count a refused row and write it to the reject file (or say it on
 * standard error). 0, or IMP_EUSAGE when the reject file fails. */
static int put_reject(struct importer *imp, const char *fname, size_t line,
		      const char *column, const char *reason, const char *raw,
		      size_t rawlen)
{
	imp->read++;
	imp->rejected++;
	if (imp->rejects) {
		char num[24];
		int n = snprintf(num, sizeof num, "%zu", line);
		int rc = csv_put_field(imp->rejects, fname, strlen(fname));
		fputc(',', imp->rejects);
		fwrite(num, 1, (size_t)n, imp->rejects);
		fputc(',', imp->rejects);
		rc |= csv_put_field(imp->rejects, column, strlen(column));
		fputc(',', imp->rejects);
		rc |= csv_put_field(imp->rejects, reason, strlen(reason));
		fputc(',', imp->rejects);
		rc |= csv_put_field(imp->rejects, raw, rawlen);
		fputc('\n', imp->rejects);
		if (rc != 0 || ferror(imp->rejects)) {
			fprintf(stderr, "scamdex-import: %s: %s\n",
				imp->reject_path, strerror(errno));
			return IMP_EUSAGE;
		}
	} else {
		fprintf(stderr, "scamdex-import: %s:%zu: %s%s%s\n", fname, line,
			column, column[0] ? ": " : "", reason);
	}
	return 0;
}

/* Add one report to the open batch (opened if need be), committing it
 * when full. 0, IMP_EUSAGE (reject file) or a database status. */
static int put_report(struct importer *imp, const char *fname, size_t line,
		      const sdx_report *r, const char *raw, size_t rawlen)
{
	int added = 0, rc;

	if (!imp->batch) {
		rc = sdx_batch_begin_bulk(imp->db, &imp->batch);
		/* sized once for the whole batch: memory not yet written
		 * is not resident, and growing step by step cost 2% */
		if (rc == 0)
			rc = sdx_batch_reserve(imp->batch, imp->batch_cur);
		if (rc != 0) {
			if (imp->batch)
				sdx_batch_abort(imp->batch);
			imp->batch = NULL;
			imp->db_status = rc;
			return rc;
		}
	}
	rc = sdx_batch_add(imp->batch, r, NULL, &added);
	if (rc != 0) {
		/* the store refuses this report (not the database failing) */
		if (rc == SDX_EINVAL || rc == SDX_ETOOLONG ||
		    (rc <= SDX_ESYNTAX && rc >= SDX_EUTF8))
			return put_reject(imp, fname, line, "",
					  sdx_strerror(rc), raw, rawlen);
		sdx_batch_abort(imp->batch);
		imp->batch = NULL;
		imp->read -= imp->pend_accepted + imp->pend_duplicate;
		imp->pend_accepted = imp->pend_duplicate = 0;
		imp->db_status = rc;
		return rc;
	}
	imp->read++;
	if (imp->in_batch == 0) {
		imp->first_fname = fname;
		imp->first_line = line;
	}
	if (added)
		imp->pend_accepted++;
	else
		imp->pend_duplicate++;
	imp->last_line = line;
	if (++imp->in_batch >= imp->batch_cur ||
	    (imp->in_batch % ANON_EVERY == 0 && over_memory(imp)))
		return commit(imp);
	return 0;
}

/* ---- the store thread ----
 * The reader's thread parses rows and maps them to reports; a second
 * thread adds them to the batch and commits (the batch's transaction
 * never leaves that thread). Between them: a bounded queue of chunks,
 * each a byte buffer of packed records (a report's fields and strings,
 * or a refusal, each with its row's line and text), taken in order, so
 * rejects keep their order and line numbers. A database or reject-file
 * failure in the store thread stops it taking rows: the reader's next
 * call returns that status, as if the row had failed there; rows read
 * after it are dropped uncounted, as the one-thread importer never read
 * them. Commands (commit, abort, quit) ride the queue and the reader
 * waits for their result. */
#define PIPE_CHUNK ((size_t)1 << 20)
/* At most 48 MiB in flight: about 100,000 rows, which the reader parses
 * while the store thread commits a batch (the reader then waits only for
 * the rest of the commit). The chunks become resident as they are first
 * used; the batch sizing leaves them out of the memory it watches. */
#define PIPE_CHUNKS 48
static atomic_size_t pipe_resident; /* bytes of chunks used so far */

enum { REC_ROW = 1, REC_REJECT, REC_CMD };
enum { CMD_NONE, CMD_SYNC, CMD_COMMIT, CMD_ABORT, CMD_QUIT };

struct rec {
	uint32_t size; /* of the record, header included, 8-aligned */
	uint8_t type;
	uint8_t cmd;
	uint8_t n_idents;
	uint8_t collen;
	size_t line;
	const char *fname;
	uint32_t rawlen, reasonlen;
	/* a report's fields */
	int32_t incident_date, received_date;
	int32_t category, channel, confirmation, audience;
	int64_t amount;
	uint16_t slen[6]; /* origin, agency, case_ref, narrative, labels */
	uint8_t kind[SDX_REPORT_IDENTS_MAX], role[SDX_REPORT_IDENTS_MAX];
	uint16_t ilen[SDX_REPORT_IDENTS_MAX];
	/* then: column, reason, the strings, the identifiers, the row */
};

struct chunk {
	size_t len;
	unsigned char *buf;
};

struct pipe {
	pthread_t thread;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	struct chunk chunks[PIPE_CHUNKS];
	size_t head, count;	  /* full chunks: chunks[head..head+count) */
	size_t cur;		  /* the chunk the reader fills */
	size_t used;		  /* chunks[0..used) have been filled */
	int cmd_result, cmd_done; /* the last command's result, and done */
	atomic_int stop;	  /* the store thread's failure, 0 if none */
	sdx_report report;
};

static size_t rec_align(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Hand the chunk being filled to the store thread and take the next
 * free one (waiting while all are in flight). */
static void pipe_flush(struct pipe *p)
{
	pthread_mutex_lock(&p->mtx);
	p->count++;
	pthread_cond_broadcast(&p->cond);
	while (p->count == PIPE_CHUNKS)
		pthread_cond_wait(&p->cond, &p->mtx);
	p->cur = (p->head + p->count) % PIPE_CHUNKS;
	pthread_mutex_unlock(&p->mtx);
	p->chunks[p->cur].len = 0;
	if (p->cur + 1 > p->used) {
		p->used = p->cur + 1;
		atomic_store(&pipe_resident, p->used * PIPE_CHUNK);
	}
}

/* Room for a record of n bytes in the chunk being filled. */
static struct rec *pipe_room(struct pipe *p, size_t n)
{
	struct chunk *c = &p->chunks[p->cur];
	if (c->len + n > PIPE_CHUNK) {
		pipe_flush(p);
		c = &p->chunks[p->cur];
	}
	struct rec *r = (struct rec *)(void *)(c->buf + c->len);
	memset(r, 0, sizeof *r);
	r->size = (uint32_t)n;
	c->len += n;
	return r;
}

static int pipe_reject(struct pipe *p, const char *fname, size_t line,
		       const char *column, const char *reason, const char *raw,
		       size_t rawlen)
{
	size_t cl = strnlen(column, 255), rl = strlen(reason);
	struct rec *r = pipe_room(p, rec_align(sizeof *r + cl + rl + rawlen));
	char *d = (char *)(r + 1);
	r->type = REC_REJECT;
	r->line = line;
	r->fname = fname;
	r->collen = (uint8_t)cl;
	r->reasonlen = (uint32_t)rl;
	r->rawlen = (uint32_t)rawlen;
	memcpy(d, column, cl);
	memcpy(d + cl, reason, rl);
	if (rawlen)
		memcpy(d + cl + rl, raw, rawlen);
	return 0;
}

static void pipe_report(struct pipe *p, const char *fname, size_t line,
			const sdx_report *rp, const char *raw, size_t rawlen)
{
	const char *str[6] = {rp->origin,	  rp->agency,
			      rp->case_ref,	  rp->narrative,
			      rp->category_label, rp->channel_label};
	size_t slen[6], n = sizeof(struct rec) + rawlen;
	size_t ilen[SDX_REPORT_IDENTS_MAX];
	for (int i = 0; i < 6; i++)
		n += slen[i] = strlen(str[i]);
	for (size_t i = 0; i < rp->n_idents; i++)
		n += ilen[i] = strlen(rp->idents[i].canonical);
	struct rec *r = pipe_room(p, rec_align(n));
	char *d = (char *)(r + 1);
	r->type = REC_ROW;
	r->line = line;
	r->fname = fname;
	r->rawlen = (uint32_t)rawlen;
	r->incident_date = rp->incident_date;
	r->received_date = rp->received_date;
	r->category = rp->category;
	r->channel = rp->channel;
	r->confirmation = rp->confirmation;
	r->audience = rp->audience;
	r->amount = rp->amount;
	for (int i = 0; i < 6; i++) {
		r->slen[i] = (uint16_t)slen[i];
		memcpy(d, str[i], slen[i]);
		d += slen[i];
	}
	r->n_idents = (uint8_t)rp->n_idents;
	for (size_t i = 0; i < rp->n_idents; i++) {
		r->kind[i] = (uint8_t)rp->idents[i].kind;
		r->role[i] = (uint8_t)rp->idents[i].role;
		r->ilen[i] = (uint16_t)ilen[i];
		memcpy(d, rp->idents[i].canonical, ilen[i]);
		d += ilen[i];
	}
	if (rawlen)
		memcpy(d, raw, rawlen);
}

/* The store thread's side of a record. */
static int take_row(struct importer *imp, struct pipe *p, const struct rec *r)
{
	sdx_report *out = &p->report;
	const char *d = (const char *)(r + 1);
	char *dst[6] = {out->origin,	     out->agency,
			out->case_ref,	     out->narrative,
			out->category_label, out->channel_label};
	for (int i = 0; i < 6; i++) {
		memcpy(dst[i], d, r->slen[i]);
		dst[i][r->slen[i]] = '\0';
		d += r->slen[i];
	}
	out->incident_date = r->incident_date;
	out->received_date = r->received_date;
	out->category = r->category;
	out->channel = r->channel;
	out->confirmation = r->confirmation;
	out->audience = r->audience;
	out->amount = r->amount;
	out->n_idents = r->n_idents;
	for (size_t i = 0; i < r->n_idents; i++) {
		out->idents[i].kind = (sdx_kind)r->kind[i];
		out->idents[i].role = (sdx_role)r->role[i];
		memcpy(out->idents[i].canonical, d, r->ilen[i]);
		out->idents[i].canonical[r->ilen[i]] = '\0';
		d += r->ilen[i];
	}
	return put_report(imp, r->fname, r->line, out, d, r->rawlen);
}

static int take_reject(struct importer *imp, const struct rec *r)
{
	const char *d = (const char *)(r + 1);
	char column[256], reason[IMP_REASON_MAX + 64];
	size_t rl =
	    r->reasonlen < sizeof reason - 1 ? r->reasonlen : sizeof reason - 1;
	memcpy(column, d, r->collen);
	column[r->collen] = '\0';
	memcpy(reason, d + r->collen, rl);
	reason[rl] = '\0';
	return put_reject(imp, r->fname, r->line, column, reason,
			  d + r->collen + r->reasonlen, r->rawlen);
}

static void *store_thread(void *arg)
{
	struct importer *imp = arg;
	struct pipe *p = imp->pipe;
	int quit = 0;

	while (!quit) {
		pthread_mutex_lock(&p->mtx);
		while (p->count == 0)
			pthread_cond_wait(&p->cond, &p->mtx);
		struct chunk *c = &p->chunks[p->head];
		pthread_mutex_unlock(&p->mtx);

		int cmd = CMD_NONE, res = 0;
		for (size_t off = 0; off < c->len;) {
			const struct rec *r =
			    (const struct rec *)(const void *)(c->buf + off);
			int rc = 0;
			off += r->size;
			if (r->type == REC_CMD) {
				cmd = r->cmd;
				if (cmd == CMD_COMMIT)
					res = commit(imp);
				else if (cmd == CMD_ABORT && imp->batch) {
					sdx_batch_abort(imp->batch);
					imp->batch = NULL;
				}
				quit = cmd == CMD_QUIT;
				continue;
			}
			if (atomic_load(&p->stop))
				continue;
			rc = r->type == REC_ROW ? take_row(imp, p, r)
						: take_reject(imp, r);
			if (rc)
				atomic_store(&p->stop, rc);
		}

		pthread_mutex_lock(&p->mtx);
		p->head = (p->head + 1) % PIPE_CHUNKS;
		p->count--;
		if (cmd != CMD_NONE) {
			p->cmd_result = res;
			p->cmd_done = 1;
		}
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->mtx);
	}
	return NULL;
}

/* Run a command in the store thread after every row handed to it, and
 * wait for it: its result (commit's status). */
static int pipe_cmd(struct importer *imp, int cmd)
{
	struct pipe *p = imp->pipe;
	if (!p) {
		if (cmd == CMD_COMMIT)
			return commit(imp);
		if (cmd == CMD_ABORT && imp->batch) {
			sdx_batch_abort(imp->batch);
			imp->batch = NULL;
		}
		return 0;
	}
	struct rec *r = pipe_room(p, rec_align(sizeof *r));
	r->type = REC_CMD;
	r->cmd = (uint8_t)cmd;
	pthread_mutex_lock(&p->mtx);
	p->cmd_done = 0;
	pthread_mutex_unlock(&p->mtx);
	pipe_flush(p);
	pthread_mutex_lock(&p->mtx);
	while (!p->cmd_done) {
		/* while the store thread writes, the bar says so */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->cond, &p->mtx, &until);
		if (!p->cmd_done) {
			pthread_mutex_unlock(&p->mtx);
			progress_redraw(&imp->progress);
			pthread_mutex_lock(&p->mtx);
		}
	}
	int res = p->cmd_result;
	pthread_mutex_unlock(&p->mtx);
	return res;
}

/* The store thread's failure (0 if none); valid after pipe_cmd. */
static int pipe_stopped(const struct importer *imp)
{
	return imp->pipe ? atomic_load(&imp->pipe->stop) : 0;
}

static int pipe_start(struct importer *imp)
{
	struct pipe *p = calloc(1, sizeof *p);
	sigset_t all, old;
	int ok = p != NULL;

	for (size_t i = 0; ok && i < PIPE_CHUNKS; i++)
		ok = (p->chunks[i].buf = malloc(PIPE_CHUNK)) != NULL;
	if (ok && (pthread_mutex_init(&p->mtx, NULL) != 0 ||
		   pthread_cond_init(&p->cond, NULL) != 0))
		ok = 0;
	if (ok) {
		atomic_init(&p->stop, 0);
		p->used = 1; /* chunks[0] is filled first */
		atomic_store(&pipe_resident, PIPE_CHUNK);
		imp->pipe = p;
		/* signals are the reader's: it stops at the next row */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		ok = pthread_create(&p->thread, NULL, store_thread, imp) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!ok) {
			imp->pipe = NULL;
			atomic_store(&pipe_resident, 0);
		}
	}
	if (!ok && p) {
		for (size_t i = 0; i < PIPE_CHUNKS; i++)
			free(p->chunks[i].buf);
		free(p);
	}
	return ok ? 0 : -1;
}

static void pipe_end(struct importer *imp)
{
	struct pipe *p = imp->pipe;
	if (!p)
		return;
	pipe_cmd(imp, CMD_QUIT);
	pthread_join(p->thread, NULL);
	imp->pipe = NULL;
	atomic_store(&pipe_resident, 0);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->mtx);
	for (size_t i = 0; i < PIPE_CHUNKS; i++)
		free(p->chunks[i].buf);
	free(p);
}

/* ---- the readers' callbacks ---- */

int imp_reject(struct importer *imp, size_t line, const char *column,
	       const char *reason, const char *raw, size_t rawlen)
{
	int rc;
	if (imp->pipe) {
		if ((rc = pipe_stopped(imp)))
			return rc;
		imp->queued++;
		rc = pipe_reject(imp->pipe, imp->fname, line, column, reason,
				 raw, rawlen);
	} else {
		rc = put_reject(imp, imp->fname, line, column, reason, raw,
				rawlen);
	}
	if (rc)
		return rc;
	return interrupted ? IMP_EINTR : 0;
}

/* A row accepted with a warning: said on standard error, the first
 * WARN_SHOWN of them. */
#define WARN_SHOWN 20
static void warn(struct importer *imp, size_t line, const struct reject *rej)
{
	imp->warned++;
	if (imp->warn_shown < WARN_SHOWN)
		fprintf(stderr, "scamdex-import: %s:%zu: %s: %s\n", imp->fname,
			line, rej->warn_column, rej->warning);
	else if (imp->warn_shown == WARN_SHOWN)
		fprintf(stderr, "scamdex-import: more warnings not shown\n");
	imp->warn_shown++;
}

int imp_row(struct importer *imp, size_t line, const struct row *row,
	    const char *raw, size_t rawlen)
{
	struct reject rej;
	int rc;

	if (imp->pipe && (rc = pipe_stopped(imp)))
		return rc;
	if (row_to_report(row, &imp->def, &report, &rej) != 0)
		return imp_reject(imp, line, rej.column, rej.reason, raw,
				  rawlen);
	if (rej.warnings)
		warn(imp, line, &rej);
	if (imp->pipe) {
		imp->queued++;
		pipe_report(imp->pipe, imp->fname, line, &report, raw, rawlen);
	} else if ((rc = put_report(imp, imp->fname, line, &report, raw,
				    rawlen)) != 0) {
		return rc;
	}
	return interrupted ? IMP_EINTR : 0;
}

/* Anonymous resident memory, from /proc/self/statm (resident - shared),
 * less the store thread's queue; 0 if unknown. Read every ANON_EVERY rows: the
 * file stays open and is read again from its start. */
static size_t anon_bytes(void)
{
	static int fd = -2;
	static size_t page;
	char buf[128];
	unsigned long size, resident, shared;
	ssize_t n;

	if (fd == -2) {
		fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
		page = (size_t)sysconf(_SC_PAGESIZE);
	}
	if (fd < 0)
		return 0;
	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%lu %lu %lu", &size, &resident, &shared) != 3 ||
	    resident < shared)
		return 0;
	size_t anon = (size_t)(resident - shared) * page;
	size_t queue = atomic_load(&pipe_resident);
	return anon > queue ? anon - queue : 0;
}

/* ---- main ---- */

/* Every input, opened and looked at before anything is written. */
struct input {
	const char *name;
	FILE *fp;
	int has_digest;
	int known; /* imported before under this origin */
	uint8_t digest[16];
};

static void inputs_close(struct input *in, int n)
{
	for (int i = 0; i < n; i++)
		if (in[i].fp && in[i].fp != stdin)
			fclose(in[i].fp);
}

/* 0, or the exit status (message printed). */
static int inputs_open(const struct options *o, struct input *in,
		       uint64_t *total_bytes)
{
	for (int i = 0; i < (o->nfiles ? o->nfiles : 1); i++) {
		const char *name = o->nfiles ? o->files[i] : "-";
		struct stat st;
		in[i].name = name;
		if (strcmp(name, "-") == 0) {
			in[i].fp = stdin;
		} else if (!(in[i].fp = fopen(name, "rb"))) {
			fprintf(stderr, "scamdex-import: %s: %s\n", name,
				strerror(errno));
			return 2;
		} else if (fstat(fileno(in[i].fp), &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				fprintf(stderr,
					"scamdex-import: %s: is a directory\n",
					name);
				return 2;
			}
			if (S_ISREG(st.st_mode))
				*total_bytes += (uint64_t)st.st_size;
		}
		in[i].has_digest = seen_digest(in[i].fp, in[i].digest) == 0;
		int rc = input_prepare(&in[i].fp, name, o->encoding);
		if (rc)
			return rc == IMP_EUSAGE ? 2 : 3;
	}
	return 0;
}

/* The reject file, with its header. 0, or the exit status. */
static int rejects_open(struct importer *imp)
{
	if (!imp->reject_path)
		return 0;
	/* 0600, and a planted symlink is not followed */
	int fd =
	    strcmp(imp->reject_path, "-") == 0
		? -1
		: open(imp->reject_path,
		       O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		       0600);
	imp->rejects = strcmp(imp->reject_path, "-") == 0 ? stdout
		       : fd >= 0			  ? fdopen(fd, "w")
							  : NULL;
	if (!imp->rejects) {
		fprintf(stderr, "scamdex-import: %s: %s\n", imp->reject_path,
			strerror(errno));
		return 2;
	}
	fputs("file,line,column,reason,row\n", imp->rejects);
	return 0;
}

/* The database: created only at the default path or with --create (a
 * mistyped --db must not make a new, empty database); the origin said
 * when none was given; the inputs checked against the files imported
 * before. 0, or the exit status. */
static int db_open(const struct options *o, struct importer *imp,
		   struct input *in, int n, char *path, size_t size,
		   char *origin)
{
	int named, rc;
	if (db_path(o->db_opt, path, size, &named) != 0)
		return usage_error("%s", "no database path: use --db, "
					 "SCAMDEX_DB or HOME");
	rc = sdx_db_open(path, named && !o->create ? 0 : SDX_OPEN_CREATE,
			 &imp->db);
	if (rc == SDX_ENODB) {
		fprintf(stderr,
			"scamdex-import: %s: no database there (check the "
			"path, or add --create to make a new one)\n",
			path);
		return 3;
	}
	if (rc != 0) {
		fprintf(stderr, "scamdex-import: %s: %s\n", path,
			sdx_strerror(rc));
		return 3;
	}
	if (o->def.origin) {
		snprintf(origin, SDX_OFFICE_MAX + 1, "%s", o->def.origin);
	} else {
		sdx_db_office(imp->db, origin, SDX_OFFICE_MAX + 1);
		if (!o->quiet)
			fprintf(stderr,
				"scamdex-import: origin: this database's "
				"office, '%s' (--origin names another)\n",
				origin);
	}
	for (int i = 0; i < n; i++)
		if (in[i].has_digest &&
		    (rc = seen_check(imp->db, in[i].name, in[i].digest, origin,
				     o->force, &in[i].known)) != 0)
			return rc;
	return 0;
}

/* Read every input into the store. The reader's status. */
static int import_all(const struct options *o, struct importer *imp,
		      struct input *in, int n, const char *origin)
{
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct stat st;
		uint64_t held = imp->accepted + imp->duplicate;
		imp->fname = in[i].name;
		if (fstat(fileno(in[i].fp), &st) != 0 || !S_ISREG(st.st_mode))
			st.st_size = 0;
		if (file_format(o->fmt, in[i].name) == FMT_JSONL)
			rc = jsonl_read(imp, in[i].fp, in[i].name);
		else
			rc = csv_read(imp, in[i].fp, in[i].name);
		imp->bytes_before += (uint64_t)st.st_size;
		if (in[i].fp != stdin)
			fclose(in[i].fp);
		in[i].fp = NULL;
		/* every row read has reached the store; its failure is the
		 * reader's, as in one thread */
		pipe_cmd(imp, CMD_SYNC);
		if (pipe_stopped(imp))
			rc = pipe_stopped(imp);
		if (rc == 0 && pipe_cmd(imp, CMD_COMMIT) != 0)
			rc = imp->db_status;
		/* remembered once it brought reports in: a file all of whose
		 * rows were refused leaves the database as it was */
		if (rc == 0 && in[i].has_digest && !in[i].known &&
		    imp->accepted + imp->duplicate > held &&
		    (rc = sdx_db_file_remember(imp->db, in[i].digest,
					       origin)) != 0)
			imp->db_status = rc;
	}
	/* a reader stopped by a usage error or a signal: keep what was read */
	if (rc == IMP_EUSAGE || rc == IMP_EINTR)
		pipe_cmd(imp, CMD_COMMIT);
	else if (imp->batch)
		pipe_cmd(imp, CMD_ABORT);
	return rc;
}

/* The exit status of a finished import, its last message said. */
static int import_status(struct importer *imp, const char *path, int rc)
{
	int status = 0;
	if (imp->db_status != 0) {
		if (imp->first_fname)
			fprintf(stderr,
				"scamdex-import: %s: %s (the rows from %s "
				"line %zu on were not imported)\n",
				path, sdx_strerror(imp->db_status),
				imp->first_fname, imp->first_line);
		else
			fprintf(stderr,
				"scamdex-import: %s: %s (no row was "
				"imported)\n",
				path, sdx_strerror(imp->db_status));
		status = 3;
	} else if (rc == IMP_EINTR) {
		fprintf(stderr,
			"scamdex-import: interrupted after %s line %zu\n",
			imp->fname, imp->last_line);
		status = 130;
	} else if (rc == IMP_EUSAGE) {
		status = 2;
	} else if (imp->rejected > 0) {
		status = 1;
	}
	if (imp->rejects && imp->rejects != stdout &&
	    fclose(imp->rejects) != 0) {
		fprintf(stderr, "scamdex-import: %s: %s\n", imp->reject_path,
			strerror(errno));
		if (status < 2)
			status = 2;
	} else if (imp->rejects == stdout && fflush(stdout) != 0 &&
		   status < 2) {
		status = 2;
	}
	return status;
}

int main(int argc, char **argv)
{
	static struct importer imp;
	static struct options opt;
	char path[4096], origin[SDX_OFFICE_MAX + 1];
	uint64_t total_bytes = 0;
	struct sigaction sa;
	int status, rc, n;

	if (sdx_version() != SDX_VERSION_NUMBER) {
		fprintf(stderr,
			"scamdex-import: built for libscamdex %s, running "
			"with %s\n",
			SDX_VERSION_STRING, sdx_version_string());
		return 3;
	}
	if ((status = options_parse(argc, argv, &opt)) >= 0)
		return status;
	imp.batch_size = imp.batch_cur = opt.batch_size;
	imp.def = opt.def;
	imp.reject_path = opt.reject_path;
	n = opt.nfiles ? opt.nfiles : 1;
	struct input *in = calloc((size_t)n, sizeof *in);
	if (!in)
		return 3;
	if ((status = inputs_open(&opt, in, &total_bytes)) ||
	    (status = colmap_new(&imp.map) ? 3 : 0) ||
	    (opt.map_path &&
	     (status = colmap_load(imp.map, opt.map_path) ? 2 : 0)) ||
	    (status = rejects_open(&imp)) ||
	    (status = db_open(&opt, &imp, in, n, path, sizeof path, origin))) {
		/* before any row was read */
		inputs_close(in, n);
		if (imp.rejects && imp.rejects != stdout)
			fclose(imp.rejects);
		sdx_db_close(imp.db);
		colmap_free(imp.map);
		free(in);
		return status;
	}
	imp.def.today = sdx_date_today();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	progress_start(&imp.progress, !opt.quiet && isatty(STDERR_FILENO),
		       total_bytes);
	/* a second thread for the store; without it, one thread does all */
	if (opt.threads > 1)
		pipe_start(&imp);
	rc = import_all(&opt, &imp, in, n, origin);
	pipe_end(&imp);
	progress_end(&imp.progress);
	status = import_status(&imp, path, rc);
	sdx_db_close(imp.db);
	colmap_free(imp.map);
	free(in);
	fprintf(stderr,
		"read %llu = accepted %llu + duplicate %llu + rejected %llu",
		(unsigned long long)imp.read, (unsigned long long)imp.accepted,
		(unsigned long long)imp.duplicate,
		(unsigned long long)imp.rejected);
	if (imp.warned)
		fprintf(stderr, " (%llu accepted with warnings)",
			(unsigned long long)imp.warned);
	fputc('\n', stderr);
	return status;
}
