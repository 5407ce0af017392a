import Foundation
import JWTValidation
import Logging

/// The access log: one JSON object per line, through swift-log. Each request is logged at
/// `info` with its fields as metadata; this handler writes them as `{"time":...,"msg":...,
/// fields...}` so the lines can go straight into a log pipeline.
public struct JSONLineLogHandler: LogHandler {
    /// Where lines go: a file opened for appending, or standard output. Each line is one
    /// `write(2)`, so lines from several event loops never interleave (and need no lock).
    public final class Sink: Sendable {
        private let descriptor: Int32
        private let owned: Bool

        /// Standard output.
        public static let standardOutput = Sink(descriptor: STDOUT_FILENO, owned: false)

        private init(descriptor: Int32, owned: Bool) {
            self.descriptor = descriptor
            self.owned = owned
        }

        /// What `--access-log` names: `off` (none), `-` (standard output) or a file.
        public static func named(_ option: String) throws(GatewayError) -> Sink? {
            switch option {
            case "off": nil
            case "-": .standardOutput
            default: try Sink(path: option)
            }
        }

        /// The file at `path`, created or appended to.
        public convenience init(path: String) throws(GatewayError) {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw GatewayError("--access-log \(path): cannot open for appending: \(String(cString: strerror(errno)))")
            }
            self.init(descriptor: fd, owned: true)
        }

        /// Writes one line (unbuffered, so `tail -f` and tests see every request at once).
        func write(_ line: String) {
            var bytes = Array(line.utf8)
            bytes.append(0x0A)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }

        deinit {
            if owned { close(descriptor) }
        }
    }

    private let sink: Sink
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    /// A handler writing to `sink`.
    public init(sink: Sink) { self.sink = sink }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"time\":\(Self.quote(Self.timestamp())),\"level\":\"\(event.level)\",\"msg\":\(Self.quote(event.message.description))"
        let merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += ",\(Self.quote(key)):\(Self.json(value))"
        }
        line += "}"
        sink.write(line)
    }

    /// Numbers and booleans stay JSON numbers and booleans; everything else is a string.
    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .stringConvertible(let value):
            if value is Int || value is Int64 || value is UInt64 || value is Double || value is Bool { return value.description }
            return quote(value.description)
        case .array(let values): return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let fields):
            return "{" + fields.sorted { $0.key < $1.key }.map { "\(quote($0.key)):\(json($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (the project's one escaper).
    static func quote(_ text: String) -> String { JSONString.quote(text) }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000))
    }
}
