/* for_sync.h: what the store gives core/sync beyond the public API
 * (internal to the library; store.h includes it too). */
#ifndef SCAMDEX_FOR_SYNC_H
#define SCAMDEX_FOR_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include <scamdex/sync.h>

/* The database's directory (LMDB's copy), or NULL: where an import's
 * private copy of a large bundle goes. */
const char *store_dir(struct sdx_db *db);
/* Bytes the caller keeps unchanged until the session commits or aborts
 * (an import's mapped private copy): a body among them is kept by its
 * place there, not copied (session.c). */
int sdx_apply_stable(sdx_apply *a, const uint8_t *base, size_t len);

#endif
