/* keys.c: office key pairs, segment signatures and the streaming
 * Ed25519ph signature of a bundle. With chain.c the only libsodium user. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "bundle_io.h"

#define KEY_TAG "scamdex-key-v1"

static int init_sodium(void)
{
	/* Idempotent and thread-safe after the first call. */
	return sodium_init() < 0 ? SDX_ENOMEM : 0;
}

int sdx_office_valid(const char *s, size_t len)
{
	if (len == 0 || len > SDX_OFFICE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

int sdx_keygen(const char *office, sdx_key *out)
{
	int rc;
	if (!office || !out || !sdx_office_valid(office, strlen(office)))
		return SDX_EINVAL;
	if ((rc = init_sodium()))
		return rc;
	memset(out, 0, sizeof *out);
	strcpy(out->office, office);
	crypto_sign_keypair(out->pubkey, out->secret);
	return 0;
}

void sdx_key_wipe(sdx_key *key)
{
	if (key)
		sodium_memzero(key, sizeof *key);
}

void sdx_pubkey_to_hex(const uint8_t pubkey[32], char hex[65])
{
	sodium_bin2hex(hex, 65, pubkey, 32);
}

int sdx_pubkey_from_hex(const char *hex, size_t len, uint8_t pubkey[32])
{
	size_t n = 0;
	const char *end;
	if (!hex || len != 64)
		return SDX_EKEY;
	if (sodium_hex2bin(pubkey, 32, hex, len, NULL, &n, &end) != 0 ||
	    n != 32 || end != hex + len)
		return SDX_EKEY;
	return 0;
}

int sdx_key_save(const sdx_key *key, const char *path)
{
	char line[sizeof KEY_TAG + SDX_OFFICE_MAX + 2 * 64 + 4];
	char hex[129];
	size_t len;
	int fd, err = 0;
	if (!key || !path ||
	    !sdx_office_valid(key->office, strlen(key->office)))
		return SDX_EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? SDX_EEXISTS : SDX_EIO;
	sodium_bin2hex(hex, sizeof hex, key->secret, 64);
	len = (size_t)snprintf(line, sizeof line, "%s %s %s\n", KEY_TAG,
			       key->office, hex);
	if (fchmod(fd, 0600) != 0 || write(fd, line, len) != (ssize_t)len ||
	    fsync(fd) != 0)
		err = errno ? errno : EIO;
	if (close(fd) != 0 && !err)
		err = errno;
	sodium_memzero(line, sizeof line);
	sodium_memzero(hex, sizeof hex);
	if (err) {
		unlink(path);
		errno = err;
		return SDX_EIO;
	}
	return 0;
}

int sdx_key_load(const char *path, sdx_key *out)
{
	char line[256];
	uint8_t seed_pk[32], seed_sk[64];
	ssize_t n;
	size_t off, olen, bin = 0;
	const char *end;
	struct stat st;
	int fd, rc = SDX_EKEY;
	if (!path || !out)
		return SDX_EINVAL;
	memset(out, 0, sizeof *out);
	if ((rc = init_sodium()))
		return rc;
	rc = SDX_EKEY;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return SDX_EKEY;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return SDX_EKEY;
	}
	if (st.st_mode & 077) {
		close(fd);
		return SDX_EKEYMODE;
	}
	n = read(fd, line, sizeof line - 1);
	close(fd);
	if (n <= 0)
		goto out;
	line[n] = '\0';
	/* KEY_TAG ' ' office ' ' hex128 '\n' */
	off = sizeof KEY_TAG - 1;
	if ((size_t)n < off + 1 || memcmp(line, KEY_TAG " ", off + 1) != 0)
		goto out;
	off++;
	olen = strcspn(line + off, " ");
	if (!sdx_office_valid(line + off, olen) || line[off + olen] != ' ')
		goto out;
	memcpy(out->office, line + off, olen);
	off += olen + 1;
	if ((size_t)n - off < 128 ||
	    sodium_hex2bin(out->secret, 64, line + off, 128, NULL, &bin,
			   &end) != 0 ||
	    bin != 64 || end != line + off + 128 ||
	    ((size_t)n != off + 128 && strcmp(line + off + 128, "\n") != 0))
		goto out;
	/* The secret is seed || public key: re-derive to catch damage. */
	crypto_sign_seed_keypair(seed_pk, seed_sk, out->secret);
	if (sodium_memcmp(seed_sk, out->secret, 64) != 0)
		goto out;
	memcpy(out->pubkey, seed_pk, 32);
	rc = 0;
out:
	sodium_memzero(line, sizeof line);
	sodium_memzero(seed_sk, sizeof seed_sk);
	if (rc)
		sodium_memzero(out, sizeof *out);
	return rc;
}

/* "scamdex-seg-v1" || u8 len(origin) || origin || u64be seq || chain */
static size_t seg_message(uint8_t *m, const char *origin, uint64_t seq,
			  const uint8_t chain[32])
{
	static const char tag[] = "scamdex-seg-v1";
	size_t olen = strlen(origin), n = sizeof tag - 1;
	memcpy(m, tag, n);
	m[n++] = (uint8_t)olen;
	memcpy(m + n, origin, olen);
	n += olen;
	for (int i = 7; i >= 0; i--)
		m[n++] = (uint8_t)(seq >> (8 * i));
	memcpy(m + n, chain, 32);
	return n + 32;
}

#define SEG_MAX (14 + 1 + SDX_OFFICE_MAX + 8 + 32)

int sdx_segment_sign(const sdx_key *key, const char *origin, uint64_t seq,
		     const uint8_t chain[32], uint8_t sig[64])
{
	uint8_t m[SEG_MAX];
	size_t n;
	if (!key || !origin || strlen(origin) > SDX_OFFICE_MAX)
		return SDX_EINVAL;
	n = seg_message(m, origin, seq, chain);
	crypto_sign_detached(sig, NULL, m, n, key->secret);
	return 0;
}

int sdx_segment_verify(const uint8_t pubkey[32], const char *origin,
		       uint64_t seq, const uint8_t chain[32],
		       const uint8_t sig[64])
{
	uint8_t m[SEG_MAX];
	size_t n;
	if (!origin || strlen(origin) > SDX_OFFICE_MAX)
		return SDX_EINVAL;
	n = seg_message(m, origin, seq, chain);
	return crypto_sign_verify_detached(sig, m, n, pubkey) == 0
		   ? 0
		   : SDX_ESIGNATURE;
}

/* "scamdex-head-v1" || u8 len(origin) || origin || u64be seq || chain
 * || u64be clock */
#define HEAD_MAX (15 + 1 + SDX_OFFICE_MAX + 8 + 32 + 8)

static size_t head_message(uint8_t *m, const sdx_head *h)
{
	static const char tag[] = "scamdex-head-v1";
	size_t olen = strlen(h->origin), n = sizeof tag - 1;
	memcpy(m, tag, n);
	m[n++] = (uint8_t)olen;
	memcpy(m + n, h->origin, olen);
	n += olen;
	for (int i = 7; i >= 0; i--)
		m[n++] = (uint8_t)(h->seq >> (8 * i));
	memcpy(m + n, h->chain, 32);
	n += 32;
	for (int i = 7; i >= 0; i--)
		m[n++] = (uint8_t)(h->clock >> (8 * i));
	return n;
}

int sdx_head_sign(const sdx_key *key, sdx_head *h)
{
	uint8_t m[HEAD_MAX];
	if (!key || !h || strlen(h->origin) > SDX_OFFICE_MAX ||
	    strcmp(h->origin, key->office) != 0)
		return SDX_EINVAL;
	crypto_sign_detached(h->sig, NULL, m, head_message(m, h), key->secret);
	return 0;
}

int sdx_head_verify(const uint8_t pubkey[32], const sdx_head *h)
{
	uint8_t m[HEAD_MAX];
	if (!h || strlen(h->origin) > SDX_OFFICE_MAX)
		return SDX_EINVAL;
	return crypto_sign_verify_detached(h->sig, m, head_message(m, h),
					   pubkey) == 0
		   ? 0
		   : SDX_ESIGNATURE;
}

/* ---- streaming Ed25519ph over a whole bundle ---- */

struct sdx_sigstream {
	crypto_sign_state st;
};

int sdx_sigstream_new(sdx_sigstream **out)
{
	sdx_sigstream *s;
	int rc;
	*out = NULL;
	if ((rc = init_sodium()))
		return rc;
	if (!(s = malloc(sizeof *s)))
		return SDX_ENOMEM;
	crypto_sign_init(&s->st);
	*out = s;
	return 0;
}

void sdx_sigstream_update(sdx_sigstream *s, const void *p, size_t n)
{
	crypto_sign_update(&s->st, p, n);
}

int sdx_sigstream_sign(sdx_sigstream *s, const sdx_key *key, uint8_t sig[64])
{
	return crypto_sign_final_create(&s->st, sig, NULL, key->secret) == 0
		   ? 0
		   : SDX_EKEY;
}

int sdx_sigstream_verify(sdx_sigstream *s, const uint8_t pubkey[32],
			 const uint8_t sig[64])
{
	return crypto_sign_final_verify(&s->st, sig, pubkey) == 0
		   ? 0
		   : SDX_ESIGNATURE;
}

void sdx_sigstream_free(sdx_sigstream *s)
{
	free(s);
}
