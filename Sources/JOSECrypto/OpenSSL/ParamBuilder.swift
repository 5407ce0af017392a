import COpenSSL

/// Wraps `OSSL_PARAM_BLD`, which stores *pointers* to keys and values until `toParams()`:
/// Swift's temporary C strings and buffer pointers die before that, so names must be static
/// strings and values are copied into memory this object owns.
final class ParamBuilder {
    private let builder: OpaquePointer
    private var bignums: [OpaquePointer] = []
    private var buffers: [UnsafeMutableRawBufferPointer] = []

    init() throws {
        guard let b = OSSL_PARAM_BLD_new() else { throw OpenSSLErrorQueue.error("OSSL_PARAM_BLD_new") }
        builder = b
    }

    deinit {
        OSSL_PARAM_BLD_free(builder)
        for bn in bignums { BN_clear_free(bn) }
        for b in buffers {
            b.initializeMemory(as: UInt8.self, repeating: 0)  // may hold private key bytes
            b.deallocate()
        }
    }

    private static func cName(_ name: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    func pushBN(_ name: StaticString, _ bytes: [UInt8]) throws {
        guard let bn = bytes.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else {
            throw OpenSSLErrorQueue.error("BN_bin2bn")
        }
        bignums.append(bn)
        guard OSSL_PARAM_BLD_push_BN(builder, Self.cName(name), bn) == 1 else {
            throw OpenSSLErrorQueue.error("OSSL_PARAM_BLD_push_BN(\(name))")
        }
    }

    func pushUTF8(_ name: StaticString, _ value: StaticString) throws {
        let v = UnsafeMutablePointer(mutating: Self.cName(value))
        guard OSSL_PARAM_BLD_push_utf8_string(builder, Self.cName(name), v, value.utf8CodeUnitCount) == 1 else {
            throw OpenSSLErrorQueue.error("OSSL_PARAM_BLD_push_utf8_string(\(name))")
        }
    }

    func pushOctets(_ name: StaticString, _ bytes: [UInt8]) throws {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        copy.copyBytes(from: bytes)
        buffers.append(copy)
        guard OSSL_PARAM_BLD_push_octet_string(builder, Self.cName(name), copy.baseAddress, bytes.count) == 1 else {
            throw OpenSSLErrorQueue.error("OSSL_PARAM_BLD_push_octet_string(\(name))")
        }
    }

    func pushUInt32(_ name: StaticString, _ value: UInt32) throws {
        guard OSSL_PARAM_BLD_push_uint(builder, Self.cName(name), value) == 1 else {
            throw OpenSSLErrorQueue.error("OSSL_PARAM_BLD_push_uint(\(name))")
        }
    }

    /// The parameter array; free it with `OSSL_PARAM_free`.
    func toParams() throws -> UnsafeMutablePointer<OSSL_PARAM> {
        guard let p = OSSL_PARAM_BLD_to_param(builder) else { throw OpenSSLErrorQueue.error("OSSL_PARAM_BLD_to_param") }
        return p
    }
}
