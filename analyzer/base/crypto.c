/*
 * crypto.c - SHA-256 and base64 from OpenSSL's libcrypto (EVP_Digest*,
 * EVP_DecodeBlock); see crypto.h.
 */
#include "base/crypto.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

void crypto_sha256_hex(char out[65], const void *const *parts, const size_t *lens, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t i;

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		die("cannot initialise SHA-256");
	for (i = 0; i < n; i++)
		if (lens[i] && EVP_DigestUpdate(ctx, parts[i], lens[i]) != 1)
			die("SHA-256 update failed");
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		die("SHA-256 final failed");
	EVP_MD_CTX_free(ctx);
	hex_encode(out, md, mdlen);
}

int crypto_base64_decode(unsigned char **out, size_t *outlen, const char *s, size_t n)
{
	size_t pad = 0, padded, i;
	char *in;
	unsigned char *d;
	int got;

	while (n && s[n - 1] == '=') {
		n--;
		pad++;
	}
	if (pad > 2 || n % 4 == 1 || n > (size_t)INT_MAX / 2)
		return err_set("base64 of a wrong length");
	/* Only to name the first bad byte; EVP_DecodeBlock decodes. */
	for (i = 0; i < n; i++)
		if (!memchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", s[i], 64))
			return err_set("not base64 at byte %zu", i);
	/* EVP_DecodeBlock wants whole quanta: pad back, then drop the pad's zero bytes. */
	pad = (4 - n % 4) % 4;
	padded = n + pad;
	in = xmalloc(padded + 1);
	memcpy(in, s, n);
	memset(in + n, '=', pad);
	in[padded] = '\0';
	d = xmalloc(padded / 4 * 3 + 1);
	got = EVP_DecodeBlock(d, (const unsigned char *)in, (int)padded);
	free(in);
	if (got < 0) {
		free(d);
		return err_set("not base64");
	}
	*out = d;
	*outlen = (size_t)got - pad;
	return 0;
}
