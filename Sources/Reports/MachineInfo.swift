import Foundation

/// The machine a run measured on: numbers from different machines are not comparable, so
/// every report carries this.
public struct MachineInfo: Codable, Sendable, Equatable {
    /// CPU model from `/proc/cpuinfo` (`model name`), or `unknown`.
    public var cpuModel: String
    /// Logical CPUs (`processor` entries in `/proc/cpuinfo`, else the active processor count).
    public var cpuCount: Int
    /// `PRETTY_NAME` from `/etc/os-release`, or `unknown`.
    public var operatingSystem: String
    /// `uname`: system, kernel release and machine, e.g. `Linux 6.1.0-18-amd64 x86_64`.
    public var kernel: String
    /// The host's name (tells shards of one run apart).
    public var hostName: String
    /// As the caller reports it (the toolchain the binary was built with).
    public var swiftVersion: String
    /// As the caller reports it (`OpenSSL_version(OPENSSL_VERSION)`); Reports cannot import
    /// the crypto module itself.
    public var openSSLVersion: String

    /// A machine description from its parts (tests, or a summary from elsewhere).
    public init(
        cpuModel: String, cpuCount: Int, operatingSystem: String, kernel: String, hostName: String,
        swiftVersion: String, openSSLVersion: String
    ) {
        self.cpuModel = cpuModel
        self.cpuCount = cpuCount
        self.operatingSystem = operatingSystem
        self.kernel = kernel
        self.hostName = hostName
        self.swiftVersion = swiftVersion
        self.openSSLVersion = openSSLVersion
    }

    enum CodingKeys: String, CodingKey {
        case kernel
        case cpuModel = "cpu_model"
        case cpuCount = "cpu_count"
        case operatingSystem = "operating_system"
        case hostName = "host_name"
        case swiftVersion = "swift_version"
        case openSSLVersion = "openssl_version"
    }

    /// Describes the current machine from `/proc/cpuinfo`, `/etc/os-release` and `uname`.
    public static func current(swiftVersion: String, openSSLVersion: String) -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpu = parseCPUInfo(cpuinfo)
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        return MachineInfo(
            cpuModel: cpu.model ?? "unknown",
            cpuCount: cpu.count > 0 ? cpu.count : ProcessInfo.processInfo.activeProcessorCount,
            operatingSystem: parseOSRelease(osRelease) ?? "unknown", kernel: unameDescription(),
            hostName: ProcessInfo.processInfo.hostName, swiftVersion: swiftVersion,
            openSSLVersion: openSSLVersion)
    }

    /// The CPU model and the number of `processor` entries of a `/proc/cpuinfo` text. ARM
    /// kernels have no `model name`; their `Hardware` or `CPU part` line stands in.
    public static func parseCPUInfo(_ text: String) -> (model: String?, count: Int) {
        var model: String?
        var fallback: String?
        var count = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            switch key {
            case "processor": count += 1
            case "model name" where model == nil && !value.isEmpty: model = value
            case "Hardware", "CPU part": if fallback == nil, !value.isEmpty { fallback = value }
            default: break
            }
        }
        return (model ?? fallback, count)
    }

    /// `PRETTY_NAME` of an `/etc/os-release` text, unquoted.
    public static func parseOSRelease(_ text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            var value = line.dropFirst("PRETTY_NAME=".count)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            return String(value)
        }
        return nil
    }

    static func unameDescription() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown" }
        func field<T>(_ value: inout T) -> String {
            withUnsafeBytes(of: &value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return "\(field(&names.sysname)) \(field(&names.release)) \(field(&names.machine))"
    }
}
