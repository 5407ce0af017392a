import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import Policy
import Testing

/// Key-file errors: one line each, naming the file and, for a key, its kid and what is wrong.
@Suite("Key file messages")
struct KeyFileMessageTests {
    /// Writes `text` to a fresh temporary file and returns its path.
    private static func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keyfile-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// An EC P-256 public key whose point is not on the curve (`y` is `x`).
    private static func offCurveKey(kid: String) -> JWK {
        var key = Fixture.ecKey(kid).publicKey
        key.y = key.x
        return key
    }

    @Test("an empty JWK Set is named as such, with the file")
    func emptyKeySet() throws {
        let path = try Self.file(#"{"keys": []}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let keys = try KeyFile.load(path)
            Issue.record("expected an error, loaded \(keys.count) keys")
        } catch {
            #expect(error.source == path)
            #expect(error.description == "\(path): a JWK Set with no keys (\"keys\" is empty)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("a JWK Set whose keys member is malformed says so, not 'neither a JWK Set nor a JWK'")
    func malformedKeySet() throws {
        let path = try Self.file(#"{"keys": {"kty": "EC"}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try KeyFile.load(path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("\(path): "))
            #expect(error.message.contains("\"keys\" is"), "\(error)")
            #expect(!error.message.contains("neither"), "\(error)")
        }
    }

    @Test("a file that is neither a set nor a key keeps its message")
    func neitherSetNorKey() throws {
        let path = try Self.file(#"{"kty": 5}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: KeySourceError.self) { try KeyFile.load(path) }
        do { _ = try KeyFile.load(path) } catch { #expect(error.description.contains("neither a JWK Set")) }
    }

    @Test("an EC key off its curve: the error names the file, the kid and what is wrong")
    func invalidECKeyInFile() throws {
        let path = try Self.file(JWKSet(keys: [Self.offCurveKey(kid: "bad-ec")]).jsonString())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let policy = Policy(issuers: [Fixture.issuer], allowedAlgorithms: [.es256], keyFiles: [path])
        var warnings: [String] = []
        do {
            let sources = try PolicyKeySources.primed(for: policy, extraKeyFiles: [], warn: { warnings.append($0) })
            sources.shutdown()
            Issue.record("expected an error")
        } catch let error as KeySourceError {
            #expect(error.kind == .noUsableKey)
            let text = error.description
            #expect(!text.contains("\n"), "\(text)")
            #expect(text.contains(path), "\(text)")
            #expect(text.contains("bad-ec"), "\(text)")
            #expect(text.lowercased().contains("curve"), "\(text)")
        }
    }

    @Test("a key skipped from --keys beside a good one is still only a warning")
    func skippedKeyBesideGoodOne() throws {
        let good = Fixture.ecKey("good").publicKey
        let path = try Self.file(JWKSet(keys: [good, Self.offCurveKey(kid: "bad-ec")]).jsonString())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let policy = Policy(issuers: [Fixture.issuer], allowedAlgorithms: [.es256])
        var warnings: [String] = []
        let sources = try PolicyKeySources.primed(for: policy, extraKeyFiles: [path], warn: { warnings.append($0) })
        defer { sources.shutdown() }
        #expect(sources.fixed?.keys.map(\.kid) == ["good"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("bad-ec") == true)
        #expect(warnings.first?.contains(path) == true, "\(warnings)")
    }
}
