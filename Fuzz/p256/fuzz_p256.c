// libFuzzer target: our P-256 code (Sources/CP256/p256.c) against OpenSSL's EC and BN code.
//
// The first input byte picks a check; the rest are its operands. Any disagreement aborts, so
// libFuzzer saves the input. Checks:
//   0  table product k * Q (Q = d * G) against EC_POINT_mul, and the table of G;
//   1  table_make on raw coordinates: accepted exactly when OpenSSL finds the point on the curve;
//   2  verification of a signature built from (d, k, e), then with r or s nudged, against
//      ECDSA_do_verify;
//   3  crafted verifications where u1*G + u2*Q is a chosen point: the point at infinity
//      (Q = -(u1/u2) G), a walk that doubles (u2 Q = u1 G), a cancelled sum, and an R whose x
//      lies in [n, p) (accepted with r = x - n);
//   4  the divsteps inverse mod n and Fermat's against BN_mod_inverse;
//   5  the signature scalars u1, u2 and x_matches against BN arithmetic.
// The low-level EC API is deprecated in OpenSSL 3 but is the only one that exposes these
// operations; this is test code, built with -Wno-deprecated-declarations.
#include "CP256.h"
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EC_GROUP *group;
static BN_CTX *ctx;
static const BIGNUM *order;
static BIGNUM *prime;
static void *g_table;
static void *q_table;

#define CHECK(cond, what)                                                                        \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_p256: %s (%s:%d)\n", what, __FILE__, __LINE__);               \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

static void setup(void) {
    if (group) return;
    group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    ctx = BN_CTX_new();
    order = EC_GROUP_get0_order(group);
    prime = BN_new();
    EC_GROUP_get_curve(group, prime, NULL, NULL, ctx);
    g_table = aligned_alloc(64, jwtbench_p256_table_size());
    q_table = aligned_alloc(64, jwtbench_p256_table_size());
    CHECK(jwtbench_p256_table_make_generator(g_table) == 1, "generator table refused");
}

/// 32 big-endian bytes from the input, zero-padded when it runs out.
static void take32(const uint8_t **data, size_t *size, unsigned char out[32]) {
    size_t n = *size < 32 ? *size : 32;
    memset(out, 0, 32);
    memcpy(out, *data, n);
    *data += n;
    *size -= n;
}

static BIGNUM *bn32(const unsigned char b[32]) { return BN_bin2bn(b, 32, NULL); }

static void bn_out(const BIGNUM *a, unsigned char out[32]) { CHECK(BN_bn2binpad(a, out, 32) == 32, "bn2binpad"); }

/// The affine coordinates of P (not infinity) as 32-byte big-endian strings.
static void affine(const EC_POINT *p, unsigned char x[32], unsigned char y[32]) {
    BIGNUM *bx = BN_new(), *by = BN_new();
    CHECK(EC_POINT_get_affine_coordinates(group, p, bx, by, ctx) == 1, "affine coordinates");
    bn_out(bx, x);
    bn_out(by, y);
    BN_free(bx);
    BN_free(by);
}

/// Q's table into q_table; 0 when Q is infinity (no table can be made).
static int make_key_table(const EC_POINT *q) {
    if (EC_POINT_is_at_infinity(group, q)) return 0;
    unsigned char x[32], y[32];
    affine(q, x, y);
    CHECK(jwtbench_p256_table_make(q_table, x, y) == 1, "table of a valid point refused");
    return 1;
}

/// OpenSSL's verdict on (r, s) over the digest for Q.
static int openssl_verify(const EC_POINT *q, const unsigned char sig[64], const unsigned char digest[32]) {
    EC_KEY *key = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
    CHECK(EC_KEY_set_public_key(key, q) == 1, "set public key");
    ECDSA_SIG *s = ECDSA_SIG_new();
    ECDSA_SIG_set0(s, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL));
    int ok = ECDSA_do_verify(digest, 32, s, key) == 1;
    ECDSA_SIG_free(s);
    EC_KEY_free(key);
    return ok;
}

static void compare_verify(const EC_POINT *q, const unsigned char sig[64], const unsigned char digest[32]) {
    if (!make_key_table(q)) return;
    int ours = jwtbench_p256_verify(g_table, q_table, sig, digest);
    int theirs = openssl_verify(q, sig, digest);
    CHECK(ours == theirs, ours ? "we accept a signature OpenSSL refuses" : "we refuse a signature OpenSSL accepts");
}

static void check_product(const uint8_t *data, size_t size) {
    unsigned char d[32], k[32], x[32], y[32], ox[32], oy[32];
    take32(&data, &size, d);
    take32(&data, &size, k);
    BIGNUM *bd = bn32(d), *bk = bn32(k);
    EC_POINT *q = EC_POINT_new(group), *p = EC_POINT_new(group);
    EC_POINT_mul(group, q, bd, NULL, NULL, ctx);
    // Any 256-bit k: OpenSSL reduces it mod n, as the table product must.
    if (make_key_table(q)) {
        EC_POINT_mul(group, p, NULL, q, bk, ctx);
        int ours = jwtbench_p256_table_mul(q_table, k, x, y);
        CHECK(ours == !EC_POINT_is_at_infinity(group, p), "k*Q infinity disagrees");
        if (ours) {
            affine(p, ox, oy);
            CHECK(memcmp(x, ox, 32) == 0 && memcmp(y, oy, 32) == 0, "k*Q differs from OpenSSL's");
        }
    }
    EC_POINT_mul(group, p, bk, NULL, NULL, ctx);
    int ours = jwtbench_p256_table_mul(g_table, k, x, y);
    CHECK(ours == !EC_POINT_is_at_infinity(group, p), "k*G infinity disagrees");
    if (ours) {
        affine(p, ox, oy);
        CHECK(memcmp(x, ox, 32) == 0 && memcmp(y, oy, 32) == 0, "k*G differs from OpenSSL's");
    }
    EC_POINT_free(q);
    EC_POINT_free(p);
    BN_free(bd);
    BN_free(bk);
}

static void check_table_make(const uint8_t *data, size_t size) {
    unsigned char x[32], y[32];
    take32(&data, &size, x);
    take32(&data, &size, y);
    BIGNUM *bx = bn32(x), *by = bn32(y);
    EC_POINT *p = EC_POINT_new(group);
    // OpenSSL reduces coordinates mod p silently; ours must refuse coordinates >= p.
    int theirs = BN_cmp(bx, prime) < 0 && BN_cmp(by, prime) < 0 &&
                 EC_POINT_set_affine_coordinates(group, p, bx, by, ctx) == 1 &&
                 EC_POINT_is_on_curve(group, p, ctx) == 1;
    int ours = jwtbench_p256_table_make(q_table, x, y);
    CHECK(ours == theirs, ours ? "table of an invalid point made" : "table of a valid point refused");
    EC_POINT_free(p);
    BN_free(bx);
    BN_free(by);
}

/// A valid signature from (d, k, e), then variants nudged by the remaining bytes.
static void check_verify(const uint8_t *data, size_t size) {
    unsigned char d[32], k[32], e[32], sig[64];
    take32(&data, &size, d);
    take32(&data, &size, k);
    take32(&data, &size, e);
    BIGNUM *bd = bn32(d), *bk = bn32(k), *be = bn32(e), *r = BN_new(), *s = BN_new(), *t = BN_new();
    EC_POINT *q = EC_POINT_new(group), *kg = EC_POINT_new(group);
    EC_POINT_mul(group, q, bd, NULL, NULL, ctx);
    EC_POINT_mul(group, kg, bk, NULL, NULL, ctx);
    if (!EC_POINT_is_at_infinity(group, kg)) {
        EC_POINT_get_affine_coordinates(group, kg, r, NULL, ctx);
        BN_nnmod(r, r, order, ctx);
        // s = k^-1 (e + r d) mod n; e as a 256-bit integer (the digest is 32 bytes).
        BN_mod_mul(t, r, bd, order, ctx);
        BN_mod_add(t, t, be, order, ctx);
        if (BN_mod_inverse(s, bk, order, ctx) != NULL) {
            BN_mod_mul(s, s, t, order, ctx);
            bn_out(r, sig);
            bn_out(s, sig + 32);
            compare_verify(q, sig, e);
            // Nudges: each remaining byte flips one byte of (r, s) or the digest.
            for (size_t i = 0; i + 1 < size && i < 8; i += 2) {
                unsigned at = data[i] % 96;
                if (at < 64) sig[at] ^= data[i + 1] | 1; else e[at - 64] ^= data[i + 1] | 1;
                compare_verify(q, sig, e);
            }
            // r and s at the edges: 0, n, n - 1.
            unsigned char saved[64];
            memcpy(saved, sig, 64);
            bn_out(order, sig);
            compare_verify(q, sig, e);
            memcpy(sig, saved, 64);
            bn_out(order, sig + 32);
            compare_verify(q, sig, e);
            memset(sig + 32, 0, 32);
            compare_verify(q, sig, e);
        }
    }
    EC_POINT_free(q);
    EC_POINT_free(kg);
    BN_free(bd); BN_free(bk); BN_free(be); BN_free(r); BN_free(s); BN_free(t);
}

/// Q = u2^-1 (R - u1 G), so that the verifier's sum u1 G + u2 Q is R; R = NULL for infinity.
static EC_POINT *key_for_sum(const EC_POINT *R, const BIGNUM *u1, const BIGNUM *u2) {
    EC_POINT *q = EC_POINT_new(group), *t = EC_POINT_new(group);
    BIGNUM *inv = BN_mod_inverse(NULL, u2, order, ctx), *neg = BN_new();
    BN_sub(neg, order, u1);  // -u1 mod n (u1 < n)
    EC_POINT_mul(group, t, neg, NULL, NULL, ctx);
    if (R) EC_POINT_add(group, t, t, R, ctx);
    EC_POINT_mul(group, q, NULL, t, inv, ctx);
    EC_POINT_free(t);
    BN_free(inv);
    BN_free(neg);
    return q;
}

/// Crafted keys: for a signature (r, s) over e, the verifier's sum u1 G + u2 Q is R when
/// Q = u2^-1 (R - u1 G). R is the point at infinity (variant 0: refused), 2 u1 G (1: the walk
/// meets a doubling, u2 Q = u1 G), a small multiple of G (2: u2 Q = (m - u1) G), or a point
/// whose x lies in [n, p) (3). For 1 to 3, r is set to x(R) mod n so the signature is valid.
static void check_crafted(const uint8_t *data, size_t size) {
    if (size < 2) return;
    unsigned variant = data[0] % 4, small = data[1];
    data += 2, size -= 2;
    unsigned char r[32], s[32], e[32], sig[64];
    take32(&data, &size, r);
    take32(&data, &size, s);
    take32(&data, &size, e);
    BIGNUM *br = bn32(r), *bs = bn32(s), *be = bn32(e), *w = BN_new(), *u1 = BN_new(), *u2 = BN_new();
    BIGNUM *m = BN_new(), *x = BN_new();
    EC_POINT *R = EC_POINT_new(group), *q = NULL;
    BN_nnmod(bs, bs, order, ctx);
    BN_nnmod(be, be, order, ctx);
    if (BN_is_zero(bs)) goto done;
    BN_mod_inverse(w, bs, order, ctx);
    BN_mod_mul(u1, be, w, order, ctx);
    if (variant == 0) {
        BN_nnmod(br, br, order, ctx);
        if (BN_is_zero(br)) goto done;
        BN_mod_mul(u2, br, w, order, ctx);
        q = key_for_sum(NULL, u1, u2);
    } else {
        if (variant == 1) {
            BN_mod_add(m, u1, u1, order, ctx);
            EC_POINT_mul(group, R, m, NULL, NULL, ctx);
        } else if (variant == 2) {
            BN_set_word(m, small + 1);
            EC_POINT_mul(group, R, m, NULL, NULL, ctx);
        } else {
            BN_copy(x, order);
            BN_add_word(x, small);
            while (BN_cmp(x, prime) < 0 && EC_POINT_set_compressed_coordinates(group, R, x, small & 1, ctx) != 1)
                BN_add_word(x, 1);
            ERR_clear_error();
            if (BN_cmp(x, prime) >= 0) goto done;
        }
        if (EC_POINT_is_at_infinity(group, R)) goto done;
        EC_POINT_get_affine_coordinates(group, R, x, NULL, ctx);
        BN_nnmod(br, x, order, ctx);
        if (BN_is_zero(br)) goto done;
        BN_mod_mul(u2, br, w, order, ctx);
        q = key_for_sum(R, u1, u2);
    }
    bn_out(br, sig);
    bn_out(bs, sig + 32);
    bn_out(be, e);
    compare_verify(q, sig, e);
    if (variant != 0 && make_key_table(q)) CHECK(jwtbench_p256_verify(g_table, q_table, sig, e) == 1, "crafted valid signature refused");
done:
    if (q) EC_POINT_free(q);
    EC_POINT_free(R);
    BN_free(br); BN_free(bs); BN_free(be); BN_free(w); BN_free(u1); BN_free(u2); BN_free(m); BN_free(x);
}

static void check_inverse(const uint8_t *data, size_t size) {
    unsigned char x[32], ours[32], fermat[32], theirs[32];
    take32(&data, &size, x);
    BIGNUM *bx = bn32(x);
    int valid = !BN_is_zero(bx) && BN_cmp(bx, order) < 0;
    int a = jwtbench_p256_order_inverse(x, 0, ours), b = jwtbench_p256_order_inverse(x, 1, fermat);
    CHECK(a == valid && b == valid, "inverse domain differs from [1, n)");
    if (valid) {
        BIGNUM *inv = BN_mod_inverse(NULL, bx, order, ctx);
        bn_out(inv, theirs);
        CHECK(memcmp(ours, theirs, 32) == 0, "divsteps inverse differs from BN_mod_inverse");
        CHECK(memcmp(fermat, theirs, 32) == 0, "Fermat inverse differs from BN_mod_inverse");
        BN_free(inv);
    }
    BN_free(bx);
}

static void check_scalars(const uint8_t *data, size_t size) {
    unsigned char sig[64], e[32], u1[32], u2[32], want[32], x[32], z[32];
    take32(&data, &size, sig);
    take32(&data, &size, sig + 32);
    take32(&data, &size, e);
    BIGNUM *br = bn32(sig), *bs = bn32(sig + 32), *be = bn32(e), *w = BN_new(), *t = BN_new();
    int valid = !BN_is_zero(br) && !BN_is_zero(bs) && BN_cmp(br, order) < 0 && BN_cmp(bs, order) < 0;
    CHECK(jwtbench_p256_scalars(sig, e, u1, u2) == valid, "scalars' domain differs from 1 <= r, s < n");
    if (valid) {
        BN_mod_inverse(w, bs, order, ctx);
        BN_mod_mul(t, be, w, order, ctx);  // e >= n is reduced here, as FIPS 186-5 does
        bn_out(t, want);
        CHECK(memcmp(u1, want, 32) == 0, "u1 differs");
        BN_mod_mul(t, br, w, order, ctx);
        bn_out(t, want);
        CHECK(memcmp(u2, want, 32) == 0, "u2 differs");
    }
    // x_matches: X / Z^2 mod p against r mod n, for X, Z below p and Z not zero.
    take32(&data, &size, x);
    take32(&data, &size, z);
    BIGNUM *bx = bn32(x), *bz = bn32(z);
    if (BN_cmp(bx, prime) < 0 && BN_cmp(bz, prime) < 0 && !BN_is_zero(bz)) {
        BN_mod_sqr(t, bz, prime, ctx);
        BN_mod_inverse(t, t, prime, ctx);
        BN_mod_mul(t, t, bx, prime, ctx);
        BN_nnmod(t, t, order, ctx);
        BIGNUM *rn = BN_new();
        BN_nnmod(rn, br, order, ctx);
        int theirs = BN_cmp(t, rn) == 0;
        CHECK(jwtbench_p256_x_matches(x, z, sig) == theirs, "x_matches differs");
        // And a matching r built from this (X, Z): must be accepted.
        unsigned char sig2[64];
        bn_out(t, sig2);
        memcpy(sig2 + 32, sig + 32, 32);
        if (!BN_is_zero(t)) CHECK(jwtbench_p256_x_matches(x, z, sig2) == 1, "x_matches refuses its own x");
        BN_free(rn);
    }
    BN_free(bx); BN_free(bz); BN_free(br); BN_free(bs); BN_free(be); BN_free(w); BN_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup();
    if (size < 1) return 0;
    switch (data[0] % 6) {
    case 0: check_product(data + 1, size - 1); break;
    case 1: check_table_make(data + 1, size - 1); break;
    case 2: check_verify(data + 1, size - 1); break;
    case 3: check_crafted(data + 1, size - 1); break;
    case 4: check_inverse(data + 1, size - 1); break;
    default: check_scalars(data + 1, size - 1); break;
    }
    return 0;
}
