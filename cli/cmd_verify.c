/* cmd_verify.c: scamdex verify (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_verify(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex verify: not built yet\n");
	return EXIT_SYSTEM;
}
