/* version.c: the runtime twin of the version macros. */
#include <scamdex/version.h>

unsigned sdx_version(void)
{
	return SDX_VERSION_NUMBER;
}

const char *sdx_version_string(void)
{
	return SDX_VERSION_STRING;
}
