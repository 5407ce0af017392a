import Foundation
import FuzzSupport

@testable import JWTValidation

/// The strict JSON scanner against a strict reference: Foundation's `JSONSerialization`
/// (fragments allowed) plus the scanner's documented extra rules, checked by `ReferenceWalk`
/// on the text Foundation accepted: no duplicate member names at any level (compared after
/// unescaping), at most `JSONScanner.maximumNesting` levels. Numbers follow the JSON grammar
/// only: a number Foundation cannot represent (1e400) is not a refusal. Both must accept the
/// same inputs, and for a top-level object read the same member names and string values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONScanner(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    let ours = scan(input)
    let reference = referenceParse(input)
    switch (ours, reference) {
    case (nil, nil): break
    case (.some, nil): fuzzFailure("the scanner accepts what the reference refuses", input)
    case (nil, .some): fuzzFailure("the scanner refuses what the reference accepts", input)
    case (.some(let a), .some(let b)):
        if a != b { fuzzFailure("members differ: scanner \(a), reference \(b)", input) }
    }
    return 0
}

/// The top-level members the scanner read (name -> string value, or nil for other kinds);
/// empty for a document that is not an object; nil when the scanner refuses.
func scan(_ input: UnsafeRawBufferPointer) -> [[UInt8]: [UInt8]?]? {
    var s = JSONScanner(input)
    do {
        var members: [[UInt8]: [UInt8]?] = [:]
        var probe = s
        if (try? probe.peekKind()) == JSONScanner.Kind.object {
            try s.forEachMember(depth: 1) { (s: inout JSONScanner, name: JSONSpan) throws(JSONScanError) in
                let key = JSONText.withUnescaped(name, in: input) { [UInt8]($0) }
                if try s.peekKind() == .string {
                    let value = try s.scanString()
                    members[key] = .some(JSONText.withUnescaped(value, in: input) { [UInt8]($0) })
                } else {
                    try s.skipValue(depth: 1)
                    members[key] = .some(nil)
                }
            }
        } else {
            try s.skipValue(depth: 0)
        }
        try s.finish()
        return members
    } catch {
        return nil
    }
}

func referenceParse(_ input: UnsafeRawBufferPointer) -> [[UInt8]: [UInt8]?]? {
    let data = Data(input)
    var object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    var walk = ReferenceWalk(Array(input))
    if object == nil {
        // Foundation refuses numbers it cannot represent; the grammar allows them. Retry with
        // every number replaced by 0, when the text is otherwise walkable.
        guard let zeroed = walk.numbersZeroed() else { return nil }
        object = try? JSONSerialization.jsonObject(with: Data(zeroed), options: [.fragmentsAllowed])
        guard object != nil else { return nil }
        walk = ReferenceWalk(zeroed)
    }
    guard walk.checkRules() else { return nil }
    guard let dictionary = object as? [String: Any] else { return [:] }
    var members: [[UInt8]: [UInt8]?] = [:]
    for (name, value) in dictionary {
        members[Array(name.utf8)] = .some((value as? String).map { Array($0.utf8) })
    }
    return members
}

@main enum FuzzJSONScannerMain {
    static func main() { FuzzMain.run(fuzzJSONScanner) }
}
