import ArgumentParser
import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import Policy

/// `jwtbench verify`: decisions for tokens or a request under a policy (docs/ARCHITECTURE.md, The `verify` output).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Validate tokens under an ngrok jwt-validation policy; one JSON decision per line.",
        discussion: """
            Tokens come as arguments, or one per line on stdin with '-'. With --request, the \
            policy's http.tokens are extracted from a request given as JSON: \
            {"method": "POST", "headers": {"Authorization": "Bearer ..."}, "body": "..."}.
            Keys come from the policy's inline keys, key files and additional_jkus (fetched \
            once before validating, under the policy's jwtbench.key_cache strategy), plus \
            --keys files; a JWKS that cannot be fetched yields keys_unavailable decisions. \
            Exit status: 0 when every input was decided (allow or deny), 1 with --fail-on-deny \
            when any was denied, 2 for bad usage or configuration.
            """)

    @Option(help: "The ngrok Traffic Policy (YAML or JSON) or its jwt-validation config.")
    var policy: String
    @Option(name: .customLong("keys"), help: "A JWKS (or single JWK) file to trust; repeatable.")
    var keyFiles: [String] = []
    @Option(help: "The time to validate at, in seconds since the epoch (default: now).")
    var now: Int64?
    @Option(help: "A request as JSON (method, headers, body) to extract the tokens from.")
    var request: String?
    @Option(help: "Crypto backend: auto, openssl or boringssl (default: the policy's jwtbench.crypto_backend, else auto).")
    var cryptoBackend: String?
    @Flag(help: "Exit 1 when any token or request is denied.")
    var failOnDeny = false
    @Argument(help: "Tokens to validate, or '-' to read one per line from stdin.")
    var tokens: [String] = []

    func run() throws {
        let loaded: Policy
        do {
            loaded = try Policy.load(path: policy)
        } catch {
            throw CLIError.configuration("\(policy): \(error)")
        }
        let sources = try KeyLoading.sources(for: loaded, extraKeyFiles: keyFiles, backend: try cryptoBackend.map(BackendChoice.named))
        defer { sources.shutdown() }
        let validator = Validator(policy: loaded, keys: sources.provider)
        let decide = sources.tokenDecider(for: validator)
        let at = now ?? Int64(Date().timeIntervalSince1970)
        var denied = false

        if let request {
            guard tokens.isEmpty else { throw CLIError.usage("give either --request or tokens, not both") }
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: request)) } catch {
                throw CLIError.configuration("cannot read request file \(request): \(error.localizedDescription)")
            }
            let parsed: HTTPRequest
            do { parsed = try HTTPRequest(json: data) } catch {
                throw CLIError.configuration("\(request): \(error)")
            }
            sources.prepareForValidation()
            let decision = validator.validate(request: parsed, now: at)
            denied = !decision.isAllowed
            print(DecisionJSON.line(for: decision))
        } else {
            guard !tokens.isEmpty else { throw CLIError.usage("no tokens: pass tokens as arguments, '-' for stdin, or --request FILE") }
            var inputs = tokens
            if inputs == ["-"] {
                inputs = []
                while let line = readLine(strippingNewline: true) {
                    let t = line.trimmingCharacters(in: .whitespaces)
                    if !t.isEmpty { inputs.append(t) }
                }
            }
            for token in inputs {
                // Blocks only for the `none` and `ttl` strategies (see RemoteKeyProvider).
                sources.prepareForValidation()
                let decision = decide(token, at)
                if !decision.isAllowed { denied = true }
                print(DecisionJSON.line(for: decision))
            }
        }
        if failOnDeny && denied { throw ExitCode(1) }
    }
}
