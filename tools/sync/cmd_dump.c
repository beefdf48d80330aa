/* cmd_dump.c: scamdex-sync dump FILE: every item of a bundle, one line
 * each, in the order of scamdex-bundle(5) (what mdb_dump is to LMDB).
 * Checks the structure and the checksum; the signatures are checked by
 * 'import --check', which knows the trust list. */
#include <string.h>

#include "bundle_io.h"
#include "sync_tool.h"

/* " bank" / " police": the audience a marked operation's chain byte
 * declares; nothing for one written before marks */
static const char *mark_word(int mark)
{
	return mark & SDX_MARK_POLICE ? " police" : mark ? " bank" : "";
}

static void hex(const uint8_t *p, size_t n, int full)
{
	if (!full && n > 8) {
		for (size_t i = 0; i < 8; i++)
			printf("%02x", p[i]);
		printf("...");
		return;
	}
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

int cmd_dump(int argc, char **argv)
{
	sdx_breader r;
	sdx_bitem it;
	int rc, full = 0;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: " PROG " dump [--full] FILE\n");
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--full"))
			full = 1;
		else if (!path && (argv[i][0] != '-' || !argv[i][1]))
			path = argv[i];
		else
			return tool_usage("dump", "unexpected argument '%s'",
					  argv[i]);
	}
	if (!path)
		return tool_usage("dump", "%s", "no bundle named");
	if ((rc = sdx_br_open(&r, path)))
		goto fail;
	while ((rc = sdx_br_next(&r, &it)) == 0) {
		printf("%llu ", (unsigned long long)r.offset);
		switch (it.kind) {
		case SDX_BI_HEADER:
			printf("header format %llu sender %.*s audience %s "
			       "created %llu vector",
			       (unsigned long long)it.format, (int)it.name_len,
			       it.name, sdx_audience_name(it.audience),
			       (unsigned long long)it.created);
			for (size_t i = 0; i < it.n_vv; i++)
				printf(" %s=%llu", r.vv[i].origin,
				       (unsigned long long)r.vv[i].seq);
			break;
		case SDX_BI_ADDRESS:
			printf("address to %.*s", (int)it.name_len, it.name);
			break;
		case SDX_BI_RUN:
			printf("run %.*s first %llu prev ", (int)it.name_len,
			       it.name, (unsigned long long)it.seq);
			hex(it.bytes, it.len, full);
			break;
		case SDX_BI_OP:
			printf("op %llu %s%s body %zu bytes ",
			       (unsigned long long)it.seq,
			       sdx_op_type_name(it.type), mark_word(it.mark),
			       it.len);
			hex(it.bytes, it.len, full);
			break;
		case SDX_BI_REDACTED:
			printf("redacted %llu %s%s digest ",
			       (unsigned long long)it.seq,
			       sdx_op_type_name(it.type), mark_word(it.mark));
			hex(it.bytes, it.len, full);
			break;
		case SDX_BI_SECRET:
			printf("secret %.*s ", (int)it.name_len, it.name);
			hex(it.bytes, it.len, full);
			break;
		case SDX_BI_SEGSIG:
			printf("segment %llu sig ", (unsigned long long)it.seq);
			hex(it.bytes, it.len, full);
			break;
		case SDX_BI_HEAD:
			printf("head %.*s seq %llu clock %llu chain ",
			       (int)it.name_len, it.name,
			       (unsigned long long)it.seq,
			       (unsigned long long)it.clock);
			hex(it.bytes, it.len, full);
			printf(" sig ");
			hex(it.sig, 64, full);
			break;
		case SDX_BI_CHECKSUM:
			printf("checksum ");
			hex(it.bytes, it.len, 1);
			printf(" ok");
			break;
		default:
			printf("signature ");
			hex(it.bytes, it.len, full);
			break;
		}
		putchar('\n');
	}
	if (rc == 1) {
		sdx_br_close(&r);
		return EXIT_OK;
	}
fail:
	fprintf(stderr, PROG ": %s: %s (at byte %llu; %s)\n", path, r.why,
		(unsigned long long)r.offset, sdx_status_name(rc));
	sdx_br_close(&r);
	return tool_status(rc);
}
