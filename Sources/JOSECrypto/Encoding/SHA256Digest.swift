import COpenSSL

/// SHA-256 into caller memory, for hashing identifiers and whole tokens (the revocation
/// list's fingerprints): OpenSSL's implementation with its context on the stack, so a call
/// allocates nothing and needs no provider fetch.
public enum SHA256Digest {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// SHA-256 of `prefix` followed by `data` into the first 32 bytes of `out` (a prefix
    /// separates the domains that hash values of the same kind). `out` must hold 32 bytes.
    @inline(__always)
    public static func hash(prefix: UnsafeRawBufferPointer, _ data: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) {
        // Empty buffers may have no base address; OpenSSL accepts any pointer with a zero count.
        let empty: StaticString = ""
        let a = prefix.baseAddress ?? UnsafeRawPointer(empty.utf8Start)
        let b = data.baseAddress ?? UnsafeRawPointer(empty.utf8Start)
        let written = jwtbench_sha256_concat(a, prefix.count, b, data.count, out.assumingMemoryBound(to: UInt8.self))
        precondition(written == 32, "OpenSSL SHA-256 failed")
    }

    /// SHA-256 of `data` into the first 32 bytes of `out`.
    @inline(__always)
    public static func hash(_ data: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) {
        hash(prefix: UnsafeRawBufferPointer(start: nil, count: 0), data, into: out)
    }

    /// SHA-256 of `bytes` as 32 bytes (off the hot path: tools, tests).
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let copy = Array(bytes)
        return [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            copy.withUnsafeBytes { hash($0, into: out.baseAddress!) }
            count = 32
        }
    }
}
