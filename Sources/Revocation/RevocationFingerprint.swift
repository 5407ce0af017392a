import JOSECrypto

/// A denylist entry as 128 bits: the first 16 bytes of a SHA-256, big-endian in two words (so
/// that sorting the words sorts the bytes), with the lowest bit set to the entry's kind.
///
/// Two kinds share one list:
/// - a `jti`: SHA-256 of `"jti:"` followed by the claim's exact bytes, lowest bit 0;
/// - a whole token (`sha256:<hex>` lines, for tokens without a `jti`): SHA-256 of the compact
///   token's bytes, lowest bit 1.
///
/// The kind bit separates the domains by construction: a `jti` fingerprint can never equal a
/// token fingerprint, whatever the hashes. The `"jti:"` prefix keeps a `jti` hash apart from
/// a token hash of the same bytes as well.
///
/// False positives: within one kind, 127 bits are left of a SHA-256 output. For a token that
/// is not listed, the chance that its fingerprint equals one of n listed ones is at most
/// n / 2^127 (treating SHA-256 as a random function, which is what its collision resistance
/// gives us for inputs an attacker does not control: the list is the operator's and the
/// token's signature has already verified). At n = 10,000,000 that is below 6e-32 per token,
/// so 128-bit truncation costs nothing measurable while halving the memory of full digests.
@frozen
public struct RevocationFingerprint: Hashable, Comparable, Sendable {
    /// The first 8 digest bytes, big-endian (its top bits index the list).
    public var high: UInt64
    /// The next 8 digest bytes, big-endian, lowest bit replaced by the kind.
    public var low: UInt64

    /// A fingerprint from its two words, as stored.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// What marks an empty slot of a `Denylist` table: all ones, above every other fingerprint.
    /// (A listed fingerprint equal to it is remembered apart; see `Denylist`.)
    @inlinable
    public static var emptySlot: RevocationFingerprint { RevocationFingerprint(high: .max, low: .max) }

    /// The kind bit of a `jti` entry.
    public static let jtiKind: UInt64 = 0
    /// The kind bit of a whole-token (`sha256:`) entry.
    public static let tokenKind: UInt64 = 1

    @inlinable
    public static func < (a: RevocationFingerprint, b: RevocationFingerprint) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    /// The fingerprint of the first 16 bytes of `digest` (32 bytes) under `kind`.
    @inline(__always)
    static func truncating(_ digest: UnsafeRawPointer, kind: UInt64) -> RevocationFingerprint {
        let high = UInt64(bigEndian: digest.loadUnaligned(as: UInt64.self))
        let low = UInt64(bigEndian: digest.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        return RevocationFingerprint(high: high, low: (low & ~1) | kind)
    }

    /// The fingerprint of a `jti` value (its exact bytes). Hashes on the stack.
    @inline(__always)
    public static func jti(_ value: UnsafeRawBufferPointer) -> RevocationFingerprint {
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { digest in
            let prefix: StaticString = "jti:"
            SHA256Digest.hash(
                prefix: UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount), value,
                into: digest.baseAddress!)
            return truncating(UnsafeRawPointer(digest.baseAddress!), kind: jtiKind)
        }
    }

    /// The fingerprint of a compact token (its exact ASCII bytes). Hashes on the stack.
    @inline(__always)
    public static func token(_ bytes: UnsafeRawBufferPointer) -> RevocationFingerprint {
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { digest in
            SHA256Digest.hash(bytes, into: digest.baseAddress!)
            return truncating(UnsafeRawPointer(digest.baseAddress!), kind: tokenKind)
        }
    }

    /// The fingerprint of a token whose SHA-256 is `digest` (the 32 bytes of a `sha256:` line).
    public static func tokenDigest(_ digest: UnsafeRawBufferPointer) -> RevocationFingerprint {
        precondition(digest.count == 32, "a SHA-256 digest is 32 bytes")
        return truncating(digest.baseAddress!, kind: tokenKind)
    }

    /// The fingerprint of a `jti` given as text (off the hot path).
    public static func jti(_ value: String) -> RevocationFingerprint {
        var copy = value
        return copy.withUTF8 { jti(UnsafeRawBufferPointer($0)) }
    }

    /// The fingerprint of a token given as text (off the hot path).
    public static func token(_ value: String) -> RevocationFingerprint {
        var copy = value
        return copy.withUTF8 { token(UnsafeRawBufferPointer($0)) }
    }

    /// Whether this is a whole-token entry (else a `jti`).
    public var isToken: Bool { low & 1 == Self.tokenKind }
}
