/* handle.c: placeholder */
#include "norm.h"

int norm_is_handle(const char *in, size_t len)
{
	return len > 0 && in[0] == '@';
}

int norm_handle(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	(void)out;
	return norm_fail(err, SDX_EKIND, SDX_KIND_HANDLE, 0,
			 "handle: not built yet");
}
