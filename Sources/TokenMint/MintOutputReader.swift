import Foundation
import JWTValidation

/// Reads back the token files of a `mint --out` folder (`MintOutput`): `tokens.txt`, and the
/// `expected.jsonl` beside it (one JSON object per line with `id`, `alg`, `now` and
/// `expect`), or any files of the same shape a user provides.
public enum MintOutputReader {
    /// One line of `expected.jsonl`.
    public struct Expectation: Sendable, Equatable {
        /// The case id (`variant/alg/size/n`), if the line has one.
        public let id: String?
        /// The token's `alg` label, if the line has one.
        public let algorithm: String?
        /// The expected denial; nil when the token must be allowed (`allow` or `acceptable`).
        public let reason: ReasonCode?
        /// The validation time the expectation was stated for (the mint time), if given.
        public let now: Int64?
    }

    /// The non-empty lines of the tokens file at `path`, trimmed.
    public static func tokens(atPath path: String) throws(MintOutputError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MintOutputError("cannot read the tokens file \(path)")
        }
        let tokens = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !tokens.isEmpty else { throw MintOutputError("\(path) holds no tokens") }
        return tokens
    }

    /// The expectations file at `path`, which must have one line per token of `tokensPath`
    /// (`tokenCount` of them).
    public static func expectations(atPath path: String, tokenCount: Int, tokensPath: String) throws(MintOutputError) -> [Expectation] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MintOutputError("cannot read the expectations file \(path)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
        guard lines.count == tokenCount else {
            throw MintOutputError("\(path) has \(lines.count) lines for the \(tokenCount) tokens of \(tokensPath)")
        }
        var out: [Expectation] = []
        for (i, line) in lines.enumerated() {
            out.append(try expectation(String(line), at: "\(path) line \(i + 1)"))
        }
        return out
    }

    static func expectation(_ line: String, at location: String) throws(MintOutputError) -> Expectation {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let expect = object["expect"] as? [String: Any], let decision = expect["decision"] as? String
        else {
            throw MintOutputError("\(location): not an expectation object with expect.decision")
        }
        var reason: ReasonCode?
        switch decision {
        case "allow", "acceptable": reason = nil
        case "deny":
            guard let raw = expect["reason"] as? String, let r = ReasonCode(rawValue: raw) else {
                throw MintOutputError("\(location): a deny expectation needs a known reason code")
            }
            reason = r
        default: throw MintOutputError("\(location): unknown decision \"\(decision)\"")
        }
        return Expectation(
            id: object["id"] as? String, algorithm: object["alg"] as? String, reason: reason,
            now: (object["now"] as? NSNumber)?.int64Value)
    }
}

/// A `mint --out` file that cannot be read or does not have its shape.
public struct MintOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
