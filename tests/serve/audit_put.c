/* audit_put.c: audit-put DB USEC < RECORD: append standard input as one
 * raw audit record stamped USEC (microseconds), through the library. The
 * audit log test writes records of format 0 (JSON text, what scamdex
 * wrote before format 1) with it, to read them beside new ones. */
#include <stdio.h>
#include <stdlib.h>

#include <scamdex/scamdex.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: audit-put DB USEC < RECORD\n");
		return 2;
	}
	static char buf[1 << 20];
	size_t len = fread(buf, 1, sizeof buf, stdin);
	sdx_db *db;
	int rc = sdx_db_open(argv[1], 0, &db);
	if (rc) {
		fprintf(stderr, "audit-put: %s\n", sdx_strerror(rc));
		return 3;
	}
	const void *rec = buf;
	rc = sdx_audit_append(db, strtoll(argv[2], NULL, 10), &rec, &len, 1);
	sdx_db_close(db);
	if (rc) {
		fprintf(stderr, "audit-put: %s\n", sdx_strerror(rc));
		return 3;
	}
	return 0;
}
