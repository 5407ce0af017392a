import Foundation
import JOSECrypto
import JWTValidation

/// Builds the key provider for a policy plus `--keys` files.
enum KeyLoading {
    static func provider(for policy: Policy, extraKeyFiles: [String]) throws -> any KeyProvider {
        var keys = policy.inlineKeys
        for path in policy.keyFiles + extraKeyFiles {
            keys += try loadKeys(path)
        }
        if keys.isEmpty {
            if !policy.additionalJKUs.isEmpty {
                throw CLIError.configuration(
                    "the policy's keys come from additional_jkus (\(policy.additionalJKUs.joined(separator: ", "))); remote JWKS sources are not built yet: pass the JWKS with --keys FILE")
            }
            throw CLIError.configuration("no keys: the policy names no key source; pass a JWKS with --keys FILE")
        }
        let snapshot = KeySnapshot(keys: keys, algorithms: policy.allowedAlgorithms,
                                   loadedAt: Int64(Date().timeIntervalSince1970))
        for skipped in snapshot.skipped {
            FileHandle.standardError.write(Data("warning: key \(skipped.kid ?? "(no kid)") skipped: \(skipped.reason)\n".utf8))
        }
        if snapshot.keys.isEmpty {
            throw CLIError.configuration("none of the \(keys.count) keys fits the allowed algorithms \(policy.allowedAlgorithms.map(\.rawValue))")
        }
        return StaticKeyProvider(snapshot: snapshot)
    }

    /// A JWK Set file, or a file holding one JWK.
    static func loadKeys(_ path: String) throws -> [JWK] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.configuration("cannot read key file \(path)")
        }
        if let set = try? JWKSet(data: data) { return set.keys }
        if let one = try? JWK(json: String(decoding: data, as: UTF8.self)) { return [one] }
        throw CLIError.configuration("\(path) is neither a JWK Set ({\"keys\": [...]}) nor a JWK")
    }
}
