/* error.c: one table of status codes, read by sdx_strerror(). */
#include <scamdex/error.h>

#include <string.h>

#include "lmdb_errors.h"

struct code_text {
	int code;
	const char *name;
	const char *text;
};

static const struct code_text codes[] = {
    {SDX_OK, "SDX_OK", "SDX_OK: success"},
    {SDX_EINVAL, "SDX_EINVAL", "SDX_EINVAL: invalid argument"},
    {SDX_ETOOLONG, "SDX_ETOOLONG", "SDX_ETOOLONG: input longer than its limit"},
    {SDX_ENOTFOUND, "SDX_ENOTFOUND", "SDX_ENOTFOUND: not found"},
    {SDX_EEXISTS, "SDX_EEXISTS", "SDX_EEXISTS: already in that state"},
    {SDX_ENOMEM, "SDX_ENOMEM", "SDX_ENOMEM: out of memory"},
    {SDX_EIO, "SDX_EIO", "SDX_EIO: input/output error"},
    {SDX_ESYNTAX, "SDX_ESYNTAX", "SDX_ESYNTAX: unexpected character"},
    {SDX_ELENGTH, "SDX_ELENGTH", "SDX_ELENGTH: wrong length"},
    {SDX_EPREFIX, "SDX_EPREFIX", "SDX_EPREFIX: unassigned prefix or code"},
    {SDX_EBANK, "SDX_EBANK", "SDX_EBANK: unknown bank"},
    {SDX_ECHECKSUM, "SDX_ECHECKSUM",
     "SDX_ECHECKSUM: check digits or CRC do not match"},
    {SDX_ETLV, "SDX_ETLV", "SDX_ETLV: malformed VietQR TLV"},
    {SDX_EAMBIGUOUS, "SDX_EAMBIGUOUS",
     "SDX_EAMBIGUOUS: input fits several kinds; name the kind"},
    {SDX_EKIND, "SDX_EKIND", "SDX_EKIND: not an identifier of a known kind"},
    {SDX_EEMPTY, "SDX_EEMPTY", "SDX_EEMPTY: empty input"},
    {SDX_EUTF8, "SDX_EUTF8", "SDX_EUTF8: invalid UTF-8"},
    {SDX_ENODB, "SDX_ENODB", "SDX_ENODB: no database at this path"},
    {SDX_ESCHEMA, "SDX_ESCHEMA",
     "SDX_ESCHEMA: database written by a newer scamdex"},
    {SDX_ECORRUPT, "SDX_ECORRUPT",
     "SDX_ECORRUPT: database or record is corrupted"},
    {SDX_EREADONLY, "SDX_EREADONLY", "SDX_EREADONLY: database is read-only"},
    {SDX_EBUSY, "SDX_EBUSY", "SDX_EBUSY: database is busy (another writer)"},
    {SDX_EDB, "SDX_EDB", "SDX_EDB: database error"},
    {SDX_EFULL, "SDX_EFULL", "SDX_EFULL: disk full"},
    {SDX_EVERSION, "SDX_EVERSION", "SDX_EVERSION: version mismatch"},
    {SDX_EBUNDLE, "SDX_EBUNDLE", "SDX_EBUNDLE: malformed or truncated bundle"},
    {SDX_ESIGNATURE, "SDX_ESIGNATURE",
     "SDX_ESIGNATURE: signature or hash chain does not verify"},
    {SDX_EUNTRUSTED, "SDX_EUNTRUSTED",
     "SDX_EUNTRUSTED: office not in the trust list"},
    {SDX_EBUNDLESUM, "SDX_EBUNDLESUM",
     "SDX_EBUNDLESUM: bundle checksum mismatch"},
    {SDX_EKEY, "SDX_EKEY", "SDX_EKEY: key missing or malformed"},
    {SDX_EGAP, "SDX_EGAP", "SDX_EGAP: operations missing before these"},
    {SDX_EROLE, "SDX_EROLE",
     "SDX_EROLE: no role, or the office's role does not allow it"},
    {SDX_EADDRESS, "SDX_EADDRESS",
     "SDX_EADDRESS: the bundle is addressed to another office"},
    {SDX_EKEYMODE, "SDX_EKEYMODE",
     "SDX_EKEYMODE: the key file is readable by group or others"},
};

static const struct code_text *find(int status)
{
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].code == status)
			return &codes[i];
	return NULL;
}

const char *sdx_strerror(int status)
{
	const struct code_text *c = find(status);
	if (c)
		return c->text;
	if (status > 0)
		return strerror(status);
	const char *l = sdx_lmdb_strerror(status);
	if (l)
		return l;
	return "SDX_EUNKNOWN: unknown status code";
}

const char *sdx_status_name(int status)
{
	const struct code_text *c = find(status);
	if (c)
		return c->name;
	return status > 0 ? "errno" : "unknown";
}
