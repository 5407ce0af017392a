import JOSECrypto
import JWTValidation

/// The encrypted catalogue: the test-only decryption keys the `nested` and `encrypted`
/// policies name inline (public in the repository, like `vectors/keys`), and the minting of
/// JWEs to them, reproducible from the mint seed (`JWEEncryption.Options.seed`).
public enum CatalogEncryption {
    /// A JWK Set: an RSA key (`jwe-rsa-1`), a P-256 key (`jwe-ec256-1`) and a 32-byte secret
    /// (`jwe-secret-1`), each `use: enc`. TEST-ONLY: these private keys are public.
    public static let keySetJSON =
        "{\"keys\":[{\"d\":\"BzCZxz6ZNm-n40PEfPxSifs58X9XJVXSYWFFgULbSNWMtGuOL28IxAwFYiGgmfV7HZnB6Ha7KfUTlOlNXyY2_"
        + "MWAaS6V4QGwSGBxZktXjbarJkL-s_0iikVza2I0NtGcUXv4SBeVc8OiF5vHAqVL4S6mHC_6c12GVT9XNQFZKAGlODnJFlcTO_N1I"
        + "OtwvG9YvuoOQKKllsCGNs3AGmwkDCHHFTWRU7Rrz8rhB8ETGa8ekqc-EfWYPAy-4aJCGpHSmXOzBnqFdPU3IGZfGTHdoHOz7o24W"
        + "IrD_iJxN7d2bqlFg06_dqa1nKs4fMUrBm3LibjySDwhm-Xi3GZtcGzF8Q\",\"dp\":\"fSG86zYK9A92JQcXpp7mL6I7oyWHZlZoCyt"
        + "lvctu3SOyV58UbWnyUnDbxqnEyIBGwB6x8DdEeaXVVmEZiti1AxiSxVDHdGjReG_GIGZeVXmsluNP8tZv8JwisMq3s9LhVKcOlrq"
        + "9LPnxnpFWLpQqJUPiMLQ6go6ZiTS4XrD6FXE\",\"dq\":\"U3qjIv2CPQV5QDGM6AvUqI8AgUkTkmXSCt-CHmjKK5vWZOz2A1K-IUS_"
        + "tv42zkEywXIC2YdIUG_Nc8bSwnXnBBpxE-iiqYkwaSA9f_aoLJSFiEhEiaROL-tSyjyXSlNYFKO8G2ZVNXTJjvfuy4B2PQhYwac9"
        + "bS5LKilTiMZ1Ir8\",\"e\":\"AQAB\",\"kid\":\"jwe-rsa-1\",\"kty\":\"RSA\",\"n\":\"peV4Am_7pZZlgnKQN1pbmYfhLjt73q3OPHngM"
        + "7UPkI3Sz90k5HCe6C-3urDXbyNWeOnQT5zSuf2OEwHMTlDjo0UdxklICZMtwxPHSM1Nk75XwCQE1eUCMyISSBH9Y2XcC-xUm5zgL"
        + "3I-AFlI5LfaXmJMYrsMOoW5416HC9tr8q3fQ6mrJaGV-IgqWv74HgbNHbCHkWdBT3cRFzYvQFeCDdHjd0auyLLJ03rflWb4gPBvX"
        + "hpXt0gwL38lkC6QrvmuDxTZ3bHIsSCVvHN-ExUrLzwDd3h8COQXJ9JnmKjd30n68XKNdV9mBVGutPMgrZXuQeJMZ4qoJGXj-paMo"
        + "boxZw\",\"p\":\"2pr54N_7e67j0dmgM3ikbIidJ7zsMgv42-yEO3WxeNFqPzN3xEOjjKqzMra4BWJ3iLJsfv3OrnewKMUwb-5PmF24"
        + "tukd_kg9Qwj1A6y8sxCfvikExyTiAiEwD9Bz8gq1RdA52nn1wwp8ZL6B2UhFuZbEs9GCPKIPT98JX1CZH1k\",\"q\":\"wkZLRERfVC"
        + "Yg3lhHk1sjuG-RwIHuMiNdyzvxePVg3SM-hdyzYMaycsR-LMw6LxuCGepGs9Agpp0C-AMKh4vx349S5nZBatvGBeowMzxof5oPJv"
        + "gy2hdAjeZMW195YHKiz--3abNDRwr7R56_K33f_x1MCvHtsgS2Sd_jqA6-fr8\",\"qi\":\"M0fjy8czjYWBwm__57GrR7EOJFwJBJI"
        + "N1KsxiqVhNozeILZ1J1r7EbulZbXIssLjeXlFtg0hjP45FziCVjgRqyLXMJt_fcid8CUaUeqjaMihJkPhgWI2bibcme2Flh0vxGT"
        + "h91zWhjqn_xc6nMNGI55z7d2_44a3u_p3vwSKNyg\",\"use\":\"enc\"},{\"crv\":\"P-256\",\"d\":\"jdCmR2Ubigy1BbD2Dnz0lFDAW"
        + "Oo-jRrxdReDD7rWBv4\",\"kid\":\"jwe-ec256-1\",\"kty\":\"EC\",\"use\":\"enc\",\"x\":\"O97_gEsVdRWbwil5jUorgXqMav-nrMjN"
        + "9mtrRazRXpo\",\"y\":\"op6mha21L9Z76LEiIJgVLRkCPtTtlCZi879hrT3lGZ8\"},{\"k\":\"439Upy3Q8Ut7FEGmOVxcfgsevoyYAX"
        + "XdAhDdvGzGJQQ\",\"kid\":\"jwe-secret-1\",\"kty\":\"oct\",\"use\":\"enc\"}]}"

    /// The keys as JWKs.
    public static var keys: [JWK] { (try? JWKSet(json: keySetJSON).keys) ?? [] }

    public static func key(_ kid: String) throws -> JWK {
        guard let key = keys.first(where: { $0.kid == kid }) else { throw MintError.missingKey(kid) }
        return key
    }

    /// The key-management algorithm a nested case of `algorithm` is encrypted with: RS*/PS*
    /// tokens with RSA-OAEP-256, the rest with ECDH-ES+A256KW.
    static func keyManagement(for algorithm: JWSAlgorithm) -> JWEKeyManagement {
        algorithm.keyType == "RSA" ? .rsaOAEP256 : .ecdhESA256KW
    }

    /// `plaintext` encrypted under `alg`/`enc` to the catalogue key that serves `alg` (or
    /// `recipient`), with randomness from the case's generator.
    static func encrypt(
        _ plaintext: String, alg: JWEKeyManagement, enc: JWEContentEncryption = .a256GCM, nested: Bool, context c: inout MintContext,
        recipient: JWK? = nil, kid: String? = nil, extraHeader: [(String, String)] = [], epk: (x: [UInt8], y: [UInt8])? = nil
    ) throws -> String {
        let name: String
        switch alg.keyType {
        case "RSA": name = "jwe-rsa-1"
        case "EC": name = "jwe-ec256-1"
        default: name = "jwe-secret-1"
        }
        let key = try recipient ?? self.key(name)
        var seed: [UInt8] = []
        for _ in 0..<4 { seed += withUnsafeBytes(of: c.rng.next().bigEndian) { Array($0) } }
        let options = JWEEncryption.Options(
            kid: kid ?? key.kid, contentType: nested ? "JWT" : nil, extraHeader: extraHeader, epkOverride: epk, seed: seed)
        return try JWEEncryption.encrypt(
            Array(plaintext.utf8), alg: alg, enc: enc, recipient: alg.isSymmetric ? key : key.publicKey, options: options)
    }

    /// The `jwtbench.jwe` block of a catalogue policy (YAML, two-space indented under `jwtbench:`).
    static func yaml(require: String, algs: [JWEKeyManagement], encs: [JWEContentEncryption], kids: [String]) -> String {
        let inline = JWKSet(keys: keys.filter { kids.contains($0.kid ?? "") }).jsonString()
        return """
              jwe:
                require: \(require)
                allowed_key_management: [\(algs.map(\.rawValue).joined(separator: ", "))]
                allowed_content_encryption: [\(encs.map(\.rawValue).joined(separator: ", "))]
                keys:
                  inline: '\(inline)'
            """
    }
}
