/*
 * crypto.h - what kfpcache takes from OpenSSL's libcrypto (the one module
 * that includes it, analyzer/base/crypto.c): SHA-256 and base64.
 */
#ifndef KFPCACHE_CRYPTO_H
#define KFPCACHE_CRYPTO_H

#include <stddef.h>

/* Lowercase hex SHA-256 of the concatenation of parts[0..n) into out. */
void crypto_sha256_hex(char out[65], const void *const *parts, const size_t *lens, size_t n);

/*
 * Decode standard-alphabet base64 of n bytes (padding optional, as
 * absl::Base64Unescape accepts it) into *out (malloc'd) and *outlen.
 * -1 with err_set on bad input.
 */
int crypto_base64_decode(unsigned char **out, size_t *outlen, const char *s, size_t n);

#endif
