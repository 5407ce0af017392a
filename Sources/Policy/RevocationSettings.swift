/// The token denylist a policy names (jwtbench extension, `jwtbench.revocation`).
///
/// ```yaml
/// jwtbench:
///   revocation:
///     file: revoked.txt        # required; relative to the policy file, like key files
///     reload_interval: 5s      # how often the file's identity is checked; default 5s
/// ```
/// The file itself is read when the policy is put to use (`Policy.loadRevocation`), where a
/// missing, unreadable or malformed file is a configuration error.
public struct RevocationSettings: Sendable, Hashable {
    /// The denylist file, resolved against the policy file's directory when known.
    public var file: String
    /// How often the file's device, inode, size and modification time are checked.
    public var reloadInterval: Duration

    /// The polling interval when the policy names none.
    public static let defaultReloadInterval: Duration = .seconds(5)

    /// Settings as written in code.
    public init(file: String, reloadInterval: Duration = defaultReloadInterval) {
        self.file = file
        self.reloadInterval = reloadInterval
    }
}
