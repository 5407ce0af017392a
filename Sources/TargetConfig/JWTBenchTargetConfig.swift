/// `jwtbench gateway`: the policy as a Traffic Policy document with the key server as its JWKS
/// source (every jwtbench extension carried over, the denylist copied beside it).
enum JWTBenchTargetConfig {
    static func plan(_ r: TargetConfigRequest, denylist: String?) throws(TargetConfigError) -> TargetConfigPlan {
        if r.caFile != nil {
            throw TargetConfigError(
                "jwtbench gateway fetches keys with the system's trust store; --ca-file does not apply (serve the JWKS over http on loopback, or from a publicly trusted https URL)"
            )
        }
        var files = [
            TargetConfigFile("policy.yaml", PolicyDocument.yaml(r, extensions: true, denylistFile: denylist.map { _ in "revoked.txt" }))
        ]
        if let denylist { files.append(TargetConfigFile("revoked.txt", denylist)) }
        let start = """
            #!/bin/sh
            # Starts jwtbench gateway with the generated policy (jwtbench on PATH, or JWTBENCH=path).
            cd "$(dirname "$0")" && exec "${JWTBENCH:-jwtbench}" gateway --policy policy.yaml \\
                --upstream \(r.upstream.scheme)://\(r.upstream.authority) --listen \(r.listenAuthority) "$@"

            """
        files.append(TargetConfigFile("start.sh", start, executable: true))
        return TargetConfigPlan(files: files, start: "./start.sh")
    }
}
