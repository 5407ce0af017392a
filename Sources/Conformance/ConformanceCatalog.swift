import Foundation
import TokenMint

/// The cases of the selected suites, read from the project's `vectors/` folder and the
/// external vectors folder, and where those folders are.
public struct ConformanceCatalog: Sendable {
    /// Every case of the loaded suites, suite by suite in `ConformanceSuite` order.
    public let cases: [ConformanceCase]
    /// What the console should say about the sources (folders used, suites skipped).
    public let notes: [String]

    /// Loads `suites`. The project's suite needs `projectVectors` (the folder holding
    /// `jwtbench-cases.json`); the external suites need `externalVectors`, and without it they
    /// are left out with a note (a missing file inside a given folder is an error, so a wrong
    /// path cannot pass silently).
    public static func load(_ suites: [ConformanceSuite], projectVectors: String?, externalVectors: String?) throws(ConformanceError)
        -> ConformanceCatalog
    {
        var cases: [ConformanceCase] = []
        var notes: [String] = []
        if suites.contains(.jwtbench) {
            guard let projectVectors else {
                throw .missingVectors(
                    "cannot find the project's vectors (vectors/\(ConformanceJWTBenchSuite.fileName)): run from the repository")
            }
            let path = URL(fileURLWithPath: projectVectors).appendingPathComponent(ConformanceJWTBenchSuite.fileName).path
            notes.append("project vectors: \(path)")
            cases += try ConformanceJWTBenchSuite.load(path: path)
        }
        let external = suites.filter(\.isExternal)
        if !external.isEmpty {
            if let externalVectors {
                notes.append("external suites from \(externalVectors)")
                let root = URL(fileURLWithPath: externalVectors)
                for suite in external {
                    switch suite {
                    case .jwtbench: break
                    case .wycheproofJWS: cases += try ConformanceWycheproofJWSSuite.load(from: root)
                    case .wycheproofJWK: cases += try ConformanceWycheproofJWKSuite.load(from: root)
                    case .wycheproofPrimitives: cases += try ConformanceWycheproofPrimitivesSuite.load(from: root)
                    case .rfc7515:
                        // `make vectors` cannot fetch it (no upstream JSON): skip, and say so.
                        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("rfc7515").path) else {
                            notes.append("rfc7515 suite SKIPPED: \(externalVectors)/rfc7515 does not exist")
                            continue
                        }
                        cases += try ConformanceRFC7515Suite.load(from: root)
                    case .rfc7520: cases += try ConformanceRFC7520Suite.load(from: root)
                    case .wycheproofJWE: cases += try ConformanceWycheproofJWESuite.load(from: root)
                    case .wycheproofJWEPrimitives: cases += try ConformanceWycheproofJWEPrimitivesSuite.load(from: root)
                    case .rfc7520JWE: cases += try ConformanceRFC7520JWESuite.load(from: root)
                    }
                }
            } else {
                notes.append(
                    "external suites SKIPPED (\(external.map(\.rawValue).joined(separator: ", "))): no vectors folder; "
                        + "pass --suites DIR or set JWTBENCH_VECTORS; only the project's vectors ran")
            }
        }
        return ConformanceCatalog(cases: cases, notes: notes)
    }

    /// The project's `vectors/` folder (holding `jwtbench-cases.json`): `./vectors`, beside the
    /// executable's checkout (`.build/<config>/jwtbench` -> `vectors`), or this source file's
    /// checkout, like `TestKeySet.locate`.
    public static func locateProjectVectors(filePath: String = #filePath) -> String? {
        ProjectFolder.locate("vectors", containing: ConformanceJWTBenchSuite.fileName, filePath: filePath)
    }

    /// The external vectors folder: `explicit` (`--suites`), else `$JWTBENCH_VECTORS`, both of
    /// which must exist; else `../shared/vectors` beside the working directory or beside the
    /// checkout holding `projectVectors`, when one exists; nil when none does.
    public static func resolveExternalVectors(explicit: String?, projectVectors: String?) throws(ConformanceError) -> String? {
        func isFolder(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if let explicit {
            guard isFolder(explicit) else { throw .missingVectors("--suites \(explicit) is not a folder") }
            return URL(fileURLWithPath: explicit).standardizedFileURL.path
        }
        if let env = ProcessInfo.processInfo.environment["JWTBENCH_VECTORS"], !env.isEmpty {
            guard isFolder(env) else { throw .missingVectors("JWTBENCH_VECTORS=\(env) is not a folder") }
            return URL(fileURLWithPath: env).standardizedFileURL.path
        }
        var candidates = [FileManager.default.currentDirectoryPath + "/../shared/vectors"]
        if let projectVectors { candidates.append(projectVectors + "/../../shared/vectors") }
        return candidates.first(where: isFolder).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }
}
