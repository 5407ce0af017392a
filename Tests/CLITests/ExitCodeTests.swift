import Foundation
import Testing

/// One command line and what it must end with (docs/ARCHITECTURE.md, Exit codes: 0 done as
/// expected, 1 a check failed, 2 bad usage or configuration).
struct ExitCase: Sendable, CustomTestStringConvertible {
    /// Arguments; `{policy}`, `{jwks}`, `{now}`, `{good}`, `{expired}`, `{badPolicy}`,
    /// `{expiredTokens}`, `{load}`, `{regressed}` name fixture material, `{tmp}` a fresh folder.
    let arguments: [String]
    let status: Int32
    /// Text the first line of stderr must hold (it names the problem); nil for status 0.
    let names: String?

    init(_ arguments: [String], _ status: Int32, names: String? = nil) {
        (self.arguments, self.status, self.names) = (arguments, status, names)
    }

    var testDescription: String { "\(arguments.joined(separator: " ")) -> \(status)" }

    func resolved(_ f: Fixture, tmp: URL) -> [String] {
        let values = [
            "{policy}": f.policy, "{jwks}": f.jwks, "{now}": Fixture.now, "{good}": f.goodToken,
            "{expired}": f.expiredToken, "{badPolicy}": f.badPolicy, "{expiredTokens}": f.expiredTokens,
            "{load}": f.loadReport, "{regressed}": f.regressedReport, "{tmp}": tmp.path,
        ]
        return arguments.map { argument in values.reduce(argument) { $0.replacingOccurrences(of: $1.key, with: $1.value) } }
    }
}

/// Short runs (tiny durations and counts) so every command's codes are checked in seconds.
let quickLoad = ["--duration", "50ms", "--warmup", "0s", "--threads", "1", "--quiet"]
let policyFlags = ["--policy", "{policy}", "--keys", "{jwks}", "--now", "{now}"]

let exitCases: [ExitCase] = [
    ExitCase(["--version"], 0),
    ExitCase(["--bogus"], 2, names: "--bogus"),
    ExitCase(["bogus"], 2, names: "bogus"),

    // run (exit 0 and the report's sections: RunTests)
    ExitCase(["run", "--bogus"], 2, names: "--bogus"),
    ExitCase(["run", "--crypto-backend", "nope"], 2, names: "nope"),
    ExitCase(["run", "--algs", "XX999"], 2, names: "XX999"),
    ExitCase(["run", "--duration", "soon"], 2, names: "soon"),
    ExitCase(["run", "--rate-sweep", "fast"], 2, names: "fast"),
    ExitCase(["run", "--slo", "p99"], 2, names: "p99"),
    ExitCase(["run", "--suites", "/nonexistent/vectors"], 2, names: "/nonexistent/vectors"),

    // verify
    ExitCase(["verify"] + policyFlags + ["{good}"], 0),
    ExitCase(["verify"] + policyFlags + ["--fail-on-deny", "{good}"], 0),
    ExitCase(["verify"] + policyFlags + ["{expired}"], 0),
    ExitCase(["verify"] + policyFlags + ["--fail-on-deny", "{good}", "{expired}"], 1, names: "1 of 2 denied"),
    ExitCase(["verify"] + policyFlags + ["--bogus", "{good}"], 2, names: "--bogus"),
    ExitCase(["verify", "--policy", "{policy}", "--now", "yesterday", "{good}"], 2, names: "yesterday"),
    ExitCase(["verify"] + policyFlags + ["--crypto-backend", "nope", "{good}"], 2, names: "nope"),
    ExitCase(["verify", "{good}"], 2, names: "--policy"),
    ExitCase(["verify", "--policy", "/nonexistent/policy.yaml", "{good}"], 2, names: "/nonexistent/policy.yaml"),
    ExitCase(["verify", "--policy", "{badPolicy}", "--keys", "{jwks}", "{good}"], 2, names: "audiance"),
    ExitCase(["verify", "--policy", "{policy}", "--keys", "/nonexistent/jwks.json", "{good}"], 2, names: "/nonexistent/jwks.json"),
    ExitCase(["verify", "--policy", "{policy}", "{good}"], 2, names: "no keys"),
    ExitCase(["verify"] + policyFlags, 2, names: "no tokens"),
    ExitCase(["verify"] + policyFlags + ["--request", "/nonexistent/request.json"], 2, names: "/nonexistent/request.json"),

    // mint
    ExitCase(["mint", "--list"], 0),
    ExitCase(["mint", "--out", "{tmp}", "--algs", "HS256", "--variants", "good-plain", "--now", "{now}"], 0),
    ExitCase(["mint", "--bogus"], 2, names: "--bogus"),
    ExitCase(["mint", "--threads", "many", "--out", "{tmp}"], 2, names: "many"),
    ExitCase(["mint", "--sizes", "huge", "--out", "{tmp}"], 2, names: "huge"),
    ExitCase(["mint", "--variants", "nope", "--out", "{tmp}"], 2, names: "nope"),
    ExitCase(["mint", "--algs", "XX999", "--out", "{tmp}"], 2, names: "XX999"),
    ExitCase(["mint"], 2, names: "--out"),

    // conform
    ExitCase(["conform", "--suite", "jwtbench"], 0),
    ExitCase(["conform", "--suite", "jwtbench", "--list"], 0),
    ExitCase(["conform", "--suite", "jwtbench", "--validator-double", "allow-all"], 1, names: "unexpected results"),
    ExitCase(["conform", "--bogus"], 2, names: "--bogus"),
    ExitCase(["conform", "--suite", "nope"], 2, names: "nope"),
    ExitCase(["conform", "--crypto-backend", "nope"], 2, names: "nope"),
    ExitCase(["conform", "--suites", "/nonexistent/vectors"], 2, names: "/nonexistent/vectors"),
    ExitCase(["conform", "--suite", "jwtbench", "--expected-failures", "/nonexistent/ef.json"], 2, names: "/nonexistent/ef.json"),

    // conform --target (a target that forwards everything, exit 1: EchoCommandTests)
    ExitCase(["conform", "--target", "ftp://gw:21"], 2, names: "ftp://gw:21"),
    ExitCase(["conform", "--target", "nosuch=http://127.0.0.1:1"], 2, names: "nosuch"),
    ExitCase(["conform", "--target", "http://127.0.0.1:1", "--target", "http://127.0.0.1:2"], 2, names: "standard"),
    ExitCase(["conform", "--target", "http://127.0.0.1:1", "--gateway-profile", "nope"], 2, names: "nope"),
    ExitCase(["conform", "--target", "http://127.0.0.1:1", "--suite", "rfc7520"], 2, names: "rfc7520"),
    ExitCase(["conform", "--target", "http://127.0.0.1:1", "--validator-double", "allow-all"], 2, names: "--target"),
    ExitCase(["conform", "--target", "http://127.0.0.1:1", "--echo-listen", "nowhere"], 2, names: "nowhere"),
    ExitCase(["conform", "--target", "http://127.0.0.1:1", "--case", "jwtbench/nope"], 2, names: "jwtbench/nope"),
    ExitCase(["conform", "--target", "http://127.0.0.1:9", "--echo-listen", "127.0.0.1:0"], 2, names: "127.0.0.1:9"),
    ExitCase(["conform", "--target", "http://127.0.0.1:9", "--list"], 0),

    // load (exit 0 also in the fixture)
    ExitCase(["load", "--algs", "HS256", "--corpus", "8", "--out", "{tmp}/load"] + quickLoad, 0),
    ExitCase(
        ["load", "--algs", "HS256", "--corpus", "8", "--out", "{tmp}/sweep", "--rate-sweep", "20%,40%", "--slo", "p99=10ms"] + quickLoad, 0),
    ExitCase(
        [
            "load", "--policy", "{policy}", "--keys", "{jwks}", "--tokens", "{expiredTokens}", "--now", "{now}",
            "--out", "{tmp}/load",
        ] + quickLoad, 1, names: "did not match"),
    ExitCase(["load", "--bogus"], 2, names: "--bogus"),
    ExitCase(["load", "--shard", "3/2"], 2, names: "--shard"),
    ExitCase(["load", "--rate", "fast"], 2, names: "fast"),
    ExitCase(["load", "--rate", "100/s", "--rate-sweep", "50%"], 2, names: "--rate-sweep"),
    ExitCase(["load", "--rate-sweep", "50%,lots"], 2, names: "lots"),
    ExitCase(["load", "--rate-sweep", "0%"], 2, names: "0%"),
    ExitCase(["load", "--slo", "p99=1ms"], 2, names: "--rate-sweep"),
    ExitCase(["load", "--rate-sweep", "50%", "--slo", "p42=1ms"], 2, names: "p42=1ms"),
    ExitCase(["load", "--rate-sweep", "50%", "--slo", "p99=never"], 2, names: "never"),
    ExitCase(["load", "--inject-stall", "200ms"], 2, names: "200ms"),
    ExitCase(["load", "--connections", "4"], 2, names: "--connections"),
    ExitCase(["load", "--rounds", "0"], 2, names: "--rounds"),
    ExitCase(["load", "--target", "http://127.0.0.1:9/"], 2, names: "--tokens"),
    ExitCase(["load", "--target", "ftp://127.0.0.1/"], 2, names: "ftp://127.0.0.1/"),
    ExitCase(["load", "--target", "https://127.0.0.1/", "--tokens", "{expiredTokens}"], 2, names: "https"),
    ExitCase(["load", "--inject-stall", "200ms@soon"], 2, names: "soon"),
    ExitCase(["load", "--sizes", "huge"], 2, names: "huge"),
    ExitCase(["load", "--per-alg", "--mixed"], 2, names: "--per-alg"),
    ExitCase(["load", "--now", "1"], 2, names: "--policy"),
    ExitCase(["load", "--policy", "{policy}"], 2, names: "--tokens"),
    ExitCase(
        ["load", "--policy", "{policy}", "--keys", "{jwks}", "--tokens", "/nonexistent/tokens.txt"], 2,
        names: "/nonexistent/tokens.txt"),
    ExitCase(["load", "--policy", "{badPolicy}", "--keys", "{jwks}", "--tokens", "{expiredTokens}"], 2, names: "audiance"),

    // profile
    ExitCase(["profile", "--alg", "HS256", "--for", "50ms"], 0),
    ExitCase(["profile", "--bogus"], 2, names: "--bogus"),
    ExitCase(["profile", "--alg", "nope"], 2, names: "nope"),
    ExitCase(["profile", "--size", "huge"], 2, names: "huge"),
    ExitCase(["profile", "--for", "soon"], 2, names: "soon"),
    ExitCase(["profile", "--crypto-backend", "nope"], 2, names: "nope"),

    // speed
    ExitCase(["speed", "--alg", "HS256", "--seconds", "0.05", "--rounds", "1", "--pattern", "per-thread"], 0),
    ExitCase(["speed", "--bogus"], 2, names: "--bogus"),
    ExitCase(["speed", "--alg", "XX999"], 2, names: "XX999"),
    ExitCase(["speed", "--pattern", "zz"], 2, names: "zz"),
    ExitCase(["speed", "--backend", "nope"], 2, names: "nope"),
    ExitCase(["speed", "--clock", "sundial"], 2, names: "sundial"),
    ExitCase(["speed", "--seconds", "0"], 2, names: "--seconds"),

    // cache-compare
    ExitCase(
        [
            "cache-compare", "--strategies", "static", "--scenarios", "steady", "--duration", "0.5s", "--threads", "1",
            "--quiet", "--out", "{tmp}",
        ], 0),
    ExitCase(["cache-compare", "--bogus"], 2, names: "--bogus"),
    ExitCase(["cache-compare", "--duration", "0.1s"], 2, names: "--duration"),
    ExitCase(["cache-compare", "--strategies", "bogus"], 2, names: "bogus"),
    ExitCase(["cache-compare", "--scenarios", "nope"], 2, names: "nope"),
    ExitCase(["cache-compare", "--threads", "0"], 2, names: "--threads"),

    // echo (exit 0 on SIGINT: EchoCommandTests)
    ExitCase(["echo", "--bogus"], 2, names: "--bogus"),
    ExitCase(["echo", "--listen", "localhost"], 2, names: "localhost"),
    ExitCase(["echo", "--listen", "127.0.0.1:0", "--stall", "soon"], 2, names: "soon"),
    ExitCase(["echo", "--listen", "127.0.0.1:0", "--record", "/nonexistent/dir/r.jsonl"], 2, names: "/nonexistent/dir/r.jsonl"),

    // issuer (exit 0 on SIGINT: IssuerTests)
    ExitCase(["issuer", "--bogus"], 2, names: "--bogus"),
    ExitCase(["issuer", "--port", "99999"], 2, names: "99999"),
    ExitCase(["issuer", "--alg", "XX999"], 2, names: "XX999"),
    ExitCase(["issuer", "--rotate-every", "0s"], 2, names: "--rotate-every"),
    ExitCase(["issuer", "--latency", "soon"], 2, names: "soon"),

    // report
    ExitCase(["report", "compare", "{load}", "{load}"], 0),
    ExitCase(["report", "compare", "{load}/summary.json", "{load}"], 0),
    ExitCase(["report", "merge", "{load}", "--out", "{tmp}/merged"], 0),
    ExitCase(["report", "compare", "{load}", "{regressed}"], 1, names: "regressed beyond"),
    ExitCase(["report", "bogus"], 2, names: "bogus"),
    ExitCase(["report", "compare", "/nonexistent/base", "{load}"], 2, names: "/nonexistent/base"),
    ExitCase(["report", "compare", "{load}", "{load}", "--max-regression", "p99=lots"], 2, names: "p99=lots"),
    ExitCase(["report", "merge", "--out", "{tmp}/merged"], 2, names: "<reports>"),
    ExitCase(["report", "merge", "/nonexistent/shard", "--out", "{tmp}/merged"], 2, names: "/nonexistent/shard"),

    // keys
    ExitCase(["keys", "generate", "--alg", "HS256"], 0),
    ExitCase(["keys", "generate", "--alg", "ES256", "--out", "{tmp}/es256.jwk.json"], 0),
    ExitCase(["keys", "generate-set", "--out", "{tmp}/keys"], 0),
    ExitCase(["keys", "bogus"], 2, names: "bogus"),
    ExitCase(["keys", "generate"], 2, names: "--alg"),
    ExitCase(["keys", "generate", "--alg", "XX999"], 2, names: "XX999"),
    ExitCase(["keys", "generate", "--alg", "HS256", "--out", "/nonexistent/dir/hs256.jwk.json"], 2, names: "/nonexistent/dir"),
]

@Suite struct ExitCodeTests {
    @Test(arguments: exitCases)
    func exitCode(_ c: ExitCase) throws {
        let f = try Fixture.get()
        let tmp = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try CLI.run(c.resolved(f, tmp: tmp))
        #expect(r.status == c.status, "stdout: \(r.stdout.suffix(500))\nstderr: \(r.stderr)")
        guard let names = c.names else { return }
        let first = r.stderrLines.first ?? ""
        #expect(first.hasPrefix("jwtbench"), "stderr: \(r.stderr)")
        #expect(first.contains(names), "stderr: \(r.stderr)")
        // ArgumentParser's usage errors go on with the usage; a command's own error is one line.
        if !first.hasPrefix("jwtbench: Error:") {
            #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
        }
    }
}
