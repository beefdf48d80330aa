/* auditq.c: the service's audit records go through a queue to one
 * writer thread, which appends what has gathered every 20 ms in one
 * transaction: a look-up never waits for the database's writer. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

struct qrec {
	struct qrec *next;
	size_t len;
	char data[];
};

struct auditq {
	sdx_db *db;
	pthread_mutex_t m;
	pthread_cond_t cv;
	struct qrec *head, *tail;
	size_t n;
	int stop;
	pthread_t t;
	int warned;
};

static void write_all(struct auditq *q, struct qrec *list, size_t n)
{
	const void **recs = malloc(n * sizeof *recs);
	size_t *lens = malloc(n * sizeof *lens);
	size_t i = 0;
	for (struct qrec *r = list; r && recs && lens; r = r->next, i++) {
		recs[i] = r->data;
		lens[i] = r->len;
	}
	int rc = recs && lens ? sdx_audit_append(q->db, 0, recs, lens, n)
			      : SDX_ENOMEM;
	if (rc && !q->warned) {
		q->warned = 1;
		fprintf(stderr,
			"scamdex serve: audit records not written: %s\n",
			sdx_strerror(rc));
	}
	free(recs);
	free(lens);
	while (list) {
		struct qrec *next = list->next;
		free(list);
		list = next;
	}
}

static void *writer(void *arg)
{
	struct auditq *q = arg;
	pthread_mutex_lock(&q->m);
	for (;;) {
		while (!q->head && !q->stop)
			pthread_cond_wait(&q->cv, &q->m);
		if (!q->head && q->stop)
			break;
		/* let a burst gather for up to 20 ms */
		if (!q->stop && q->n < 4096) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&q->cv, &q->m, &ts);
		}
		struct qrec *list = q->head;
		size_t n = q->n;
		q->head = q->tail = NULL;
		q->n = 0;
		pthread_mutex_unlock(&q->m);
		if (n)
			write_all(q, list, n);
		pthread_mutex_lock(&q->m);
	}
	pthread_mutex_unlock(&q->m);
	return NULL;
}

struct auditq *auditq_start(sdx_db *db)
{
	struct auditq *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->db = db;
	pthread_mutex_init(&q->m, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->t, NULL, writer, q) != 0) {
		free(q);
		return NULL;
	}
	return q;
}

void auditq_push(struct auditq *q, const char *rec, size_t len)
{
	struct qrec *r = malloc(sizeof *r + len);
	if (!r)
		return;
	r->next = NULL;
	r->len = len;
	memcpy(r->data, rec, len);
	pthread_mutex_lock(&q->m);
	if (q->tail)
		q->tail->next = r;
	else
		q->head = r;
	q->tail = r;
	q->n++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->m);
}

void auditq_stop(struct auditq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->m);
	q->stop = 1;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->m);
	pthread_join(q->t, NULL);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->m);
	free(q);
}
