import Foundation
import Histogram
import JOSECrypto
import JWTValidation
import Measurement
import Policy
import Revocation
import Synchronization
import TokenMint

/// `jwtbench speed --revocation N`: the denylist at N entries. Writes an N-line file of
/// UUID-shaped `jti`s, then measures (medians of `rounds`): loading the file (read, parse,
/// sort, index), the list's bytes per entry, a lookup of a precomputed fingerprint and of a
/// `jti` through `RevocationList` (SHA-256 included), half of them present, in random order;
/// and the latency of end-to-end validations (RS256, typical token, one thread) without a
/// list, with the list, and with the list while another thread reloads it continuously.
public struct RevocationBenchmark: Sendable {
    public var entries: Int
    public var rounds: Int
    /// Seconds of each validation phase.
    public var seconds: Double

    public init(entries: Int, rounds: Int = 3, seconds: Double = 5) {
        self.entries = entries
        self.rounds = max(1, rounds)
        self.seconds = seconds
    }

    /// Runs every measurement, saying each figure as it is made and, last, a JSON object of all.
    public func run(say: (String) -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-revocation-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/revoked.txt"
        try Self.writeFile(path, entries: entries)
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        say("file: \(entries) jti lines, \(fileBytes / 1_000_000) MB")
        var figures: [String: Double] = ["entries": Double(entries)]

        var list = Denylist.empty
        // At startup a list is parsed on every core; a reload while serving on one fewer.
        for (name, threads) in [("load", DenylistParser.allCores), ("reload", DenylistParser.reloadThreads)] {
            var times: [Double] = []
            for _ in 0..<rounds {
                let start = ContinuousClock.now
                list = try DenylistFile.load(path, threads: threads).list
                times.append(Self.seconds(ContinuousClock.now - start))
            }
            figures["\(name)_s"] = Self.median(times)
            say(
                "\(name) (read, parse on \(threads) thread(s), sort, place): median " + Self.list([Self.median(times)], "%.2f") + " s of "
                    + Self.list(times, "%.2f"))
        }
        try stages(path, say: say, figures: &figures)
        figures["bytes_per_entry"] = list.bytesPerEntry
        say(
            String(
                format: "storage: %.1f MB, %.2f B per entry (%d slots, load %.2f)", Double(list.storageBytes) / 1e6,
                list.bytesPerEntry, list.slots, list.load))

        let (fingerprintNs, chainedNs, jtiNs, hashNs, cellNs) = lookups(list)
        figures["read_list_in_force_ns"] = cellNs
        figures["lookup_fingerprint_ns"] = fingerprintNs
        figures["lookup_fingerprint_dependent_ns"] = chainedNs
        figures["lookup_jti_ns"] = jtiNs
        figures["sha256_jti_ns"] = hashNs
        say(
            String(
                format:
                    "lookup: %.1f ns a fingerprint (%.1f ns one at a time); %.1f ns a jti through RevocationList (SHA-256 alone %.1f ns, reading the list in force alone %.1f ns)",
                fingerprintNs, chainedNs, jtiNs, hashNs, cellNs))
        let holder = RevocationList(list)
        try allocations(holder, say: say, figures: &figures)
        let phases: [(name: String, revocation: (any RevocationCheck)?, reloading: Bool)] = [
            ("no list", nil, false), ("list", holder, false), ("list, reloading", holder, true),
        ]
        // Phases interleaved round by round, so a burst of load from elsewhere on the machine
        // lands on every phase alike; each figure is the median over the rounds.
        var results = [[PhaseResult]](repeating: [], count: phases.count)
        for _ in 0..<rounds {
            for (i, phase) in phases.enumerated() {
                results[i].append(try validations(revocation: phase.revocation, reloadingFrom: phase.reloading ? path : nil, into: holder))
            }
        }
        for (i, phase) in phases.enumerated() {
            let key = "validate_" + phase.name.replacingOccurrences(of: ", ", with: "_").replacingOccurrences(of: " ", with: "_")
            func us(_ p: Double) -> Double { Self.median(results[i].map { Double($0.latency.valueAtPercentile(p)) / 1000 }) }
            figures[key + "_p50_us"] = us(50)
            figures[key + "_p99_us"] = us(99)
            figures[key + "_p999_us"] = us(99.9)
            let ops = results[i].map { Int($0.latency.totalCount) }.reduce(0, +)
            let reloads = results[i].map(\.reloads).reduce(0, +)
            say(
                "validate RS256 typical, \(phase.name): \(ops) ops in \(rounds) x \(seconds) s, medians "
                    + String(format: "p50 %.1f us, p99 %.1f us, p99.9 %.1f us", us(50), us(99), us(99.9))
                    + "; p99 per round " + Self.list(results[i].map { Double($0.latency.valueAtPercentile(99)) / 1000 }, "%.1f")
                    + (phase.reloading ? " (\(reloads) reloads meanwhile)" : ""))
        }
        let json = figures.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\(String(format: "%.3f", $0.value))" }.joined(separator: ",")
        say("{\(json)}")
    }

    // MARK: the file

    /// Line `i`'s jti: a UUID-shaped string from two SplitMix64 outputs, so any line can be
    /// rebuilt without keeping the file.
    static func jti(_ i: Int, into out: UnsafeMutableRawBufferPointer) {
        var a = splitMix(UInt64(i))
        var b = splitMix(UInt64(i) ^ 0x9E37_79B9_7F4A_7C15)
        let hex = Array("0123456789abcdef".utf8)
        var o = 0
        for k in 0..<32 {
            if k == 8 || k == 12 || k == 16 || k == 20 {
                out[o] = UInt8(ascii: "-")
                o += 1
            }
            let nibble: UInt64
            if k < 16 {
                nibble = a >> 60
                a <<= 4
            } else {
                nibble = b >> 60
                b <<= 4
            }
            out[o] = hex[Int(nibble)]
            o += 1
        }
    }

    static let jtiLength = 36

    static func splitMix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func writeFile(_ path: String, entries: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw RevocationError(path: path, "cannot create the benchmark file")
        }
        defer { try? handle.close() }
        let perChunk = 100_000
        var written = 0
        while written < entries {
            let n = min(perChunk, entries - written)
            var chunk = Data(count: n * (jtiLength + 1))
            chunk.withUnsafeMutableBytes { raw in
                for k in 0..<n {
                    let line = UnsafeMutableRawBufferPointer(rebasing: raw[(k * (jtiLength + 1))..<((k + 1) * (jtiLength + 1))])
                    jti(written + k, into: UnsafeMutableRawBufferPointer(rebasing: line[0..<jtiLength]))
                    line[jtiLength] = UInt8(ascii: "\n")
                }
            }
            try handle.write(contentsOf: chunk)
            written += n
        }
    }

    /// Where a load's time goes (medians of `rounds`, wall clock): reading the file, parsing
    /// and hashing its lines on one thread, and sorting and indexing the fingerprints.
    func stages(_ path: String, say: (String) -> Void, figures: inout [String: Double]) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var parse: [Double] = []
        var build: [Double] = []
        for _ in 0..<rounds {
            var start = ContinuousClock.now
            let found = try data.withUnsafeBytes { raw throws(RevocationError) in
                try DenylistParser.fingerprints(raw, path: path, threads: 1)
            }
            parse.append(Self.seconds(ContinuousClock.now - start))
            start = ContinuousClock.now
            let list = Denylist(sorting: found)
            build.append(Self.seconds(ContinuousClock.now - start))
            precondition(list.count > 0 || entries == 0)
        }
        figures["parse_1thread_s"] = Self.median(parse)
        figures["sort_index_s"] = Self.median(build)
        say(
            "stages: parse and hash on 1 thread " + Self.list([Self.median(parse)], "%.2f") + " s, sort and place "
                + Self.list([Self.median(build)], "%.2f") + " s (medians)")
    }

    // MARK: lookups

    /// ns per lookup (medians of `rounds`): of a fingerprint, of a jti through the holder, and
    /// of the jti's SHA-256 alone; a million queries, half present, shuffled. Timed by the
    /// thread's CPU clock: on this shared machine wall time mostly measures the other builds.
    func lookups(_ list: Denylist) -> (Double, Double, Double, Double, Double) {
        let count = 1_000_000
        var rng = MintRandom(seed: 42)
        // Query k is line `ids[k]`: below `entries` present, above it absent.
        let ids = (0..<count).map { k in k % 2 == 0 ? Int.random(in: 0..<max(entries, 1), using: &rng) : entries + k }.shuffled(using: &rng)
        let text = UnsafeMutableRawBufferPointer.allocate(byteCount: count * Self.jtiLength, alignment: 8)
        defer { text.deallocate() }
        for (k, id) in ids.enumerated() {
            Self.jti(id, into: UnsafeMutableRawBufferPointer(rebasing: text[(k * Self.jtiLength)..<((k + 1) * Self.jtiLength)]))
        }
        func query(_ k: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: text.baseAddress! + k * Self.jtiLength, count: Self.jtiLength)
        }
        let fingerprints = (0..<count).map { RevocationFingerprint.jti(query($0)) }
        let holder = RevocationList(list)
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        var byFingerprint: [Double] = []
        var chained: [Double] = []
        var byJTI: [Double] = []
        var hashing: [Double] = []
        var cellOnly: [Double] = []
        // An empty list hashes nothing: what is left is reading the list in force.
        let emptyHolder = RevocationList(.empty)
        var sink = 0
        for _ in 0..<rounds {
            var start = ThreadCPUClock.now()
            var hits = 0
            fingerprints.withUnsafeBufferPointer { all in
                for f in all where list.contains(f) { hits += 1 }
            }
            byFingerprint.append(Double(ThreadCPUClock.now() - start) / Double(count))
            precondition(hits >= count / 2, "every present jti must be found (\(hits) of \(count / 2))")
            // One at a time: the next query's position depends on the previous answer, so the
            // processor cannot overlap the lookups' memory reads (a validation's case).
            start = ThreadCPUClock.now()
            fingerprints.withUnsafeBufferPointer { all in
                var k = 0
                for _ in 0..<count {
                    k = (k &+ (list.contains(all[k]) ? 1 : 3)) % count
                }
                sink &+= k
            }
            chained.append(Double(ThreadCPUClock.now() - start) / Double(count))
            start = ThreadCPUClock.now()
            for k in 0..<count where holder.isRevoked(jti: query(k), token: empty) { sink &+= 1 }
            byJTI.append(Double(ThreadCPUClock.now() - start) / Double(count))
            start = ThreadCPUClock.now()
            for k in 0..<count { sink &+= Int(truncatingIfNeeded: RevocationFingerprint.jti(query(k)).low & 1) }
            hashing.append(Double(ThreadCPUClock.now() - start) / Double(count))
            start = ThreadCPUClock.now()
            for k in 0..<count where emptyHolder.isRevoked(jti: query(k), token: empty) { sink &+= 1 }
            cellOnly.append(Double(ThreadCPUClock.now() - start) / Double(count))
        }
        if sink == -1 { print(sink) }
        return (Self.median(byFingerprint), Self.median(chained), Self.median(byJTI), Self.median(hashing), Self.median(cellOnly))
    }

    // MARK: allocations

    /// Allocations per validation of a typical RS256 token (jemalloc's counters), without a
    /// list and with one, whose token is not revoked: the revocation step must add none.
    func allocations(_ holder: RevocationList, say: (String) -> Void, figures: inout [String: Double]) throws {
        let (token, validatorFor) = try Self.typicalToken()
        for (name, revocation) in [("no list", nil), ("list", holder)] as [(String, (any RevocationCheck)?)] {
            let validator = validatorFor(revocation)
            guard let counted = AllocationCounter.measure(iterations: 10_000, { _ = validator.validate(token: token, now: Self.now) })
            else {
                say("allocations: not counted (no jemalloc in this build)")
                return
            }
            figures["allocations_\(name.replacingOccurrences(of: " ", with: "_"))"] = counted.allocations
            say("allocations per validation, \(name): " + String(format: "%.2f (%.0f bytes)", counted.allocations, counted.bytes))
        }
    }

    static let now: Int64 = 1_767_225_600

    /// A typical RS256 token of the catalogue, and validators for it under the standard policy.
    static func typicalToken() throws -> (String, ((any RevocationCheck)?) -> Validator) {
        let keySet = try TestKeySet.loadDefault()
        let policy = try CatalogPolicy.standard.policy()
        let keys = StaticKeyProvider(keys: keySet.trustedJWKS.keys, algorithms: policy.allowedAlgorithms)
        let minted = try Minter(keySet: keySet).mint(
            MintPlan(algorithms: [.rs256], variants: [VariantCatalog.variant("good-plain")!], sizes: [.typical], seed: 3, now: now),
            threads: 1)
        guard case .token(let token) = minted[0].input else { throw RevocationError(path: "bench", "the mint gave no token") }
        return (token, { Validator(policy: policy, keys: keys, revocation: $0) })
    }

    // MARK: validations

    struct PhaseResult {
        var latency: Histogram<UInt64>
        var reloads: Int
    }

    /// One thread validating a typical RS256 token for `seconds`, each latency recorded; with
    /// `reloadingFrom`, a second thread reloads that file into `holder` all the while.
    func validations(revocation: (any RevocationCheck)?, reloadingFrom path: String?, into holder: RevocationList) throws -> PhaseResult {
        let (token, validatorFor) = try Self.typicalToken()
        let validator = validatorFor(revocation)
        let now = Self.now
        var latency = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three)
        let flags = ReloadFlags()
        let reloader: Thread? = path.map { path in
            Thread {
                while !flags.stop.load(ordering: .relaxed) {
                    // As the reloader does: one core fewer than the machine has.
                    if let list = try? DenylistFile.load(path, threads: DenylistParser.reloadThreads).list { holder.publish(list) }
                    flags.reloads.add(1, ordering: .relaxed)
                }
            }
        }
        reloader?.start()
        for _ in 0..<2000 { precondition(validator.validate(token: token, now: now).isAllowed) }
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let clock = ContinuousClock()
        while clock.now < end {
            for _ in 0..<100 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let allowed = validator.validate(token: token, now: now).isAllowed
                let t1 = DispatchTime.now().uptimeNanoseconds
                precondition(allowed)
                _ = latency.record(t1 &- t0)
            }
        }
        flags.stop.store(true, ordering: .relaxed)
        // Let the reloader finish its load, so the next phase runs alone.
        while reloader != nil && !(reloader!.isFinished) { Thread.sleep(forTimeInterval: 0.05) }
        return PhaseResult(latency: latency, reloads: flags.reloads.load(ordering: .relaxed))
    }

    /// Shared by the measuring thread and the reloading one.
    final class ReloadFlags: Sendable {
        let stop = Atomic(false)
        let reloads = Atomic(0)
    }

    // MARK: helpers

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.isEmpty ? 0 : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func list(_ values: [Double], _ format: String) -> String {
        values.map { String(format: format, $0) }.joined(separator: ", ")
    }
}
