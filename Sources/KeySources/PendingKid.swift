import JOSECrypto

/// An unknown kid handed from a lookup's miss path to the refresher of a `RemoteKeyProvider`.
final class PendingKid: Sendable {
    let hash: UInt64
    let kid: [UInt8]
    let algorithm: JWSAlgorithm
    init(hash: UInt64, kid: [UInt8], algorithm: JWSAlgorithm) {
        self.hash = hash
        self.kid = kid
        self.algorithm = algorithm
    }
}
