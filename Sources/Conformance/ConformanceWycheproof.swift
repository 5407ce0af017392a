import Foundation
import JOSECrypto
import TokenMint

/// Reading Wycheproof's `testvectors_v1` files (format: `wycheproof/doc/formats.md`): the
/// shapes the conformance suites use, hex, and two's-complement integers.
public enum ConformanceWycheproof {
    /// A test of a primitive file (`msg`/`sig` or `msg`/`tag` with a per-test `key`).
    struct PrimitiveTest: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let key: String?
        let msg: String?
        let sig: String?
        let tag: String?
        let result: String
    }

    struct RawPublicKey: Decodable {
        let wx: String?
        let wy: String?
        let modulus: String?
        let publicExponent: String?
    }

    struct PrimitiveGroup: Decodable {
        let sha: String?
        let mgfSha: String?
        let sLen: Int?
        let keySize: Int?
        let tagSize: Int?
        let publicKey: RawPublicKey?
        let publicKeyJwk: JWK?
        let keyJwk: JWK?
        let tests: [PrimitiveTest]
    }

    struct PrimitiveFile: Decodable {
        let numberOfTests: Int
        let testGroups: [PrimitiveGroup]
    }

    /// A test of `json_web_signature_test.json` / `json_web_key_test.json`.
    struct JOSETest: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let jws: String
        let result: String
    }

    /// A group of `json_web_signature_test.json`: one JWK each.
    struct JWSGroup: Decodable {
        let comment: String?
        let `private`: JWK
        let `public`: JWK?
        let tests: [JOSETest]
    }

    /// A group of `json_web_key_test.json`: JWK Sets.
    struct JWKGroup: Decodable {
        let comment: String?
        let `private`: JWKSet
        let `public`: JWKSet?
        let tests: [JOSETest]
    }

    struct JOSEFile<Group: Decodable>: Decodable {
        let numberOfTests: Int
        let testGroups: [Group]
    }

    /// Decodes `url` as `T`, naming the file in any error.
    static func decode<T: Decodable>(_ type: T.Type, _ url: URL) throws(ConformanceError) -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .missingVectors("vector file \(url.path) is missing")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw .malformedVectors(path: url.path, "\(error)")
        }
    }

    /// Lowercase or uppercase hex to bytes; nil on odd length or a non-hex character.
    static func hex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let high = nibble(chars[i]), let low = nibble(chars[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    /// An unsigned big-endian integer from Wycheproof's two's-complement hex (a leading `00`
    /// when the top bit is set), without leading zero octets, left-padded to `size` when given
    /// (nil when it does not fit).
    static func unsigned(_ text: String, size: Int? = nil) -> [UInt8]? {
        guard let bytes = hex(text) else { return nil }
        var value = Array(bytes.drop(while: { $0 == 0 }))
        if value.isEmpty { value = [0] }
        guard let size else { return value }
        guard value.count <= size else { return nil }
        return [UInt8](repeating: 0, count: size - value.count) + value
    }

    /// A JOSE test group: its comment and tests (`JWSGroup`, `JWKGroup`).
    protocol JOSEGroup: Decodable {
        var comment: String? { get }
        var tests: [JOSETest] { get }
    }

    /// The cases of a Wycheproof JOSE file under `root`: each test a token decided under its
    /// group's signature-only setup. `describe` gives a group's trusted keys, the label of
    /// those keys in case descriptions, and the tags every case of the group carries.
    static func joseCases<Group: JOSEGroup>(
        _ file: String, in root: URL, as group: Group.Type, suite: ConformanceSuite,
        describe: (Group) -> (keys: [JWK], label: String, tags: [String])
    ) throws(ConformanceError) -> [ConformanceCase] {
        let url = root.appendingPathComponent(file)
        let parsed = try decode(JOSEFile<Group>.self, url)
        var cases: [ConformanceCase] = []
        for (index, group) in parsed.testGroups.enumerated() {
            let (keys, label, tags) = describe(group)
            let setup = ConformanceSetup.signatureOnly(id: "\(suite.rawValue)/group\(index)", keys: keys)
            for test in group.tests {
                guard let expectation = ConformanceExpectation.wycheproof(test.result) else {
                    throw .malformedVectors(path: url.path, "tcId \(test.tcId): unknown result \"\(test.result)\"")
                }
                cases.append(
                    ConformanceCase(
                        suite: suite, localID: "tc\(test.tcId)",
                        description: "group \(group.comment ?? "\(index)") (\(label)): \(test.comment)"
                            + (test.flags.isEmpty ? "" : " \(test.flags)"),
                        tags: [test.result] + tags + setup.rules.allowedAlgorithms.map(\.rawValue) + test.flags,
                        expectation: expectation,
                        body: .run(.token(test.jws), setup, now: VectorFile.defaultNow)))
            }
        }
        guard cases.count == parsed.numberOfTests else {
            throw .malformedVectors(path: url.path, "\(cases.count) tests read, numberOfTests says \(parsed.numberOfTests)")
        }
        return cases
    }
}

extension ConformanceWycheproof.JWSGroup: ConformanceWycheproof.JOSEGroup {}
extension ConformanceWycheproof.JWKGroup: ConformanceWycheproof.JOSEGroup {}
