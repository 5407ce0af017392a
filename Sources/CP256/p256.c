// P-256 arithmetic for ES256 verification with fixed-base tables of G and of each public key.
//
// Why ours: an ECDSA verify computes u1*G + u2*Q. OpenSSL multiplies G with a built-in table
// but Q with a windowed double-and-add (about three times the cost), because it cannot know Q
// in advance; a gateway verifies thousands of tokens with the same few keys. OpenSSL can make
// a table for any point (a group whose generator is Q, EC_GROUP_precompute_mult), but 3.0's
// nistz256 code then checks, on every product, that the table belongs to the group's
// generator by making a point (7 allocations per verification), and a table costs 40-50 ms.
// Here: one table format for G and for Q (37 rows of 64 affine points, signed 7-bit windows,
// the layout nistz256 uses), 74 mixed additions per verification, no doubling, no allocation,
// and a key's table in about 2 ms.
//
// Only verification: every input (key, signature, digest) is public, so nothing here needs
// constant time; special cases (a sum that meets a doubling or the point at infinity, which
// crafted signatures reach) take branches. Field elements are four 64-bit little-endian
// limbs in Montgomery form (R = 2^256), always fully reduced (below p). Correctness is checked
// by the Wycheproof ECDSA P-256 vectors, run through both of the verifier's paths, by its
// P-256 ECDH vectors (x(d Q) from Q's table, doubling edge cases included), and by tests
// comparing products with OpenSSL's and the divsteps inverse with Fermat's.
#include "CP256.h"
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/// An affine point, Montgomery form. Tables hold these.
typedef struct { uint64_t x[4], y[4]; } p256_affine;
/// A Jacobian point (x = X / Z^2, y = Y / Z^3), Montgomery form; Z = 0 is the point at infinity.
typedef struct { uint64_t x[4], y[4], z[4]; } p256_jacobian;

enum { WINDOW = 7, COLUMNS = 64, ROWS = 37 };  // 37 * 7 = 259 bits: a 256-bit scalar and a carry

static const uint64_t P[4] = { 0xFFFFFFFFFFFFFFFFULL, 0x00000000FFFFFFFFULL, 0x0000000000000000ULL, 0xFFFFFFFF00000001ULL };
static const uint64_t N[4] = { 0xF3B9CAC2FC632551ULL, 0xBCE6FAADA7179E84ULL, 0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFF00000000ULL };
/// -p^-1 and -n^-1 mod 2^64.
#define P_INV 1ULL
#define N_INV 0xCCD1C8AAEE00BC4FULL
/// R mod p (Montgomery 1), R^2 mod p, R^2 mod n.
static const uint64_t ONE_P[4] = { 0x0000000000000001ULL, 0xFFFFFFFF00000000ULL, 0xFFFFFFFFFFFFFFFFULL, 0x00000000FFFFFFFEULL };
static const uint64_t RR_P[4] = { 0x0000000000000003ULL, 0xFFFFFFFBFFFFFFFFULL, 0xFFFFFFFFFFFFFFFEULL, 0x00000004FFFFFFFDULL };
static const uint64_t RR_N[4] = { 0x83244C95BE79EEA2ULL, 0x4699799C49BD6FA6ULL, 0x2845B2392B6BEC59ULL, 0x66E12D94F3D95620ULL };
/// The curve's b and the generator G, Montgomery form (SEC 2 section 2.4.2 times R mod p).
static const uint64_t B_M[4] = { 0xD89CDF6229C4BDDFULL, 0xACF005CD78843090ULL, 0xE5A220ABF7212ED6ULL, 0xDC30061D04874834ULL };
static const uint64_t GX_M[4] = { 0x79E730D418A9143CULL, 0x75BA95FC5FEDB601ULL, 0x79FB732B77622510ULL, 0x18905F76A53755C6ULL };
static const uint64_t GY_M[4] = { 0xDDF25357CE95560AULL, 0x8B4AB8E4BA19E45CULL, 0xD2E88688DD21F325ULL, 0x8571FF1825885D85ULL };

// MARK: 4-limb integers

static inline void load_be32(uint64_t out[4], const unsigned char *in) {
    for (int limb = 0; limb < 4; limb++) {
        uint64_t v = 0;
        for (int b = 0; b < 8; b++) v = v << 8 | in[(3 - limb) * 8 + b];
        out[limb] = v;
    }
}

static inline void store_be32(unsigned char *out, const uint64_t in[4]) {
    for (int limb = 0; limb < 4; limb++)
        for (int b = 0; b < 8; b++) out[(3 - limb) * 8 + b] = (unsigned char)(in[limb] >> (56 - 8 * b));
}

static inline int less4(const uint64_t a[4], const uint64_t b[4]) {
    for (int i = 3; i >= 0; i--) if (a[i] != b[i]) return a[i] < b[i];
    return 0;
}

static inline int is_zero4(const uint64_t a[4]) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

static inline int equal4(const uint64_t a[4], const uint64_t b[4]) {
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
}

static inline void copy4(uint64_t r[4], const uint64_t a[4]) { memcpy(r, a, 32); }

// MARK: Montgomery multiplication

/// r = a * b / 2^256 mod m, for a < 2^256 and b < m (the sum then stays below 2m and one
/// conditional subtraction reduces it); r may alias a or b. CIOS, unrolled by hand; with m = p
/// (minv = 1, a zero limb) the compiler folds the constants.
#define MAC(t, x, y, carry) do { \
        u128 _v = (u128)(x) * (y) + (t) + (carry); \
        (t) = (uint64_t)_v; (carry) = (uint64_t)(_v >> 64); } while (0)
#define MONT_ROUND(bi) do { \
        uint64_t _c = 0; \
        MAC(t0, a0, (bi), _c); MAC(t1, a1, (bi), _c); \
        MAC(t2, a2, (bi), _c); MAC(t3, a3, (bi), _c); \
        u128 _s = (u128)t4 + _c; t4 = (uint64_t)_s; uint64_t t5 = (uint64_t)(_s >> 64); \
        uint64_t _q = t0 * minv; \
        _c = (uint64_t)(((u128)_q * m0 + t0) >> 64); \
        uint64_t _r0 = t1, _r1 = t2, _r2 = t3; \
        MAC(_r0, _q, m1, _c); MAC(_r1, _q, m2, _c); MAC(_r2, _q, m3, _c); \
        _s = (u128)t4 + _c; \
        t0 = _r0; t1 = _r1; t2 = _r2; t3 = (uint64_t)_s; t4 = t5 + (uint64_t)(_s >> 64); } while (0)

static inline __attribute__((always_inline)) void mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                                                           const uint64_t m[4], uint64_t minv) {
    const uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    const uint64_t b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    const uint64_t m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    MONT_ROUND(b0);
    MONT_ROUND(b1);
    MONT_ROUND(b2);
    MONT_ROUND(b3);
    u128 d0 = (u128)t0 - m0;
    u128 d1 = (u128)t1 - m1 - (uint64_t)((d0 >> 64) & 1);
    u128 d2 = (u128)t2 - m2 - (uint64_t)((d1 >> 64) & 1);
    u128 d3 = (u128)t3 - m3 - (uint64_t)((d2 >> 64) & 1);
    int useDifference = t4 != 0 || ((d3 >> 64) & 1) == 0;
    r[0] = useDifference ? (uint64_t)d0 : t0;
    r[1] = useDifference ? (uint64_t)d1 : t1;
    r[2] = useDifference ? (uint64_t)d2 : t2;
    r[3] = useDifference ? (uint64_t)d3 : t3;
}
#undef MONT_ROUND
#undef MAC

/// base^exponent in Montgomery form (base and result times R mod m), by fixed 4-bit windows.
static void mont_pow(uint64_t r[4], const uint64_t base[4], const uint64_t exponent[4],
                     const uint64_t m[4], uint64_t minv, const uint64_t one[4]) {
    uint64_t table[16][4];
    copy4(table[0], one);
    copy4(table[1], base);
    for (int i = 2; i < 16; i++) mont_mul(table[i], table[i - 1], base, m, minv);
    uint64_t w[4];
    copy4(w, one);
    for (int window = 63; window >= 0; window--) {
        for (int k = 0; k < 4; k++) mont_mul(w, w, w, m, minv);
        unsigned nibble = (unsigned)(exponent[window / 16] >> ((window % 16) * 4)) & 15;
        if (nibble) mont_mul(w, w, table[nibble], m, minv);
    }
    copy4(r, w);
}

// MARK: The field (mod p)

/// r = a b / 2^256 mod p for a, b < p; r may alias a or b. Montgomery multiplication with
/// the reduction written for p's shape: -p^-1 = 1 mod 2^64, so each round's multiple of p is
/// q = t0, and q p = q (2^96 - 1) + q p3 2^192 (p0 = 2^64 - 1, p1 = 2^32 - 1, p2 = 0): a
/// shift and one product instead of three products, 20 multiplications in all instead of 28.
static inline __attribute__((always_inline)) void fe_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]) {
    const uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    for (int i = 0; i < 4; i++) {
        const uint64_t bi = b[i];
        u128 v = (u128)a0 * bi + t0; t0 = (uint64_t)v;
        v = (u128)a1 * bi + t1 + (uint64_t)(v >> 64); t1 = (uint64_t)v;
        v = (u128)a2 * bi + t2 + (uint64_t)(v >> 64); t2 = (uint64_t)v;
        v = (u128)a3 * bi + t3 + (uint64_t)(v >> 64); t3 = (uint64_t)v;
        v = (u128)t4 + (uint64_t)(v >> 64); t4 = (uint64_t)v;
        uint64_t t5 = (uint64_t)(v >> 64);
        // t += q p with q = t0; t0 + q (2^64 - 1) carries exactly q into the next limb.
        const uint64_t q = t0;
        const u128 qp3 = (u128)q * P[3];
        v = (u128)t1 + (q << 32); t0 = (uint64_t)v;
        v = (u128)t2 + (q >> 32) + (uint64_t)(v >> 64); t1 = (uint64_t)v;
        v = (u128)t3 + (uint64_t)qp3 + (uint64_t)(v >> 64); t2 = (uint64_t)v;
        v = (u128)t4 + (uint64_t)(qp3 >> 64) + (uint64_t)(v >> 64); t3 = (uint64_t)v;
        t4 = t5 + (uint64_t)(v >> 64);
    }
    // t < 2p: subtract p once when t >= p.
    u128 d0 = (u128)t0 - P[0];
    u128 d1 = (u128)t1 - P[1] - (uint64_t)((d0 >> 64) & 1);
    u128 d2 = (u128)t2 - P[2] - (uint64_t)((d1 >> 64) & 1);
    u128 d3 = (u128)t3 - P[3] - (uint64_t)((d2 >> 64) & 1);
    int useDifference = t4 != 0 || ((d3 >> 64) & 1) == 0;
    r[0] = useDifference ? (uint64_t)d0 : t0;
    r[1] = useDifference ? (uint64_t)d1 : t1;
    r[2] = useDifference ? (uint64_t)d2 : t2;
    r[3] = useDifference ? (uint64_t)d3 : t3;
}

static inline __attribute__((always_inline)) void fe_sqr(uint64_t r[4], const uint64_t a[4]) {
    fe_mul(r, a, a);
}

static inline void fe_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]) {
    uint64_t t[4], d[4];
    u128 c = 0;
    for (int i = 0; i < 4; i++) { c += (u128)a[i] + b[i]; t[i] = (uint64_t)c; c >>= 64; }
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) { u128 v = (u128)t[i] - P[i] - borrow; d[i] = (uint64_t)v; borrow = (uint64_t)(v >> 64) & 1; }
    // a + b >= p exactly when the sum carried out of 256 bits or subtracting p did not borrow.
    int useDifference = (uint64_t)c != 0 || borrow == 0;
    for (int i = 0; i < 4; i++) r[i] = useDifference ? d[i] : t[i];
}

static inline void fe_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]) {
    uint64_t t[4], borrow = 0;
    for (int i = 0; i < 4; i++) { u128 v = (u128)a[i] - b[i] - borrow; t[i] = (uint64_t)v; borrow = (uint64_t)(v >> 64) & 1; }
    if (borrow) {
        u128 c = 0;
        for (int i = 0; i < 4; i++) { c += (u128)t[i] + P[i]; t[i] = (uint64_t)c; c >>= 64; }
    }
    copy4(r, t);
}

static inline void fe_neg(uint64_t r[4], const uint64_t a[4]) {
    static const uint64_t zero[4] = {0, 0, 0, 0};
    fe_sub(r, zero, a);
}

/// a^-1 = a^(p - 2), Montgomery form in and out (table making and tests only).
static void fe_inv(uint64_t r[4], const uint64_t a[4]) {
    const uint64_t exponent[4] = { P[0] - 2, P[1], P[2], P[3] };
    mont_pow(r, a, exponent, P, P_INV, ONE_P);
}

// MARK: Points

static inline int jac_is_infinity(const p256_jacobian *a) { return is_zero4(a->z); }

/// r = 2a, a = -3 (dbl-2001-b, Explicit-Formulas Database); r may alias a. A point with
/// Y = 0 (none of order n has one) gives Z = 0, the point at infinity, by itself.
static void jac_double(p256_jacobian *r, const p256_jacobian *a) {
    uint64_t delta[4], gamma[4], beta[4], alpha[4], t1[4], t2[4], x3[4], y3[4], z3[4];
    fe_sqr(delta, a->z);
    fe_sqr(gamma, a->y);
    fe_mul(beta, a->x, gamma);
    fe_sub(t1, a->x, delta);
    fe_add(t2, a->x, delta);
    fe_mul(t1, t1, t2);
    fe_add(alpha, t1, t1);
    fe_add(alpha, alpha, t1);                // 3 (X - delta)(X + delta)
    fe_add(t1, a->y, a->z);
    fe_sqr(t1, t1);
    fe_sub(t1, t1, gamma);
    fe_sub(z3, t1, delta);                   // (Y + Z)^2 - gamma - delta = 2 Y Z
    fe_add(t2, beta, beta);
    fe_add(t2, t2, t2);                      // 4 beta
    fe_sqr(x3, alpha);
    fe_sub(x3, x3, t2);
    fe_sub(x3, x3, t2);                      // alpha^2 - 8 beta
    fe_sub(t2, t2, x3);
    fe_mul(t2, alpha, t2);
    fe_sqr(t1, gamma);
    fe_add(t1, t1, t1);
    fe_add(t1, t1, t1);
    fe_add(t1, t1, t1);                      // 8 gamma^2
    fe_sub(y3, t2, t1);
    copy4(r->x, x3);
    copy4(r->y, y3);
    copy4(r->z, z3);
}

/// a += (x2, y2), an affine point other than infinity (madd-2004-hmv: 8M + 3S). When the two
/// are the same point the sum is a doubling, and when they are opposite it is infinity: the
/// formulas do not cover either, so they branch.
static void jac_add_affine(p256_jacobian *a, const uint64_t x2[4], const uint64_t y2[4]) {
    if (jac_is_infinity(a)) {
        copy4(a->x, x2);
        copy4(a->y, y2);
        copy4(a->z, ONE_P);
        return;
    }
    uint64_t z1z1[4], u2[4], s2[4], h[4], rr[4], hh[4], hhh[4], v[4], t[4];
    fe_sqr(z1z1, a->z);
    fe_mul(u2, x2, z1z1);
    fe_mul(s2, a->z, z1z1);
    fe_mul(s2, s2, y2);
    fe_sub(h, u2, a->x);
    fe_sub(rr, s2, a->y);
    if (is_zero4(h)) {
        if (is_zero4(rr)) jac_double(a, a);
        else memset(a->z, 0, 32);
        return;
    }
    fe_sqr(hh, h);
    fe_mul(hhh, h, hh);
    fe_mul(v, a->x, hh);
    fe_sqr(t, rr);
    fe_sub(t, t, hhh);
    fe_sub(t, t, v);
    fe_sub(t, t, v);                         // X3 = rr^2 - H^3 - 2 X1 H^2
    fe_sub(v, v, t);
    fe_mul(v, rr, v);
    fe_mul(hhh, a->y, hhh);
    fe_sub(a->y, v, hhh);                    // Y3 = rr (X1 H^2 - X3) - Y1 H^3
    fe_mul(a->z, a->z, h);                   // Z3 = Z1 H
    copy4(a->x, t);
}

/// (x, y) = (X / Z^2, Y / Z^3) of `a`, given zinv = Z^-1; x and y must not alias `a`.
static void affine_from(uint64_t x[4], uint64_t y[4], const p256_jacobian *a, const uint64_t zinv[4]) {
    uint64_t zinv2[4], zinv3[4];
    fe_sqr(zinv2, zinv);
    fe_mul(zinv3, zinv2, zinv);
    fe_mul(x, a->x, zinv2);
    fe_mul(y, a->y, zinv3);
}

// MARK: Tables and the comb

size_t jwtbench_p256_table_size(void) { return sizeof(p256_affine) * ROWS * COLUMNS; }

/// Row i, column j of a point P's table: (j + 1) 2^(7i) P, affine. Every entry is a multiple
/// of P by a number below 2^259 that n (an odd prime above 2^255) cannot divide, so none is
/// the point at infinity; the check remains for a point of other order, which the callers'
/// on-curve check excludes.
static int table_make(p256_affine *table, const uint64_t x[4], const uint64_t y[4]) {
    const size_t count = (size_t)ROWS * COLUMNS;
    p256_jacobian *points = malloc(count * sizeof(p256_jacobian));
    uint64_t (*prefix)[4] = malloc(count * sizeof(*prefix));
    int ok = points != NULL && prefix != NULL;
    if (ok) {
        // Each row's base, affine (one inversion a row, ~37 in all), so that the row is made
        // with the verifier's own mixed addition.
        uint64_t bx[4], by[4];
        copy4(bx, x);
        copy4(by, y);
        for (int row = 0; row < ROWS && ok; row++) {
            p256_jacobian *line = points + (size_t)row * COLUMNS;
            copy4(line[0].x, bx);
            copy4(line[0].y, by);
            copy4(line[0].z, ONE_P);
            for (int j = 1; j < COLUMNS; j++) {
                line[j] = line[j - 1];
                jac_add_affine(&line[j], bx, by);
            }
            p256_jacobian next;
            jac_double(&next, &line[COLUMNS - 1]);   // 2 * 64 = 2^7 times this row's base
            if (jac_is_infinity(&next)) {
                ok = 0;
            } else {
                uint64_t zinv[4];
                fe_inv(zinv, next.z);
                affine_from(bx, by, &next, zinv);
            }
        }
        // Affine coordinates with one inversion (Montgomery's trick): prefix[k] = z0 ... zk.
        for (size_t k = 0; k < count && ok; k++) {
            if (jac_is_infinity(&points[k])) ok = 0;
            else if (k == 0) copy4(prefix[0], points[0].z);
            else fe_mul(prefix[k], prefix[k - 1], points[k].z);
        }
        if (ok) {
            uint64_t inverse[4], zinv[4];
            fe_inv(inverse, prefix[count - 1]);            // (z0 ... z_last)^-1
            for (size_t k = count; k-- > 0;) {
                if (k > 0) {
                    fe_mul(zinv, inverse, prefix[k - 1]);  // z_k^-1
                    fe_mul(inverse, inverse, points[k].z); // (z0 ... z_{k-1})^-1
                } else {
                    copy4(zinv, inverse);
                }
                affine_from(table[k].x, table[k].y, &points[k], zinv);
            }
        }
    }
    free(points);
    free(prefix);
    return ok;
}

/// y^2 = x^3 - 3x + b, Montgomery form.
static int on_curve(const uint64_t x[4], const uint64_t y[4]) {
    uint64_t lhs[4], rhs[4], t[4];
    fe_sqr(lhs, y);
    fe_sqr(rhs, x);
    fe_mul(rhs, rhs, x);
    fe_add(t, x, x);
    fe_add(t, t, x);
    fe_sub(rhs, rhs, t);
    fe_add(rhs, rhs, B_M);
    return equal4(lhs, rhs);
}

int jwtbench_p256_table_make(void *table, const unsigned char *xBytes, const unsigned char *yBytes) {
    uint64_t x[4], y[4];
    load_be32(x, xBytes);
    load_be32(y, yBytes);
    if (!less4(x, P) || !less4(y, P)) return 0;
    fe_mul(x, x, RR_P);
    fe_mul(y, y, RR_P);
    return on_curve(x, y) && table_make(table, x, y);
}

/// The constants are checked too: a wrong digit in G would otherwise give wrong products.
int jwtbench_p256_table_make_generator(void *table) { return on_curve(GX_M, GY_M) && table_make(table, GX_M, GY_M); }

/// The 7 bits of k from bit `position` (zero above bit 255).
static inline unsigned window_bits(const uint64_t k[4], int position) {
    int limb = position >> 6, shift = position & 63;
    uint64_t v = k[limb] >> shift;
    if (shift > 64 - WINDOW && limb < 3) v |= k[limb + 1] << (64 - shift);
    return (unsigned)v & ((1u << WINDOW) - 1);
}

/// acc += k * P with P's table: k in signed 7-bit digits d_i in [-64, 64] (a window above 64
/// becomes w - 128 and carries one into the next), k = sum of d_i 2^(7i), so k P is the sum of
/// +-table[i][|d_i| - 1] over the nonzero digits: at most 37 mixed additions, no doubling.
static void comb_add(p256_jacobian *acc, const p256_affine *table, const uint64_t k[4]) {
    unsigned carry = 0;
    for (int row = 0; row < ROWS; row++) {
        unsigned w = window_bits(k, row * WINDOW) + carry;
        int negative = w > COLUMNS;
        carry = negative;
        unsigned digit = negative ? (1u << WINDOW) - w : w;
        if (digit == 0) continue;
        const p256_affine *entry = &table[row * COLUMNS + digit - 1];
        if (negative) {
            uint64_t y[4];
            fe_neg(y, entry->y);
            jac_add_affine(acc, entry->x, y);
        } else {
            jac_add_affine(acc, entry->x, entry->y);
        }
    }
}

int jwtbench_p256_table_mul(const void *table, const unsigned char *kBytes, unsigned char *xOut, unsigned char *yOut) {
    uint64_t k[4];
    load_be32(k, kBytes);
    p256_jacobian acc;
    memset(&acc, 0, sizeof acc);
    comb_add(&acc, table, k);
    if (jac_is_infinity(&acc)) return 0;
    uint64_t zinv[4], x[4], y[4];
    const uint64_t one[4] = {1, 0, 0, 0};
    fe_inv(zinv, acc.z);
    affine_from(x, y, &acc, zinv);
    fe_mul(x, x, one);   // out of Montgomery form
    fe_mul(y, y, one);
    store_be32(xOut, x);
    store_be32(yOut, y);
    return 1;
}

// MARK: Inverse modulo n (safegcd)

/// s^-1 mod n by Bernstein and Yang's divsteps ("Fast constant-time gcd computation and
/// modular inversion", 2019), in the variable-time form: s is public. Fermat's s^(n-2) costs
/// about 300 Montgomery products (a third of a verification); this costs about 8 batches of
/// 62 divsteps on single words plus one 5-limb update each.
///
/// Numbers are five signed 62-bit limbs (v[0..3] in [0, 2^62), v[4] signed), so a batch's
/// 2x2 matrix (entries at most 2^62 in size) multiplies them in 128-bit accumulators.
typedef struct { int64_t v[5]; } s62;
typedef struct { int64_t u, v, q, r; } s62_matrix;

#define M62 (UINT64_MAX >> 2)
/// n in signed 62-bit limbs, and n^-1 mod 2^62.
static const s62 N62 = {{ 0x33B9CAC2FC632551LL, 0x339BEAB69C5E7A13LL, 0x3FFFFFFFFFFFFFFBLL, 0x3FFFFFC00000003FLL, 0xFFLL }};
#define N_INV62 0x332E375511FF43B1ULL

static inline void s62_from(s62 *r, const uint64_t a[4]) {
    r->v[0] = (int64_t)(a[0] & M62);
    r->v[1] = (int64_t)((a[0] >> 62 | a[1] << 2) & M62);
    r->v[2] = (int64_t)((a[1] >> 60 | a[2] << 4) & M62);
    r->v[3] = (int64_t)((a[2] >> 58 | a[3] << 6) & M62);
    r->v[4] = (int64_t)(a[3] >> 56);
}

/// For 0 <= a < 2^256.
static inline void s62_to(uint64_t r[4], const s62 *a) {
    r[0] = (uint64_t)a->v[0] | (uint64_t)a->v[1] << 62;
    r[1] = (uint64_t)a->v[1] >> 2 | (uint64_t)a->v[2] << 60;
    r[2] = (uint64_t)a->v[2] >> 4 | (uint64_t)a->v[3] << 58;
    r[3] = (uint64_t)a->v[3] >> 6 | (uint64_t)a->v[4] << 56;
}

/// 62 divsteps on the low 64 bits of f (odd) and g, with eta = -delta. Returns the new eta
/// and the matrix t with 2^62 (f', g') = t (f, g). Each divstep halves g when it is even; when
/// g is odd it first makes (f, g) = (g, -f) if eta < 0, then adds f to g. Runs of those are
/// batched: trailing zeros of g are shifted out at once, and up to min(eta + 1, steps left, 6)
/// additions of f become one addition of w f, w = -g / f mod 2^limit (the same steps, because
/// no swap can fall due within eta + 1 steps). Only the low bits decide each step, and
/// after k of the 62 steps 64 - k >= the steps left of them are still known.
static int64_t divsteps62(int64_t eta, uint64_t f, uint64_t g, s62_matrix *t) {
    uint64_t u = 1, v = 0, q = 0, r = 1;  // two's complement: entries may go negative
    int left = 62;
    for (;;) {
        int zeros = __builtin_ctzll(g | (UINT64_MAX << left));
        g >>= zeros;
        u <<= zeros;
        v <<= zeros;
        eta -= zeros;
        left -= zeros;
        if (left == 0) break;
        if (eta < 0) {
            uint64_t x;
            eta = -eta;
            x = f; f = g; g = (uint64_t)0 - x;
            x = u; u = q; q = (uint64_t)0 - x;
            x = v; v = r; r = (uint64_t)0 - x;
        }
        int limit = (int)eta + 1 < left ? (int)eta + 1 : left;
        if (limit > 6) limit = 6;
        uint64_t mask = (UINT64_MAX >> (64 - limit));
        uint64_t inverse = f * (2 - f * f);   // f^-1 mod 2^6 (f f = 1 mod 8; one Newton step)
        uint64_t w = ((uint64_t)0 - g * inverse) & mask;
        g += f * w;
        q += u * w;
        r += v * w;
    }
    t->u = (int64_t)u;
    t->v = (int64_t)v;
    t->q = (int64_t)q;
    t->r = (int64_t)r;
    return eta;
}

/// (a, b) = (t (a, b) + (ma n, mb n)) / 2^62, for ma and mb that make both sums' low 62 bits
/// zero (0 for f and g, which the matrix itself makes divisible).
static void s62_apply(s62 *a, s62 *b, const s62_matrix *t, int64_t ma, int64_t mb) {
    __int128 ca = (__int128)t->u * a->v[0] + (__int128)t->v * b->v[0] + (__int128)N62.v[0] * ma;
    __int128 cb = (__int128)t->q * a->v[0] + (__int128)t->r * b->v[0] + (__int128)N62.v[0] * mb;
    ca >>= 62;
    cb >>= 62;
    for (int i = 1; i < 5; i++) {
        ca += (__int128)t->u * a->v[i] + (__int128)t->v * b->v[i] + (__int128)N62.v[i] * ma;
        cb += (__int128)t->q * a->v[i] + (__int128)t->r * b->v[i] + (__int128)N62.v[i] * mb;
        a->v[i - 1] = (int64_t)((uint64_t)ca & M62);
        b->v[i - 1] = (int64_t)((uint64_t)cb & M62);
        ca >>= 62;
        cb >>= 62;
    }
    a->v[4] = (int64_t)ca;
    b->v[4] = (int64_t)cb;
}

static inline void s62_add_n(s62 *a, int64_t sign) {
    int64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        int64_t c = a->v[i] + sign * N62.v[i] + carry;
        a->v[i] = (int64_t)((uint64_t)c & M62);
        carry = c >> 62;
    }
    a->v[4] += sign * N62.v[4] + carry;
}

/// From [-n, 2n) to [0, n).
static inline void s62_reduce(s62 *a) {
    if (a->v[4] < 0) {
        s62_add_n(a, 1);
    } else {
        s62 b = *a;
        s62_add_n(&b, -1);
        if (b.v[4] >= 0) *a = b;
    }
}

/// (d, e) = t (d, e) / 2^62 mod n, for d, e in [0, n): each sum is made divisible by 2^62 by
/// adding m n (m below 2^62), so the result is in [-n, 2n) and one step reduces it.
static void s62_update_de(s62 *d, s62 *e, const s62_matrix *t) {
    // Only the sums' low 62 bits decide m: 64-bit wrapping arithmetic gives them.
    uint64_t lowD = (uint64_t)t->u * (uint64_t)d->v[0] + (uint64_t)t->v * (uint64_t)e->v[0];
    uint64_t lowE = (uint64_t)t->q * (uint64_t)d->v[0] + (uint64_t)t->r * (uint64_t)e->v[0];
    int64_t md = (int64_t)(((uint64_t)0 - lowD * N_INV62) & M62);
    int64_t me = (int64_t)(((uint64_t)0 - lowE * N_INV62) & M62);
    s62_apply(d, e, t, md, me);
    s62_reduce(d);
    s62_reduce(e);
}

static inline int s62_is_zero(const s62 *a) {
    return (a->v[0] | a->v[1] | a->v[2] | a->v[3] | a->v[4]) == 0;
}

/// x^-1 mod n for 1 <= x < n, plain (not Montgomery). Starts from f = n, g = x, d = 0, e = 1,
/// keeping d x = f and e x = g (mod n); when g reaches 0, f = +-1 and x^-1 = +-d. The loop
/// ends within 12 batches for every 256-bit input (the divsteps bound for 256 bits is below
/// 600 steps); the cap only guards against a defect, by falling back to Fermat.
static void order_inverse_fermat(uint64_t r[4], const uint64_t x[4]);

static void order_inverse(uint64_t r[4], const uint64_t x[4]) {
    s62 f = N62, g, d = {{0, 0, 0, 0, 0}}, e = {{1, 0, 0, 0, 0}};
    s62_from(&g, x);
    int64_t eta = -1;
    int batches = 0;
    while (!s62_is_zero(&g)) {
        if (++batches > 20) {
            order_inverse_fermat(r, x);
            return;
        }
        s62_matrix t;
        eta = divsteps62(eta, (uint64_t)f.v[0] | (uint64_t)f.v[1] << 62, (uint64_t)g.v[0] | (uint64_t)g.v[1] << 62, &t);
        s62_update_de(&d, &e, &t);
        s62_apply(&f, &g, &t, 0, 0);   // exact: the matrix makes f and g divisible
    }
    // f = -1: x^-1 = -d = n - d (d is not 0: x is invertible).
    if (f.v[4] < 0) {
        for (int i = 0; i < 5; i++) d.v[i] = -d.v[i];
        int64_t carry = 0;
        for (int i = 0; i < 4; i++) {
            int64_t c = d.v[i] + carry;
            d.v[i] = (int64_t)((uint64_t)c & M62);
            carry = c >> 62;
        }
        d.v[4] += carry;
        s62_reduce(&d);
    }
    s62_to(r, &d);
}

/// x^-1 = x^(n-2) mod n (n is prime), plain in and out.
static void order_inverse_fermat(uint64_t r[4], const uint64_t x[4]) {
    const uint64_t exponent[4] = { N[0] - 2, N[1], N[2], N[3] };  // N[0] is odd and > 2
    const uint64_t one[4] = {1, 0, 0, 0};
    uint64_t oneN[4], xm[4];
    mont_mul(oneN, RR_N, one, N, N_INV);   // R mod n
    mont_mul(xm, x, RR_N, N, N_INV);       // x R
    mont_pow(r, xm, exponent, N, N_INV, oneN);
    mont_mul(r, r, one, N, N_INV);         // out of Montgomery form
}

int jwtbench_p256_order_inverse(const unsigned char *xBytes, int fermat, unsigned char *out) {
    uint64_t x[4], r[4];
    load_be32(x, xBytes);
    if (is_zero4(x) || !less4(x, N)) return 0;
    if (fermat) order_inverse_fermat(r, x);
    else order_inverse(r, x);
    store_be32(out, r);
    return 1;
}

// MARK: ECDSA

/// u1 = e s^-1 mod n, u2 = r s^-1 mod n (plain, little-endian limbs), and r; 0 unless 1 <= r, s < n.
/// e is the digest as an integer (SHA-256 has the order's bit length: no truncation), possibly
/// above n, which the Montgomery product allows.
static int ecdsa_scalars(const unsigned char *signature, const unsigned char *digest,
                         uint64_t u1[4], uint64_t u2[4], uint64_t r[4]) {
    uint64_t s[4], e[4], w[4];
    load_be32(r, signature);
    load_be32(s, signature + 32);
    load_be32(e, digest);
    if (is_zero4(r) || is_zero4(s) || !less4(r, N) || !less4(s, N)) return 0;
    // w = s^-1 R (Montgomery form): a product with a plain number is then plain.
    order_inverse(w, s);
    mont_mul(w, w, RR_N, N, N_INV);
    mont_mul(u1, e, w, N, N_INV);
    mont_mul(u2, r, w, N, N_INV);
    return 1;
}

/// x(X, Z) = X / Z^2 congruent to r mod n, for X, Z in Montgomery form, Z nonzero: X = r Z^2,
/// or, when r + n < p (about 1 in 2^128 signatures), X = (r + n) Z^2.
static int x_matches(const uint64_t x[4], const uint64_t z[4], const uint64_t r[4]) {
    uint64_t zz[4], candidate[4];
    fe_sqr(zz, z);
    fe_mul(candidate, r, RR_P);
    fe_mul(candidate, candidate, zz);
    if (equal4(candidate, x)) return 1;
    uint64_t rn[4];
    u128 c = 0;
    for (int i = 0; i < 4; i++) { c += (u128)r[i] + N[i]; rn[i] = (uint64_t)c; c >>= 64; }
    if (c != 0 || !less4(rn, P)) return 0;
    fe_mul(candidate, rn, RR_P);
    fe_mul(candidate, candidate, zz);
    return equal4(candidate, x);
}

int jwtbench_p256_verify(const void *generatorTable, const void *keyTable,
                         const unsigned char *signature, const unsigned char *digest) {
    uint64_t u1[4], u2[4], r[4];
    if (!ecdsa_scalars(signature, digest, u1, u2, r)) return 0;
    p256_jacobian acc;
    memset(&acc, 0, sizeof acc);
    comb_add(&acc, generatorTable, u1);
    comb_add(&acc, keyTable, u2);
    // FIPS 186-5 6.4.2 step 6: R at infinity fails.
    if (jac_is_infinity(&acc)) return 0;
    return x_matches(acc.x, acc.z, r);
}

int jwtbench_p256_scalars(const unsigned char *signature, const unsigned char *digest,
                          unsigned char *u1Out, unsigned char *u2Out) {
    uint64_t u1[4], u2[4], r[4];
    if (!ecdsa_scalars(signature, digest, u1, u2, r)) return 0;
    store_be32(u1Out, u1);
    store_be32(u2Out, u2);
    return 1;
}

int jwtbench_p256_x_matches(const unsigned char *xBytes, const unsigned char *zBytes, const unsigned char *signature) {
    uint64_t x[4], z[4], r[4];
    load_be32(x, xBytes);
    load_be32(z, zBytes);
    load_be32(r, signature);
    if (is_zero4(z) || !less4(x, P) || !less4(z, P)) return 0;
    fe_mul(x, x, RR_P);
    fe_mul(z, z, RR_P);
    return x_matches(x, z, r);
}
