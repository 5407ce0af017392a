import ArgumentParser
import LoadDriver

/// `jwtbench speed`: raw signature-verify rates per algorithm, OpenSSL call pattern and crypto
/// backend (`SpeedEngine`).
struct SpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Measure raw verify operations per second for each algorithm, OpenSSL call pattern and crypto backend.")

    @Option(help: "Comma-separated JWS algorithms.")
    var alg: String = "RS256,ES256"
    @Option(help: "Call pattern: one-shot, dup, per-thread, per-thread-evp, or all.")
    var pattern: String = "all"
    @Option(help: "Seconds to measure each cell.")
    var seconds: Double = 2
    @Option(help: "Threads verifying at once (each its own loop).")
    var threads: Int = 1
    @Flag(
        help:
            "Also validate a typical token end to end (Validator) with the same key, and report the share of time outside the signature check."
    )
    var endToEnd = false
    @Option(help: "Interleaved rounds (each cell is measured this many times; the median is printed).")
    var rounds: Int = 3
    @Option(help: "Crypto backend: openssl, boringssl, auto, or all (OpenSSL's cells follow --pattern).")
    var backend: String = "openssl"
    @Option(help: "Time cells by wall clock, or by each measuring thread's CPU time (steadier on a loaded, shared machine).")
    var clock: SpeedClock = .wall
    @Option(help: "Instead: the token denylist at this many entries (reload, bytes/entry, lookup ns, validation p99 while reloading).")
    var revocation: Int?

    func run() throws {
        if let revocation { return try RevocationBenchmark(entries: revocation, rounds: rounds, seconds: seconds).run { print($0) } }
        let configuration = try SpeedConfiguration(
            algorithms: alg, pattern: pattern, backend: backend, seconds: seconds, threads: threads,
            endToEnd: endToEnd, rounds: rounds, clock: clock)
        try SpeedEngine(configuration).run { print($0) }
    }
}

extension SpeedClock: ExpressibleByArgument {}
