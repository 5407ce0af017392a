#ifndef JWTBENCH_CP256_H
#define JWTBENCH_CP256_H
// P-256 arithmetic for ES256 verification with fixed-base tables (see p256.c for why it is ours
// and not OpenSSL's). Only verification: every input is public, nothing here is constant-time.
#include <stddef.h>
#include <stdint.h>

/// Size in bytes of one table of a point's multiples (37 rows of 64 affine points).
size_t jwtbench_p256_table_size(void);

/// Makes the table of multiples of the affine point (x, y) (32-byte big-endian coordinates)
/// into `table` (`jwtbench_p256_table_size()` bytes, 64-byte aligned for speed). Returns 0,
/// leaving `table` unspecified, unless (x, y) lies on P-256 with both coordinates below p.
int jwtbench_p256_table_make(void *table, const unsigned char *x, const unsigned char *y);

/// Makes the table of the standard generator G.
int jwtbench_p256_table_make_generator(void *table);

/// ECDSA P-256 verification (FIPS 186-5 section 6.4.2) of `signature` (r || s, 32 bytes each,
/// big-endian) over the 32-byte `digest`, with the tables of G and of the public key Q.
/// Returns 1 when the signature is valid, 0 otherwise. No allocation.
int jwtbench_p256_verify(const void *generatorTable, const void *keyTable,
                         const unsigned char *signature, const unsigned char *digest);

/// k * P for the point whose table is `table` and a 32-byte big-endian scalar k (any 256-bit
/// value), as affine big-endian coordinates. Returns 0 when the product is the point at
/// infinity. For tests, which compare it with OpenSSL's products.
int jwtbench_p256_table_mul(const void *table, const unsigned char *k, unsigned char *x, unsigned char *y);

/// u1 = e * s^-1 mod n and u2 = r * s^-1 mod n (32-byte big-endian) from `signature` and
/// `digest` as in `jwtbench_p256_verify`; returns 0 unless 1 <= r, s < n. For the verifier's
/// path before a key has its table, which multiplies with OpenSSL.
int jwtbench_p256_scalars(const unsigned char *signature, const unsigned char *digest,
                          unsigned char *u1, unsigned char *u2);

/// Whether the affine x of the Jacobian point (X, Y, Z), x = X / Z^2 mod p, is congruent to
/// r (the signature's first 32 bytes) modulo n (FIPS 186-5 section 6.4.2 step 7), without an
/// inversion. X and Z big-endian, below p, Z not zero (else 0).
int jwtbench_p256_x_matches(const unsigned char *x, const unsigned char *z, const unsigned char *signature);

/// x^-1 mod n (the group order) for a 32-byte big-endian 1 <= x < n, by the divsteps the
/// verifier uses (`fermat` 0) or by x^(n-2) (`fermat` 1). Returns 0 for x outside [1, n).
/// For tests, which hold the two to each other.
int jwtbench_p256_order_inverse(const unsigned char *x, int fermat, unsigned char *out);

#endif
