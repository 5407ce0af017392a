import Foundation

/// Where a command writes its report: `--out` when given (the run is named after its last
/// path component), else `reports/<prefix>-<UTC time>`.
public struct ReportDirectory: Sendable {
    /// The run's name (the folder's last component).
    public let name: String
    /// The folder.
    public let url: URL

    /// - Parameters:
    ///   - out: the folder the user asked for, if any.
    ///   - prefix: the command's name, for the default folder (`load`, `run`, ...).
    public init(out: String?, prefix: String, now: Date = Date()) {
        name = out.map { URL(fileURLWithPath: $0).lastPathComponent } ?? prefix + "-" + Self.timestamp(now)
        url = URL(fileURLWithPath: out ?? "reports/\(name)")
    }

    /// `yyyyMMdd-HHmmss` in UTC: the time part of default report folder names.
    public static func timestamp(_ date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: date)
    }
}
