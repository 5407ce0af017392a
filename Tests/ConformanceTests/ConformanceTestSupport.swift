import Conformance
import Foundation
import JWTValidation
import Reports
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

// Shared helpers for the conformance tests: where the vectors are, the loaded suites (read once
// per test process), a scripted engine, and a JUnit reader.

enum ConformanceFixtures {
    /// `Tests/HarnessTests/ConformanceTestSupport.swift` -> the package root.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let projectVectors = packageRoot.appendingPathComponent("vectors").path

    /// `$JWTBENCH_VECTORS`, else `../shared/vectors` beside the package, as the other suites do.
    static let externalVectors: String = {
        if let env = ProcessInfo.processInfo.environment["JWTBENCH_VECTORS"], !env.isEmpty { return env }
        return packageRoot.appendingPathComponent("../shared/vectors").standardizedFileURL.path
    }()

    static let externalAvailable: Bool = {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: externalVectors, isDirectory: &isDirectory) && isDirectory.boolValue
        if !exists {
            print(
                "HarnessTests: no external vectors at \(externalVectors): the external conformance suites are SKIPPED (set JWTBENCH_VECTORS)"
            )
        }
        return exists
    }()

    static let skipNote = Comment(rawValue: "skipped: no external vectors at \(externalVectors) (set JWTBENCH_VECTORS)")

    /// The project's suite alone (always available).
    static let project: Result<ConformanceCatalog, ConformanceError> = Result { () throws(ConformanceError) in
        try ConformanceCatalog.load([.jwtbench], projectVectors: projectVectors, externalVectors: nil)
    }

    /// Every suite, when the external vectors exist.
    static let everything: Result<ConformanceCatalog, ConformanceError> = Result { () throws(ConformanceError) in
        try ConformanceCatalog.load(
            ConformanceSuite.allCases, projectVectors: projectVectors,
            externalVectors: externalAvailable ? externalVectors : nil)
    }

    /// The committed expected-failure list.
    static func committedList() throws -> ConformanceExpectedFailures {
        try ConformanceExpectedFailures.load(path: projectVectors + "/" + ConformanceExpectedFailures.fileName)
    }
}

/// An engine that answers from a script keyed by token text (tests give every case its own
/// token), so the runner's judging can be tested without crypto.
struct ScriptedEngine: ConformanceEngine {
    let answers: [String: ConformanceDecision]
    var name: String { "scripted" }

    func decide(_ input: ConformanceInput, trust: ConformanceTrust, now: Int64) -> ConformanceDecision {
        guard case .token(let token) = input, let answer = answers[token] else {
            return .deny(.tokenMalformed, "the script has no answer for this input")
        }
        return answer
    }

    /// A case of `suite` whose token is `localID`, with an empty HS256 setup.
    static func scriptedCase(
        _ localID: String, suite: ConformanceSuite = .jwtbench, expect: ConformanceExpectation,
        tags: [String] = []
    ) -> ConformanceCase {
        let setup = ConformanceSetup(id: "scripted", rules: .signatureOnly([.hs256]), keys: .set([]))
        return ConformanceCase(
            suite: suite, localID: localID, description: "scripted case \(localID)", tags: tags,
            expectation: expect, body: .run(.token(localID), setup, now: 0))
    }
}

/// What a JUnit document holds: every testcase (classname, name) and how it ended.
struct JUnitDocument {
    struct TestCase: Hashable {
        let classname: String
        let name: String
        /// `failure`, `skipped`, or nil for a pass.
        var outcome: String?
    }

    var testcases: [TestCase] = []
    var suites: [String: (tests: Int, failures: Int)] = [:]
    var rootTests: Int?
    var rootFailures: Int?

    var failedNames: Set<String> { Set(testcases.filter { $0.outcome == "failure" }.map(\.name)) }

    /// Parses `xml` with Foundation's XML parser; a document that is not well-formed throws.
    static func parse(_ xml: String) throws -> JUnitDocument {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw JUnitParseError(description: "JUnit XML is not well-formed: \(parser.parserError.map { "\($0)" } ?? "unknown error")")
        }
        return delegate.document
    }

    final class Delegate: NSObject, XMLParserDelegate {
        var document = JUnitDocument()

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes: [String: String] = [:]
        ) {
            switch elementName {
            case "testsuites":
                document.rootTests = attributes["tests"].flatMap { Int($0) }
                document.rootFailures = attributes["failures"].flatMap { Int($0) }
            case "testsuite":
                document.suites[attributes["name"] ?? ""] = (Int(attributes["tests"] ?? "") ?? -1, Int(attributes["failures"] ?? "") ?? -1)
            case "testcase":
                document.testcases.append(TestCase(classname: attributes["classname"] ?? "", name: attributes["name"] ?? "", outcome: nil))
            case "failure", "skipped":
                if !document.testcases.isEmpty { document.testcases[document.testcases.count - 1].outcome = elementName }
            default:
                break
            }
        }
    }
}

struct JUnitParseError: Error, CustomStringConvertible {
    let description: String
}
