import COpenSSL

/// An OpenSSL library context whose random generators hand out the bytes we give them, so that
/// a signature made in it depends only on its key, its message and those bytes.
///
/// ECDSA draws its nonce and RSA-PSS its salt from OpenSSL's generators, and OpenSSL 3.0 has no
/// switch for deterministic signing (3.2's ECDSA `nonce-type` does not exist in 3.0). What 3.0
/// does have is a DRBG choice per library context (`RAND_set_DRBG_type`) and, in its default
/// provider, `TEST-RAND`: a generator that returns the bytes set as its `test_entropy`
/// parameter and fails once they run out. Keys imported into this context and signed with
/// here draw from it; everything that touches the private key stays OpenSSL's own code.
///
/// Only seeded signers use this context. Verification and every other signer (the issuer, the
/// `keys` command) stay on the default context and its real DRBG.
final class SeededRandomContext: @unchecked Sendable {
    // @unchecked: the OSSL_LIB_CTX is made once and never freed; OpenSSL keeps the public and
    // private generators per thread, and we only ever set the calling thread's.
    let pointer: OpaquePointer

    /// The process's one seeded context, or why OpenSSL could not make it.
    static let shared: Result<SeededRandomContext, any Error> = Result { try SeededRandomContext() }

    private init() throws {
        guard let context = OSSL_LIB_CTX_new() else { throw OpenSSLErrorQueue.error("OSSL_LIB_CTX_new") }
        // Set before the context's first random draw: OpenSSL refuses once its DRBGs exist.
        guard RAND_set_DRBG_type(context, "TEST-RAND", nil, nil, nil) == 1 else {
            let error = OpenSSLErrorQueue.error("RAND_set_DRBG_type(TEST-RAND)")
            OSSL_LIB_CTX_free(context)
            throw error
        }
        // The type is only looked up at the first draw; look now, so a provider without it
        // fails here with OpenSSL's reason rather than in the middle of a signature.
        guard let rand = EVP_RAND_fetch(context, "TEST-RAND", nil) else {
            let error = OpenSSLErrorQueue.error("EVP_RAND_fetch(TEST-RAND)")
            OSSL_LIB_CTX_free(context)
            throw error
        }
        EVP_RAND_free(rand)
        pointer = context
    }

    /// Runs `body` with the calling thread's generators of this context set to hand out
    /// `publicBytes` (`RAND_bytes`: the PSS salt) and `privateBytes` (`RAND_priv_bytes`: the
    /// ECDSA nonce input, blinding values), each from its first byte.
    ///
    /// `body` must do its OpenSSL work on this thread before returning (it is synchronous, and
    /// OpenSSL's generators are per thread), and must not draw more bytes than given: TEST-RAND
    /// then fails the operation rather than repeat or invent any.
    func withBytes<T>(public publicBytes: [UInt8], private privateBytes: [UInt8], _ body: () throws -> T) throws -> T {
        guard let publicRand = RAND_get0_public(pointer), let privateRand = RAND_get0_private(pointer) else {
            throw OpenSSLErrorQueue.error("RAND_get0_public/RAND_get0_private(TEST-RAND)")
        }
        try Self.hand(publicBytes, to: publicRand)
        try Self.hand(privateBytes, to: privateRand)
        return try body()
    }

    /// Replaces what `rand` (a TEST-RAND generator) hands out next with `bytes` (copied).
    private static func hand(_ bytes: [UInt8], to rand: OpaquePointer) throws {
        let builder = try ParamBuilder()
        try builder.pushOctets("test_entropy", bytes)
        // TEST-RAND refuses a request for more security strength than it claims (0 unless set).
        try builder.pushUInt32("strength", 256)
        let params = try builder.toParams()
        defer { OSSL_PARAM_free(params) }
        guard EVP_RAND_CTX_set_params(rand, params) == 1 else { throw OpenSSLErrorQueue.error("EVP_RAND_CTX_set_params(TEST-RAND)") }
    }
}
