/* scamdex/error.h: status codes shared by every libscamdex function.
 *
 * Every fallible function returns int: 0 on success, a negative SDX_E* code
 * on failure. The SDX_E* band (-40000 .. -40099) is clear of LMDB's (just
 * under -30780); positive values are errno values passed through (ENOMEM,
 * EACCES, ENOSPC...). sdx_strerror() reads any of them. */
#ifndef SCAMDEX_ERROR_H
#define SCAMDEX_ERROR_H

#include <scamdex/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SDX_API
#define SDX_API __attribute__((visibility("default")))
#endif

enum sdx_status {
	SDX_OK = 0,

	/* general */
	SDX_EINVAL = -40000,	/* a bad argument (NULL, out of range) */
	SDX_ETOOLONG = -40001,	/* an input longer than its documented limit */
	SDX_ENOTFOUND = -40002, /* no such report, identifier or record */
	SDX_EEXISTS = -40003,	/* already in that state (e.g. retracted) */
	SDX_ENOMEM = -40004,	/* out of memory */
	SDX_EIO = -40005,	/* a read or write failed; see errno */

	/* normalization: the input is not an identifier of the kind tried */
	SDX_ESYNTAX = -40010,	 /* a character that has no place there */
	SDX_ELENGTH = -40011,	 /* wrong number of digits or characters */
	SDX_EPREFIX = -40012,	 /* unassigned prefix, area or country code */
	SDX_EBANK = -40013,	 /* bank name, code or BIN not known */
	SDX_ECHECKSUM = -40014,	 /* IBAN mod-97 or VietQR CRC mismatch */
	SDX_ETLV = -40015,	 /* malformed VietQR TLV structure */
	SDX_EAMBIGUOUS = -40016, /* auto-detection found several kinds */
	SDX_EKIND = -40017,  /* no kind recognized, or the kind is unknown */
	SDX_EEMPTY = -40018, /* empty input */
	SDX_EUTF8 = -40019,  /* invalid UTF-8 */

	/* store */
	SDX_ENODB = -40030,	/* no database at that path (read-only open) */
	SDX_ESCHEMA = -40031,	/* database written by a newer schema */
	SDX_ECORRUPT = -40032,	/* a record that cannot be decoded */
	SDX_EREADONLY = -40033, /* write on a read-only handle or directory */
	SDX_EBUSY = -40034,	/* another writer holds the database */
	SDX_EDB = -40035,	/* another LMDB failure */
	SDX_EFULL = -40036,	/* the disk is full (the map itself grows) */
	SDX_EVERSION = -40037,	/* library/program or format version mismatch */

	/* sync */
	SDX_EBUNDLE = -40050,	 /* malformed or truncated bundle */
	SDX_ESIGNATURE = -40051, /* a signature does not verify */
	SDX_EUNTRUSTED = -40052, /* sender or origin not in the trust list */
	SDX_EBUNDLESUM = -40053, /* bundle checksum mismatch */
	SDX_EKEY = -40054,	 /* key file missing, unreadable or malformed */
	SDX_EGAP = -40055,	 /* operations missing before this bundle's */
	SDX_EROLE = -40056,	 /* no role, or the role does not allow it */
	SDX_EADDRESS = -40057,	 /* a bundle addressed to another office */
	SDX_EKEYMODE = -40058,	 /* key file readable by group or others */
};

/* A description of any status code (SDX_E*, LMDB's, errno), starting with
 * the code's name, e.g. "SDX_ENODB: no database at this path". Never NULL;
 * the string is static. */
SDX_API const char *sdx_strerror(int status);

/* The code's name alone ("SDX_ENODB"), or "errno" / "unknown". Static. */
SDX_API const char *sdx_status_name(int status);

#ifdef __cplusplus
}
#endif

#endif /* SCAMDEX_ERROR_H */
