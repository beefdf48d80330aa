/* encoding.c: what an office program saved, before a reader sees it.
 *
 * input_prepare looks at the start of every input before anything is
 * written: a workbook (.xlsx, .xls, .ods: by name, or by its ZIP or OLE2
 * signature) is refused with the way to save it as CSV UTF-8; a UTF-16
 * byte order mark (Excel's "Unicode text") or --encoding turns the input
 * into UTF-8 with iconv, each line then NFC-normalized with utf8proc
 * (Windows-1258 writes Vietnamese tone marks as combining characters);
 * otherwise the first CHUNK bytes must be UTF-8, or one line names the
 * likely encoding and the option that reads it. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "import.h"

#define CHUNK 65536
#define PEND_MAX ((size_t)1 << 20) /* a line longer than this is cut */

struct conv {
	FILE *src;
	iconv_t cd; /* (iconv_t)-1: bytes pass through */
	char *head; /* the bytes read while sniffing, served first */
	size_t headlen, headpos;
	char in[CHUNK + 8]; /* raw bytes not yet converted */
	size_t inlen;
	char *pend; /* converted, not yet normalized (no line end yet) */
	size_t pendlen, pendcap;
	char *out; /* normalized, not yet read */
	size_t outlen, outpos, outcap;
	int eof;
};

static int grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 4096;
	while (n < need)
		n *= 2;
	char *p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

/* Move pend[0..len) to out, NFC-normalized. */
static int emit(struct conv *c, size_t len)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t n = 0;
	const char *src = c->pend;
	size_t srclen = len;

	if (len > 0 && !memchr(c->pend, '\0', len)) {
		n = utf8proc_map((const utf8proc_uint8_t *)c->pend,
				 (utf8proc_ssize_t)len, &nfc,
				 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (n >= 0) {
			src = (const char *)nfc;
			srclen = (size_t)n;
		}
	}
	if (c->outpos == c->outlen)
		c->outpos = c->outlen = 0;
	if (grow(&c->out, &c->outcap, c->outlen + srclen)) {
		free(nfc);
		return -1;
	}
	memcpy(c->out + c->outlen, src, srclen);
	c->outlen += srclen;
	free(nfc);
	memmove(c->pend, c->pend + len, c->pendlen - len);
	c->pendlen -= len;
	return 0;
}

/* Read raw bytes: the sniffed head first, then the source. */
static size_t raw_read(struct conv *c, char *buf, size_t size)
{
	if (c->headpos < c->headlen) {
		size_t n = c->headlen - c->headpos;
		if (n > size)
			n = size;
		memcpy(buf, c->head + c->headpos, n);
		c->headpos += n;
		return n;
	}
	return fread(buf, 1, size, c->src);
}

/* Convert one more chunk into out; 0 at end of input, -1 on error. */
static int fill(struct conv *c)
{
	while (c->outpos == c->outlen) {
		if (c->eof)
			return 0;
		size_t n = raw_read(c, c->in + c->inlen, CHUNK - c->inlen);
		if (n == 0) {
			if (ferror(c->src))
				return -1;
			c->eof = 1;
			if (c->inlen > 0) { /* a character cut short */
				errno = EILSEQ;
				return -1;
			}
			if (c->cd != (iconv_t)-1 && c->pendlen > 0 &&
			    emit(c, c->pendlen))
				return -1;
			continue;
		}
		c->inlen += n;
		if (c->cd == (iconv_t)-1) {
			/* pass-through: what was sniffed, as it is */
			if (grow(&c->out, &c->outcap, c->inlen))
				return -1;
			memcpy(c->out, c->in, c->inlen);
			c->outpos = 0;
			c->outlen = c->inlen;
			c->inlen = 0;
			continue;
		}
		/* UTF-8 takes at most 3 bytes for a UTF-16 or single-byte
		 * character: room for 4 per input byte */
		if (grow(&c->pend, &c->pendcap, c->pendlen + 4 * c->inlen))
			return -1;
		char *ip = c->in, *op = c->pend + c->pendlen;
		size_t il = c->inlen, ol = c->pendcap - c->pendlen;
		if (iconv(c->cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != EINVAL)
			return -1; /* EILSEQ: not that encoding */
		c->pendlen = (size_t)(op - c->pend);
		memmove(c->in, ip, il);
		c->inlen = il;
		/* normalize whole lines: a combining mark never starts one */
		size_t cut = c->pendlen;
		while (cut > 0 && c->pend[cut - 1] != '\n' &&
		       c->pend[cut - 1] != '\r')
			cut--;
		if (cut == 0 && c->pendlen > PEND_MAX)
			cut = c->pendlen;
		if (cut > 0 && emit(c, cut))
			return -1;
	}
	return 1;
}

static ssize_t conv_read(void *cookie, char *buf, size_t size)
{
	struct conv *c = cookie;
	if (c->outpos == c->outlen) {
		int rc = fill(c);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return 0;
	}
	size_t n = c->outlen - c->outpos;
	if (n > size)
		n = size;
	memcpy(buf, c->out + c->outpos, n);
	c->outpos += n;
	return (ssize_t)n;
}

static int conv_close(void *cookie)
{
	struct conv *c = cookie;
	int rc = 0;
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	if (c->src != stdin)
		rc = fclose(c->src);
	free(c->head);
	free(c->pend);
	free(c->out);
	free(c);
	return rc;
}

/* The iconv name of an --encoding value; NULL for UTF-8 (nothing to do). */
static const char *iconv_name(const char *enc)
{
	static const struct {
		const char *opt, *iconv;
	} names[] = {
	    {"cp1258", "CP1258"},     {"windows-1258", "CP1258"},
	    {"utf-16", "UTF-16"},     {"utf16", "UTF-16"},
	    {"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"},
	    {"latin1", "ISO-8859-1"}, {"iso-8859-1", "ISO-8859-1"},
	    {"cp1252", "CP1252"},     {"windows-1252", "CP1252"},
	};
	if (strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0)
		return NULL;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(enc, names[i].opt) == 0)
			return names[i].iconv;
	return enc;
}

int encoding_valid(const char *enc)
{
	const char *name = iconv_name(enc);
	if (!name)
		return 1;
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

static int ends_with(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && strcasecmp(name + n - e, ext) == 0;
}

/* 1 (message printed) if the file is a workbook, not text. */
static int workbook(const char *name, const unsigned char *b, size_t n)
{
	const char *what = NULL, *how;
	if (ends_with(name, ".ods")) {
		what = "an OpenDocument spreadsheet (.ods)";
	} else if (ends_with(name, ".xlsx") || ends_with(name, ".xlsm") ||
		   ends_with(name, ".xls") ||
		   (n >= 4 && memcmp(b, "\xD0\xCF\x11\xE0", 4) == 0)) {
		what = "an Excel workbook";
	} else if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) {
		what = "a workbook or a ZIP archive";
	}
	if (!what)
		return 0;
	how = ends_with(name, ".ods")
		  ? "in LibreOffice: File > Save As > Text CSV, character set "
		    "Unicode (UTF-8)"
		  : "in Excel: File > Save As > CSV UTF-8 (Comma delimited)";
	fprintf(stderr,
		"scamdex-import: %s: %s, not CSV: save it as CSV UTF-8 (%s) "
		"and import that file\n",
		name, what, how);
	return 1;
}

/* The encoding a non-UTF-8 text most likely is, as an --encoding value:
 * Windows-1258 writes Vietnamese with bytes Latin-1 text rarely has
 * (đ 0xF0, ơ 0xF5, ư 0xFD, ă 0xE3 and the combining tone marks 0xCC
 * 0xEC 0xD2 0xDE 0xF2). */
static const char *guess(const unsigned char *b, size_t n, const char **what)
{
	size_t nul = 0, high = 0, viet = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = b[i];
		nul += c == 0;
		if (c < 0x80)
			continue;
		high++;
		switch (c) {
		case 0xC3:
		case 0xE3:
		case 0xD0:
		case 0xF0:
		case 0xD5:
		case 0xF5:
		case 0xDD:
		case 0xFD:
		case 0xCC:
		case 0xEC:
		case 0xD2:
		case 0xDE:
		case 0xF2:
			viet++;
		}
	}
	if (nul > n / 4) {
		*what = "UTF-16 without a byte order mark";
		return "utf-16le";
	}
	if (high > 0 && viet * 4 >= high) {
		*what = "Windows-1258 (Vietnamese)";
		return "cp1258";
	}
	*what = "Latin-1 (Windows-1252)";
	return "latin1";
}

/* Is a UTF-8 prefix another encoding? Yes if its first line (the
 * header) holds a byte UTF-8 does not allow, or if more lines do than
 * hold valid multi-byte characters (Vietnamese text in UTF-8 is full of
 * them): one damaged row in a UTF-8 file is that row's refusal, not the
 * file's. *bad: the first invalid byte. A character cut by the end of
 * the prefix is fine. */
static int not_utf8(const unsigned char *b, size_t n, int cut, size_t *bad)
{
	size_t i = 0, bad_lines = 0, good_lines = 0;
	int line_bad = 0, line_good = 0, first_line = 1;
	*bad = n;
	while (i < n) {
		size_t step = b[i] < 0x80    ? 1
			      : b[i] >= 0xF0 ? 4
			      : b[i] >= 0xE0 ? 3
					     : 2;
		if (b[i] == '\n') {
			if (first_line && line_bad)
				return 1;
			bad_lines += line_bad;
			good_lines += line_good;
			line_bad = line_good = first_line = 0;
		}
		if (i + step > n) {
			if (cut)
				break;
			step = 1;
		}
		if (step > 1 && utf8_valid((const char *)b + i, step)) {
			line_good = 1;
			i += step;
			continue;
		}
		if (b[i] >= 0x80) {
			if (*bad == n)
				*bad = i;
			line_bad = 1;
		}
		i++;
	}
	if (first_line && line_bad)
		return 1;
	bad_lines += line_bad;
	good_lines += line_good;
	return bad_lines > 0 && bad_lines > good_lines && bad_lines >= 2;
}

int input_prepare(FILE **fpp, const char *name, const char *encoding)
{
	FILE *fp = *fpp;
	unsigned char *head = malloc(CHUNK);
	const char *iconv_enc = encoding ? iconv_name(encoding) : NULL;
	size_t n;

	if (!head)
		return SDX_ENOMEM;
	n = fread(head, 1, CHUNK, fp);
	if (ferror(fp)) {
		fprintf(stderr, "scamdex-import: %s: %s\n", name,
			strerror(errno));
		free(head);
		return IMP_EUSAGE;
	}
	if (workbook(name, head, n)) {
		free(head);
		return IMP_EUSAGE;
	}
	if (!encoding && n >= 2 &&
	    (memcmp(head, "\xFF\xFE", 2) == 0 ||
	     memcmp(head, "\xFE\xFF", 2) == 0))
		iconv_enc = "UTF-16"; /* Excel's "Unicode text" */
	else if (iconv_enc && strcmp(iconv_enc, "UTF-16") == 0)
		iconv_enc = "UTF-16LE"; /* no BOM: Windows' byte order */
	if (!iconv_enc && !encoding) {
		size_t bad;
		if (not_utf8(head, n, n == CHUNK, &bad)) {
			const char *what, *opt = guess(head, n, &what);
			size_t line = 1;
			for (size_t i = 0; i < bad; i++)
				line += head[i] == '\n';
			fprintf(
			    stderr,
			    "scamdex-import: %s:%zu: not UTF-8 (byte "
			    "0x%02X): it looks like %s; use --encoding %s\n",
			    name, line, head[bad], what, opt);
			free(head);
			return IMP_EUSAGE;
		}
	}
	/* plain UTF-8 in a file: read it again from its start */
	if (!iconv_enc && fp != stdin && fseek(fp, 0, SEEK_SET) == 0) {
		free(head);
		return 0;
	}
	struct conv *c = calloc(1, sizeof *c);
	if (!c) {
		free(head);
		return SDX_ENOMEM;
	}
	c->src = fp;
	c->head = (char *)head;
	c->headlen = n;
	c->cd = (iconv_t)-1;
	if (iconv_enc &&
	    (c->cd = iconv_open("UTF-8", iconv_enc)) == (iconv_t)-1) {
		fprintf(stderr, "scamdex-import: unknown encoding '%s'\n",
			encoding);
		free(head);
		free(c);
		return IMP_EUSAGE;
	}
	cookie_io_functions_t io = {conv_read, NULL, NULL, conv_close};
	FILE *out = fopencookie(c, "r", io);
	if (!out) {
		conv_close(c);
		*fpp = NULL;
		return SDX_ENOMEM;
	}
	*fpp = out;
	return 0;
}
