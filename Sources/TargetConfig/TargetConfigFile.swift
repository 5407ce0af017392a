/// One file of a generated configuration, named relative to the output folder.
public struct TargetConfigFile: Sendable, Equatable {
    public let name: String
    public let contents: String
    /// Written with mode 0755 (start scripts), else 0644.
    public let executable: Bool

    public init(_ name: String, _ contents: String, executable: Bool = false) {
        self.name = name
        self.contents = contents
        self.executable = executable
    }
}
