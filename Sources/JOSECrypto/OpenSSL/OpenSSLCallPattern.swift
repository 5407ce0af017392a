/// How a verifier drives OpenSSL for each call. Kept selectable so that `jwtbench speed` can
/// measure the patterns side by side on the same key; `perThreadContext` is the default
/// because it measured fastest here (`jwtbench speed --pattern all`).
public enum OpenSSLCallPattern: String, Sendable, CaseIterable {
    /// A fresh `EVP_MD_CTX` and `EVP_DigestVerifyInit` per call: the textbook pattern.
    case oneShot = "one-shot"
    /// `EVP_PKEY_CTX_dup` of a context prepared at key load, freed after the call.
    case duplicatedContext = "dup"
    /// One prepared `EVP_PKEY_CTX` per thread and key, reused; the digest on the stack. RS*
    /// skip the EVP layer: OpenSSL's Montgomery multiplication on a per-thread `BN_CTX` and the
    /// PKCS#1 v1.5 encoding compared whole (`OpenSSLRSAPKCS1Verifier`), which allocates nothing.
    /// PS* use the same arithmetic (`OpenSSLRSAPSSVerifier`); ES256 uses a table of the key's
    /// multiples (`P256TableVerifier`).
    case perThreadContext = "per-thread"
    /// `perThreadContext` with RS*, PS* and ES256 through `EVP_PKEY_verify` as well: OpenSSL's own verify API
    /// at its fastest, the ceiling a program that calls OpenSSL gets (bench-compare's
    /// "raw openssl").
    case perThreadEVP = "per-thread-evp"
}
