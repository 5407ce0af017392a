import Foundation
import LoadDriver
import Measurement
import Testing

/// `profile --perf` never records nothing silently: without perf, or when perf may not record,
/// it says so in one line (exit 2) and the workload does not run; `--for` with `--perf` records.
@Suite struct PerfUnavailableTests {
    /// A `perf` in `dir` that refuses, as perf does under kernel.perf_event_paranoid.
    static func refusingPerf(in dir: URL) throws {
        let fake = dir.appendingPathComponent("perf")
        try Data("#!/bin/sh\necho 'Error: Access to performance monitoring and observability operations is limited.' >&2\nexit 255\n".utf8)
            .write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-perf-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The usage message `record` threw, or nil (and an issue) when it threw something else.
    static func usageMessage(_ body: () throws -> String) -> String? {
        do {
            let line = try body()
            Issue.record("recorded: \(line)")
        } catch HarnessError.usage(let message) {
            return message
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    @Test func perfMissingFromPathIsSaidInOneLineAndNothingRuns() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var ran = false
        let message = Self.usageMessage {
            try PerfRecorder.record(out: dir.appendingPathComponent("out").path, environment: ["PATH": dir.path]) { ran = true }
        }
        #expect(!ran)
        #expect(message?.contains("perf is not installed") == true, "\(message ?? "")")
        #expect(message?.contains("\n") == false)
    }

    @Test func perfThatMayNotRecordIsSaidInOneLineAndNothingRuns() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.refusingPerf(in: dir)
        var ran = false
        let message = Self.usageMessage {
            try PerfRecorder.record(out: dir.appendingPathComponent("out").path, environment: ["PATH": dir.path]) { ran = true }
        }
        #expect(!ran)
        #expect(message?.contains("Access to performance monitoring") == true, "\(message ?? "")")
        #expect(message?.contains("exit 255") == true, "\(message ?? "")")
        #expect(message?.contains("\n") == false)
    }

    /// Runs the built `jwtbench` with `arguments` and `PATH` set to `path` only.
    static func jwtbench(_ arguments: [String], path: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var candidates = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("jwtbench") }
        if let bin = ProcessInfo.processInfo.environment["JWTBENCH_BIN"] { candidates.insert(URL(fileURLWithPath: bin), at: 0) }
        candidates.append(root.appendingPathComponent(".build/debug/jwtbench"))
        let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
        let errURL = dir.appendingPathComponent("stderr")
        let outURL = dir.appendingPathComponent("stdout")
        for url in [errURL, outURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = path
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// The binary: `profile --for ... --perf` with no perf on PATH exits 2 with one line on
    /// stderr (it used to run the loop and exit 0, recording nothing).
    @Test func profileForWithPerfButNoPerfExitsTwoSayingSo() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Self.jwtbench(
            ["profile", "--alg", "HS256", "--for", "100ms", "--perf", "--out", dir.appendingPathComponent("out").path], path: dir.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("perf is not installed"), "\(run.stderr)")
        #expect(!run.stdout.contains("validations"), "the workload ran without a recorder: \(run.stdout)")
    }

    /// The binary with a perf that may not record: exit 2, perf's own reason on one line (it
    /// used to run the 10 s loop and print "perf: 0 samples").
    @Test func profilePerfThatMayNotRecordExitsTwoSayingSo() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.refusingPerf(in: dir)
        let run = try Self.jwtbench(
            ["profile", "--alg", "HS256", "--for", "1s", "--perf", "--out", dir.appendingPathComponent("out").path],
            path: dir.path + ":/usr/bin:/bin")
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("Access to performance monitoring"), "\(run.stderr)")
    }
}
