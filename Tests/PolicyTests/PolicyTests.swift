import Foundation
import JOSECrypto
import Policy
import Testing

@testable import JWTValidation

/// A minimal valid `config`, as YAML lines (indented by `indent` spaces when embedded).
private let baseConfig = """
    issuer:
      allow_list:
        - value: https://issuer.example/
    \(bearerHTTP)
    jws:
      allowed_algorithms: [RS256]
    """

/// `baseConfig` without its `http` section.
private let configWithoutHTTP = """
    issuer:
      allow_list:
        - value: https://issuer.example/
    jws:
      allowed_algorithms: [RS256]
    """

/// The usual `http` section: one `Authorization: Bearer` token (ngrok requires `http`).
private let bearerHTTP = #"http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: "Bearer "}]}"#

/// Parses and expects a `PolicyError` with `code` (and `field` when given).
private func expectPolicyError(
    _ code: String, field: String? = nil, _ text: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let policy = try Policy.parse(text)
        Issue.record("expected \(code), parsed \(policy)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let field {
            #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
        }
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    }
}

/// `baseConfig` with `jws` replaced by the given block.
private func configWithJWS(_ jws: String) -> String {
    """
    issuer:
      allow_list:
        - value: https://issuer.example/
    \(bearerHTTP)
    \(jws)
    """
}

@Suite("Policy parsing")
struct PolicyTests {
    // MARK: - Accepted documents

    @Test("ngrok's documented example, as a whole YAML policy")
    func wholePolicyYAML() throws {
        let policy = try Policy.parse(
            """
            on_http_request:
              - actions:
                  - type: jwt-validation
                    config:
                      issuer:
                        allow_list:
                          - value: https://example.com/issuer
                      audience:
                        allow_list:
                          - value: urn:example:api
                      http:
                        tokens:
                          - type: access_token
                            method: header
                            name: Authorization
                            prefix: "Bearer "
                          - type: it+jwt
                            method: body
                            name: _id_token
                      jws:
                        allowed_algorithms:
                          - RS256
                          - ES256
                        keys:
                          sources:
                            additional_jkus:
                              - https://example.com/issuer/jku
            """)
        #expect(policy.issuers == ["https://example.com/issuer"])
        #expect(policy.audiences == ["urn:example:api"])
        #expect(
            policy.tokens == [
                TokenLocation(type: .accessToken, method: .header, name: "Authorization", prefix: "Bearer "),
                TokenLocation(type: .itJWT, method: .body, name: "_id_token", prefix: ""),
            ])
        #expect(policy.allowedAlgorithms == [.rs256, .es256])
        #expect(policy.additionalJKUs == ["https://example.com/issuer/jku"])
        #expect(policy.keyIdentificationClaims == ["kid"])
        #expect(policy.leewaySeconds == 0)
        #expect(policy.requireExpiration == false)
        #expect(policy.maxLifetimeSeconds == nil)
        #expect(policy.maxTokenBytes == 16384)
        #expect(policy.hasKeySources)
    }

    @Test("the same policy as JSON parses to the same value")
    func wholePolicyJSON() throws {
        let json = """
            {"on_http_request":[{"actions":[{"type":"jwt-validation","config":{
            "issuer":{"allow_list":[{"value":"https://example.com/issuer"}]},
            "audience":{"allow_list":[{"value":"urn:example:api"}]},
            "http":{"tokens":[{"type":"access_token","method":"header","name":"Authorization","prefix":"Bearer "}]},
            "jws":{"allowed_algorithms":["RS256","ES256"],
                   "keys":{"sources":{"additional_jkus":["https:\\/\\/example.com\\/issuer\\/jku"]}}}}}]}]}
            """
        let policy = try Policy.parse(json)
        #expect(policy.issuers == ["https://example.com/issuer"])
        #expect(policy.additionalJKUs == ["https://example.com/issuer/jku"])
        #expect(policy.tokens.first?.prefix == "Bearer ")
    }

    @Test("pretty-printed JSON indented with tabs")
    func jsonWithTabs() throws {
        let json =
            "{\n\t\"issuer\": {\n\t\t\"allow_list\": [{\"value\": \"https://i.example\"}]\n\t},\n"
            + "\t\"http\": {\"tokens\": [{\"type\": \"jwt\", \"method\": \"header\", \"name\": \"Authorization\"}]},\n"
            + "\t\"jws\": {\"allowed_algorithms\": [\"ES256\"]}\n}\n"
        let policy = try Policy.parse(json)
        #expect(policy.issuers == ["https://i.example"])
        #expect(policy.allowedAlgorithms == [.es256])
    }

    @Test("config alone, a single rule, and a single action are accepted")
    func otherForms() throws {
        let alone = try Policy.parse(baseConfig)
        let rule = try Policy.parse(
            """
            name: api
            expressions: []
            actions:
              - type: jwt-validation
                config:
                  issuer: {allow_list: [{value: "https://issuer.example/"}]}
                  \(bearerHTTP)
                  jws: {allowed_algorithms: [RS256]}
            """)
        let action = try Policy.parse(
            """
            type: jwt-validation
            config:
              issuer: {allow_list: [{value: "https://issuer.example/"}]}
              \(bearerHTTP)
              jws: {allowed_algorithms: [RS256]}
            """)
        #expect(alone == rule)
        #expect(alone == action)
        #expect(alone.issuers == ["https://issuer.example/"])
    }

    /// A whole policy whose `on_http_request` rules are `rules` (YAML list items, 2 spaces in).
    private func wholePolicy(_ rules: String, top: String = "") -> String {
        top + "on_http_request:\n" + rules
    }

    private let jwtAction = """
            - type: jwt-validation
              config:
                issuer: {allow_list: [{value: first}]}
                http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: "Bearer "}]}
                jws: {allowed_algorithms: [ES256]}
        """

    @Test("a named rule without expressions, among empty rules, is accepted")
    func wholePolicyWithNamedRule() throws {
        let policy = try Policy.parse(wholePolicy("  - name: none\n  - name: api\n    actions:\n" + jwtAction))
        #expect(policy.issuers == ["first"])
    }

    @Test("a second jwt-validation action is refused, in the same rule or another")
    func secondJWTValidationAction() {
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_request[0].actions[1]",
            wholePolicy("  - actions:\n" + jwtAction + "\n" + jwtAction))
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_request[1].actions",
            wholePolicy("  - actions:\n" + jwtAction + "\n  - actions:\n" + jwtAction))
        do {
            _ = try Policy.parse(wholePolicy("  - actions:\n" + jwtAction + "\n" + jwtAction))
        } catch {
            #expect(error.message.contains("second jwt-validation action"), "\(error)")
            #expect(error.message.contains("on_http_request[0].actions[0]"), "\(error)")
        }
    }

    @Test("actions of other types are refused, naming the type")
    func otherActionTypes() {
        let addHeaders = "    - type: add-headers\n      config: {headers: {x-a: b}}\n"
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_request[0].actions[0].type",
            wholePolicy("  - actions:\n" + addHeaders + jwtAction))
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_request[1].actions[0].type",
            wholePolicy("  - actions:\n" + jwtAction + "\n  - actions:\n" + addHeaders))
        expectPolicyError(
            "ERR_NGROK_7171", field: "actions[1].type", "actions:\n" + jwtAction + "\n" + addHeaders)
        do {
            _ = try Policy.parse(wholePolicy("  - actions:\n" + addHeaders + jwtAction))
        } catch {
            #expect(error.message.contains("\"add-headers\" action is not supported"), "\(error)")
        }
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_request[0].actions[0].cofig",
            wholePolicy("  - actions:\n    - type: jwt-validation\n      cofig: {}\n"))
    }

    @Test("CEL expressions on the rule are refused, in a whole policy and in a rule")
    func celExpressions() {
        let expressions = "    expressions: [\"req.url.path.startsWith('/api')\"]\n"
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_request[0].expressions",
            wholePolicy("  - name: api\n" + expressions + "    actions:\n" + jwtAction))
        expectPolicyError(
            "ERR_NGROK_7171", field: "expressions",
            "expressions: [\"req.method == 'GET'\"]\nactions:\n" + jwtAction)
        do {
            _ = try Policy.parse(wholePolicy("  - name: api\n" + expressions + "    actions:\n" + jwtAction))
        } catch {
            #expect(error.message.contains("CEL expressions are not supported"), "\(error)")
        }
    }

    @Test("unknown top-level keys and other phases of a whole policy are refused, naming them")
    func unknownTopLevelKeys() {
        let rules = "  - actions:\n" + jwtAction
        expectPolicyError("ERR_NGROK_7171", field: "jwtbench", wholePolicy(rules, top: "jwtbench: {leeway: 30}\n"))
        do {
            _ = try Policy.parse(wholePolicy(rules, top: "jwtbench: {leeway: 30}\n"))
        } catch {
            #expect(error.message.contains("into the jwt-validation action's config"), "\(error)")
        }
        expectPolicyError("ERR_NGROK_7171", field: "issuer", wholePolicy(rules, top: "issuer: {allow_list: [{value: a}]}\n"))
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_response",
            wholePolicy(rules) + "\non_http_response:\n  - actions: [{type: add-headers, config: {headers: {x: y}}}]")
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_tcp_connect",
            wholePolicy(rules, top: "on_tcp_connect:\n  - actions: [{type: restrict-ips, config: {enforce: true}}]\n"))
        expectPolicyError("ERR_NGROK_7171", field: "onhttp_request", wholePolicy(rules, top: "onhttp_request: []\n"))
        expectPolicyError("ERR_NGROK_7171", field: "inbound", wholePolicy(rules, top: "inbound: []\n"))
        expectPolicyError("ERR_NGROK_7171", field: "jwtbench", "jwtbench: {leeway: 30}\nactions:\n" + jwtAction)
        expectPolicyError("ERR_NGROK_7171", field: "on_http_request[0].nmae", wholePolicy("  - nmae: x\n"))
    }

    @Test("YAML anchors and aliases within the config are fine")
    func aliases() throws {
        let policy = try Policy.parse(
            """
            issuer: &list {allow_list: [{value: shared}]}
            audience: *list
            \(bearerHTTP)
            jws: {allowed_algorithms: [RS256]}
            """)
        #expect(policy.issuers == ["shared"])
        #expect(policy.audiences == ["shared"])
    }

    @Test("without http: ERR_NGROK_7178 naming http (ngrok has no default token location)")
    func noHTTPSection() {
        expectPolicyError("ERR_NGROK_7178", field: "http", configWithoutHTTP)
        expectPolicyError(
            "ERR_NGROK_7178", field: "http",
            "on_http_request:\n  - actions:\n    - type: jwt-validation\n      config:\n"
                + "        issuer: {allow_list: [{value: a}]}\n        jws: {allowed_algorithms: [RS256]}\n")
        do {
            _ = try Policy.parse(configWithoutHTTP)
        } catch {
            #expect(error.message.contains("no http section"), "\(error)")
        }
    }

    @Test("the usual http section: Authorization: Bearer of type jwt")
    func bearerToken() throws {
        let policy = try Policy.parse(baseConfig)
        #expect(policy.tokens == [TokenLocation(type: .jwt, method: .header, name: "Authorization", prefix: "Bearer ")])
        #expect(policy.audiences.isEmpty)
        #expect(!policy.hasKeySources)
    }

    @Test("issuers match exactly: a trailing slash is kept")
    func issuerKeptVerbatim() throws {
        let policy = try Policy.parse(
            configWithJWS("jws: {allowed_algorithms: [RS256]}").replacingOccurrences(
                of: "https://issuer.example/", with: "https://Issuer.Example/path/"))
        #expect(policy.issuers == ["https://Issuer.Example/path/"])
    }

    @Test("every algorithm name is accepted")
    func allAlgorithms() throws {
        let names = JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
        let policy = try Policy.parse(configWithJWS("jws: {allowed_algorithms: [\(names)]}"))
        #expect(policy.allowedAlgorithms == JWSAlgorithm.allCases)
    }

    @Test("jwtbench extensions")
    func extensions() throws {
        let policy = try Policy.parse(
            baseConfig + """

                jwtbench:
                  leeway: 30
                  require_expiration: true
                  max_lifetime: 3600
                  max_token_bytes: 8192
                  key_cache:
                    strategy: refresh-ahead
                    refresh_interval: 900
                    stale_if_error: 3600
                  crypto_backend: boringssl
                """)
        #expect(policy.leewaySeconds == 30)
        #expect(policy.requireExpiration)
        #expect(policy.maxLifetimeSeconds == 3600)
        #expect(policy.maxTokenBytes == 8192)
        #expect(
            policy.keyCache
                == KeyCacheSettings(
                    strategy: "refresh-ahead", options: ["refresh_interval": "900", "stale_if_error": "3600"]))
        #expect(policy.cryptoBackend == "boringssl")
        #expect(try Policy.parse(baseConfig).cryptoBackend == nil)
    }

    @Test("key identification, in both shapes")
    func identification() throws {
        let mapping = try Policy.parse(
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {identification: {token_claims: [kid]}}}"))
        let list = try Policy.parse(
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {identification: [{token_claims: [kid]}]}}"))
        #expect(mapping.keyIdentificationClaims == ["kid"])
        #expect(list.keyIdentificationClaims == ["kid"])
    }

    @Test("inline keys: a JWK Set, a list of JWKs, or JSON text")
    func inlineKeys() throws {
        let set = try Policy.parse(
            configWithJWS(
                """
                jws:
                  allowed_algorithms: [HS256]
                  keys:
                    sources:
                      inline:
                        keys:
                          - {kty: oct, kid: k1, k: c2VjcmV0, alg: HS256}
                """))
        let list = try Policy.parse(
            configWithJWS(
                """
                jws:
                  allowed_algorithms: [HS256]
                  keys:
                    sources:
                      inline: [{kty: oct, kid: k1, k: c2VjcmV0, alg: HS256}]
                """))
        let text = try Policy.parse(
            configWithJWS(
                """
                jws:
                  allowed_algorithms: [HS256]
                  keys:
                    sources:
                      inline: '{"keys":[{"kty":"oct","kid":"k1","k":"c2VjcmV0","alg":"HS256"}]}'
                """))
        let expected = [JWK(kty: "oct", kid: "k1", alg: "HS256", k: "c2VjcmV0")]
        #expect(set.inlineKeys == expected)
        #expect(list.inlineKeys == expected)
        #expect(text.inlineKeys == expected)
        #expect(set.hasKeySources)
    }

    @Test("key files resolve against the base directory; absolute paths stay")
    func keyFiles() throws {
        let policy = try Policy.parse(
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {sources: {files: [keys/a.json, ../b.json, /abs/c.json]}}}"),
            baseDirectory: "/etc/jwtbench/policies")
        #expect(policy.keyFiles == ["/etc/jwtbench/policies/keys/a.json", "/etc/jwtbench/b.json", "/abs/c.json"])
        let unresolved = try Policy.parse(
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {sources: {files: [keys/a.json]}}}"))
        #expect(unresolved.keyFiles == ["keys/a.json"])
    }

    @Test("load(path:) reads the file and resolves key files next to it")
    func loadFromFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("policytests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("policy.yml")
        try configWithJWS("jws: {allowed_algorithms: [RS256], keys: {sources: {files: [jwks.json]}}}")
            .write(to: file, atomically: true, encoding: .utf8)
        let policy = try Policy.load(path: file.path)
        #expect(policy.keyFiles == [dir.appendingPathComponent("jwks.json").standardizedFileURL.path])
    }

    @Test("load(path:) of a missing file is a configuration error")
    func loadMissingFile() {
        #expect(throws: PolicyError.self) { try Policy.load(path: "/nonexistent/policy-\(UUID().uuidString).yml") }
        do {
            _ = try Policy.load(path: "/nonexistent/policy.yml")
        } catch {
            #expect(error.code == "ERR_NGROK_7171")
            #expect(error.field == "")
            #expect(error.message == "the policy file /nonexistent/policy.yml does not exist")
        }
    }

    @Test("http JKUs are allowed only to loopback hosts")
    func loopbackJKU() throws {
        let policy = try Policy.parse(
            configWithJWS(
                """
                jws:
                  allowed_algorithms: [RS256]
                  keys:
                    sources:
                      additional_jkus: ["http://127.0.0.1:8080/jwks.json", "http://localhost/jwks", "http://[::1]:9/k"]
                """))
        #expect(policy.additionalJKUs.count == 3)
    }

    @Test("no key source parses; requireKeySources() then reports ERR_NGROK_7184")
    func noKeySource() throws {
        let policy = try Policy.parse(baseConfig)
        #expect(!policy.hasKeySources)
        #expect(throws: PolicyError.self) { try policy.requireKeySources() }
        do {
            try policy.requireKeySources()
        } catch {
            #expect(error.code == "ERR_NGROK_7184")
            #expect(error.field == "jws.keys.sources")
        }
        var withKeys = policy
        withKeys.keyFiles = ["jwks.json"]
        try withKeys.requireKeySources()
    }

    @Test("token types: only at+jwt and it+jwt constrain typ")
    func tokenTypes() {
        #expect(TokenType.atJWT.requiredTyp == "at+jwt")
        #expect(TokenType.itJWT.requiredTyp == "it+jwt")
        #expect(TokenType.atJWT.accepts(typ: "at+jwt"))
        #expect(TokenType.atJWT.accepts(typ: "AT+JWT"))
        #expect(TokenType.atJWT.accepts(typ: "application/at+jwt"))
        #expect(TokenType.atJWT.accepts(typ: "Application/AT+JWT"))
        #expect(!TokenType.atJWT.accepts(typ: "JWT"))
        #expect(!TokenType.atJWT.accepts(typ: nil))
        #expect(!TokenType.itJWT.accepts(typ: "at+jwt"))
        for type in [TokenType.jwt, .accessToken, .idToken, .plain] {
            #expect(type.requiredTyp == nil)
            #expect(type.accepts(typ: nil))
            #expect(type.accepts(typ: "anything"))
        }
    }

    @Test("PolicyError renders code, field and message")
    func errorDescription() {
        let error = PolicyError(code: "ERR_NGROK_7172", field: "issuer.allow_list", message: "at least one issuer is required")
        #expect(error.description == "ERR_NGROK_7172: issuer.allow_list: at least one issuer is required")
        #expect(PolicyError(code: "ERR_NGROK_7171", field: "", message: "x").description == "ERR_NGROK_7171: x")
    }

    // MARK: - Issuer and audience errors

    @Test("no issuer: ERR_NGROK_7172")
    func noIssuer() {
        expectPolicyError("ERR_NGROK_7172", field: "issuer", "jws: {allowed_algorithms: [RS256]}")
        expectPolicyError(
            "ERR_NGROK_7172", field: "issuer.allow_list",
            "issuer: {allow_list: []}\njws: {allowed_algorithms: [RS256]}")
        expectPolicyError("ERR_NGROK_7172", field: "issuer.allow_list", "issuer: {}\njws: {allowed_algorithms: [RS256]}")
    }

    @Test("empty or untrimmed issuer value: ERR_NGROK_7173")
    func invalidIssuer() {
        expectPolicyError(
            "ERR_NGROK_7173", field: "issuer.allow_list[0].value",
            "issuer: {allow_list: [{value: ''}]}\njws: {allowed_algorithms: [RS256]}")
        expectPolicyError(
            "ERR_NGROK_7173", field: "issuer.allow_list[1].value",
            "issuer: {allow_list: [{value: a}, {value: ' b'}]}\njws: {allowed_algorithms: [RS256]}")
        expectPolicyError(
            "ERR_NGROK_7173", field: "issuer.allow_list[0].value",
            "issuer: {allow_list: [{value: 12345}]}\njws: {allowed_algorithms: [RS256]}")
        expectPolicyError(
            "ERR_NGROK_7173", field: "issuer.allow_list[0]",
            "issuer: {allow_list: [https://plain.string]}\njws: {allowed_algorithms: [RS256]}")
        expectPolicyError(
            "ERR_NGROK_7173", field: "issuer.allow_list[0].value",
            "issuer: {allow_list: [{}]}\njws: {allowed_algorithms: [RS256]}")
    }

    @Test("duplicate issuer: ERR_NGROK_7187")
    func duplicateIssuer() {
        expectPolicyError(
            "ERR_NGROK_7187", field: "issuer.allow_list[1].value",
            "issuer: {allow_list: [{value: a}, {value: a}]}\njws: {allowed_algorithms: [RS256]}")
    }

    @Test("audience given but empty: ERR_NGROK_7174")
    func noAudience() {
        expectPolicyError("ERR_NGROK_7174", field: "audience.allow_list", baseConfig + "\naudience: {allow_list: []}")
        expectPolicyError("ERR_NGROK_7174", field: "audience.allow_list", baseConfig + "\naudience: {}")
    }

    @Test("empty audience value: ERR_NGROK_7175")
    func invalidAudience() {
        expectPolicyError(
            "ERR_NGROK_7175", field: "audience.allow_list[0].value", baseConfig + "\naudience: {allow_list: [{value: ''}]}")
        expectPolicyError(
            "ERR_NGROK_7175", field: "audience.allow_list[0].value", baseConfig + "\naudience: {allow_list: [{value: true}]}")
    }

    @Test("duplicate audience: ERR_NGROK_7188")
    func duplicateAudience() {
        expectPolicyError(
            "ERR_NGROK_7188", field: "audience.allow_list[1].value",
            baseConfig + "\naudience: {allow_list: [{value: api}, {value: api}]}")
    }

    // MARK: - Algorithm errors

    @Test("no algorithm: ERR_NGROK_7176")
    func noAlgorithm() {
        expectPolicyError("ERR_NGROK_7176", field: "jws.allowed_algorithms", configWithJWS(""))
        expectPolicyError("ERR_NGROK_7176", field: "jws.allowed_algorithms", configWithJWS("jws: {allowed_algorithms: []}"))
        expectPolicyError("ERR_NGROK_7176", field: "jws.allowed_algorithms", configWithJWS("jws: {}"))
    }

    @Test("unknown algorithm: ERR_NGROK_7177", arguments: ["RS257", "rs256", "HS128", "ES256K", "RSA-OAEP"])
    func unknownAlgorithm(name: String) {
        expectPolicyError(
            "ERR_NGROK_7177", field: "jws.allowed_algorithms[1]",
            configWithJWS("jws: {allowed_algorithms: [ES256, \(name)]}"))
    }

    @Test("none in any spelling: ERR_NGROK_7177", arguments: ["none", "None", "NONE", "nOnE"])
    func noneAlgorithm(name: String) {
        expectPolicyError(
            "ERR_NGROK_7177", field: "jws.allowed_algorithms[0]", configWithJWS("jws: {allowed_algorithms: ['\(name)']}"))
    }

    @Test("duplicate algorithm: ERR_NGROK_7190")
    func duplicateAlgorithm() {
        expectPolicyError(
            "ERR_NGROK_7190", field: "jws.allowed_algorithms[2]",
            configWithJWS("jws: {allowed_algorithms: [RS256, ES256, RS256]}"))
    }

    // MARK: - Token errors

    private func tokens(_ entries: String) -> String {
        configWithoutHTTP + "\nhttp:\n  tokens:\n" + entries
    }

    @Test("unknown token type: ERR_NGROK_7169")
    func unknownTokenType() {
        expectPolicyError(
            "ERR_NGROK_7169", field: "http.tokens[0].type",
            tokens("    - {type: refresh_token, method: header, name: Authorization}"))
        expectPolicyError(
            "ERR_NGROK_7169", field: "http.tokens[0].type", tokens("    - {type: JWT, method: header, name: Authorization}"))
    }

    @Test("unknown token method: ERR_NGROK_7170")
    func unknownTokenMethod() {
        expectPolicyError(
            "ERR_NGROK_7170", field: "http.tokens[0].method", tokens("    - {type: jwt, method: query, name: token}"))
        expectPolicyError(
            "ERR_NGROK_7170", field: "http.tokens[0].method", tokens("    - {type: jwt, method: cookie, name: token}"))
    }

    @Test("duplicate token (same method and name, header names case-insensitive): ERR_NGROK_7189")
    func duplicateToken() {
        expectPolicyError(
            "ERR_NGROK_7189", field: "http.tokens[1]",
            tokens(
                """
                    - {type: jwt, method: header, name: Authorization, prefix: "Bearer "}
                    - {type: at+jwt, method: header, name: authorization}
                """))
        expectPolicyError(
            "ERR_NGROK_7189", field: "http.tokens[1]",
            tokens(
                """
                    - {type: jwt, method: body, name: id_token}
                    - {type: jwt, method: body, name: id_token}
                """))
    }

    @Test("a header and a body token of the same name are distinct")
    func sameNameDifferentMethod() throws {
        let policy = try Policy.parse(
            tokens(
                """
                    - {type: jwt, method: header, name: token}
                    - {type: jwt, method: body, name: token}
                    - {type: jwt, method: body, name: Token}
                """))
        #expect(policy.tokens.count == 3)
    }

    @Test("missing or invalid token name: ERR_NGROK_7180")
    func invalidTokenName() {
        expectPolicyError("ERR_NGROK_7180", field: "http.tokens[0].name", tokens("    - {type: jwt, method: header}"))
        expectPolicyError("ERR_NGROK_7180", field: "http.tokens[0].name", tokens("    - {type: jwt, method: header, name: ''}"))
        expectPolicyError(
            "ERR_NGROK_7180", field: "http.tokens[0].name", tokens("    - {type: jwt, method: header, name: 'X Token'}"))
        expectPolicyError(
            "ERR_NGROK_7180", field: "http.tokens[0].name", tokens("    - {type: jwt, method: header, name: 'X:Token'}"))
    }

    @Test("malformed token entry: ERR_NGROK_7179")
    func invalidToken() {
        expectPolicyError("ERR_NGROK_7179", field: "http.tokens[0].type", tokens("    - {method: header, name: Authorization}"))
        expectPolicyError("ERR_NGROK_7179", field: "http.tokens[0].method", tokens("    - {type: jwt, name: Authorization}"))
        expectPolicyError(
            "ERR_NGROK_7179", field: "http.tokens[0].prefixx",
            tokens("    - {type: jwt, method: header, name: Authorization, prefixx: 'Bearer '}"))
        expectPolicyError("ERR_NGROK_7179", field: "http.tokens[0]", tokens("    - Authorization"))
    }

    @Test("no token configuration: ERR_NGROK_7178")
    func noToken() {
        expectPolicyError("ERR_NGROK_7178", field: "http.tokens", configWithoutHTTP + "\nhttp: {tokens: []}")
        expectPolicyError("ERR_NGROK_7178", field: "http.tokens", configWithoutHTTP + "\nhttp: {}")
    }

    @Test("invalid token prefix: ERR_NGROK_7181")
    func invalidPrefix() {
        expectPolicyError(
            "ERR_NGROK_7181", field: "http.tokens[0].prefix",
            tokens("    - {type: jwt, method: header, name: Authorization, prefix: \"Bearer\\n\"}"))
        expectPolicyError(
            "ERR_NGROK_7181", field: "http.tokens[0].prefix",
            tokens("    - {type: jwt, method: header, name: Authorization, prefix: \"Bëarer \"}"))
        expectPolicyError(
            "ERR_NGROK_7181", field: "http.tokens[0].prefix",
            tokens("    - {type: jwt, method: header, name: Authorization, prefix: 42}"))
    }

    // MARK: - Key source errors

    private func jkus(_ list: String) -> String {
        configWithJWS("jws: {allowed_algorithms: [RS256], keys: {sources: {additional_jkus: \(list)}}}")
    }

    @Test(
        "invalid JKU URL: ERR_NGROK_7185",
        arguments: [
            "http://issuer.example/jwks.json", "ftp://issuer.example/jwks", "not a url", "/relative/jwks.json",
            "https://", "https://user:pass@issuer.example/jwks", "", "file:///etc/jwks.json",
            "http://127.0.0.1.evil.example/jwks",
        ])
    func invalidJKU(url: String) {
        expectPolicyError("ERR_NGROK_7185", field: "jws.keys.sources.additional_jkus[0]", jkus("['\(url)']"))
    }

    @Test("more than 100 key sources: ERR_NGROK_7193")
    func tooManyJKUs() throws {
        let hundred = (0..<100).map { "'https://issuer.example/jwks/\($0)'" }
        _ = try Policy.parse(jkus("[\(hundred.joined(separator: ", "))]"))
        let more = hundred + ["'https://issuer.example/jwks/100'"]
        expectPolicyError("ERR_NGROK_7193", field: "jws.keys.sources", jkus("[\(more.joined(separator: ", "))]"))
    }

    @Test("duplicate JKU or key file: ERR_NGROK_7192")
    func duplicateKeySource() {
        expectPolicyError(
            "ERR_NGROK_7192", field: "jws.keys.sources.additional_jkus[1]",
            jkus("['https://issuer.example/jwks', 'https://issuer.example/jwks']"))
        expectPolicyError(
            "ERR_NGROK_7192", field: "jws.keys.sources.files[1]",
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {sources: {files: [a.json, a.json]}}}"))
        do {
            _ = try Policy.parse(
                configWithJWS("jws: {allowed_algorithms: [RS256], keys: {sources: {files: [a.json, ./x/../a.json]}}}"),
                baseDirectory: "/policies")
            Issue.record("expected ERR_NGROK_7192")
        } catch {
            #expect(error.code == "ERR_NGROK_7192")
        }
    }

    @Test("empty key identification: ERR_NGROK_7182")
    func noIdentification() {
        expectPolicyError(
            "ERR_NGROK_7182", field: "jws.keys.identification.token_claims",
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {identification: {token_claims: []}}}"))
        expectPolicyError(
            "ERR_NGROK_7182", field: "jws.keys.identification.token_claims",
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {identification: {}}}"))
    }

    @Test("unsupported key identification claim: ERR_NGROK_7183", arguments: ["jku", "x5t", "sub", "KID"])
    func invalidIdentification(claim: String) {
        expectPolicyError(
            "ERR_NGROK_7183", field: "jws.keys.identification.token_claims[0]",
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {identification: {token_claims: [\(claim)]}}}"))
    }

    @Test("duplicate key identification claim: ERR_NGROK_7191")
    func duplicateIdentification() {
        expectPolicyError(
            "ERR_NGROK_7191", field: "jws.keys.identification.token_claims[1]",
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {identification: {token_claims: [kid, kid]}}}"))
    }

    @Test("inline keys that are not a JWK Set: ERR_NGROK_7186")
    func invalidInlineKeys() {
        for inline in ["{keys: []}", "[]", "{kty: oct}", "[{kid: no-kty}]", "'not json'", "42", "{keys: [{kty: 7}]}"] {
            expectPolicyError(
                "ERR_NGROK_7186", field: "jws.keys.sources.inline",
                configWithJWS("jws: {allowed_algorithms: [HS256], keys: {sources: {inline: \(inline)}}}"))
        }
    }

    // MARK: - Extension errors (ERR_NGROK_7171, chosen)

    @Test(
        "bad extension values: ERR_NGROK_7171",
        arguments: [
            ("leeway: -1", "jwtbench.leeway"),
            ("leeway: 86401", "jwtbench.leeway"),
            ("leeway: '30'", "jwtbench.leeway"),
            ("leeway: 1.5", "jwtbench.leeway"),
            ("leeway: 99999999999999999999999", "jwtbench.leeway"),
            ("max_lifetime: 0", "jwtbench.max_lifetime"),
            ("max_lifetime: -5", "jwtbench.max_lifetime"),
            ("max_token_bytes: 0", "jwtbench.max_token_bytes"),
            ("max_token_bytes: 2097152", "jwtbench.max_token_bytes"),
            ("require_expiration: 'yes'", "jwtbench.require_expiration"),
            ("require_expiration: 1", "jwtbench.require_expiration"),
            ("key_cache: {refresh_interval: 5}", "jwtbench.key_cache.strategy"),
            ("key_cache: {strategy: ttl, nested: {a: b}}", "jwtbench.key_cache.nested"),
            ("leway: 30", "jwtbench.leway"),
            ("crypto_backend: libressl", "jwtbench.crypto_backend"),
            ("crypto_backend: [auto]", "jwtbench.crypto_backend"),
        ])
    func badExtension(line: String, field: String) {
        expectPolicyError("ERR_NGROK_7171", field: field, baseConfig + "\njwtbench:\n  \(line)")
        do {
            _ = try Policy.parse(baseConfig + "\njwtbench:\n  \(line)")
        } catch {
            #expect(error.message.hasPrefix("jwtbench extension \(field) (not an ngrok field): "), "\(error)")
        }
    }

    // MARK: - Document errors (ERR_NGROK_7171)

    @Test("not YAML or JSON: ERR_NGROK_7171")
    func notYAML() {
        expectPolicyError("ERR_NGROK_7171", field: "", "issuer: [unclosed")
        expectPolicyError("ERR_NGROK_7171", field: "", "{\"issuer\": ")
        expectPolicyError("ERR_NGROK_7171", field: "", "a: b: c")
        expectPolicyError("ERR_NGROK_7171", field: "", "")
        expectPolicyError("ERR_NGROK_7171", field: "", "just a string")
        expectPolicyError("ERR_NGROK_7171", field: "", "- a\n- list")
    }

    @Test("a duplicate key anywhere: ERR_NGROK_7171")
    func duplicateYAMLKey() {
        expectPolicyError(
            "ERR_NGROK_7171", field: "",
            baseConfig + "\njws:\n  allowed_algorithms: [HS256]")
        expectPolicyError(
            "ERR_NGROK_7171", field: "",
            "{\"issuer\": {\"allow_list\": [{\"value\": \"a\"}]}, \"jws\": {\"allowed_algorithms\": [\"RS256\"], \"allowed_algorithms\": [\"HS256\"]}}"
        )
    }

    @Test("no jwt-validation action: ERR_NGROK_7171")
    func noAction() {
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_request[0].actions[0].type",
            """
            on_http_request:
              - actions:
                  - type: rate-limit
                    config: {capacity: 10}
            """)
        expectPolicyError("ERR_NGROK_7171", field: "on_http_request", "on_http_request: []")
        expectPolicyError("ERR_NGROK_7171", field: "on_http_request", "on_http_request:\n  - name: empty\n")
        expectPolicyError(
            "ERR_NGROK_7171", field: "",
            """
            on_http_response:
              - actions:
                  - type: jwt-validation
                    config: {}
            """)
        expectPolicyError(
            "ERR_NGROK_7171", field: "on_http_request[0].actions[0].config",
            "on_http_request:\n  - actions:\n      - type: jwt-validation\n")
        expectPolicyError("ERR_NGROK_7171", field: "type", "type: rate-limit\nconfig: {}")
    }

    @Test("unknown fields are refused, at every level: ERR_NGROK_7171")
    func unknownFields() {
        expectPolicyError("ERR_NGROK_7171", field: "audiences", baseConfig + "\naudiences: {allow_list: [{value: a}]}")
        expectPolicyError(
            "ERR_NGROK_7171", field: "issuer.allowlist", "issuer: {allowlist: [{value: a}]}\njws: {allowed_algorithms: [RS256]}")
        expectPolicyError(
            "ERR_NGROK_7171", field: "jws.allowed_algorithm",
            configWithJWS("jws: {allowed_algorithms: [RS256], allowed_algorithm: [HS256]}"))
        expectPolicyError(
            "ERR_NGROK_7171", field: "jws.keys.sources.additional_jku",
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {sources: {additional_jku: ['https://a.example/']}}}"))
        expectPolicyError(
            "ERR_NGROK_7171", field: "jws.keys.source",
            configWithJWS("jws: {allowed_algorithms: [RS256], keys: {source: {}}}"))
        expectPolicyError("ERR_NGROK_7171", field: "http.token", configWithoutHTTP + "\nhttp: {token: []}")
        expectPolicyError(
            "ERR_NGROK_7171", "issuer: {allow_list: [{value: a}]}\njws: {allowed_algorithms: [RS256]}\n<<: {x: 1}")
    }

    @Test("wrong value types: ERR_NGROK_7171")
    func wrongTypes() {
        expectPolicyError("ERR_NGROK_7171", field: "issuer", "issuer: https://a.example\njws: {allowed_algorithms: [RS256]}")
        expectPolicyError(
            "ERR_NGROK_7171", field: "issuer.allow_list", "issuer: {allow_list: {value: a}}\njws: {allowed_algorithms: [RS256]}")
        expectPolicyError("ERR_NGROK_7171", field: "jws.allowed_algorithms", configWithJWS("jws: {allowed_algorithms: RS256}"))
        expectPolicyError("ERR_NGROK_7171", field: "audience", baseConfig + "\naudience:")
        expectPolicyError("ERR_NGROK_7171", field: "jwtbench", baseConfig + "\njwtbench: 5")
    }

    @Test("aliases that expand enormously are refused, not expanded")
    func billionLaughs() {
        var doc = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            doc += "a\(level): &a\(level) [\(refs)]\n"
        }
        expectPolicyError("ERR_NGROK_7171", field: "", doc + baseConfig)
    }
}
