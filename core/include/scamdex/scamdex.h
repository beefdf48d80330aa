/* scamdex/scamdex.h: libscamdex, the fraud-intelligence database.
 * Include this one header; it pulls in every area:
 *   version.h    SDX_VERSION_* and sdx_version()
 *   error.h      status codes and sdx_strerror()
 *   normalize.h  identifier kinds, canonical forms, VietQR, banks
 *   vocab.h      categories, channels, roles, dates, amounts
 *   db.h         the database: reports, checks, links, stats, verify
 *   sync.h       operation log, version vectors, trust, applying ops
 *   local.h      local tables (tokens, access) and the audit log
 * The manual is libscamdex(3). */
#ifndef SCAMDEX_SCAMDEX_H
#define SCAMDEX_SCAMDEX_H

#include <scamdex/version.h>
#include <scamdex/error.h>
#include <scamdex/normalize.h>
#include <scamdex/vocab.h>
#include <scamdex/db.h>
#include <scamdex/sync.h>
#include <scamdex/bundle.h>
#include <scamdex/local.h>

#endif /* SCAMDEX_SCAMDEX_H */
