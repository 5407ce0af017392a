import Foundation
import JWTValidation
import Policy
import TargetConfig
import Testing
import TokenMint
import Yams

/// `target-config`: each gateway's configuration says what the policy says, a policy a gateway
/// cannot enforce in full is refused naming the missing feature, and values that would change
/// a configuration file's meaning are refused.
struct TargetConfigTests {
    static let out = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-target-config").path

    static func files(
        _ gateway: TargetGateway, _ policy: CatalogPolicy = .standard, issuer: String = "http://127.0.0.1:9400", caFile: String? = nil
    ) throws -> [String: String] {
        let (request, denylist) = try TargetConfig.request(
            gateway: gateway.rawValue, policy: policy.rawValue, issuer: issuer, caFile: caFile, upstream: "http://127.0.0.1:8081",
            listen: "127.0.0.1:8080", out: out)
        return Dictionary(uniqueKeysWithValues: try TargetConfig.files(for: request, denylist: denylist).map { ($0.name, $0.contents) })
    }

    static func refusal(_ gateway: TargetGateway, _ policy: CatalogPolicy, issuer: String = "https://keys.example/") -> String {
        do {
            _ = try files(gateway, policy, issuer: issuer)
            return "written"
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: CatalogPolicy.allCases.filter { $0 != .revoked })
    func theJWTBenchPolicyReadsBackAsTheCataloguePolicy(policy: CatalogPolicy) throws {
        let text = try #require(try Self.files(.jwtbench, policy)["policy.yaml"])
        let generated = try Policy.parse(text)
        var expected = try policy.policy()
        expected.additionalJKUs = ["http://127.0.0.1:9400/jwks.json"]
        #expect(generated == expected)
        #expect(try Self.files(.jwtbench, policy)["start.sh"]?.contains("--upstream http://127.0.0.1:8081 --listen 127.0.0.1:8080") == true)
    }

    @Test func theRevokedPolicyCarriesItsDenylistFromTheMintedFile() throws {
        #expect(Self.refusal(.jwtbench, .revoked).contains("give its file"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-tc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try CatalogPolicy.revoked.yaml.write(toFile: folder + "/policy.yaml", atomically: true, encoding: .utf8)
        try "jti-1\n".write(toFile: folder + "/" + CatalogRevocation.fileName, atomically: true, encoding: .utf8)
        let (request, denylist) = try TargetConfig.request(
            gateway: "jwtbench", policy: folder + "/policy.yaml", issuer: "http://127.0.0.1:9400", caFile: nil,
            upstream: "http://127.0.0.1:8081", listen: "127.0.0.1:8080", out: folder + "/out")
        let files = try TargetConfig.files(for: request, denylist: denylist)
        try TargetConfig.write(files, to: request.outputDirectory)
        let reread = try Policy.load(path: folder + "/out/policy.yaml")
        #expect(reread.revocation?.file == folder + "/out/revoked.txt")
        #expect(try String(contentsOfFile: folder + "/out/revoked.txt", encoding: .utf8) == "jti-1\n")
        let (envoy, _) = try TargetConfig.request(
            gateway: "envoy", policy: folder + "/policy.yaml", issuer: "http://127.0.0.1:9400", caFile: nil,
            upstream: "http://127.0.0.1:8081", listen: "127.0.0.1:8080", out: folder + "/envoy")
        #expect(throws: TargetConfigError.self) { try TargetConfig.files(for: envoy) }
        do { _ = try TargetConfig.files(for: envoy) } catch {
            #expect(error.description.contains("a token denylist (jwtbench.revocation)"))
        }
    }

    @Test func ngrokGetsTheActionWithoutExtensionsAndAPublicJWKS() throws {
        let text = try #require(try Self.files(.ngrok, .standard, issuer: "https://keys.example/")["traffic-policy.yml"])
        #expect(!text.contains("jwtbench:"))
        let parsed = try Policy.parse(text)
        #expect(parsed.additionalJKUs == ["https://keys.example/jwks.json"] && parsed.issuers == [ClaimsTemplate.issuer])
        #expect(Self.refusal(.ngrok, .standard, issuer: "http://127.0.0.1:9400").contains("must be public https"))
        #expect(Self.refusal(.ngrok, .leeway60).contains("jwtbench.leeway: 60"))
        // body tokens and at+jwt are ngrok's own features
        #expect(Self.refusal(.ngrok, .bodyToken) == "written")
        #expect(Self.refusal(.ngrok, .accessToken) == "written")
    }

    @Test func envoyGetsAProviderPerIssuerWithThePolicysChecks() throws {
        let text = try #require(try Self.files(.envoy, .requireExpiration)["envoy.yaml"])
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let resources = try #require(root["static_resources"] as? [String: Any])
        let listener = try #require((resources["listeners"] as? [[String: Any]])?.first)
        let chain = try #require((listener["filter_chains"] as? [[String: Any]])?.first)
        let manager = try #require((chain["filters"] as? [[String: Any]])?.first?["typed_config"] as? [String: Any])
        let filters = try #require(manager["http_filters"] as? [[String: Any]])
        #expect(filters.map { $0["name"] as? String } == ["envoy.filters.http.jwt_authn", "envoy.filters.http.router"])
        let authn = try #require(filters[0]["typed_config"] as? [String: Any])
        let provider = try #require((authn["providers"] as? [String: Any])?["issuer_0"] as? [String: Any])
        #expect(provider["issuer"] as? String == ClaimsTemplate.issuer)
        #expect(provider["audiences"] as? [String] == [ClaimsTemplate.audience])
        #expect(provider["clock_skew_seconds"] as? Int == 0)
        #expect(provider["require_expiration"] as? Bool == true)
        let header = try #require((provider["from_headers"] as? [[String: Any]])?.first)
        #expect(header["name"] as? String == "Authorization" && header["value_prefix"] as? String == "Bearer ")
        let jwks = try #require((provider["remote_jwks"] as? [String: Any])?["http_uri"] as? [String: Any])
        #expect(jwks["uri"] as? String == "http://127.0.0.1:9400/jwks.json" && jwks["cluster"] as? String == "jwtbench_jwks")
        let clusters = try #require(resources["clusters"] as? [[String: Any]])
        #expect(clusters.map { $0["name"] as? String } == ["jwtbench_upstream", "jwtbench_jwks"])
        let leeway = try #require(try Self.files(.envoy, .leeway60)["envoy.yaml"])
        #expect(leeway.contains("clock_skew_seconds: 60"))
        #expect(try Self.files(.envoy, .maxLifetime)["envoy.yaml"]?.contains("max_lifetime: 3600s") == true)
        #expect(Self.refusal(.envoy, .eddsaOnly).contains("jws.allowed_algorithms: EdDSA"))
        #expect(Self.refusal(.envoy, .bodyToken).contains("method: body"))
        #expect(Self.refusal(.envoy, .accessToken).contains("at+jwt"))
    }

    @Test func nginxPlusGetsAuthJWTWithEveryCheckRequired() throws {
        let standard = try #require(try Self.files(.nginxPlus)["nginx.conf"])
        #expect(standard.contains("auth_jwt \"jwtbench\";"))
        #expect(standard.contains("auth_jwt_require $jwtbench_iss_ok error=401;"))
        #expect(standard.contains("auth_jwt_require $jwtbench_aud_ok error=403;"))
        #expect(standard.contains("\"~(^|,)https://api\\.jwtbench\\.test(,|$)\" 1;"))
        #expect(standard.contains("proxy_pass http://127.0.0.1:9400/jwks.json;"))
        let typed = try #require(try Self.files(.nginxPlus, .accessToken)["nginx.conf"])
        #expect(typed.contains("map $jwt_header_typ $jwtbench_typ_ok") && typed.contains("$jwtbench_iss_ok $jwtbench_typ_ok error=401"))
        let eddsa = try #require(try Self.files(.nginxPlus, .eddsaOnly)["nginx.conf"])
        #expect(eddsa.contains("map $jwt_header_alg $jwtbench_alg_ok {\n        EdDSA 1;\n        default 0;"))
        #expect(try Self.files(.nginxPlus, .leeway60)["nginx.conf"]?.contains("auth_jwt_leeway 60s;") == true)
        #expect(Self.refusal(.nginxPlus, .maxLifetime).contains("jwtbench.max_lifetime: 3600"))
    }

    @Test func apacheGetsAResourceServerWithRequireClaims() throws {
        let text = try #require(try Self.files(.apacheOpenIDC, issuer: "https://127.0.0.1:9443")["httpd.conf"])
        #expect(text.contains("AuthType oauth20"))
        #expect(text.contains("OIDCOAuthVerifyJwksUri \"https://127.0.0.1:9443/jwks.json\""))
        #expect(text.contains("Require claim \"iss:\(ClaimsTemplate.issuer)\""))
        #expect(text.contains("Require claim \"aud:\(ClaimsTemplate.audience)\""))
        #expect(text.contains("ProxyPass \"/\" \"http://127.0.0.1:8081/\""))
        #expect(Self.refusal(.apacheOpenIDC, .standard, issuer: "http://127.0.0.1:9400").contains("https only"))
        for policy in [CatalogPolicy.leeway60, .requireExpiration, .maxLifetime, .accessToken, .eddsaOnly, .bodyToken] {
            #expect(Self.refusal(.apacheOpenIDC, policy).hasPrefix("apache-openidc cannot enforce this policy"), "\(policy)")
        }
    }

    @Test func valuesThatWouldChangeAFilesMeaningAreRefused() throws {
        var policy = try CatalogPolicy.standard.policy()
        policy.issuers = ["https://evil.example/\"; auth_jwt off; #"]
        let request = TargetConfigRequest(
            gateway: .nginxPlus, policy: policy, policyName: "x", jwks: try TargetURL(parsing: "http://127.0.0.1:1/k.json", what: "t"),
            upstream: try TargetURL(parsing: "http://127.0.0.1:2", what: "t"), outputDirectory: Self.out)
        #expect(throws: TargetConfigError.self) { try TargetConfig.files(for: request) }
        var apache = request
        apache.gateway = .apacheOpenIDC
        apache.jwks = try TargetURL(parsing: "https://127.0.0.1:1/k.json", what: "t")
        #expect(throws: TargetConfigError.self) { try TargetConfig.files(for: apache) }
        // YAML values are quoted, so the same issuer reads back unchanged.
        var jwtbench = request
        jwtbench.gateway = .jwtbench
        let text = try #require(try TargetConfig.files(for: jwtbench).first { $0.name == "policy.yaml" }?.contents)
        #expect(try Policy.parse(text).issuers == policy.issuers)
    }

    @Test func badOptionsNameTheOption() {
        func message(
            _ gateway: String = "envoy", policy: String = "standard", issuer: String = "http://127.0.0.1:1",
            listen: String = "127.0.0.1:8080"
        ) -> String {
            do {
                _ = try TargetConfig.request(
                    gateway: gateway, policy: policy, issuer: issuer, caFile: nil, upstream: "http://127.0.0.1:2", listen: listen,
                    out: Self.out)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("kong").contains("unknown --gateway \"kong\""))
        #expect(message(policy: "nope").contains("neither a catalogue policy"))
        #expect(message(issuer: "ftp://x").contains("--issuer"))
        #expect(message(listen: "8080").contains("--listen"))
    }
}
