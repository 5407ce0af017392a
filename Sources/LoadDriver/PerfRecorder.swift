import Foundation
import Measurement
import Reports

/// `profile --perf`: records this process with `perf`, folds the stacks (Brendan Gregg's
/// folded format), demangles Swift names with `swift demangle`, and draws a flame graph
/// (`FlameGraph`, in Reports).
public enum PerfRecorder {
    /// Records this process with `perf record -g` while `workload` runs, then writes
    /// `perf.data`, `perf.folded` and `flamegraph.svg` into `out`; returns the summary line.
    /// `perf` is looked up on `environment`'s `PATH`. Nothing is skipped silently: the workload
    /// does not run when perf cannot record.
    /// - Throws: `HarnessError.usage` (one line) when perf is not installed, when it stopped
    ///   before the workload began (not permitted: `kernel.perf_event_paranoid`, a container
    ///   without `perf_event_open`), or when it recorded no samples.
    public static func record(
        out: String, environment: [String: String] = ProcessInfo.processInfo.environment, workload: () throws -> Void
    ) throws -> String {
        guard let perf = which("perf", path: environment["PATH"]) else {
            throw HarnessError.usage("--perf: perf is not installed or not on PATH (Debian: apt-get install linux-perf); nothing recorded")
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let data = out + "/perf.data"
        try? FileManager.default.removeItem(atPath: data)  // an old recording must not pass for this one
        let recorder = Process()
        recorder.executableURL = URL(fileURLWithPath: perf)
        recorder.arguments = ["record", "-F", "997", "-g", "-o", data, "-p", String(ProcessInfo.processInfo.processIdentifier)]
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-perf-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        recorder.standardError = try FileHandle(forWritingTo: errors)
        recorder.standardOutput = FileHandle.nullDevice
        recorder.standardInput = FileHandle.nullDevice
        do { try recorder.run() } catch { throw HarnessError.usage("--perf: cannot run \(perf): \(error); nothing recorded") }
        Thread.sleep(forTimeInterval: 0.5)  // let perf attach before the workload starts
        guard recorder.isRunning else {
            recorder.waitUntilExit()
            throw HarnessError.usage(
                "--perf: \(perf) record stopped before the workload (exit \(recorder.terminationStatus)): "
                    + firstLine(of: errors, or: "no message")
                    + "; not permitted? see /proc/sys/kernel/perf_event_paranoid; nothing recorded")
        }
        do { try workload() } catch {
            recorder.interrupt()  // a failed workload must not leave perf recording
            recorder.waitUntilExit()
            throw error
        }
        recorder.interrupt()
        recorder.waitUntilExit()
        guard FileManager.default.fileExists(atPath: data) else {
            throw HarnessError.usage(
                "--perf: \(perf) record wrote no \(data) (exit \(recorder.terminationStatus)): \(firstLine(of: errors, or: "no message"))")
        }
        let script = try capture(perf, ["script", "-i", data, "-F", "comm,ip,sym"])
        var folded = fold(script)
        if let swift = which("swift") {
            // Demangle the whole folded text in one pass.
            if let demangled = try? capture(
                swift, ["demangle", "--simplified"], input: folded.map { "\($0.key) \($0.value)" }.joined(separator: "\n"))
            {
                var again: [String: Int] = [:]
                for line in demangled.split(separator: "\n") {
                    guard let space = line.lastIndex(of: " "), let n = Int(line[line.index(after: space)...]) else { continue }
                    again[String(line[..<space]), default: 0] += n
                }
                if !again.isEmpty { folded = again }
            }
        }
        let foldedText = folded.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n") + "\n"
        try Data(foldedText.utf8).write(to: URL(fileURLWithPath: out + "/perf.folded"))
        try Data(FlameGraph.svg(folded, title: "jwtbench profile").utf8).write(to: URL(fileURLWithPath: out + "/flamegraph.svg"))
        let samples = folded.values.reduce(0, +)
        guard samples > 0 else {
            throw HarnessError.usage("--perf: perf recorded no samples of this process (\(data)); not permitted to sample it?")
        }
        return "perf: \(samples) samples; folded stacks \(out)/perf.folded, flame graph \(out)/flamegraph.svg"
    }

    /// perf script output (leaf-first frames per sample) to "root;...;leaf" -> count.
    public static func fold(_ script: String) -> [String: Int] {
        var out: [String: Int] = [:]
        var frames: [String] = []
        var comm = ""
        func flush() {
            if !frames.isEmpty { out[([comm] + frames.reversed()).joined(separator: ";"), default: 0] += 1 }
            frames = []
        }
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty {
                flush()
                continue
            }
            if line.first == "\t" || line.first == " " {
                // "\t    <ip> <symbol>+0x<offset> (<dso>)": the dso only when perf is asked for it.
                let parts = line.drop { $0 == "\t" || $0 == " " }.split(separator: " ", maxSplits: 1)
                var symbol = parts.count > 1 ? String(parts[1]) : "[unknown]"
                if let dso = symbol.range(of: " (") { symbol = String(symbol[..<dso.lowerBound]) }
                if let plus = symbol.range(of: "+0x") { symbol = String(symbol[..<plus.lowerBound]) }
                frames.append(symbol.replacingOccurrences(of: ";", with: ":"))
            } else {
                flush()
                comm = line.trimmingCharacters(in: .whitespaces)
            }
        }
        flush()
        return out
    }

    /// The first non-empty line of the file at `url`, trimmed, or `fallback`.
    private static func firstLine(of url: URL, or fallback: String) -> String {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? fallback
    }

    /// The first executable named `tool` on `path` (a `$PATH` value; nil: this process's).
    static func which(_ tool: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for dir in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs `tool` and returns its stdout (stderr dropped), feeding it `input` if given.
    static func capture(_ tool: String, _ arguments: [String], input: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let outPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = FileHandle.nullDevice
        let inPipe = Pipe()
        if input != nil { p.standardInput = inPipe }
        try p.run()
        if let input {
            // Write from another thread so a full output pipe cannot deadlock us.
            let handle = inPipe.fileHandleForWriting
            let bytes = Data(input.utf8)
            Thread.detachNewThread {
                handle.write(bytes)
                try? handle.close()
            }
        }
        let data = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
