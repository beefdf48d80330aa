/* cmd_dispute.c: scamdex dispute (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_dispute(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex dispute: not built yet\n");
	return EXIT_SYSTEM;
}
