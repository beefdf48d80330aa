/* drop_index.c: a drop's signed index, the one file a reader fetches
 * first. Text, one item a line (scamdex-sync(1), DROPS):
 *   scamdex-drop-index 1
 *   office OFFICE
 *   serial N              grows with every index the office publishes
 *   created UNIX-SECONDS
 *   vector ORIGIN=SEQ...  what the office held (its acknowledgement)
 *   bundle NAME TO SIZE   NAME = hex BLAKE2b-256 of the bundle's bytes
 *   signature HEX         Ed25519 over "scamdex-drop-index-v1" and every
 *                         byte before this line
 * A reader checks the office, the signature against the office's trusted
 * key, and every line's form; it never lists directories. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "drop.h"
#include "drop_sig.h"

#define INDEX_BUNDLES_MAX 100000

static void hexs(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int unhex(const char *s, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
					       : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return 0;
}

int index_write(const drop_index *ix, const sdx_key *key, char **out,
		size_t *len)
{
	char *buf = NULL, sighex[129];
	size_t size = 0;
	uint8_t sig[64];
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return SDX_ENOMEM;
	fprintf(f,
		"scamdex-drop-index 1\noffice %s\nserial %" PRIu64
		"\ncreated %" PRIu64 "\nvector",
		ix->office, ix->serial, ix->created);
	for (size_t i = 0; i < ix->n_vv; i++)
		fprintf(f, " %s=%" PRIu64, ix->vv[i].origin, ix->vv[i].seq);
	fputc('\n', f);
	for (size_t i = 0; i < ix->n; i++)
		fprintf(f, "bundle %s %s %" PRIu64 "\n", ix->e[i].name,
			ix->e[i].to, ix->e[i].size);
	if (fflush(f) != 0) {
		fclose(f);
		free(buf);
		return SDX_ENOMEM;
	}
	if (sdx_drop_index_sign(key, buf, size, sig) != 0) {
		fclose(f);
		free(buf);
		return SDX_EKEY;
	}
	hexs(sig, 64, sighex);
	fprintf(f, "signature %s\n", sighex);
	if (fclose(f) != 0) {
		free(buf);
		return SDX_ENOMEM;
	}
	*out = buf;
	*len = size;
	return 0;
}

void index_free(drop_index *ix)
{
	free(ix->vv);
	free(ix->e);
	memset(ix, 0, sizeof *ix);
}

static int u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (!len || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* The next space-separated word of [*p, end): its start and length. */
static int word(const char **p, const char *end, const char **w, size_t *n)
{
	const char *s = *p;
	if (s >= end)
		return -1;
	*w = s;
	while (s < end && *s != ' ')
		s++;
	*n = (size_t)(s - *w);
	*p = s < end ? s + 1 : s;
	return *n ? 0 : -1;
}

#define BAD(...)                                                               \
	do {                                                                   \
		snprintf(why, whylen, __VA_ARGS__);                            \
		goto bad;                                                      \
	} while (0)

int index_read(const char *text, size_t len, const char *office,
	       const uint8_t pubkey[32], drop_index *ix, char *why,
	       size_t whylen)
{
	const char *sigline = NULL, *p = text, *end;
	uint8_t sig[64];
	unsigned lineno = 0;
	size_t signed_len;

	memset(ix, 0, sizeof *ix);
	/* the last line: "signature HEX\n" */
	if (len < 140 || text[len - 1] != '\n')
		BAD("not a drop index (%zu bytes, no signature line)", len);
	for (size_t i = len - 1; i > 0; i--)
		if (text[i - 1] == '\n') {
			sigline = text + i;
			break;
		}
	/* memcmp within the line: the text has no NUL after it */
	if (!sigline || (size_t)(text + len - sigline) < 11 ||
	    memcmp(sigline, "signature ", 10) != 0 ||
	    unhex(sigline + 10, (size_t)(text + len - 1 - sigline - 10), sig,
		  64) != 0)
		BAD("%s", "not a drop index (no signature line at its end)");
	signed_len = (size_t)(sigline - text);
	if (memchr(text, '\0', len))
		BAD("%s", "not a drop index (a NUL byte)");
	if (sdx_drop_index_verify(pubkey, text, signed_len, sig) != 0)
		BAD("bad signature: the index is not signed by %s's key",
		    office);
	/* Signed by the office: now parse strictly all the same. */
	end = text + signed_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *q = p, *w;
		size_t n;
		lineno++;
		if (!nl)
			BAD("line %u: no newline", lineno);
		if (word(&q, nl, &w, &n) != 0)
			BAD("line %u: empty", lineno);
		if (lineno == 1) {
			if (n != 18 || memcmp(w, "scamdex-drop-index", 18) ||
			    nl - q != 1 || *q != '1')
				BAD("line 1: not 'scamdex-drop-index 1'");
		} else if (n == 6 && !memcmp(w, "office", 6)) {
			if (word(&q, nl, &w, &n) || q != nl ||
			    !sdx_office_valid(w, n))
				BAD("line %u: bad office", lineno);
			memcpy(ix->office, w, n);
			ix->office[n] = '\0';
		} else if (n == 6 && !memcmp(w, "serial", 6)) {
			if (word(&q, nl, &w, &n) || q != nl ||
			    u64(w, n, &ix->serial))
				BAD("line %u: bad serial", lineno);
		} else if (n == 7 && !memcmp(w, "created", 7)) {
			if (word(&q, nl, &w, &n) || q != nl ||
			    u64(w, n, &ix->created))
				BAD("line %u: bad created", lineno);
		} else if (n == 6 && !memcmp(w, "vector", 6)) {
			while (q < nl) {
				const char *eq;
				sdx_vv_entry *v;
				if (word(&q, nl, &w, &n) ||
				    !(eq = memchr(w, '=', n)))
					BAD("line %u: bad vector", lineno);
				if (ix->n_vv >= SDX_BUNDLE_ORIGINS_MAX)
					BAD("line %u: too many origins",
					    lineno);
				if (!(v = realloc(ix->vv,
						  (ix->n_vv + 1) * sizeof *v)))
					BAD("%s", "out of memory");
				ix->vv = v;
				v += ix->n_vv;
				if (!sdx_office_valid(w, (size_t)(eq - w)) ||
				    u64(eq + 1, n - (size_t)(eq - w) - 1,
					&v->seq))
					BAD("line %u: bad vector entry",
					    lineno);
				memcpy(v->origin, w, (size_t)(eq - w));
				v->origin[eq - w] = '\0';
				ix->n_vv++;
			}
		} else if (n == 6 && !memcmp(w, "bundle", 6)) {
			index_entry *e;
			uint8_t h[32];
			if (ix->n >= INDEX_BUNDLES_MAX)
				BAD("line %u: too many bundles", lineno);
			if (!(e = realloc(ix->e, (ix->n + 1) * sizeof *e)))
				BAD("%s", "out of memory");
			ix->e = e;
			e += ix->n;
			if (word(&q, nl, &w, &n) || unhex(w, n, h, 32))
				BAD("line %u: bad bundle name", lineno);
			memcpy(e->name, w, n);
			e->name[n] = '\0';
			if (word(&q, nl, &w, &n) || !sdx_office_valid(w, n))
				BAD("line %u: bad bundle receiver", lineno);
			memcpy(e->to, w, n);
			e->to[n] = '\0';
			if (word(&q, nl, &w, &n) || q != nl ||
			    u64(w, n, &e->size))
				BAD("line %u: bad bundle size", lineno);
			ix->n++;
		} else {
			BAD("line %u: unknown item '%.*s'", lineno,
			    (int)(n > 20 ? 20 : n), w);
		}
		p = nl + 1;
	}
	if (strcmp(ix->office, office) != 0)
		BAD("the index is of office '%s', not %s", ix->office, office);
	return 0;
bad:
	index_free(ix);
	return -1;
}
