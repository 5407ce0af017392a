import COpenSSL
import CP256

/// Products k*P by the CP256 tables and by OpenSSL, so that tests can hold the tables' point
/// arithmetic to OpenSSL's on any scalar (edge values included) without importing OpenSSL.
extension P256TableVerifier {
    /// k*P for P = (x, y) (32-byte big-endian coordinates, or nil for the generator) and a
    /// 32-byte big-endian k, with P's table: x || y, or nil at infinity. Throws when P is not
    /// on the curve.
    static func tableProduct(x: [UInt8]?, y: [UInt8]?, scalar k: [UInt8]) throws -> [UInt8]? {
        precondition(k.count == 32)
        // The verifier's own tables: a key's as `KeyTable` builds it, G's the process's.
        let keyTable = KeyTable()
        let table: UnsafeRawPointer
        if let x, let y {
            guard x.count == 32, y.count == 32, keyTable.build(coordinates: x + y), let built = keyTable.published else {
                throw JOSECryptoError.invalidKey("not a P-256 point")
            }
            table = built
        } else {
            guard let generator = generatorTable else { throw JOSECryptoError.invalidKey("no table of G") }
            table = generator.bytes
        }
        var out = [UInt8](repeating: 0, count: 64)
        let finite = withExtendedLifetime(keyTable) {
            out.withUnsafeMutableBufferPointer { o in
                jwtbench_p256_table_mul(table, k, o.baseAddress!, o.baseAddress! + 32) == 1
            }
        }
        return finite ? out : nil
    }

    /// k*P by OpenSSL's `EC_POINT_mul` (P = (x, y), or the generator when nil): x || y, or nil
    /// at infinity.
    static func openSSLProduct(x: [UInt8]?, y: [UInt8]?, scalar k: [UInt8]) throws -> [UInt8]? {
        guard let group = curve?.group, let ctx = BN_CTX_new(), let r = EC_POINT_new(group),
            let p = EC_POINT_new(group), let bk = BN_bin2bn(k, Int32(k.count), nil),
            let bx = BN_new(), let by = BN_new()
        else { throw OpenSSLErrorQueue.error("allocating") }
        defer {
            BN_CTX_free(ctx)
            EC_POINT_free(r)
            EC_POINT_free(p)
            BN_free(bk)
            BN_free(bx)
            BN_free(by)
        }
        let ok: Bool
        if let x, let y {
            BN_bin2bn(x, 32, bx)
            BN_bin2bn(y, 32, by)
            ok =
                EC_POINT_set_affine_coordinates(group, p, bx, by, ctx) == 1
                && EC_POINT_mul(group, r, nil, p, bk, ctx) == 1
        } else {
            ok = EC_POINT_mul(group, r, bk, nil, nil, ctx) == 1
        }
        guard ok else { throw OpenSSLErrorQueue.error("multiplying a P-256 point") }
        if EC_POINT_is_at_infinity(group, r) == 1 { return nil }
        var out = [UInt8](repeating: 0, count: 64)
        let written = out.withUnsafeMutableBufferPointer { o in
            EC_POINT_get_affine_coordinates(group, r, bx, by, ctx) == 1
                && BN_bn2binpad(bx, o.baseAddress!, 32) == 32 && BN_bn2binpad(by, o.baseAddress! + 32, 32) == 32
        }
        guard written else { throw OpenSSLErrorQueue.error("reading a P-256 point") }
        return out
    }

    /// x^-1 mod n (the group order) as the verifier computes it (divsteps), or by Fermat's
    /// x^(n-2): nil unless 1 <= x < n.
    static func orderInverse(_ x: [UInt8], fermat: Bool) -> [UInt8]? {
        precondition(x.count == 32)
        var out = [UInt8](repeating: 0, count: 32)
        let ok = out.withUnsafeMutableBufferPointer { o in
            jwtbench_p256_order_inverse(x, fermat ? 1 : 0, o.baseAddress!) == 1
        }
        return ok ? out : nil
    }
}
