import Foundation

/// `profile --perf`: records this process with `perf`, folds the stacks (Brendan Gregg's
/// folded format), demangles Swift names with `swift demangle`, and draws a flame graph.
enum PerfRecorder {
    static func record(out: String, seconds: Double, workload: () throws -> Void) throws {
        guard let perf = which("perf") else {
            throw CLIError.configuration("perf is not installed (Debian: apt-get install linux-perf)")
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
            if let demangled = try? capture(swift, ["demangle", "--simplified"], input: folded.map { "\($0.key) \($0.value)" }.joined(separator: "\n")) {
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
        print("perf: \(samples) samples; folded stacks \(out)/perf.folded, flame graph \(out)/flamegraph.svg")
    }

    /// perf script output (leaf-first frames per sample) to "root;...;leaf" -> count.
    static func fold(_ script: String) -> [String: Int] {
        var out: [String: Int] = [:]
        var frames: [String] = []
        var comm = ""
        func flush() {
            if !frames.isEmpty { out[([comm] + frames.reversed()).joined(separator: ";"), default: 0] += 1 }
            frames = []
        }
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { flush(); continue }
            if line.first == "\t" || line.first == " " {
                let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
                var symbol = parts.count > 1 ? String(parts[1]) : "[unknown]"
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

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

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

/// A self-contained flame graph (SVG) from folded stacks: width is the share of samples,
/// depth the call depth, root at the bottom.
enum FlameGraph {
    final class Node {
        var name: String
        var count = 0
        var children: [String: Node] = [:]
        init(_ name: String) { self.name = name }
    }

    static func svg(_ folded: [String: Int], title: String, width: Double = 1200) -> String {
        let root = Node("all")
        var depth = 0
        for (stack, n) in folded {
            root.count += n
            var node = root
            let frames = stack.split(separator: ";").map(String.init)
            depth = max(depth, frames.count)
            for f in frames {
                let child = node.children[f] ?? Node(f)
                node.children[f] = child
                child.count += n
                node = child
            }
        }
        let rowHeight = 16.0
        let height = Double(depth + 2) * rowHeight + 30
        var body = ""
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        func draw(_ node: Node, x: Double, level: Int) {
            let w = width * Double(node.count) / Double(max(root.count, 1))
            guard w >= 0.3 else { return }
            let y = height - Double(level + 1) * rowHeight - 10
            var hash: UInt32 = 2166136261
            for b in node.name.utf8 { hash = (hash ^ UInt32(b)) &* 16777619 }
            let color = "rgb(\(205 + Int(hash % 50)),\(80 + Int((hash >> 8) % 120)),\(40 + Int((hash >> 16) % 40)))"
            let pct = String(format: "%.2f", 100 * Double(node.count) / Double(max(root.count, 1)))
            let label = w > 40 ? String(node.name.prefix(Int(w / 7))) : ""
            body += "<g><title>\(esc(node.name)) (\(node.count) samples, \(pct)%)</title>"
            body += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\" rx=\"2\"/>", x, y, w, rowHeight - 1, color)
            if !label.isEmpty { body += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>", x + 3, y + 11.5, esc(label)) }
            body += "</g>\n"
            var cx = x
            for child in node.children.values.sorted(by: { $0.name < $1.name }) {
                draw(child, x: cx, level: level + 1)
                cx += width * Double(child.count) / Double(max(root.count, 1))
            }
        }
        draw(root, x: 0, level: 0)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="monospace" font-size="11">
            <text x="4" y="16" font-size="14">\(esc(title)): \(root.count) samples (hover a frame for its share)</text>
            \(body)</svg>

            """
    }
}
