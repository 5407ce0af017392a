import COpenSSL
import CP256
import Dispatch
import Synchronization

/// ES256 verification (FIPS 186-5 section 6.4.2) with a table of multiples of the public key
/// made once per key, so that both point multiplications are fixed-base.
///
/// An ECDSA verify computes u1*G + u2*Q. OpenSSL (and BoringSSL) multiply G, the generator,
/// with a built-in table of its multiples (37 additions, no doublings) but Q, the key, with a
/// windowed double-and-add that costs about three times as much, because they cannot know Q
/// in advance. A gateway verifies thousands of tokens against the same few keys, so here each
/// key in use gets its own table (37 x 64 affine points, about 150 KB, about 2 ms), and the
/// verification is 74 mixed additions over the tables of G and Q, with no allocation: the
/// arithmetic is the CP256 module's (p256.c says why it is ours and not OpenSSL's).
///
/// When the table is made (`KeyTables`): by default after a key's 8th verification, on a
/// background queue, so that importing a key stays cheap (a JWKS refetch, an unknown-kid
/// refresh, a key used once) and no request waits for it; until it is published the key is
/// multiplied the general way, by OpenSSL (u1*G + u2*Q in one `EC_POINT_mul`, as its own
/// verify). Publication is one atomic pointer: the hot path loads it and takes no lock.
///
/// The Wycheproof ECDSA P-256 suite runs against both paths (the `openssl/per-thread` backend
/// configuration: keys used under 8 times; `openssl/per-thread+key-tables`: tables made at
/// import), edge cases included, and tests compare the tables' products with OpenSSL's.
final class P256TableVerifier: SignatureVerifier, @unchecked Sendable {
    // @unchecked: the point is written before publication and only read afterwards
    // (`EC_POINT_mul` reads the group and the point); per-call state is the thread's BN_CTX and
    // point; the table is published once through an atomic and never written afterwards.
    let algorithm: JWSAlgorithm = .es256
    /// `cp256` once the key's table serves its verifications (our arithmetic), `openssl`
    /// before that (OpenSSL's `EC_POINT_mul` does the products), so a report names the code
    /// that really verified.
    var backendName: String { table.published == nil ? "openssl" : "cp256" }
    /// The key Q on the standard group (the general path).
    private let key: OpaquePointer
    /// Q's affine coordinates, 32-byte big-endian x then y (the table is made from them).
    private let coordinates: [UInt8]
    /// Q's table, once built (see `KeyTables`).
    private let table: KeyTable
    /// Verifications before the table is requested (`Int.max`: never; 0: built in init).
    private let tableAfter: Int

    /// P-256 as OpenSSL makes it (the general path).
    struct Curve: @unchecked Sendable {
        let group: OpaquePointer
    }

    static let curve: Curve? = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1).map(Curve.init(group:))

    /// The table of the generator G, made on first use and kept for the process (150 KB).
    struct GeneratorTable: @unchecked Sendable {
        // @unchecked: written once, before the static's initialisation completes; only read.
        let bytes: UnsafeRawPointer
    }

    static let generatorTable: GeneratorTable? = {
        let table = UnsafeMutableRawPointer.allocate(byteCount: jwtbench_p256_table_size(), alignment: 64)
        guard jwtbench_p256_table_make_generator(table) == 1 else {
            table.deallocate()
            return nil
        }
        return GeneratorTable(bytes: UnsafeRawPointer(table))
    }()

    /// A key's table, published once through an atomic pointer, and the counts that decide
    /// when to build it.
    final class KeyTable: @unchecked Sendable {
        // @unchecked: `bytes` is only set through the atomic; `uses` and `requested` are atomics.
        private let bytes = Atomic<UnsafeMutableRawPointer?>(nil)
        let uses = Atomic<Int>(0)
        let requested = Atomic<Bool>(false)

        var published: UnsafeRawPointer? { bytes.load(ordering: .acquiring).map(UnsafeRawPointer.init) }

        /// Builds the table of the point with affine `coordinates` (x then y, 32 bytes each)
        /// and publishes it. Returns false when the point is not on P-256.
        @discardableResult
        func build(coordinates: [UInt8]) -> Bool {
            let made = UnsafeMutableRawPointer.allocate(byteCount: jwtbench_p256_table_size(), alignment: 64)
            let ok = coordinates.withUnsafeBufferPointer { xy in
                jwtbench_p256_table_make(made, xy.baseAddress!, xy.baseAddress! + 32) == 1
            }
            guard ok else {
                made.deallocate()
                return false
            }
            let (exchanged, _) = bytes.compareExchange(expected: nil, desired: made, ordering: .acquiringAndReleasing)
            if !exchanged { made.deallocate() }
            return true
        }

        deinit {
            bytes.load(ordering: .acquiring)?.deallocate()
        }
    }

    /// `point`: the key as an uncompressed SEC 1 point (0x04 || x || y); it must lie on P-256.
    init(uncompressedPoint point: [UInt8], tables: KeyTables = .afterUses(8)) throws {
        guard let curve = Self.curve, Self.generatorTable != nil else {
            throw OpenSSLErrorQueue.error("making the P-256 group and the generator's table")
        }
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
        coordinates = Array(point.dropFirst())
        table = KeyTable()
        switch tables {
        case .eager:
            tableAfter = 0
            guard table.build(coordinates: coordinates) else {
                throw JOSECryptoError.invalidKey("the P-256 public key's multiples could not be made")
            }
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
    private func keyTable() -> UnsafeRawPointer? {
        if let bytes = table.published { return bytes }
        guard tableAfter != Int.max,
            table.uses.wrappingAdd(1, ordering: .relaxed).newValue >= tableAfter,
            !table.requested.exchange(true, ordering: .relaxed)
        else { return nil }
        // The table and coordinates are reference-counted: the closure keeps what it reads alive.
        let (table, coordinates) = (table, coordinates)
        DispatchQueue.global(qos: .utility).async { table.build(coordinates: coordinates) }
        return nil
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        // RFC 7518 section 3.4: R || S, 32 bytes each.
        guard signature.count == 64, let sig = signature.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return false
        }
        let keyBytes = keyTable()
        // digest (32), u1 (32), u2 (32), X (32), Z (32)
        return withUnsafeTemporaryAllocation(byteCount: 160, alignment: 8) { scratch in
            let digest = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard jwtbench_sha(256, message.baseAddress, message.count, digest) == 32 else { return false }
            if let keyBytes, let generator = Self.generatorTable {
                return jwtbench_p256_verify(generator.bytes, keyBytes, sig, digest) == 1
            }
            return generalPath(signature: sig, digest: digest, scratch: digest + 32)
        }
    }

    /// u1*G + u2*Q by OpenSSL, for a key without its table: u1, u2 and the final check are
    /// CP256's (OpenSSL's inverse modulo n on 4 limbs costs 20-25 µs here, in call overhead).
    private func generalPath(
        signature sig: UnsafePointer<UInt8>, digest: UnsafePointer<UInt8>,
        scratch: UnsafeMutablePointer<UInt8>
    ) -> Bool {
        guard let curve = Self.curve else { return false }
        let thread = ThreadContexts.current
        guard let ctx = thread.bignumContext(), let r1 = thread.p256Point(curve.group) else { return false }
        let u1Bytes = scratch
        let u2Bytes = scratch + 32
        let xBytes = scratch + 64
        let zBytes = scratch + 96
        guard jwtbench_p256_scalars(sig, digest, u1Bytes, u2Bytes) == 1 else { return false }
        BN_CTX_start(ctx)
        defer { BN_CTX_end(ctx) }
        guard let u1 = BN_CTX_get(ctx), let u2 = BN_CTX_get(ctx),
            let x = BN_CTX_get(ctx), let y = BN_CTX_get(ctx), let z = BN_CTX_get(ctx),
            BN_bin2bn(u1Bytes, 32, u1) != nil, BN_bin2bn(u2Bytes, 32, u2) != nil,
            EC_POINT_mul(curve.group, r1, u1, key, u2, ctx) == 1,
            // FIPS 186-5 6.4.2 step 6: R at infinity fails.
            EC_POINT_is_at_infinity(curve.group, r1) == 0,
            EC_POINT_get_Jprojective_coordinates_GFp(curve.group, r1, x, y, z, ctx) == 1,
            BN_bn2binpad(x, xBytes, 32) == 32, BN_bn2binpad(z, zBytes, 32) == 32
        else {
            OpenSSLErrorQueue.clear()
            return false
        }
        return jwtbench_p256_x_matches(xBytes, zBytes, sig) == 1
    }
}

/// When `P256TableVerifier` makes a key's table of multiples (about 150 KB, about 2 ms).
public enum KeyTables: Sendable, Equatable {
    /// When the key is imported (tests run every vector through the table this way).
    case eager
    /// On a background queue after the key's nth verification (the default, n = 8).
    case afterUses(Int)
    /// Never: OpenSSL's general u1*G + u2*Q for every verification (it allocates).
    case never
}
