import JOSECrypto

/// Building compact JWS strings from header and payload JSON text.
///
/// Takes JSON *text*, not dictionaries, so that callers (the mint, tests) can plant exactly
/// the bytes they mean: duplicate members, odd number spellings, escapes.
public enum CompactJWS {
    /// `b64(header).b64(payload)`, the bytes a signature covers.
    public static func signingInput(header: String, payload: String) -> String {
        Base64URL.encode(string: header) + "." + Base64URL.encode(string: payload)
    }

    /// A signed compact JWS.
    public static func sign(header: String, payload: String, with signer: any SignatureSigner) throws -> String {
        let input = signingInput(header: header, payload: payload)
        let signature = try signer.sign(Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    /// Replaces the signature segment (for planting defects).
    @_spi(Testing) public static func withSignature(_ token: String, _ signature: [UInt8]) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
    }
}
