import Foundation

/// Finds a folder of this repository at run time, wherever the program was started: the
/// working directory, the checkout the executable was built in (`.build/<config>/jwtbench`
/// lies five levels below at most), or the checkout of the source file that asks.
public enum ProjectFolder {
    /// The first candidate for `relative` (e.g. `vectors/keys`) that holds `marker`, after
    /// `preferred` (a path from the environment); nil when none does.
    public static func locate(
        _ relative: String, containing marker: String, preferred: String? = nil,
        filePath: String = #filePath
    ) -> String? {
        var candidates = preferred.map { [$0] } ?? []
        candidates.append(FileManager.default.currentDirectoryPath + "/" + relative)
        var exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        for _ in 0..<5 {
            exe.deleteLastPathComponent()
            candidates.append(exe.appendingPathComponent(relative).path)
        }
        // Sources/<Module>/<File>.swift: three components up is the checkout.
        var source = URL(fileURLWithPath: filePath)
        for _ in 0..<3 { source.deleteLastPathComponent() }
        candidates.append(source.appendingPathComponent(relative).path)
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/" + marker) }
    }
}
