#ifndef JWTBENCH_COPENSSL_SHIM_H
#define JWTBENCH_COPENSSL_SHIM_H
// The low-level SHA functions are deprecated in OpenSSL 3.0 but are the only digests that run
// on a caller's stack: EVP_DigestInit_ex makes a new provider context (one malloc) on every
// re-initialisation, and SHA256() goes through EVP_Q_digest, a lookup by name. Suppress the
// deprecation attributes so the wrappers below build without warnings.
#define OPENSSL_SUPPRESS_DEPRECATED 1
// Only JOSECrypto imports this module. We include just what the crypto layer uses.
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <stdint.h>

// Macros Swift cannot import, as functions.
static inline int jwtbench_rsa_pkcs1_padding(void) { return RSA_PKCS1_PADDING; }
static inline int jwtbench_rsa_pss_padding(void) { return RSA_PKCS1_PSS_PADDING; }
static inline int jwtbench_rsa_pss_saltlen_digest(void) { return RSA_PSS_SALTLEN_DIGEST; }
static inline int jwtbench_evp_pkey_keypair(void) { return EVP_PKEY_KEYPAIR; }
static inline int jwtbench_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline void jwtbench_openssl_free(void *p) { OPENSSL_free(p); }

/// SHA-256, -384 or -512 (`bits`) of `count` bytes into `out`, with the context on this stack
/// frame: no allocation, no provider. Returns the digest length, or 0 for an unknown size.
/// Only used on public data (signing inputs), so the context is not cleansed.
static inline int jwtbench_sha(int bits, const void *data, size_t count, unsigned char *out) {
    switch (bits) {
    case 256: {
        SHA256_CTX c;
        if (!SHA256_Init(&c) || !SHA256_Update(&c, data, count) || !SHA256_Final(out, &c)) return 0;
        return 32;
    }
    case 384: {
        SHA512_CTX c;
        if (!SHA384_Init(&c) || !SHA384_Update(&c, data, count) || !SHA384_Final(out, &c)) return 0;
        return 48;
    }
    case 512: {
        SHA512_CTX c;
        if (!SHA512_Init(&c) || !SHA512_Update(&c, data, count) || !SHA512_Final(out, &c)) return 0;
        return 64;
    }
    default: return 0;
    }
}

/// SHA-256 of `a` followed by `b` (a domain-separating prefix and a value) into `out` (32
/// bytes), with the context on this stack frame: no allocation, no provider. Returns 32, or 0
/// on failure. Public data only (identifiers, tokens), so the context is not cleansed.
static inline int jwtbench_sha256_concat(const void *a, size_t na, const void *b, size_t nb, unsigned char *out) {
    SHA256_CTX c;
    if (!SHA256_Init(&c) || !SHA256_Update(&c, a, na) || !SHA256_Update(&c, b, nb) || !SHA256_Final(out, &c)) return 0;
    return 32;
}

#endif
