/* drop.h: bundle drops (scamdex-sync drop, push, pull, run). A drop is a
 * URL (http, https/WebDAV, sftp, file) where one office publishes a signed
 * index and the bundles it lists; each office writes only its own drop and
 * reads its peers'. Manual: scamdex-sync(1), DROPS. */
#ifndef SCAMDEX_SYNC_DROP_H
#define SCAMDEX_SYNC_DROP_H

#include <stdint.h>
#include <stdio.h>

#include "sync_tool.h"

#define DROP_URL_MAX 2048
#define DROP_INDEX_NAME "scamdex-index"
#define DROP_INDEX_MAX (4u << 20) /* bytes an index may have */
#define DROP_NAME_LEN 64	  /* hex BLAKE2b-256 */

/* One configured drop (DB/drops.conf, mode 0600). */
typedef struct drop {
	char name[SDX_OFFICE_MAX + 1]; /* the office that publishes there */
	char url[DROP_URL_MAX];	       /* ends with '/' */
	char user[256];		       /* http basic / sftp user, or "" */
	char password[256];	       /* secret: never printed */
	char netrc[1024];	       /* netrc file, or "" */
	char sshkey[1024];	       /* ssh private key file, or "" */
	char known_hosts[1024];	       /* ssh known_hosts file, or "" */
	char ca[1024];		       /* CA bundle for https, or "" */
	char role[16];		       /* "police", "bank" or "" */
} drop;

typedef struct drops {
	drop *v;
	size_t n;
} drops;

/* DB/drops.conf: load (missing file = no drops), save (0600, atomic). 0
 * or -1 after a message. */
int drops_load(drops *d);
int drops_save(const drops *d);
void drops_free(drops *d);
drop *drops_find(drops *d, const char *name);

/* Transfer options shared by push, pull and run. */
typedef struct xfer_opts {
	long timeout;	/* connect timeout and stall time, seconds */
	int retries;	/* further tries after a failure */
	double backoff; /* first wait between tries, seconds (doubles) */
	const char *ca; /* --ca: overrides the drop's */
	long retain;	/* seconds a delisted bundle stays in the own drop */
	int quiet;
} xfer_opts;

int xfer_opt(const char *cmd, int argc, char **argv, int *i, xfer_opts *o);
void xfer_defaults(xfer_opts *o);

/* Transport (transport.c, libcurl). Each returns 0 or -1 with a message
 * in err (never a secret). Byte counters add to *bytes. */
typedef struct xfer {
	const drop *d;
	const xfer_opts *o;
	uint64_t bytes; /* moved over the wire */
	double seconds; /* spent transferring */
	char err[512];
	void *curl; /* the libcurl handle, kept between transfers */
	int last;   /* the last transfer's CURLcode */
} xfer;

int xfer_init(void);
void xfer_close(xfer *x); /* ends the connection */
/* GET url/name into a malloc'd buffer of at most max bytes. */
int xfer_get_mem(xfer *x, const char *name, size_t max, char **out,
		 size_t *len);
/* GET url/name into path, continuing a partial file (a range request);
 * bytes past max are not written (the caller checks what it got). */
int xfer_get_file(xfer *x, const char *name, const char *path, uint64_t max,
		  uint64_t *resumed);
/* PUT path as url/name (through name.tmp and a rename when atomic). */
int xfer_put_file(xfer *x, const char *name, const char *path, int atomic);
int xfer_put_mem(xfer *x, const char *name, const void *p, size_t n);
/* The size of url/name (HEAD, or the sftp/file size); -1 when it is
 * missing. -1 returned only when the drop did not answer. */
int xfer_size(xfer *x, const char *name, int64_t *size);
/* DELETE url/name; a missing file is not an error. */
int xfer_delete(xfer *x, const char *name);

/* The index of a drop (drop_index.c). */
typedef struct index_entry {
	char name[DROP_NAME_LEN + 1];
	char to[SDX_OFFICE_MAX + 1];
	uint64_t size;
} index_entry;

typedef struct drop_index {
	char office[SDX_OFFICE_MAX + 1];
	uint64_t serial, created;
	sdx_vv_entry *vv;
	size_t n_vv;
	index_entry *e;
	size_t n;
} drop_index;

/* Text of a signed index into a malloc'd buffer. */
int index_write(const drop_index *ix, const sdx_key *key, char **out,
		size_t *len);
/* Parse and verify text signed by pubkey of office `office`. 0, or -1
 * with the reason in why. */
int index_read(const char *text, size_t len, const char *office,
	       const uint8_t pubkey[32], drop_index *ix, char *why,
	       size_t whylen);
void index_free(drop_index *ix);

/* Small helpers (drop_conf.c). */
int state_dir(char *buf, size_t size, const char *sub); /* DB/drops[/sub] */
const char *human_bytes(uint64_t n, char buf[32]);
double now_seconds(void);
/* This office's vector from the database, malloc'd. */
int own_vector(sdx_db *db, sdx_vv_entry **vv, size_t *n);

/* push, pull, run: options, lock, then the work (run.c). */
int run_command(const char *cmd, int argc, char **argv);
int cmd_drop(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_run(int argc, char **argv);

int push_all(sdx_db *db, const sdx_key *key, drops *d, const xfer_opts *o);
int pull_all(sdx_db *db, drops *d, const xfer_opts *o, const char *only);

#endif
