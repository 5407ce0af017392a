import Testing

@testable import JWTValidation

/// `TokenExtractor` reads header tokens by walking the values' bytes in place (for speed);
/// this holds it to a plain reading of the same rules over byte arrays, on seeded random
/// requests built from the pieces that matter: name case, commas, spaces and tabs, the
/// scheme in any case, with and without a token, non-ASCII text.
@Suite struct HeaderTokenDifferentialTests {
    /// What a header location yields.
    enum Outcome: Equatable {
        case token(String)
        case ambiguous(candidates: Int)
        case noHeader
        case prefixWithoutToken
        case empty
        case wrongPrefix
    }

    /// The rules, read plainly: every field of the name (ASCII case ignored), each value split
    /// on commas, each piece trimmed of spaces and tabs, empty pieces skipped; a piece is a
    /// candidate if it starts with the prefix (leading blanks of the prefix ignored, ASCII
    /// case ignored) and has something after it, or always when there is no prefix.
    static func reference(_ headers: [(String, String)], _ location: TokenLocation) -> Outcome {
        func lower(_ bytes: some Sequence<UInt8>) -> [UInt8] { bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }
        func trim(_ bytes: ArraySlice<UInt8>, leading: Bool = true, trailing: Bool = true) -> ArraySlice<UInt8> {
            var bytes = bytes
            while leading, let first = bytes.first, first == 32 || first == 9 { bytes.removeFirst() }
            while trailing, let last = bytes.last, last == 32 || last == 9 { bytes.removeLast() }
            return bytes
        }
        let values = headers.filter { lower($0.0.utf8) == lower(location.name.utf8) }.map { Array($0.1.utf8) }
        guard !values.isEmpty else { return .noHeader }
        let prefix = trim(ArraySlice(Array(location.prefix.utf8)), trailing: false)
        let scheme = trim(prefix)
        var tokens: [ArraySlice<UInt8>] = []
        var prefixWithoutToken = false
        for value in values {
            for piece in value.split(separator: 44, omittingEmptySubsequences: false).map({ trim($0) }) where !piece.isEmpty {
                if prefix.isEmpty {
                    tokens.append(piece)
                } else if piece.count >= prefix.count && lower(piece.prefix(prefix.count)) == lower(prefix) {
                    let rest = trim(piece.dropFirst(prefix.count))
                    if rest.isEmpty { prefixWithoutToken = true } else { tokens.append(rest) }
                } else if !scheme.isEmpty && lower(piece) == lower(scheme) {
                    prefixWithoutToken = true
                }
            }
        }
        if tokens.count > 1 { return .ambiguous(candidates: tokens.count) }
        if let token = tokens.first { return .token(String(decoding: token, as: UTF8.self)) }
        if prefixWithoutToken { return .prefixWithoutToken }
        return prefix.isEmpty ? .empty : .wrongPrefix
    }

    static func actual(_ headers: [(String, String)], _ location: TokenLocation) -> Outcome? {
        let request = HTTPRequest(headers: headers.map { HTTPHeader($0.0, $0.1) })
        switch TokenExtractor.extract(from: request, locations: [location]) {
        case .success(let found): return found.count == 1 ? .token(found[0].token) : nil
        case .failure(let denial):
            let detail = denial.detail
            switch denial.reason {
            case .tokenAmbiguous:
                guard let count = detail.split(separator: " ").firstIndex(of: "found").map({ detail.split(separator: " ")[$0 + 1] })
                else { return nil }
                return Int(count).map { .ambiguous(candidates: $0) }
            case .tokenMissing:
                if detail.hasPrefix("no ") { return .noHeader }
                if detail.contains("but no token") { return .prefixWithoutToken }
                if detail.contains("is empty") { return .empty }
                if detail.contains("does not start with the prefix") { return .wrongPrefix }
                return nil
            default: return nil
            }
        }
    }

    @Test func theByteWalkAgreesWithThePlainReading() {
        var generator = SplitMix64(seed: 0x6a77_7462_656e_6368)
        let pieces = [
            "Bearer ", "bearer ", "BEARER", "Bearer", "Bearer\t", " ", "\t", ",", ", ", "tok", "a.b.c", "é", "Basic xyz",
            "Token:", "x", "", "\u{301}",
        ]
        let prefixes = ["Bearer ", "bearer", " Bearer  ", "", "Token:", "é ", " \t", "Bearer\t"]
        let names = ["Authorization", "authorization", "AUTHORIZATION", "X-Other", "Authorisation"]
        for _ in 0..<5000 {
            var headers: [(String, String)] = []
            for _ in 0..<generator.next(below: 4) {
                var value = ""
                for _ in 0..<generator.next(below: 7) { value += pieces[generator.next(below: pieces.count)] }
                headers.append((names[generator.next(below: names.count)], value))
            }
            let location = TokenLocation(name: "Authorization", prefix: prefixes[generator.next(below: prefixes.count)])
            let expected = Self.reference(headers, location)
            let got = Self.actual(headers, location)
            #expect(got == expected, "headers \(headers), prefix \"\(location.prefix)\"")
            if got != expected { return }
        }
    }
}
