/// Apache httpd with mod_auth_openidc as an OAuth 2.0 resource server: the bearer JWT validated
/// locally against the key server's JWKS (`OIDCOAuthVerifyJwksUri`, which must be https), the
/// issuer and audience checked with `Require claim`, allowed requests proxied by mod_proxy.
/// Nothing is read from /etc/apache2: the file names every module it loads.
enum ApacheOpenIDCTargetConfig {
    static let modules = "/usr/lib/apache2/modules"

    static func plan(_ r: TargetConfigRequest) throws(TargetConfigError) -> TargetConfigPlan {
        let gaps = r.gaps(supported: [])
        guard gaps.isEmpty else { throw .unsupported(.apacheOpenIDC, gaps) }
        guard r.jwks.isHTTPS else {
            throw TargetConfigError("mod_auth_openidc fetches a JWKS over https only (OIDCOAuthVerifyJwksUri); \(r.jwks) is http")
        }
        func q(_ value: String, _ what: String) throws(TargetConfigError) -> String {
            try ConfigText.quoted(value, what, for: .apacheOpenIDC)
        }
        let dir = try q(r.outputDirectory, "the output folder")
        var conf = [
            "# Apache httpd + mod_auth_openidc configuration for the jwtbench policy \"\(r.policyName)\" (jwtbench target-config).",
            "ServerRoot \(dir)", "DefaultRuntimeDir \(dir)", "PidFile \(try q(r.outputDirectory + "/httpd.pid", "the pid file"))",
            "ErrorLog \(try q(r.outputDirectory + "/error.log", "the error log"))", "LogLevel warn", "ServerName 127.0.0.1",
            "Listen \(r.listenAuthority)", "",
        ]
        for (name, file) in [
            ("mpm_event", "mod_mpm_event"), ("authn_core", "mod_authn_core"), ("authz_core", "mod_authz_core"), ("proxy", "mod_proxy"),
            ("proxy_http", "mod_proxy_http"), ("auth_openidc", "mod_auth_openidc"),
        ] {
            conf.append("LoadModule \(name)_module \(modules)/\(file).so")
        }
        conf += [
            "", "# Started as root, the children run as www-data: they must be able to read the CA file.", "User www-data",
            "Group www-data", "StartServers 1", "ServerLimit 1", "ThreadsPerChild 32", "MaxRequestWorkers 32", "KeepAlive On", "",
            "# Local validation of JWT access tokens against the key server's JWK Set.",
            "OIDCOAuthVerifyJwksUri \(try q(r.jwks.description, "the JWKS URL"))",
        ]
        if let ca = r.caFile { conf.append("OIDCCABundlePath \(try q(ca, "--ca-file"))") }
        conf += ["OIDCPassClaimsAs none", "", "<Location \"/\">", "    AuthType oauth20", "    <RequireAll>"]
        // mod_auth_openidc checks the signature and exp of a local JWT; iss and aud only as these say.
        if r.policy.issuers.count == 1 {
            conf.append("        Require claim \(try q("iss:" + r.policy.issuers[0], "issuer"))")
        } else {
            conf.append("        <RequireAny>")
            for issuer in r.policy.issuers { conf.append("            Require claim \(try q("iss:" + issuer, "issuer"))") }
            conf.append("        </RequireAny>")
        }
        if !r.policy.audiences.isEmpty {
            conf.append("        <RequireAny>")
            for audience in r.policy.audiences { conf.append("            Require claim \(try q("aud:" + audience, "audience"))") }
            conf.append("        </RequireAny>")
        }
        conf += [
            "    </RequireAll>", "</Location>", "",
            "ProxyPass \"/\" \(try q("\(r.upstream.scheme)://\(r.upstream.authority)/", "the upstream"))",
        ]
        return TargetConfigPlan(
            files: [TargetConfigFile("httpd.conf", conf.joined(separator: "\n") + "\n")],
            start: "apache2 -f \"$PWD/httpd.conf\" -DFOREGROUND",
            notes: [
                "Denials: 401 for a bad or missing token, 401 or 403 when a `Require claim` fails (judged by `--gateway-profile generic`).",
                "Run as root so that the children run as www-data, or drop the User and Group lines.",
            ])
    }
}
