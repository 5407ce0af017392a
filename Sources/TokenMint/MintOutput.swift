import Foundation
import JOSECrypto

/// The folder `jwtbench mint --out` writes: `jwks.json` (the trusted keys; test-only), one
/// folder per policy with `policy.yaml`, `tokens.txt` (one token per line) and
/// `expected.jsonl` (one expectation per line, aligned with `tokens.txt`), and
/// `requests.jsonl` for request-shaped cases (the policy each names has its folder with
/// `policy.yaml`, even when no token case uses it); the `revoked` policy's folder also holds its
/// denylist (`revoked.txt`, `CatalogRevocation`). `MintOutputReader` reads the token files back.
public enum MintOutput {
    public static let jwksFile = "jwks.json"
    public static let policyFile = "policy.yaml"
    public static let tokensFile = "tokens.txt"
    public static let expectationsFile = "expected.jsonl"
    public static let requestsFile = "requests.jsonl"
    /// The suffix of a policy folder whose key source is down (`keys_unavailable` expected).
    public static let keysUnavailableSuffix = "-keys-unavailable"

    /// Writes `cases`, minted at `now` with `keySet`, into `dir` (created if needed).
    public static func write(_ cases: [MintedCase], keySet: TestKeySet, now: Int64, to dir: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data((keySet.trustedJWKS.jsonString() + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/" + jwksFile))
        var byFolder: [String: (tokens: [String], expected: [String])] = [:]
        var requests: [String] = []
        // Every policy folder a token or a request refers to; request-only folders hold just policy.yaml.
        var policyFolders: Set<String> = []
        let quote = ClaimsSet.quote
        for c in cases {
            let folder = c.policy.rawValue + (c.keys == .unavailable ? keysUnavailableSuffix : "")
            let meta =
                "\"id\":\(quote(c.id)),\"variant\":\(quote(c.variant.id)),\"alg\":\"\(c.algorithm.rawValue)\",\"size\":\"\(c.size.rawValue)\",\"policy\":\"\(folder)\",\"now\":\(now),\"expect\":\(c.expectation.json)"
            policyFolders.insert(folder)
            switch c.input {
            case .token(let t):
                byFolder[folder, default: ([], [])].tokens.append(t)
                byFolder[folder, default: ([], [])].expected.append("{\(meta)}")
            case .request(let r):
                let headers = r.headers.map { "[\(quote($0.name)),\(quote($0.value))]" }.joined(separator: ",")
                let body = quote(String(decoding: r.body, as: UTF8.self))
                requests.append("{\(meta),\"request\":{\"method\":\(quote(r.method)),\"headers\":[\(headers)],\"body\":\(body)}}")
            }
        }
        for folder in policyFolders.sorted() {
            let path = dir + "/" + folder
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            let policyName = folder.replacingOccurrences(of: keysUnavailableSuffix, with: "")
            var yaml = CatalogPolicy(rawValue: policyName)?.yaml ?? ""
            if folder.hasSuffix(keysUnavailableSuffix) {
                // Nothing listens on port 9: a key source that is down, so a remote-capable
                // verifier answers keys_unavailable (with --keys it would find the keys).
                yaml = yaml.replacingOccurrences(
                    of: "jws:\n", with: "jws:\n  keys:\n    sources:\n      additional_jkus: [\"https://127.0.0.1:9/jwks.json\"]\n")
            }
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: path + "/" + policyFile))
            if policyName == CatalogPolicy.revoked.rawValue {
                // The denylist the policy names, beside it, so verify/load/conform with this
                // policy file deny the revoked cases.
                try Data(CatalogRevocation.fileText(for: cases).utf8).write(
                    to: URL(fileURLWithPath: path + "/" + CatalogRevocation.fileName))
            }
            guard let content = byFolder[folder] else { continue }
            try Data((content.tokens.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path + "/" + tokensFile))
            try Data((content.expected.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path + "/" + expectationsFile))
        }
        if !requests.isEmpty {
            try Data((requests.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/" + requestsFile))
        }
    }
}
