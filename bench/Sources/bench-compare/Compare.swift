import BenchFixtures
import Dispatch
import Foundation
import JOSECrypto
import JWTKit
import JWTValidation
import KeySources

/// ours (end to end), vapor/jwt-kit and the raw verify of both crypto libraries, on the same
/// tokens and key, on 1 thread and on all cores. Every cell is measured `--rounds` times,
/// interleaved (each round runs every cell once, in the same order), and reported as the
/// median. Prints a table, the ratios against the goals (bench/NOTES.md, Goals), and as its LAST line one JSON
/// object with every figure (ops/s), every sample and every ratio.
@main
struct Compare {
    struct Options {
        var seconds = 1.0
        var rounds = 5
        var threadCounts = [1, ProcessInfo.processInfo.activeProcessorCount]
        var algorithms: [JWSAlgorithm] = Fixtures.algorithms
        var size = TokenSize.typical
        /// Only these cells (for profiling one of them); nil: all.
        var cells: Set<String>?
    }

    struct Cell {
        let name: String
        let run: (Int, Double) -> Double   // (threads, seconds) -> ops/s over all threads
    }

    static func parse() throws -> Options {
        var o = Options()
        var args = Array(CommandLine.arguments.dropFirst())
        func value(_ flag: String) throws -> String {
            guard !args.isEmpty else { throw FixtureError("\(flag) needs a value") }
            return args.removeFirst()
        }
        while !args.isEmpty {
            let flag = args.removeFirst()
            switch flag {
            case "--seconds": o.seconds = Double(try value(flag)) ?? o.seconds
            case "--rounds": o.rounds = max(1, Int(try value(flag)) ?? o.rounds)
            case "--threads":
                o.threadCounts = try value(flag).split(separator: ",").compactMap { Int($0) }.filter { $0 >= 1 }
            case "--alg":
                o.algorithms = try value(flag).split(separator: ",").map {
                    guard let a = JWSAlgorithm(rawValue: String($0)) else { throw FixtureError("unknown alg \($0)") }
                    return a
                }
            case "--size":
                guard let s = TokenSize(rawValue: try value(flag)) else { throw FixtureError("size: small, typical or large") }
                o.size = s
            case "--cells":
                o.cells = Set(try value(flag).split(separator: ",").map { String($0) })
            case "-h", "--help":
                print("bench-compare [--seconds S] [--rounds N] [--threads 1,2] [--alg RS256,ES256] [--size small|typical|large] [--cells 'ours,ours cache hit']")
                exit(0)
            default: throw FixtureError("unknown option \(flag)")
            }
        }
        guard !o.threadCounts.isEmpty, o.seconds > 0 else { throw FixtureError("--threads and --seconds must be positive") }
        return o
    }

    static func main() throws {
        let options = try parse()
        let loadStart = loadAverage()
        var cellsByAlg: [(JWSAlgorithm, [Cell], Int)] = []
        var routes: [String: String] = [:]
        for algorithm in options.algorithms {
            let token = try Fixtures.token(algorithm, options.size)
            // One copy of the token text per thread, as requests carry their own buffers: one
            // String shared by every thread would make its reference count a contended cache
            // line, which no gateway has.
            let copies = (0..<64).map { _ in String(decoding: Array(token.utf8), as: UTF8.self) }
            let now = Fixtures.now
            // Ours: the default backend choice (`auto`, per algorithm by measurement) and
            // OpenSSL alone, for context.
            let ours = try Fixtures.validator(algorithm, backend: "auto")
            let oursOpenSSL = try Fixtures.validator(algorithm, backend: "openssl")
            guard case .allow(let verified) = ours.validate(token: token, now: now),
                  oursOpenSSL.validate(token: token, now: now).isAllowed else {
                throw FixtureError("\(algorithm.rawValue): our validator denied the token")
            }
            routes[algorithm.rawValue] = verified.backend
            let keys = try Fixtures.blocking { try await Fixtures.jwtKitKeys(algorithm) }
            _ = try Fixtures.blocking { try await keys.verify(token, as: PeerClaims.self) }
            let (signature, message) = try Fixtures.split(token)
            // The ceilings are the libraries' own verify APIs at their fastest; "ours openssl
            // crypto" is the verifier our validator calls on OpenSSL, alone (for RS* it is not
            // EVP: see OpenSSLRSAPKCS1Verifier), so ours openssl / it is the share of the rest.
            let rawOpenSSL = try Fixtures.verifier(algorithm, backend: "openssl-evp")
            let rawBoringSSL = try Fixtures.verifier(algorithm, backend: "boringssl")
            let oursOpenSSLCrypto = try Fixtures.verifier(algorithm, backend: "openssl")
            guard rawOpenSSL.verify(signature: signature, message: message),
                  rawBoringSSL.verify(signature: signature, message: message),
                  oursOpenSSLCrypto.verify(signature: signature, message: message) else {
                throw FixtureError("\(algorithm.rawValue): raw verify failed")
            }
            // The verified-token cache in front of ours: every call after the first is a hit
            // (signature skipped, exp/nbf checked again), as for a client re-sending its token.
            let cached = CachingValidator(validator: ours, cache: VerifiedTokenCache())
            guard cached.validate(token: token, now: now).isAllowed, cached.validate(token: token, now: now).isAllowed,
                  cached.cache.statistics.hits == 1 else {
                throw FixtureError("\(algorithm.rawValue): the verified-token cache did not hit")
            }
            // The default key-cache strategy (refresh-ahead + refetch-unknown-kid + stale-if-error,
            // snapshot lookup) over the same key served by an in-process JWKS source, with the
            // per-request step a gateway runs: its cost next to static keys is a goal (bench/NOTES.md, Goals).
            let remote = RemoteKeyProvider(location: .jwks("https://idp.example/jwks.json"), strategy: .default,
                                           algorithms: [algorithm], fetcher: FixedFetcher(keys: [try Fixtures.privateKey(algorithm).publicKey]),
                                           backend: AutoBackend())
            guard remote.prime(timeout: .seconds(5)) == nil else { throw FixtureError("the in-process JWKS did not load") }
            let oursRemote = Validator(
                rules: ValidationRules(issuers: [Fixtures.issuer], audiences: [Fixtures.audience], allowedAlgorithms: [algorithm]),
                keys: remote)
            guard oursRemote.validate(token: token, now: now).isAllowed else { throw FixtureError("the remote-keyed validator denied the token") }
            // Warm-up as a gateway's steady state has it: an ES256 key's table of multiples is
            // made in the background after its 8th verification (P256TableVerifier).
            for _ in 0..<16 {
                _ = ours.validate(token: token, now: now)
                _ = oursOpenSSL.validate(token: token, now: now)
                _ = oursRemote.validate(token: token, now: now)
                _ = oursOpenSSLCrypto.verify(signature: signature, message: message)
            }
            Thread.sleep(forTimeInterval: 0.5)
            let cells = [
                Cell(name: "ours") { t, s in measure(threads: t, seconds: s) { i in ours.validate(token: copies[i], now: now).isAllowed } },
                Cell(name: "jwt-kit") { t, s in
                    measureAsync(threads: t, seconds: s) { i in (try? await keys.verify(copies[i], as: PeerClaims.self)) != nil }
                },
                Cell(name: "raw openssl") { t, s in
                    measure(threads: t, seconds: s) { _ in rawOpenSSL.verify(signature: signature, message: message) }
                },
                Cell(name: "raw boringssl") { t, s in
                    measure(threads: t, seconds: s) { _ in rawBoringSSL.verify(signature: signature, message: message) }
                },
                Cell(name: "ours openssl") { t, s in
                    measure(threads: t, seconds: s) { i in oursOpenSSL.validate(token: copies[i], now: now).isAllowed }
                },
                Cell(name: "ours openssl crypto") { t, s in
                    measure(threads: t, seconds: s) { _ in oursOpenSSLCrypto.verify(signature: signature, message: message) }
                },
                Cell(name: "ours default keys") { t, s in
                    measure(threads: t, seconds: s) { i in
                        _ = remote.prepareForValidation()
                        return oursRemote.validate(token: copies[i], now: now).isAllowed
                    }
                },
                Cell(name: "ours cache hit") { t, s in
                    measure(threads: t, seconds: s) { i in cached.validate(token: copies[i], now: now).isAllowed }
                },
            ]
            cellsByAlg.append((algorithm, cells.filter { options.cells?.contains($0.name) ?? true }, token.utf8.count))
        }

        // samples[alg][cell][threads] = [ops/s per round]
        var samples: [String: [String: [String: [Double]]]] = [:]
        let totalCells = cellsByAlg.reduce(0) { $0 + $1.1.count } * options.threadCounts.count
        FileHandle.standardError.write(Data(
            "bench-compare: \(totalCells) cells x \(options.rounds) rounds x \(options.seconds) s (about \(Int(Double(totalCells * options.rounds) * options.seconds)) s)\n".utf8))
        for round in 1...options.rounds {
            for threads in options.threadCounts {
                for (algorithm, cells, _) in cellsByAlg {
                    for cell in cells {
                        let rate = cell.run(threads, options.seconds)
                        samples[algorithm.rawValue, default: [:]][cell.name, default: [:]]["\(threads)", default: []].append(rate)
                    }
                }
            }
            FileHandle.standardError.write(Data("  round \(round)/\(options.rounds) done\n".utf8))
        }
        let loadEnd = loadAverage()

        func median(_ xs: [Double]) -> Double {
            let s = xs.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        var figures: [String: [String: [String: Double]]] = [:]
        for (alg, byCell) in samples {
            for (cell, byThreads) in byCell {
                for (t, xs) in byThreads { figures[alg, default: [:]][cell, default: [:]][t] = median(xs) }
            }
        }

        // The table.
        let ts = options.threadCounts
        let maxT = ts.max()!
        print("jwtbench bench-compare: \(options.size.rawValue) token; median of \(options.rounds) interleaved rounds, \(options.seconds) s per cell; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("\(OpenSSLBackend.versionString); BoringSSL via swift-crypto; vapor/jwt-kit 5 (one shared JWTKeyCollection, exp/nbf/aud/iss checked)")
        print("load average at start \(loadStart), at end \(loadEnd)")
        var header = "alg    implementation      "
        for t in ts { header += "  \(t)t ops/s".leftPad(13) + "  µs/op".leftPad(8) }
        if ts.count > 1 { header += "  \(maxT)t/1t".leftPad(8) }
        print(header)
        for (algorithm, cells, _) in cellsByAlg {
            let alg = algorithm.rawValue
            for cell in cells {
                var line = alg.rightPad(7) + cell.name.rightPad(20)
                for t in ts {
                    let ops = figures[alg]?[cell.name]?["\(t)"] ?? 0
                    line += String(format: "%13.0f", ops) + String(format: "%8.2f", 1e6 * Double(t) / max(ops, 1))
                }
                if ts.count > 1, let one = figures[alg]?[cell.name]?["1"], let many = figures[alg]?[cell.name]?["\(maxT)"] {
                    line += String(format: "%8.2f", many / one)
                }
                print(line)
            }
        }
        for (alg, backend) in routes.sorted(by: { $0.key < $1.key }) { print("ours (auto) verifies \(alg) with \(backend)") }

        // Ratios against the goals: the median over rounds of the ratio within each round (the
        // two cells ran seconds apart), which cancels the machine's drift between rounds better
        // than a ratio of medians. The fastest raw library is chosen by its median.
        func paired(_ alg: String, _ a: String, _ b: String, _ t: String) -> Double? {
            guard let xs = samples[alg]?[a]?[t], let ys = samples[alg]?[b]?[t], xs.count == ys.count, !xs.isEmpty else { return nil }
            return median(zip(xs, ys).map { $0 / max($1, 1) })
        }
        // Ratios against the goals.
        struct Goal { let name: String; let value: Double; let goal: Double }
        var goals: [Goal] = []
        var ratios: [String: Double] = [:]
        for (algorithm, _, _) in cellsByAlg {
            let alg = algorithm.rawValue
            guard let f = figures[alg] else { continue }
            for t in ts.map({ "\($0)" }) {
                guard let ours = f["ours"]?[t], let kit = f["jwt-kit"]?[t],
                      let ro = f["raw openssl"]?[t], let rb = f["raw boringssl"]?[t] else { continue }
                let rawBest = max(ro, rb)
                let rawBestCell = ro >= rb ? "raw openssl" : "raw boringssl"
                let oursOverRaw = paired(alg, "ours", rawBestCell, t) ?? ours / rawBest
                let oursOverKit = paired(alg, "ours", "jwt-kit", t) ?? ours / kit
                ratios["\(alg) ours/raw_fastest \(t)t"] = oursOverRaw
                ratios["\(alg) ours/jwt-kit \(t)t"] = oursOverKit
                ratios["\(alg) ours/raw_fastest (ratio of medians) \(t)t"] = ours / rawBest
                ratios["\(alg) ours_openssl/raw_openssl \(t)t"] = (f["ours openssl"]?[t] ?? 0) / ro
                ratios["\(alg) ours_openssl/ours_openssl_crypto \(t)t"] = paired(alg, "ours openssl", "ours openssl crypto", t) ?? 0
                ratios["\(alg) ours_openssl_crypto/raw_openssl \(t)t"] = paired(alg, "ours openssl crypto", "raw openssl", t) ?? 0
                ratios["\(alg) raw boringssl/openssl \(t)t"] = rb / ro
                ratios["\(alg) jwt-kit/raw_fastest \(t)t"] = kit / rawBest
                goals.append(Goal(name: "\(alg) ours/raw_fastest \(t)t", value: oursOverRaw, goal: 0.95))
                goals.append(Goal(name: "\(alg) ours/jwt-kit \(t)t", value: oursOverKit, goal: algorithm == .rs256 ? 1.9 : 1.25))
            }
            for t in ts {
                if let hit = f["ours cache hit"]?["\(t)"] {
                    // Per core: the threads share the machine's cores one to one up to its core count.
                    let perCore = hit / Double(min(t, ProcessInfo.processInfo.activeProcessorCount))
                    ratios["\(alg) cache_hit_per_core/2M \(t)t"] = perCore / 2_000_000
                    goals.append(Goal(name: "\(alg) cache hit/core / 2M \(t)t", value: perCore / 2_000_000, goal: 1))
                }
            }
            for t in ts.map({ "\($0)" }) {
                if let v = paired(alg, "ours default keys", "ours", t) {
                    ratios["\(alg) default_strategy/static \(t)t"] = v
                    goals.append(Goal(name: "\(alg) default keys/static \(t)t", value: v, goal: 0.97))
                }
            }
            if ts.count > 1 {
                for cell in ["ours", "jwt-kit", "raw openssl", "raw boringssl", "ours openssl", "ours openssl crypto", "ours cache hit"] {
                    if let one = f[cell]?["1"], let many = f[cell]?["\(maxT)"] { ratios["\(alg) \(cell) \(maxT)t/1t"] = many / one }
                }
                if let one = f["ours"]?["1"], let many = f["ours"]?["\(maxT)"] {
                    let scaling: Double
                    if let xs = samples[alg]?["ours"]?["\(maxT)"], let ys = samples[alg]?["ours"]?["1"], xs.count == ys.count {
                        scaling = median(zip(xs, ys).map { $0 / max($1, 1) })
                    } else {
                        scaling = many / one
                    }
                    goals.append(Goal(name: "\(alg) ours \(maxT)t/1t", value: scaling, goal: 1.9))
                }
            }
        }
        print("")
        print("goals (each ratio the median over rounds of the ratio within a round)")
        print("goal                               ratio   goal  holds")
        for g in goals {
            print(g.name.rightPad(33) + String(format: "%7.3f", g.value) + String(format: "%7.2f", g.goal) + "  " + (g.value >= g.goal ? "yes" : "NO"))
        }
        let held = goals.filter { $0.value >= $0.goal }.count
        print("\(held) of \(goals.count) goals hold in this run")

        // The last line: every figure as JSON.
        let json: [String: Any] = [
            "tool": "bench-compare",
            "size": options.size.rawValue,
            "token_bytes": Dictionary(uniqueKeysWithValues: cellsByAlg.map { ($0.0.rawValue, $0.2) }),
            "unit": "ops/s (all threads together); median of rounds",
            "rounds": options.rounds,
            "seconds_per_cell": options.seconds,
            "threads": ts,
            "cores": ProcessInfo.processInfo.activeProcessorCount,
            "loadavg_start": loadStart,
            "loadavg_end": loadEnd,
            "backend_routes": routes,
            "figures": figures,
            "samples": samples,
            "ratios": ratios,
            "goals": goals.map { ["name": $0.name, "ratio": $0.value, "goal": $0.goal, "holds": $0.value >= $0.goal] as [String: Any] },
        ]
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
    }

    /// Operations per second over `threads` threads, each calling `body` until the deadline.
    /// `body` gets the thread's index (0..<threads), for per-thread inputs.
    static func measure(threads: Int, seconds: Double, _ body: @escaping @Sendable (Int) -> Bool) -> Double {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        nonisolated(unsafe) let shared = counts
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var n = 0
            var ok = true
            while DispatchTime.now().uptimeNanoseconds < deadline {
                for _ in 0..<16 { ok = body(t) && ok }
                n += 16
            }
            precondition(ok, "verification failed during measurement")
            shared[t] = n
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(counts.reduce(0, +)) / elapsed
    }

    /// The same for an async body (jwt-kit): one task per thread, each looping until the
    /// deadline on Swift's cooperative pool (as many threads as cores).
    static func measureAsync(threads: Int, seconds: Double, _ body: @escaping @Sendable (Int) async -> Bool) -> Double {
        let result = try? Fixtures.blocking { () async -> Double in
            let start = DispatchTime.now().uptimeNanoseconds
            let deadline = start + UInt64(seconds * 1e9)
            let total = await withTaskGroup(of: Int.self) { group in
                for t in 0..<threads {
                    group.addTask {
                        var n = 0
                        var ok = true
                        while DispatchTime.now().uptimeNanoseconds < deadline {
                            for _ in 0..<16 { ok = await body(t) && ok }
                            n += 16
                        }
                        precondition(ok, "jwt-kit verification failed during measurement")
                        return n
                    }
                }
                return await group.reduce(0, +)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return Double(total) / elapsed
        }
        return result ?? 0
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    func rightPad(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}

/// A JWKS source in the process: what `RemoteKeyProvider` sees from a fetch, without a socket.
final class FixedFetcher: JWKSFetching {
    let keys: [JOSECrypto.JWK]
    init(keys: [JOSECrypto.JWK]) { self.keys = keys }
    func fetchKeySet(from url: String) throws(KeySourceError) -> FetchedKeySet { FetchedKeySet(url: url, keys: keys) }
    func discoverJWKSURL(issuer: String) throws(KeySourceError) -> String { issuer + "/jwks.json" }
    func shutdown() {}
}
