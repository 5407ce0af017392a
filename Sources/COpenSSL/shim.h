#ifndef JWTBENCH_COPENSSL_SHIM_H
#define JWTBENCH_COPENSSL_SHIM_H
// Only JOSECrypto imports this module. We include just what the crypto layer uses.
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
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

// Macros Swift cannot import, as functions.
static inline int jwtbench_rsa_pkcs1_padding(void) { return RSA_PKCS1_PADDING; }
static inline int jwtbench_rsa_pss_padding(void) { return RSA_PKCS1_PSS_PADDING; }
static inline int jwtbench_rsa_pss_saltlen_digest(void) { return RSA_PSS_SALTLEN_DIGEST; }
static inline int jwtbench_evp_pkey_keypair(void) { return EVP_PKEY_KEYPAIR; }
static inline int jwtbench_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline void jwtbench_openssl_free(void *p) { OPENSSL_free(p); }

#endif
