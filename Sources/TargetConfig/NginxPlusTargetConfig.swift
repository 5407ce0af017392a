import JWTValidation

/// NGINX Plus: `auth_jwt` with keys from an internal subrequest to the key server, and each
/// policy check the module has no directive for as a `map` that `auth_jwt_require` tests.
enum NginxPlusTargetConfig {
    static func plan(_ r: TargetConfigRequest) throws(TargetConfigError) -> TargetConfigPlan {
        let gaps = r.gaps(supported: [.headerOtherThanBearer, .tokenType, .algorithmList, .leeway, .requireExpiration, .claimHeaders])
        guard gaps.isEmpty else { throw .unsupported(.nginxPlus, gaps) }
        guard let token = r.singleHeaderToken else { throw .unsupported(.nginxPlus, ["no single header token"]) }
        let p = r.policy
        func q(_ value: String, _ what: String) throws(TargetConfigError) -> String {
            try ConfigText.quoted(value, what, for: .nginxPlus)
        }
        var maps: [String] = []
        var require401: [String] = []
        var tokenSource = ""
        if token.name.lowercased() != "authorization" || token.prefix != "Bearer " {
            // auth_jwt reads `Authorization: Bearer` by itself; any other place is a variable,
            // with the prefix cut off by a map (matched case-insensitively, as the policy does).
            let header = "$http_" + token.name.lowercased().replacingOccurrences(of: "-", with: "_")
            maps += [
                "map \(header) $jwtbench_token {",
                "    \(try ConfigText.regex("~*^", token.prefix, "(?<t>.+)$", "the token prefix", for: .nginxPlus)) $t;",
                "    default \"\";", "}",
            ]
            tokenSource = " token=$jwtbench_token"
        }
        maps += ["map $jwt_claim_iss $jwtbench_iss_ok {"]
        for issuer in p.issuers { maps.append("    \(try q(issuer.hasPrefix("~") ? "\\" + issuer : issuer, "issuer")) 1;") }
        maps += ["    default 0;", "}"]
        require401.append("$jwtbench_iss_ok")
        if let typ = p.tokens.first?.type.requiredTyp {
            maps += [
                "map $jwt_header_typ $jwtbench_typ_ok {",
                "    \(try ConfigText.regex("~*^(application/)?", typ, "$", "typ", for: .nginxPlus)) 1;", "    default 0;", "}",
            ]
            require401.append("$jwtbench_typ_ok")
        }
        if r.restrictsAlgorithms {
            maps +=
                ["map $jwt_header_alg $jwtbench_alg_ok {"] + p.allowedAlgorithms.map { "    \($0.rawValue) 1;" } + ["    default 0;", "}"]
            require401.append("$jwtbench_alg_ok")
        }
        if p.requireExpiration {
            maps += ["map $jwt_claim_exp $jwtbench_exp_present {", "    \"\" 0;", "    default 1;", "}"]
            require401.append("$jwtbench_exp_present")
        }
        var requireAudience: String?
        if !p.audiences.isEmpty {
            // An array aud arrives as its members joined by commas.
            maps += ["map $jwt_claim_aud $jwtbench_aud_ok {"]
            for audience in p.audiences {
                maps.append("    \(try ConfigText.regex("~(^|,)", audience, "(,|$)", "audience", for: .nginxPlus)) 1;")
            }
            maps += ["    default 0;", "}"]
            requireAudience = "$jwtbench_aud_ok"
        }
        var claimSets: [String] = []
        var claimHeaders: [String] = []
        for (index, mapping) in p.claimHeaders.enumerated() {
            claimSets.append("auth_jwt_claim_set $jwtbench_claim_\(index) \(mapping.claim.split(separator: ".").joined(separator: " "));")
            claimHeaders.append("        proxy_set_header \(try q(mapping.header, "claim header")) $jwtbench_claim_\(index);")
        }
        let jwksPath = "/_jwtbench_jwks"
        var jwksLocation = ["    location = \(jwksPath) {", "        internal;", "        proxy_pass \(r.jwks);"]
        if r.jwks.isHTTPS {
            jwksLocation += [
                "        proxy_ssl_server_name on;", "        proxy_ssl_verify on;",
                "        proxy_ssl_trusted_certificate \(try q(r.caFile ?? "/etc/ssl/certs/ca-certificates.crt", "--ca-file"));",
            ]
        }
        jwksLocation.append("    }")
        var conf = [
            "# NGINX Plus (R29 or later) configuration for the jwtbench policy \"\(r.policyName)\" (jwtbench target-config).",
            "worker_processes auto;", "pid nginx.pid;", "error_log error.log warn;", "events {}", "http {",
            "    access_log off;",
        ]
        conf += maps.map { "    " + $0 }
        conf += claimSets.map { "    " + $0 }
        conf += [
            "    upstream jwtbench_upstream {", "        server \(r.upstream.authority);", "        keepalive 32;", "    }", "    server {",
            "        listen \(r.listenAuthority);",
        ]
        conf += jwksLocation.map { "    " + $0 }
        // The checks sit in `location /` only: the key subrequest's location must not run them.
        conf += [
            "        location / {", "            auth_jwt \"jwtbench\"\(tokenSource);", "            auth_jwt_type signed;",
            "            auth_jwt_key_request \(jwksPath);", "            auth_jwt_key_cache 300s;",
            "            auth_jwt_leeway \(p.leewaySeconds)s;",
            "            auth_jwt_require \(require401.joined(separator: " ")) error=401;",
        ]
        if let requireAudience { conf.append("            auth_jwt_require \(requireAudience) error=403;") }
        conf += [
            "            proxy_http_version 1.1;", "            proxy_set_header Connection \"\";",
            "            proxy_pass http://jwtbench_upstream;",
        ]
        conf += claimHeaders.map { "    " + $0 }
        conf += ["        }", "    }", "}"]
        return TargetConfigPlan(
            files: [TargetConfigFile("nginx.conf", conf.joined(separator: "\n") + "\n")],
            start: "nginx -p \"$PWD\" -c nginx.conf -g 'daemon off;'",
            notes: ["auth_jwt takes the key set from \(r.jwks) through an internal subrequest and caches it for 300 s."])
    }
}
