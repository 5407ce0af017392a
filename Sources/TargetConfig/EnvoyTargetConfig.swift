/// Envoy: a listener with the `jwt_authn` filter (one provider per allowed issuer, any of them
/// accepted) and the router, an upstream cluster and a cluster for the key server.
enum EnvoyTargetConfig {
    static func plan(_ r: TargetConfigRequest) throws(TargetConfigError) -> TargetConfigPlan {
        let gaps = r.gaps(supported: [.headerOtherThanBearer, .leeway, .requireExpiration, .maxLifetime, .claimHeaders])
        guard gaps.isEmpty else { throw .unsupported(.envoy, gaps) }
        guard let token = r.singleHeaderToken else { throw .unsupported(.envoy, ["no single header token"]) }
        let p = r.policy
        var y: [String] = [
            "# Envoy (v3 API) configuration for the jwtbench policy \"\(r.policyName)\" (jwtbench target-config).",
            "static_resources:", "  listeners:", "    - name: jwtbench_listener", "      address:",
            "        socket_address: {address: \(ConfigText.yaml(r.listenHost)), port_value: \(r.listenPort)}",
            "      filter_chains:", "        - filters:", "            - name: envoy.filters.network.http_connection_manager",
            "              typed_config:",
            "                \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            "                stat_prefix: jwtbench", "                route_config:", "                  virtual_hosts:",
            "                    - name: all", "                      domains: [\"*\"]", "                      routes:",
            "                        - match: {prefix: \"/\"}", "                          route: {cluster: jwtbench_upstream}",
            "                http_filters:", "                  - name: envoy.filters.http.jwt_authn", "                    typed_config:",
            "                      \"@type\": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
            "                      providers:",
        ]
        let names = p.issuers.indices.map { "issuer_\($0)" }
        for (name, issuer) in zip(names, p.issuers) {
            let i = "                          "
            y.append("                        \(name):")
            y.append(i + "issuer: \(ConfigText.yaml(issuer))")
            if !p.audiences.isEmpty { y.append(i + "audiences: [\(p.audiences.map(ConfigText.yaml).joined(separator: ", "))]") }
            var header = "{name: \(ConfigText.yaml(token.name))"
            if !token.prefix.isEmpty { header += ", value_prefix: \(ConfigText.yaml(token.prefix))" }
            y.append(i + "from_headers: [\(header)}]")
            // Envoy's default skew is 60 s; the policy's leeway (default 0) is written out.
            y.append(i + "clock_skew_seconds: \(p.leewaySeconds)")
            if p.requireExpiration { y.append(i + "require_expiration: true") }
            if let max = p.maxLifetimeSeconds { y.append(i + "max_lifetime: \(max)s") }
            y.append(i + "forward: true")
            if !p.claimHeaders.isEmpty {
                y.append(i + "claim_to_headers:")
                y += p.claimHeaders.map { i + "  - {header_name: \(ConfigText.yaml($0.header)), claim_name: \(ConfigText.yaml($0.claim))}" }
            }
            y += [
                i + "remote_jwks:", i + "  http_uri: {uri: \(ConfigText.yaml(r.jwks.description)), cluster: jwtbench_jwks, timeout: 5s}",
                i + "  cache_duration: 300s",
            ]
        }
        y.append("                      rules:")
        y.append("                        - match: {prefix: \"/\"}")
        if names.count == 1 {
            y.append("                          requires: {provider_name: \(names[0])}")
        } else {
            y.append("                          requires:")
            y.append("                            requires_any:")
            y.append("                              requirements: [\(names.map { "{provider_name: \($0)}" }.joined(separator: ", "))]")
        }
        y += [
            "                  - name: envoy.filters.http.router", "                    typed_config:",
            "                      \"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router", "  clusters:",
        ]
        y += cluster("jwtbench_upstream", r.upstream, caFile: nil)
        y += cluster("jwtbench_jwks", r.jwks, caFile: r.caFile)
        return TargetConfigPlan(
            files: [TargetConfigFile("envoy.yaml", y.joined(separator: "\n") + "\n")], start: "envoy -c envoy.yaml",
            notes: [
                "Denials: 401 with `WWW-Authenticate: Bearer realm=...`; an audience mismatch 403 (Envoy's own wording, judged by `--gateway-profile generic`)."
            ]
        )
    }

    /// A cluster for `url`'s host and port (DNS-resolved unless an address), TLS when https.
    static func cluster(_ name: String, _ url: TargetURL, caFile: String?) -> [String] {
        let isAddress = url.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
        var c = [
            "    - name: \(name)", "      type: \(isAddress ? "STATIC" : "STRICT_DNS")", "      connect_timeout: 5s",
            "      load_assignment:", "        cluster_name: \(name)", "        endpoints:", "          - lb_endpoints:",
            "              - endpoint:",
            "                  address: {socket_address: {address: \(ConfigText.yaml(url.host)), port_value: \(url.port)}}",
        ]
        if url.isHTTPS {
            c += [
                "      transport_socket:", "        name: envoy.transport_sockets.tls", "        typed_config:",
                "          \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                "          sni: \(ConfigText.yaml(url.host))", "          common_tls_context:", "            validation_context:",
                "              trusted_ca: {filename: \(ConfigText.yaml(caFile ?? "/etc/ssl/certs/ca-certificates.crt"))}",
            ]
        }
        return c
    }
}
