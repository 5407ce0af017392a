import Foundation
import JOSECrypto
import LoadDriver
import Testing
import TokenMint

/// `jwtbench profile --jwe`: both nested cases are profiled, every stage is there and none is
/// negative, and each case prints one JSON line. Structure only, never timings.
@Suite struct JWEStageProfilerTests {
    @Test func bothNestedCasesByStage() throws {
        let profiler = JWEStageProfiler(keySet: try TestKeySet.loadDefault(), size: .small, backend: OpenSSLBackend())
        var lines: [String] = []
        let results = try profiler.profile(rounds: 1) { lines.append($0) }
        #expect(results.map(\.name) == ["RS256 in RSA-OAEP+A256GCM", "ES256 in ECDH-ES+A256KW+A256GCM"])
        for result in results {
            #expect(
                result.stages.map(\.0) == [
                    "decrypt_key", "decrypt_content", "inner_signature", "inner_claims", "jwe_rest", "whole_validation",
                ])
            #expect(result.stages.allSatisfy { $0.1 >= 0 })
            #expect(result.plaintextBytes > 0 && result.tokenBytes > result.plaintextBytes)
            let object = try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any]
            #expect(object?["case"] as? String == result.name)
        }
        #expect(lines.count >= 2 * 7)
    }
}
