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
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import.h"

#define BATCH_DEFAULT 300000
#define BATCH_MIN 256
#define BATCH_MAX 1000000
#define IMP_EINTR 2 /* a reader stops: interrupted */
/* Memory. The store holds a batch's reports until the commit, and, when
 * it cannot map the file writable (see core/store/db.c), LMDB keeps the
 * pages a write transaction changes in anonymous memory (and keeps them
 * for reuse after the commit): both grow with the batch, the second with
 * the database too (reports land all over a large tree). With the
 * writable map, large batches are what make the import fast (each batch
 * rewrites most leaf pages it touches once: 1M reports, batch 200000:
 * 13.5 CPU s, 50000: 15.7, 16384: 24.9; since the bulk batches of
 * 2026-11-29, 508k reports: batch 300000 3.2 CPU s, 200000 4.1) and
 * 300000 rows stay near 125 MiB of anonymous memory. So the batch starts
 * at --batch, and adapts: it halves when a commit takes the memory past
 * ANON_MAX (and for every ANON_STEP more), doubles while the memory
 * after a commit stays under ANON_MAX / 2 and grows by a quarter up to
 * ANON_MAX; never above --batch. A batch is also committed early if,
 * while rows are added, the memory passes ANON_MAX and grows by a
 * quarter of it beyond what the commits left (checked every ANON_EVERY
 * rows): rows with long narratives fill memory sooner. */
#define ANON_MAX ((size_t)144 << 20)
#define ANON_EVERY 256
static size_t anon_bytes(void);

enum { FMT_AUTO, FMT_CSV, FMT_JSONL };

struct importer {
	sdx_db *db;
	sdx_batch *batch;
	size_t batch_size, in_batch; /* --batch, rows in the open batch */
	size_t batch_cur;	     /* the adaptive size, <= batch_size */
	size_t anon_high;	     /* highest memory seen after a commit */
	size_t anon_mark;	     /* memory at the last halving, 0: none */
	uint64_t read, accepted, duplicate, rejected;
	uint64_t pend_accepted, pend_duplicate; /* in the open batch */
	size_t last_line;
	FILE *rejects;
	const char *reject_path;
	const char *fname;
	struct colmap *map;
	struct row_defaults def;
	struct progress progress;
	uint64_t bytes_before; /* of the files already read */
	int db_status;
};

static volatile sig_atomic_t interrupted;
static sdx_report report; /* reused for every row (about 9 KiB) */

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void usage(FILE *fp)
{
	fputs("usage: scamdex-import [--format csv|jsonl] [--map FILE] "
	      "[--origin OFFICE]\n"
	      "                      [--agency NAME] [--audience bank|police] "
	      "[--reject FILE]\n"
	      "                      [--batch N] [--db DIR] [--quiet] "
	      "[FILE ... | -]\n"
	      "Load agency reports (CSV or JSON Lines) into the scamdex "
	      "database.\n"
	      "See scamdex-import(1) for the columns and the exit status.\n",
	      fp);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
							     ...)
{
	va_list ap;

	fputs("scamdex-import: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'scamdex-import --help'.\n", stderr);
	return 2;
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
	progress_update(&imp->progress, imp->read, imp->bytes_before + bytes);
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
	rc = sdx_batch_commit_counted(imp->batch, &stored);
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

int imp_reject(struct importer *imp, size_t line, const char *column,
	       const char *reason, const char *raw, size_t rawlen)
{
	imp->read++;
	imp->rejected++;
	if (imp->rejects) {
		char num[24];
		int n = snprintf(num, sizeof num, "%zu", line);
		int rc =
		    csv_put_field(imp->rejects, imp->fname, strlen(imp->fname));
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
		fprintf(stderr, "scamdex-import: %s:%zu: %s%s%s\n", imp->fname,
			line, column, column[0] ? ": " : "", reason);
	}
	return interrupted ? IMP_EINTR : 0;
}

int imp_row(struct importer *imp, size_t line, const struct row *row,
	    const char *raw, size_t rawlen)
{
	struct reject rej;
	int added = 0, rc;

	if (row_to_report(row, &imp->def, &report, &rej) != 0)
		return imp_reject(imp, line, rej.column, rej.reason, raw,
				  rawlen);
	if (!imp->batch) {
		rc = sdx_batch_begin_bulk(imp->db, &imp->batch);
		if (rc != 0) {
			imp->batch = NULL;
			imp->db_status = rc;
			return rc;
		}
	}
	rc = sdx_batch_add(imp->batch, &report, NULL, &added);
	if (rc != 0) {
		/* the store refuses this report (not the database failing) */
		if (rc == SDX_EINVAL || rc == SDX_ETOOLONG ||
		    (rc <= SDX_ESYNTAX && rc >= SDX_EUTF8))
			return imp_reject(imp, line, "", sdx_strerror(rc), raw,
					  rawlen);
		sdx_batch_abort(imp->batch);
		imp->batch = NULL;
		imp->read -= imp->pend_accepted + imp->pend_duplicate;
		imp->pend_accepted = imp->pend_duplicate = 0;
		imp->db_status = rc;
		return rc;
	}
	imp->read++;
	if (added)
		imp->pend_accepted++;
	else
		imp->pend_duplicate++;
	imp->last_line = line;
	if (++imp->in_batch >= imp->batch_cur ||
	    (imp->in_batch % ANON_EVERY == 0 && over_memory(imp))) {
		if ((rc = commit(imp)) != 0)
			return rc;
	}
	return interrupted ? IMP_EINTR : 0;
}

/* Anonymous resident memory, from /proc/self/statm (resident - shared);
 * 0 if unknown. Read every ANON_EVERY rows: the file stays open and is
 * read again from its start. */
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
	return (size_t)(resident - shared) * page;
}

/* --db, else $SCAMDEX_DB, else $XDG_DATA_HOME/scamdex or
 * ~/.local/share/scamdex (parents created). */
static int db_path(const char *opt, char *buf, size_t size)
{
	const char *env = getenv("SCAMDEX_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	if (opt)
		n = snprintf(buf, size, "%s", opt);
	else if (env && *env)
		n = snprintf(buf, size, "%s", env);
	else {
		if (xdg && xdg[0] == '/')
			n = snprintf(buf, size, "%s/scamdex", xdg);
		else if (home && *home)
			n = snprintf(buf, size, "%s/.local/share/scamdex",
				     home);
		else
			return -1;
		if (n > 0 && (size_t)n < size) {
			/* mkdir -p the parents */
			for (char *p = buf + 1; *p; p++) {
				if (*p != '/')
					continue;
				*p = '\0';
				mkdir(buf, 0755);
				*p = '/';
			}
		}
	}
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static int valid_office(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SDX_OFFICE_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

static int file_format(int fmt, const char *name)
{
	const char *dot = strrchr(name, '.');
	if (fmt != FMT_AUTO)
		return fmt;
	if (dot && (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0 ||
		    strcmp(dot, ".json") == 0))
		return FMT_JSONL;
	return FMT_CSV;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"map", required_argument, NULL, 'm'},
	    {"origin", required_argument, NULL, 'o'},
	    {"agency", required_argument, NULL, 'a'},
	    {"audience", required_argument, NULL, 'A'},
	    {"reject", required_argument, NULL, 'r'},
	    {"batch", required_argument, NULL, 'b'},
	    {"db", required_argument, NULL, 'd'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	static struct importer imp;
	const char *map_path = NULL, *db_opt = NULL;
	char path[4096];
	int fmt = FMT_AUTO, quiet = 0, opt, status = 0, rc = 0;
	int nfiles;
	FILE **files;
	uint64_t total_bytes = 0;
	struct sigaction sa;

	if (sdx_version() != SDX_VERSION_NUMBER) {
		fprintf(stderr,
			"scamdex-import: built for libscamdex %s, running "
			"with %s\n",
			SDX_VERSION_STRING, sdx_version_string());
		return 3;
	}
	imp.batch_size = BATCH_DEFAULT;
	imp.def.audience = SDX_AUD_BANK;
	while ((opt = getopt_long(argc, argv, "f:m:o:a:A:r:b:d:qhV", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				fmt = FMT_CSV;
			else if (strcmp(optarg, "jsonl") == 0)
				fmt = FMT_JSONL;
			else
				return usage_error("unknown format '%s' (csv "
						   "or jsonl)",
						   optarg);
			break;
		case 'm':
			map_path = optarg;
			break;
		case 'o':
			if (!valid_office(optarg))
				return usage_error("bad office id '%s' (1-32 "
						   "of A-Z a-z 0-9 . _ -)",
						   optarg);
			imp.def.origin = optarg;
			break;
		case 'a':
			if (strlen(optarg) > SDX_AGENCY_MAX ||
			    !utf8_valid(optarg, strlen(optarg)))
				return usage_error("bad agency name '%s'",
						   optarg);
			imp.def.agency = optarg;
			break;
		case 'A':
			if (sdx_audience_parse(optarg, strlen(optarg),
					       &imp.def.audience) != 0)
				return usage_error("unknown audience '%s' "
						   "(bank or police)",
						   optarg);
			break;
		case 'r':
			imp.reject_path = optarg;
			break;
		case 'b': {
			char *end;
			long v;
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 1 || v > BATCH_MAX)
				return usage_error("bad batch size '%s' "
						   "(1..1000000)",
						   optarg);
			imp.batch_size = (size_t)v;
			break;
		}
		case 'd':
			db_opt = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
		case 'V':
			printf("scamdex-import %s\n", sdx_version_string());
			return 0;
		default:
			fputs("Try 'scamdex-import --help'.\n", stderr);
			return 2;
		}
	}

	imp.batch_cur = imp.batch_size;

	/* every input is opened before anything is written */
	nfiles = argc - optind;
	if (nfiles == 0)
		nfiles = 1;
	files = calloc((size_t)nfiles, sizeof *files);
	if (!files)
		return 3;
	status = 2;
	for (int i = 0; i < nfiles; i++) {
		const char *name = optind + i < argc ? argv[optind + i] : "-";
		struct stat st;
		if (strcmp(name, "-") == 0) {
			files[i] = stdin;
			continue;
		}
		files[i] = fopen(name, "rb");
		if (!files[i]) {
			fprintf(stderr, "scamdex-import: %s: %s\n", name,
				strerror(errno));
			goto out;
		}
		if (fstat(fileno(files[i]), &st) == 0 && S_ISDIR(st.st_mode)) {
			fprintf(stderr, "scamdex-import: %s: is a directory\n",
				name);
			goto out;
		}
		if (fstat(fileno(files[i]), &st) == 0 && S_ISREG(st.st_mode))
			total_bytes += (uint64_t)st.st_size;
	}
	if (colmap_new(&imp.map) != 0) {
		status = 3;
		goto out;
	}
	if (map_path && colmap_load(imp.map, map_path) != 0)
		goto out;
	if (imp.reject_path) {
		imp.rejects = strcmp(imp.reject_path, "-") == 0
				  ? stdout
				  : fopen(imp.reject_path, "w");
		if (!imp.rejects) {
			fprintf(stderr, "scamdex-import: %s: %s\n",
				imp.reject_path, strerror(errno));
			goto out;
		}
		fputs("file,line,column,reason,row\n", imp.rejects);
	}
	if (db_path(db_opt, path, sizeof path) != 0) {
		status = usage_error("%s", "no database path: use --db, "
					   "SCAMDEX_DB or HOME");
		goto out;
	}
	rc = sdx_db_open(path, SDX_OPEN_CREATE, &imp.db);
	if (rc != 0) {
		fprintf(stderr, "scamdex-import: %s: %s\n", path,
			sdx_strerror(rc));
		status = 3;
		goto out;
	}
	status = 0;
	imp.def.today = sdx_date_today();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	progress_start(&imp.progress, !quiet && isatty(STDERR_FILENO),
		       total_bytes);

	for (int i = 0; i < nfiles && rc == 0; i++) {
		const char *name = optind + i < argc ? argv[optind + i] : "-";
		struct stat st;
		imp.fname = name;
		if (file_format(fmt, name) == FMT_JSONL)
			rc = jsonl_read(&imp, files[i], name);
		else
			rc = csv_read(&imp, files[i], name);
		if (fstat(fileno(files[i]), &st) == 0 && S_ISREG(st.st_mode))
			imp.bytes_before += (uint64_t)st.st_size;
		if (files[i] != stdin)
			fclose(files[i]);
		files[i] = NULL;
		if (rc == 0 && commit(&imp) != 0)
			rc = imp.db_status;
	}
	/* a reader stopped by a usage error or a signal: keep what was read */
	if (rc == IMP_EUSAGE || rc == IMP_EINTR)
		commit(&imp);
	else if (imp.batch) {
		sdx_batch_abort(imp.batch);
		imp.batch = NULL;
	}
	progress_end(&imp.progress);

	if (imp.db_status != 0) {
		fprintf(stderr,
			"scamdex-import: %s: %s (rows after %s line %zu "
			"not imported)\n",
			path, sdx_strerror(imp.db_status), imp.fname,
			imp.last_line);
		status = 3;
	} else if (rc == IMP_EINTR) {
		fprintf(stderr,
			"scamdex-import: interrupted after %s line "
			"%zu\n",
			imp.fname, imp.last_line);
		status = 130;
	} else if (rc == IMP_EUSAGE) {
		status = 2;
	} else if (imp.rejected > 0) {
		status = 1;
	}
	if (imp.rejects && imp.rejects != stdout && fclose(imp.rejects) != 0) {
		fprintf(stderr, "scamdex-import: %s: %s\n", imp.reject_path,
			strerror(errno));
		if (status < 2)
			status = 2;
	} else if (imp.rejects == stdout && fflush(stdout) != 0 && status < 2) {
		status = 2;
	}
	sdx_db_close(imp.db);
	colmap_free(imp.map);
	free(files);
	fprintf(stderr,
		"read %llu = accepted %llu + duplicate %llu + rejected %llu\n",
		(unsigned long long)imp.read, (unsigned long long)imp.accepted,
		(unsigned long long)imp.duplicate,
		(unsigned long long)imp.rejected);
	return status;

out: /* before any row was read */
	for (int i = 0; i < nfiles; i++)
		if (files[i] && files[i] != stdin)
			fclose(files[i]);
	if (imp.rejects && imp.rejects != stdout)
		fclose(imp.rejects);
	colmap_free(imp.map);
	free(files);
	return status;
}
