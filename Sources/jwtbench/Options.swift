import ArgumentParser
import JOSECrypto
import Measurement

// Option groups shared by several commands. Flag names and defaults are a frozen contract
// (docs/ARCHITECTURE.md, CLI commands); a command's own defaults come in as a type parameter.

/// A command's default for `--crypto-backend`: the policy's choice (verify, load), or a
/// `FixedCryptoBackendDefault`.
protocol CryptoBackendDefault {
    /// The default, as the help states it.
    static var help: String { get }
}
/// A default backend that does not depend on a policy.
protocol FixedCryptoBackendDefault: CryptoBackendDefault {
    static func backend() -> any CryptoBackend
}
enum PolicyBackendDefault: CryptoBackendDefault {
    static let help = "the policy's jwtbench.crypto_backend, else auto; overrides the policy's"
}
enum AutoBackendDefault: FixedCryptoBackendDefault {
    static let help = "auto, each algorithm on the backend measured fastest here"
    static func backend() -> any CryptoBackend { AutoBackend() }
}

/// `--crypto-backend NAME` (run, conform, load, profile, verify).
struct CryptoBackendOptions<Default: CryptoBackendDefault>: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Crypto backend: \(CryptoBackends.names.joined(separator: ", ")) (default: \(Default.help)).",
            valueName: "name"))
    var cryptoBackend: String?

    func validate() throws { _ = try chosen() }

    /// The backend `--crypto-backend` names; nil when it is not given.
    func chosen() throws -> (any CryptoBackend)? {
        guard let name = cryptoBackend else { return nil }
        guard let backend = CryptoBackends.named(name) else {
            throw HarnessError.usage("unknown --crypto-backend \"\(name)\"; use \(CryptoBackends.names.joined(separator: ", "))")
        }
        return backend
    }
}

extension CryptoBackendOptions where Default: FixedCryptoBackendDefault {
    /// The backend `--crypto-backend` names, else the command's default.
    func backend() throws -> any CryptoBackend { try chosen() ?? Default.backend() }
}

/// `--out DIR` for the commands that write a report folder (run, load, cache-compare).
struct ReportOutputOptions: ParsableArguments {
    @Option(help: "Report folder (default: reports/<command>-<UTC time>).")
    var out: String?
}

/// A command's defaults for `LoadShapeOptions`.
protocol LoadShapeDefaults {
    static var duration: String { get }
    static var warmup: String { get }
}

/// `--algs`: the JWS algorithms of the tokens to mint (mint, load, run).
struct AlgorithmListOptions: ParsableArguments {
    @Option(help: "Comma-separated JWS algorithms, or 'all'.")
    var algs = "RS256,ES256"
}

/// The token mix and the time per series (load, run).
struct LoadShapeOptions<Defaults: LoadShapeDefaults>: ParsableArguments {
    @OptionGroup var algorithms: AlgorithmListOptions
    @Option(help: "Weights over good/bad or variant ids, e.g. good=0.8,bad=0.2.")
    var mix = "good=0.8,bad=0.2"
    @Option(help: "Measured time per series (10s, 500ms, 2m).")
    var duration = Defaults.duration
    @Option(help: "Warm-up per series, discarded.")
    var warmup = Defaults.warmup
}

/// An ngrok policy with its key sources, extra keys and the validation time (verify, load).
struct PolicyOptions: ParsableArguments {
    @Option(help: "An ngrok Traffic Policy (YAML or JSON) or its jwt-validation config, with its real key sources.")
    var policy: String?
    @OptionGroup var keys: KeyFileOptions
    @Option(help: "The time to validate at, in seconds since the epoch (default: now; load: the expectations' mint time, else now).")
    var now: Int64?
}

/// `--keys FILE`, repeatable: key files trusted besides a policy's own (verify, load, gateway).
struct KeyFileOptions: ParsableArguments {
    @Option(name: .customLong("keys"), help: "A JWKS (or single JWK) file to trust as well; repeatable.")
    var keyFiles: [String] = []
}
