import Testing

@testable import JWTValidation

/// The reason codes are a frozen contract: this pins every raw value. Adding a code means
/// adding a line here; changing one means breaking users.
@Suite struct ReasonCodeGoldenTests {
    @Test func rawValuesAreFrozen() {
        let golden: [ReasonCode: String] = [
            .tokenMissing: "token_missing", .tokenAmbiguous: "token_ambiguous",
            .requestUnsupported: "request_unsupported", .tokenTooLarge: "token_too_large",
            .tokenMalformed: "token_malformed", .algorithmNotAllowed: "algorithm_not_allowed",
            .critUnsupported: "crit_unsupported", .typeMismatch: "type_mismatch",
            .claimsInvalid: "claims_invalid", .issuerNotAllowed: "issuer_not_allowed",
            .expired: "expired", .notYetValid: "not_yet_valid", .lifetimeTooLong: "lifetime_too_long",
            .audienceNotAllowed: "audience_not_allowed", .keyNotFound: "key_not_found",
            .keysUnavailable: "keys_unavailable", .signatureInvalid: "signature_invalid",
            .revoked: "revoked", .decryptionFailed: "decryption_failed", .encryptionRequired: "encryption_required",
            .encryptionNotAllowed: "encryption_not_allowed",
        ]
        #expect(ReasonCode.allCases.count == golden.count)
        for code in ReasonCode.allCases {
            #expect(code.rawValue == golden[code], "\(code)")
        }
    }

    @Test func httpMapping() {
        for code in ReasonCode.allCases {
            #expect(code.httpStatus == (code == .audienceNotAllowed ? 403 : 401))
        }
        #expect(ReasonCode.tokenMissing.wwwAuthenticate == "Bearer")
        #expect(ReasonCode.expired.wwwAuthenticate == "Bearer error=\"invalid_token\"")
        #expect(ReasonCode.revoked.httpStatus == 401)
        #expect(ReasonCode.revoked.wwwAuthenticate == "Bearer error=\"invalid_token\"")
    }
}
