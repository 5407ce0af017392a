/// The Concat KDF of NIST SP 800-56A as JWE's ECDH-ES uses it (RFC 7518 section 4.6.2):
/// SHA-256 over a counter, the shared secret Z and public framing (algorithm, `apu`, `apv`,
/// key length). Only the library's SHA-256 is used; the framing is ours.
public enum ConcatKDF {
    /// `byteCount` bytes of key material for `algorithmID` (the `enc` name for ECDH-ES, the
    /// `alg` name for ECDH-ES+AxxxKW) from `z`, with the decoded `apu` and `apv`.
    public static func derive(z: [UInt8], byteCount: Int, algorithmID: String, apu: [UInt8], apv: [UInt8]) -> [UInt8] {
        func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] { bigEndian32(bytes.count) + bytes }
        let otherInfo =
            lengthPrefixed(Array(algorithmID.utf8)) + lengthPrefixed(apu) + lengthPrefixed(apv) + bigEndian32(byteCount * 8)
        var output: [UInt8] = []
        output.reserveCapacity(byteCount + SHA256Digest.byteCount)
        var counter = 1
        while output.count < byteCount {
            output += SHA256Digest.hash(bigEndian32(counter) + z + otherInfo)
            counter += 1
        }
        return Array(output.prefix(byteCount))
    }

    static func bigEndian32(_ value: Int) -> [UInt8] {
        let v = UInt32(truncatingIfNeeded: value)
        return [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }
}
