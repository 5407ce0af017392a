import JOSECrypto
import Measurement

/// How `SpeedEngine` times a cell.
public enum SpeedClock: String, Sendable, CaseIterable {
    /// Wall-clock time: what a caller sees, including time the scheduler gave to other processes.
    case wall
    /// Each measuring thread's own CPU time (`ThreadCPUClock`), and each thread runs until it has
    /// used the cell's seconds of it: the rate no longer depends on how much of a core a busy
    /// machine granted, so ratios between cells hold better (cache and SMT sharing remain).
    case cpu
}

/// What `jwtbench speed` measures: algorithms x OpenSSL call patterns x crypto backends, and
/// optionally an end-to-end validation of a typical token per backend.
public struct SpeedConfiguration: Sendable {
    public var algorithms: [JWSAlgorithm]
    /// The OpenSSL call patterns (OpenSSL's cells only).
    public var patterns: [OpenSSLCallPattern]
    /// `CryptoBackends` names.
    public var backendNames: [String]
    /// Measured time per cell and round.
    public var seconds: Double
    /// Threads verifying at once, each its own loop.
    public var threads: Int
    /// Also validate a typical token end to end with the same key.
    public var endToEnd: Bool
    /// Interleaved rounds; the median is reported.
    public var rounds: Int
    public var clock: SpeedClock

    /// From the command line's text: `algorithms` comma-separated; `pattern` one
    /// `OpenSSLCallPattern` or `all`; `backend` one `CryptoBackends` name or `all`.
    /// - Throws: `HarnessError.usage` naming the value that is not understood.
    public init(
        algorithms: String, pattern: String, backend: String, seconds: Double, threads: Int,
        endToEnd: Bool, rounds: Int, clock: SpeedClock
    ) throws(HarnessError) {
        var list: [JWSAlgorithm] = []
        for name in algorithms.split(separator: ",") {
            guard let a = JWSAlgorithm(rawValue: String(name)) else { throw .usage("unknown algorithm \(name)") }
            list.append(a)
        }
        self.algorithms = list
        if pattern == "all" {
            patterns = OpenSSLCallPattern.allCases
        } else if let p = OpenSSLCallPattern(rawValue: pattern) {
            patterns = [p]
        } else {
            let names = OpenSSLCallPattern.allCases.map(\.rawValue).joined(separator: ", ")
            throw .usage("unknown pattern \(pattern); use \(names) or all")
        }
        if backend == "all" {
            backendNames = CryptoBackends.names
        } else if CryptoBackends.named(backend) != nil {
            backendNames = [backend]
        } else {
            throw .usage("unknown backend \(backend); use \(CryptoBackends.names.joined(separator: ", ")) or all")
        }
        guard threads >= 1, seconds > 0 else { throw .usage("--threads and --seconds must be positive") }
        (self.seconds, self.threads, self.endToEnd, self.rounds, self.clock) = (seconds, threads, endToEnd, rounds, clock)
    }
}
