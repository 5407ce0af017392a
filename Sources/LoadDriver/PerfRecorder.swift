import Foundation
import Measurement
import Reports

/// `profile --perf`: records this process with `perf`, folds the stacks (Brendan Gregg's
/// folded format), demangles Swift names with `swift demangle`, and draws a flame graph
/// (`FlameGraph`, in Reports).
public enum PerfRecorder {
    /// Records this process with `perf record -g` while `workload` runs, then writes
    /// `perf.data`, `perf.folded` and `flamegraph.svg` into `out`; returns the summary line.
    /// - Throws: `HarnessError.usage` when perf is not installed.
    public static func record(out: String, workload: () throws -> Void) throws -> String {
        guard let perf = which("perf") else {
            throw HarnessError.usage("perf is not installed (Debian: apt-get install linux-perf)")
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let data = out + "/perf.data"
        let recorder = Process()
        recorder.executableURL = URL(fileURLWithPath: perf)
        recorder.arguments = ["record", "-F", "997", "-g", "-o", data, "-p", String(ProcessInfo.processInfo.processIdentifier)]
        recorder.standardError = FileHandle.nullDevice
        recorder.standardOutput = FileHandle.nullDevice
        try recorder.run()
        Thread.sleep(forTimeInterval: 0.5)  // let perf attach before the workload starts
        try workload()
        recorder.interrupt()
        recorder.waitUntilExit()
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

    /// The first executable named `tool` on `$PATH`.
    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
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
