import Foundation
import TokenMint

/// `jwtbench target-config`: writes the configuration that makes a gateway enforce a jwtbench
/// policy with keys from a key server (`jwtbench issuer`, or any JWKS URL), so that
/// `conform --target` and `load --target` can be pointed at it. A policy the gateway cannot
/// enforce in full is refused, naming what is missing, instead of being written weaker.
public enum TargetConfig {
    /// The files for `request`: the gateway's own configuration, a start script where one
    /// helps, and a README saying how to start it and run the conformance suite against it.
    /// - Parameter denylist: the contents of the policy's denylist file (only jwtbench can
    ///   enforce one; the others refuse a policy that has one).
    /// - Throws: `TargetConfigError` for a policy the gateway cannot enforce or a setting it
    ///   cannot take.
    public static func files(for request: TargetConfigRequest, denylist: String? = nil) throws(TargetConfigError) -> [TargetConfigFile] {
        let plan: TargetConfigPlan
        switch request.gateway {
        case .jwtbench: plan = try JWTBenchTargetConfig.plan(request, denylist: denylist)
        case .ngrok: plan = try NgrokTargetConfig.plan(request)
        case .envoy: plan = try EnvoyTargetConfig.plan(request)
        case .nginxPlus: plan = try NginxPlusTargetConfig.plan(request)
        case .apacheOpenIDC: plan = try ApacheOpenIDCTargetConfig.plan(request)
        }
        return plan.files + [TargetConfigFile("README.md", readme(request, plan))]
    }

    /// Writes `files` into `directory` (created when missing), each by temporary file and rename.
    /// - Throws: `TargetConfigError` naming the file that could not be written.
    public static func write(_ files: [TargetConfigFile], to directory: String) throws(TargetConfigError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TargetConfigError("cannot create \(directory): \(error.localizedDescription)")
        }
        for file in files {
            let path = directory + "/" + file.name
            do {
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                try FileManager.default.setAttributes([.posixPermissions: file.executable ? 0o755 : 0o644], ofItemAtPath: path)
            } catch {
                throw TargetConfigError("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }

    static func readme(_ r: TargetConfigRequest, _ plan: TargetConfigPlan) -> String {
        let p = r.policy
        var text = """
            # \(r.gateway) enforcing the jwtbench policy "\(r.policyName)"

            Written by `jwtbench target-config --gateway \(r.gateway)`. \
            \(r.gateway.testedHere ? "This profile is run against the real gateway by jwtbench's own scripts." : "This profile is generated and covered by tests of its content; it is not run against \(r.gateway) on jwtbench's CI machine.")

            - Issuers: \(p.issuers.joined(separator: ", "))
            - Audiences: \(p.audiences.isEmpty ? "not checked" : p.audiences.joined(separator: ", "))
            - Tokens: \(p.tokens.map { "\($0.type.rawValue) in \($0.method.rawValue) \($0.name)\($0.prefix.isEmpty ? "" : " after \"\($0.prefix)\"")" }.joined(separator: "; "))
            - Keys: the JWK Set at \(r.jwks)\(r.caFile.map { " (trusting \($0))" } ?? "")
            - Upstream: \(r.upstream.scheme)://\(r.upstream.authority); listening on \(r.listenAuthority)

            Start it from this folder:

                \(plan.start)

            """
        if CatalogPolicy(rawValue: r.policyName) != nil {
            text += """

                Then run the catalogue's cases against it; `conform` starts the echo upstream on \(r.upstream.authority):

                    jwtbench conform --target \(r.policyName)=http://\(r.listenAuthority) --echo-listen \(r.upstream.authority) --gateway-profile \(r.gateway.conformProfile)

                """
        }
        if !plan.notes.isEmpty { text += "\n" + plan.notes.map { "- " + $0 }.joined(separator: "\n") + "\n" }
        return text
    }
}
