import ArgumentParser
import MainJob
import Measurement

/// `jwtbench verify`: decisions for tokens or a request under a policy (docs/ARCHITECTURE.md, The `verify` output).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Validate tokens under an ngrok jwt-validation policy; one JSON decision per line.",
        // --policy comes from PolicyOptions, where it is optional (load); here it is required.
        usage:
            "jwtbench verify --policy <policy> [--keys <keys> ...] [--now <now>] [--request <request>] [--crypto-backend <name>] [--fail-on-deny] [--quiet] [<tokens> ...]",
        discussion: """
            Tokens come as arguments, or one per line on stdin with '-'. With --request, the \
            policy's http.tokens are extracted from a request given as JSON: \
            {"method": "POST", "headers": {"Authorization": "Bearer ..."}, "body": "..."}.
            Keys come from the policy's inline keys, key files and additional_jkus (fetched \
            once before validating, under the policy's jwtbench.key_cache strategy), plus \
            --keys files; a JWKS that cannot be fetched yields keys_unavailable decisions. \
            Keys that do not fit the policy are reported on stderr as one warning line \
            (--quiet: none). \
            Exit status: 0 when every input was decided (allow or deny), 1 with --fail-on-deny \
            when any was denied, 2 for bad usage or configuration.
            """)

    @OptionGroup var policy: PolicyOptions
    @Option(help: "A request as JSON (method, headers, body) to extract the tokens from.")
    var request: String?
    @OptionGroup var crypto: CryptoBackendOptions<PolicyBackendDefault>
    @Flag(help: "Exit 1 when any token or request is denied.")
    var failOnDeny = false
    @Flag(help: "No warnings on stderr (such as the skipped-keys line); errors are still printed.")
    var quiet = false
    @Argument(help: "Tokens to validate, or '-' to read one per line from stdin.")
    var tokens: [String] = []

    func validate() throws {
        guard policy.policy != nil else { throw ValidationError("Missing expected argument '--policy <policy>'") }
    }

    func run() throws {
        var job = VerifyJob.Request(policy: policy.policy!)
        (job.keyFiles, job.now, job.request, job.backend, job.tokens) = (
            policy.keys.keyFiles, policy.now, request, try crypto.chosen(), tokens
        )
        let outcome = try VerifyJob(job).run(out: { print($0) }, warn: quiet ? { _ in } : printError)
        if failOnDeny && outcome.denied > 0 { throw HarnessError.failed("\(outcome.denied) of \(outcome.inputs) denied (--fail-on-deny)") }
    }
}
