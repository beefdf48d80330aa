/* cmd_allow.c: scamdex allow: mark an identifier official. */
#include "cli.h"

static const struct cli_cmd cmd = {
    "allow",
    "usage: scamdex allow [--kind K] [--subdomains] ID --note TEXT\n"
    "       [--by AGENCY]\n",
    "Mark an identifier official (a police hotline, a bank's own number):\n"
    "checks answer OFFICIAL, and reports naming it are flagged as possible\n"
    "spoofing.\n"
    "\n"
    "  --kind K          phone, bank, iban, handle or domain (default: "
    "detect)\n"
    "  --note TEXT       why (required, at most 255 bytes)\n"
    "  --by AGENCY       who does it\n"
    "  --subdomains      a domain: the entry for the domain and all its\n"
    "                    subdomains (refused for a public suffix such as\n"
    "                    github.io or com.vn; gov.XX suffixes allowed)\n"
    "  -h, --help        this help\n",
};

int cmd_allow(int argc, char **argv)
{
	return cli_allowlist(&cmd, 1, argc, argv);
}
