import ArgumentParser
import Dispatch
import Foundation
import JOSECrypto
import JWTValidation
import TokenMint

/// `jwtbench mint`: tokens with known answers from the variant catalogue.
struct MintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint",
        abstract: "Mint good and bad tokens with their expected decisions (or the project's vectors).",
        discussion: """
            Writes, under --out: jwks.json (the trusted keys; test-only), and per policy a folder \
            <policy>/ with policy.yaml, tokens.txt (one token per line) and expected.jsonl (one \
            expectation per line, aligned with tokens.txt), plus requests.jsonl for request-shaped \
            cases. Check a folder with: jwtbench verify --policy OUT/standard/policy.yaml \
            --keys OUT/jwks.json --now T - < OUT/standard/tokens.txt
            """)

    @Option(help: "Comma-separated JWS algorithms, or 'all'.")
    var algs: String = "RS256,ES256"
    @Option(help: "'good', 'bad', 'all', or variant ids, comma-separated (see --list).")
    var variants: String = "good,bad"
    @Option(help: "Comma-separated sizes: small, typical, large.")
    var sizes: String = "typical"
    @Option(help: "Cases to mint (default: each applicable combination once).")
    var count: Int?
    @Option(help: "Seed for claims and ids.")
    var seed: UInt64 = 1
    @Option(help: "The time tokens are minted for (seconds since the epoch; default now).")
    var now: Int64?
    @Option(help: "Output folder.")
    var out: String?
    @Option(help: "Minting threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Write the project's conformance vectors to this file instead (fixed keys, time and seed).")
    var vectors: String?
    @Flag(help: "List the variant catalogue and exit.")
    var list = false

    func run() throws {
        if list {
            for v in VariantCatalog.all {
                print("\(v.id.padding(toLength: 28, withPad: " ", startingAt: 0)) \(v.expectation.description.padding(toLength: 32, withPad: " ", startingAt: 0)) [\(v.policy.rawValue)] \(v.summary)")
            }
            print("\(VariantCatalog.all.count) variants")
            return
        }
        let keySet = try TestKeySet.loadDefault()
        if let vectors {
            let file = try VectorFile.generate(keySet: keySet)
            try file.encoded().write(to: URL(fileURLWithPath: vectors))
            print("wrote \(file.cases.count) vector cases to \(vectors)")
            return
        }
        guard let out else { throw CLIError.usage("--out DIR is required (or --vectors FILE, or --list)") }
        let sizeList = try sizes.split(separator: ",").map { s -> SizeClass in
            guard let size = SizeClass(rawValue: String(s)) else { throw CLIError.usage("unknown size \(s); use small, typical, large") }
            return size
        }
        let at = now ?? Int64(Date().timeIntervalSince1970)
        let plan = MintPlan(algorithms: try MintPlan.algorithms(algs), variants: try MintPlan.variants(variants),
                            sizes: sizeList, count: count, seed: seed, now: at)
        let start = DispatchTime.now().uptimeNanoseconds
        let cases = try Minter(keySet: keySet).mint(plan, threads: max(1, threads))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        try MintOutput.write(cases, keySet: keySet, now: at, to: out)
        print("minted \(cases.count) cases in \(String(format: "%.3f", seconds)) s: \(String(format: "%.0f", Double(cases.count) / seconds)) tokens/s on \(threads) thread(s); written to \(out)")
    }
}

/// The files `mint --out` writes.
enum MintOutput {
    static func write(_ cases: [MintedCase], keySet: TestKeySet, now: Int64, to dir: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data((keySet.trustedJWKS.jsonString() + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/jwks.json"))
        var byFolder: [String: (tokens: [String], expected: [String])] = [:]
        var requests: [String] = []
        for c in cases {
            let folder = c.policy.rawValue + (c.keys == .unavailable ? "-keys-unavailable" : "")
            let meta = "\"id\":\(DecisionJSON.quote(c.id)),\"variant\":\(DecisionJSON.quote(c.variant.id)),\"alg\":\"\(c.algorithm.rawValue)\",\"size\":\"\(c.size.rawValue)\",\"policy\":\"\(folder)\",\"now\":\(now),\"expect\":\(c.expectation.json)"
            switch c.input {
            case .token(let t):
                byFolder[folder, default: ([], [])].tokens.append(t)
                byFolder[folder, default: ([], [])].expected.append("{\(meta)}")
            case .request(let r):
                let headers = r.headers.map { "[\(DecisionJSON.quote($0.name)),\(DecisionJSON.quote($0.value))]" }.joined(separator: ",")
                let body = DecisionJSON.quote(String(decoding: r.body, as: UTF8.self))
                requests.append("{\(meta),\"request\":{\"method\":\(DecisionJSON.quote(r.method)),\"headers\":[\(headers)],\"body\":\(body)}}")
            }
        }
        for (folder, content) in byFolder {
            let path = dir + "/" + folder
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            let policyName = folder.replacingOccurrences(of: "-keys-unavailable", with: "")
            var yaml = CatalogPolicy(rawValue: policyName)?.yaml ?? ""
            if folder.hasSuffix("-keys-unavailable") {
                // Nothing listens on port 9: a key source that is down, so a remote-capable
                // verifier answers keys_unavailable (with --keys it would find the keys).
                yaml = yaml.replacingOccurrences(of: "jws:\n", with: "jws:\n  keys:\n    sources:\n      additional_jkus: [\"https://127.0.0.1:9/jwks.json\"]\n")
            }
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: path + "/policy.yaml"))
            try Data((content.tokens.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path + "/tokens.txt"))
            try Data((content.expected.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path + "/expected.jsonl"))
        }
        if !requests.isEmpty {
            try Data((requests.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/requests.jsonl"))
        }
    }
}
