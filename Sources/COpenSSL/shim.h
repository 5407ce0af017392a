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

// MARK: P-256 scalar arithmetic for ES256 verification (`OpenSSLP256Verifier`)
//
// Written here rather than with BIGNUM calls because an ECDSA verify needs one inverse modulo
// the group order: OpenSSL's own fast one (ecp_nistz256_inv_mod_ord) is internal, and
// BN_mod_inverse / BN_mod_exp_mont on 4-limb numbers cost 20-25 µs here, almost all call
// overhead. Four 64-bit limbs, little-endian; Montgomery multiplication (CIOS) with
// R = 2^256. Everything is public data (signature, digest, key), so nothing needs constant time.

typedef unsigned __int128 jwtbench_u128;

static const uint64_t jwtbench_p256_n[4] = {
    0xF3B9CAC2FC632551ULL, 0xBCE6FAADA7179E84ULL, 0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFF00000000ULL };
static const uint64_t jwtbench_p256_p[4] = {
    0xFFFFFFFFFFFFFFFFULL, 0x00000000FFFFFFFFULL, 0x0000000000000000ULL, 0xFFFFFFFF00000001ULL };

/// -m^-1 mod 2^64 for odd m (Newton's iteration: each step doubles the correct low bits).
static inline uint64_t jwtbench_neg_inverse64(uint64_t m0) {
    uint64_t x = 1;
    for (int i = 0; i < 6; i++) x *= 2 - m0 * x;
    return (uint64_t)0 - x;
}

/// r = a * b / 2^256 mod m for b < m and a < 2^256 (then the sum stays below 2m, and one
/// conditional subtraction reduces it). r may alias a or b. Unrolled by hand: the module's
/// header is compiled for size, and the loop version (not unrolled) cost three times as much.
#define JWTBENCH_MAC(t, x, y, carry) do { \
        jwtbench_u128 _v = (jwtbench_u128)(x) * (y) + (t) + (carry); \
        (t) = (uint64_t)_v; (carry) = (uint64_t)(_v >> 64); } while (0)
#define JWTBENCH_MONT_ROUND(bi) do { \
        uint64_t _c = 0; \
        JWTBENCH_MAC(t0, a0, (bi), _c); JWTBENCH_MAC(t1, a1, (bi), _c); \
        JWTBENCH_MAC(t2, a2, (bi), _c); JWTBENCH_MAC(t3, a3, (bi), _c); \
        jwtbench_u128 _s = (jwtbench_u128)t4 + _c; t4 = (uint64_t)_s; uint64_t t5 = (uint64_t)(_s >> 64); \
        uint64_t _q = t0 * minv; \
        _c = (uint64_t)(((jwtbench_u128)_q * m0 + t0) >> 64); \
        uint64_t _r0 = t1, _r1 = t2, _r2 = t3; \
        JWTBENCH_MAC(_r0, _q, m1, _c); JWTBENCH_MAC(_r1, _q, m2, _c); JWTBENCH_MAC(_r2, _q, m3, _c); \
        _s = (jwtbench_u128)t4 + _c; \
        t0 = _r0; t1 = _r1; t2 = _r2; t3 = (uint64_t)_s; t4 = t5 + (uint64_t)(_s >> 64); } while (0)

static inline void jwtbench_mont_mul4(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                                      const uint64_t m[4], uint64_t minv) {
    const uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    const uint64_t b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    const uint64_t m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    JWTBENCH_MONT_ROUND(b0);
    JWTBENCH_MONT_ROUND(b1);
    JWTBENCH_MONT_ROUND(b2);
    JWTBENCH_MONT_ROUND(b3);
    // t < 2m: subtract m once when t >= m.
    jwtbench_u128 d0 = (jwtbench_u128)t0 - m0;
    jwtbench_u128 d1 = (jwtbench_u128)t1 - m1 - (uint64_t)((d0 >> 64) & 1);
    jwtbench_u128 d2 = (jwtbench_u128)t2 - m2 - (uint64_t)((d1 >> 64) & 1);
    jwtbench_u128 d3 = (jwtbench_u128)t3 - m3 - (uint64_t)((d2 >> 64) & 1);
    int useDifference = t4 != 0 || ((d3 >> 64) & 1) == 0;
    r[0] = useDifference ? (uint64_t)d0 : t0;
    r[1] = useDifference ? (uint64_t)d1 : t1;
    r[2] = useDifference ? (uint64_t)d2 : t2;
    r[3] = useDifference ? (uint64_t)d3 : t3;
}
#undef JWTBENCH_MONT_ROUND
#undef JWTBENCH_MAC

static inline void jwtbench_load_be32(uint64_t out[4], const unsigned char *in) {
    for (int limb = 0; limb < 4; limb++) {
        uint64_t v = 0;
        for (int b = 0; b < 8; b++) v = v << 8 | in[(3 - limb) * 8 + b];
        out[limb] = v;
    }
}

static inline void jwtbench_store_be32(unsigned char *out, const uint64_t in[4]) {
    for (int limb = 0; limb < 4; limb++)
        for (int b = 0; b < 8; b++) out[(3 - limb) * 8 + b] = (unsigned char)(in[limb] >> (56 - 8 * b));
}

/// a < b, as 4-limb integers.
static inline int jwtbench_less4(const uint64_t a[4], const uint64_t b[4]) {
    for (int i = 3; i >= 0; i--) if (a[i] != b[i]) return a[i] < b[i];
    return 0;
}

static inline int jwtbench_zero4(const uint64_t a[4]) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

/// The ECDSA verification scalars of FIPS 186-5 section 6.4.2 for P-256: from `signature`
/// (r || s, 32 bytes each, big-endian) and the 32-byte `digest` (e; SHA-256 has the order's
/// bit length, so no truncation), u1 = e * s^-1 mod n and u2 = r * s^-1 mod n, big-endian.
/// `rr` is 2^512 mod n (little-endian limbs). Returns 0 unless 1 <= r, s < n.
static inline int jwtbench_p256_scalars(const unsigned char *signature, const unsigned char *digest,
                                        const uint64_t rr[4], unsigned char *u1Out, unsigned char *u2Out) {
    const uint64_t *n = jwtbench_p256_n;
    uint64_t r[4], s[4], e[4];
    jwtbench_load_be32(r, signature);
    jwtbench_load_be32(s, signature + 32);
    jwtbench_load_be32(e, digest);
    if (jwtbench_zero4(r) || jwtbench_zero4(s) || !jwtbench_less4(r, n) || !jwtbench_less4(s, n)) return 0;
    uint64_t ninv = jwtbench_neg_inverse64(n[0]);
    // s^-1 = s^(n-2) (n is prime), in Montgomery form, by fixed 4-bit windows over n - 2.
    uint64_t table[16][4];
    const uint64_t one[4] = {1, 0, 0, 0};
    jwtbench_mont_mul4(table[0], rr, one, n, ninv);   // R mod n: Montgomery 1
    jwtbench_mont_mul4(table[1], s, rr, n, ninv);     // s R
    for (int i = 2; i < 16; i++) jwtbench_mont_mul4(table[i], table[i - 1], table[1], n, ninv);
    uint64_t exponent[4] = {n[0] - 2, n[1], n[2], n[3]};  // n[0] is odd and > 2: no borrow
    uint64_t w[4] = {table[0][0], table[0][1], table[0][2], table[0][3]};
    for (int window = 63; window >= 0; window--) {
        for (int k = 0; k < 4; k++) jwtbench_mont_mul4(w, w, w, n, ninv);
        unsigned nibble = (unsigned)(exponent[window / 16] >> ((window % 16) * 4)) & 15;
        if (nibble) jwtbench_mont_mul4(w, w, table[nibble], n, ninv);
    }
    // w = s^-1 R; a product with a plain number leaves the plain product.
    uint64_t u1[4], u2[4];
    jwtbench_mont_mul4(u1, e, w, n, ninv);
    jwtbench_mont_mul4(u2, r, w, n, ninv);
    jwtbench_store_be32(u1Out, u1);
    jwtbench_store_be32(u2Out, u2);
    return 1;
}

/// Whether the affine x of the Jacobian point (X, Y, Z), x = X / Z^2 mod p, is congruent to
/// r modulo n (FIPS 186-5 section 6.4.2 step 7), without the inversion: X = r Z^2 (mod p), or,
/// when r + n < p, X = (r + n) Z^2. All inputs big-endian, X and Z below p, Z not zero.
static inline int jwtbench_p256_x_matches(const unsigned char *xBytes, const unsigned char *zBytes,
                                          const unsigned char *signature) {
    const uint64_t *p = jwtbench_p256_p;
    uint64_t X[4], Z[4], r[4];
    jwtbench_load_be32(X, xBytes);
    jwtbench_load_be32(Z, zBytes);
    jwtbench_load_be32(r, signature);
    if (jwtbench_zero4(Z) || !jwtbench_less4(X, p) || !jwtbench_less4(Z, p)) return 0;
    uint64_t pinv = jwtbench_neg_inverse64(p[0]);
    const uint64_t one[4] = {1, 0, 0, 0};
    uint64_t z2[4], lhs[4], rhs[4];
    jwtbench_mont_mul4(z2, Z, Z, p, pinv);          // Z^2 / R
    jwtbench_mont_mul4(rhs, X, one, p, pinv);
    jwtbench_mont_mul4(rhs, rhs, one, p, pinv);     // X / R^2
    jwtbench_mont_mul4(lhs, r, z2, p, pinv);        // r Z^2 / R^2
    if (lhs[0] == rhs[0] && lhs[1] == rhs[1] && lhs[2] == rhs[2] && lhs[3] == rhs[3]) return 1;
    // r + n < p happens for about 1 in 2^128 signatures; then x may be r + n.
    uint64_t rn[4]; jwtbench_u128 c = 0;
    for (int i = 0; i < 4; i++) { c += (jwtbench_u128)r[i] + jwtbench_p256_n[i]; rn[i] = (uint64_t)c; c >>= 64; }
    if (c != 0 || !jwtbench_less4(rn, p)) return 0;
    jwtbench_mont_mul4(lhs, rn, z2, p, pinv);
    return lhs[0] == rhs[0] && lhs[1] == rhs[1] && lhs[2] == rhs[2] && lhs[3] == rhs[3];
}

#endif
