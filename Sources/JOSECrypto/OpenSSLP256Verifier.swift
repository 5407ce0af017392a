import COpenSSL
import Dispatch
import Synchronization

/// ES256 verification (FIPS 186-5 section 6.4.2) with a table of multiples of the public key
/// made once per key, so that both point multiplications are fixed-base.
///
/// An ECDSA verify computes u1*G + u2*Q. OpenSSL (and BoringSSL) multiply G, the generator,
/// with a built-in table of its multiples (37 additions, no doublings) but Q, the key, with a
/// windowed double-and-add that costs about three times as much, because they cannot know Q
/// in advance. A gateway verifies thousands of tokens against the same few keys, so here each
/// key in use gets its own table: a P-256 group object whose generator is set to Q, with
/// OpenSSL's `EC_GROUP_precompute_mult` (the nistz256 table, 37 x 64 affine points, about
/// 150 KB and 40-50 ms per key). u2*Q is then a fixed-base multiplication on that group, u1*G
/// one on the standard group, and one point addition joins them. Measured in C on this
/// machine: 33 µs for the two fixed-base products and the addition against 106 µs for
/// OpenSSL's u1*G + u2*Q.
///
/// When the table is made (`KeyTables`): by default after a key's 8th verification, on a
/// background queue, so that importing a key stays cheap (a JWKS refetch, an unknown-kid
/// refresh, a key used once) and no request waits 50 ms for it; until it is published the key
/// is multiplied the general way (u1*G + u2*Q in one `EC_POINT_mul`, as OpenSSL's own verify).
/// Publication is one atomic pointer: the hot path loads it and takes no lock.
///
/// The scalar arithmetic (s^-1, u1, u2 modulo n) and the final check (x(R) = r mod n, done on
/// the Jacobian coordinates, X = r*Z^2 mod p, instead of an inversion) are the small C
/// functions in COpenSSL's shim (see there for why). The Wycheproof ECDSA P-256 suite runs
/// against this verifier (the `openssl/per-thread` backend configuration), edge cases included.
final class OpenSSLP256Verifier: SignatureVerifier, @unchecked Sendable {
    // @unchecked: the point and groups are written before publication and only read afterwards
    // (`EC_POINT_mul` reads a group, its table and the point); per-call state is the thread's
    // BN_CTX and points.
    let algorithm: JWSAlgorithm = .es256
    var backendName: String { "openssl" }
    /// The key Q on the standard group (the general path).
    private let key: OpaquePointer
    /// P-256 with Q as its generator and Q's table, once built (see `KeyTables`).
    private let table: KeyTable
    /// Verifications before the table is requested (`Int.max`: never; 0: built in init).
    private let tableAfter: Int

    /// P-256 as OpenSSL makes it (generator G, built-in table) and 2^512 mod n.
    struct Curve: @unchecked Sendable {
        let group: OpaquePointer
        let orderRR: [UInt64]
    }

    static let curve: Curve? = {
        guard let group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1),
              let rr = BN_new(), let ctx = BN_CTX_new()
        else { return nil }
        defer { BN_free(rr); BN_CTX_free(ctx) }
        var limbs = [UInt64](repeating: 0, count: 4)
        let ok = limbs.withUnsafeMutableBytes { out in
            BN_set_bit(rr, 512) == 1 && BN_nnmod(rr, rr, EC_GROUP_get0_order(group), ctx) == 1
                && BN_bn2lebinpad(rr, out.baseAddress!.assumingMemoryBound(to: UInt8.self), 32) == 32
        }
        guard ok else { EC_GROUP_free(group); return nil }
        return Curve(group: group, orderRR: limbs)
    }()

    /// A key's table, published once through an atomic pointer, and the counts that decide
    /// when to build it.
    final class KeyTable: @unchecked Sendable {
        // @unchecked: `group` is only set through the atomic; `uses` and `requested` are atomics.
        private let group = Atomic<OpaquePointer?>(nil)
        let uses = Atomic<Int>(0)
        let requested = Atomic<Bool>(false)

        var published: OpaquePointer? { group.load(ordering: .acquiring) }

        /// Builds the table of `q`'s multiples (a P-256 group with `q` as its generator) and
        /// publishes it. `q` is only read.
        func build(generator q: OpaquePointer) {
            guard let curve = OpenSSLP256Verifier.curve, let made = Self.make(generator: q, curve: curve) else {
                OpenSSLErrorQueue.clear()
                return
            }
            let (exchanged, _) = group.compareExchange(expected: nil, desired: made, ordering: .acquiringAndReleasing)
            if !exchanged { EC_GROUP_free(made) }
        }

        private static func make(generator q: OpaquePointer, curve: Curve) -> OpaquePointer? {
            guard let ctx = BN_CTX_new() else { return nil }
            defer { BN_CTX_free(ctx) }
            guard let group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1) else { return nil }
            guard EC_GROUP_set_generator(group, q, EC_GROUP_get0_order(curve.group), BN_value_one()) == 1,
                  EC_GROUP_precompute_mult(group, ctx) == 1
            else {
                EC_GROUP_free(group)
                return nil
            }
            return group
        }

        deinit {
            EC_GROUP_free(group.load(ordering: .acquiring))
        }
    }

    /// `point`: the key as an uncompressed SEC 1 point (0x04 || x || y); it must lie on P-256.
    init(uncompressedPoint point: [UInt8], tables: KeyTables = .afterUses(8)) throws {
        guard let curve = Self.curve else { throw OpenSSLErrorQueue.error("making the P-256 group") }
        guard point.count == 65, point.first == 0x04 else {
            throw JOSECryptoError.invalidKey("a P-256 public key is 65 bytes uncompressed, not \(point.count)")
        }
        guard let ctx = BN_CTX_new() else { throw OpenSSLErrorQueue.error("allocating a BN_CTX") }
        defer { BN_CTX_free(ctx) }
        guard let q = EC_POINT_new(curve.group) else { throw OpenSSLErrorQueue.error("allocating a point") }
        // oct2point refuses points off the curve; a P-256 point other than infinity has order n.
        guard EC_POINT_oct2point(curve.group, q, point, point.count, ctx) == 1,
              EC_POINT_is_at_infinity(curve.group, q) == 0
        else {
            EC_POINT_free(q)
            throw OpenSSLErrorQueue.error("reading the P-256 public key")
        }
        key = q
        table = KeyTable()
        switch tables {
        case .eager:
            tableAfter = 0
            table.build(generator: q)
            guard table.published != nil else { throw OpenSSLErrorQueue.error("precomputing the multiples of a P-256 public key") }
        case .afterUses(let n): tableAfter = max(1, n)
        case .never: tableAfter = Int.max
        }
    }

    deinit {
        EC_POINT_free(key)
    }

    /// Whether the key's table is published (tests).
    var hasKeyTable: Bool { table.published != nil }

    /// The published table, or nil; counts the use and starts the build on the `tableAfter`th.
    @inline(__always)
    private func keyTable() -> OpaquePointer? {
        if let group = table.published { return group }
        guard tableAfter != Int.max,
              table.uses.wrappingAdd(1, ordering: .relaxed).newValue >= tableAfter,
              !table.requested.exchange(true, ordering: .relaxed)
        else { return nil }
        // The build reads `key`, so the closure keeps this verifier alive until it is done.
        DispatchQueue.global(qos: .utility).async { [self] in table.build(generator: key) }
        return nil
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        // RFC 7518 section 3.4: R || S, 32 bytes each.
        guard signature.count == 64, let sig = signature.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let curve = Self.curve
        else { return false }
        let thread = ThreadContexts.current
        guard let ctx = thread.bignumContext(), let points = thread.p256Points(curve.group) else { return false }
        let keyGroup = keyTable()
        // digest (32), u1 (32), u2 (32), X (32), Z (32)
        return withUnsafeTemporaryAllocation(byteCount: 160, alignment: 8) { scratch in
            let digest = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let u1Bytes = digest + 32, u2Bytes = digest + 64, xBytes = digest + 96, zBytes = digest + 128
            guard jwtbench_sha(256, message.baseAddress, message.count, digest) == 32 else { return false }
            let scalarsOK = curve.orderRR.withUnsafeBufferPointer { rr in
                jwtbench_p256_scalars(sig, digest, rr.baseAddress, u1Bytes, u2Bytes) == 1
            }
            guard scalarsOK else { return false }
            BN_CTX_start(ctx)
            defer { BN_CTX_end(ctx) }
            let (r1, r2) = points
            guard let u1 = BN_CTX_get(ctx), let u2 = BN_CTX_get(ctx),
                  let x = BN_CTX_get(ctx), let y = BN_CTX_get(ctx), let z = BN_CTX_get(ctx),
                  BN_bin2bn(u1Bytes, 32, u1) != nil, BN_bin2bn(u2Bytes, 32, u2) != nil
            else {
                OpenSSLErrorQueue.clear()
                return false
            }
            // R = u1*G + u2*Q: two fixed-base products with the key's table, else the general way.
            let multiplied: Bool
            if let keyGroup {
                multiplied = EC_POINT_mul(curve.group, r1, u1, nil, nil, ctx) == 1
                    && EC_POINT_mul(keyGroup, r2, u2, nil, nil, ctx) == 1
                    && EC_POINT_add(curve.group, r1, r1, r2, ctx) == 1
            } else {
                multiplied = EC_POINT_mul(curve.group, r1, u1, key, u2, ctx) == 1
            }
            // FIPS 186-5 6.4.2 step 6: R at infinity fails.
            guard multiplied, EC_POINT_is_at_infinity(curve.group, r1) == 0,
                  EC_POINT_get_Jprojective_coordinates_GFp(curve.group, r1, x, y, z, ctx) == 1,
                  BN_bn2binpad(x, xBytes, 32) == 32, BN_bn2binpad(z, zBytes, 32) == 32
            else {
                OpenSSLErrorQueue.clear()
                return false
            }
            return jwtbench_p256_x_matches(xBytes, zBytes, sig) == 1
        }
    }
}

/// When `OpenSSLP256Verifier` makes a key's table of multiples (about 150 KB, 40-50 ms).
public enum KeyTables: Sendable, Equatable {
    /// When the key is imported (tests run every vector through the table this way).
    case eager
    /// On a background queue after the key's nth verification (the default, n = 8).
    case afterUses(Int)
    /// Never: OpenSSL's general u1*G + u2*Q for every verification.
    case never
}
