import Revocation

extension Policy {
    /// Reads the policy's denylist (`jwtbench.revocation`) into a reloader, not yet polling
    /// (call `start()` where the list should follow its file); nil when the policy has none.
    /// - Throws: `ERR_NGROK_7171` naming `jwtbench.revocation.file` when the file is missing,
    ///   unreadable or has a bad line (with its number).
    public func loadRevocation(
        onEvent: @escaping @Sendable (RevocationReloader.Event) -> Void = { _ in }
    ) throws(PolicyError) -> RevocationReloader? {
        guard let revocation else { return nil }
        do {
            return try RevocationReloader(path: revocation.file, interval: revocation.reloadInterval, onEvent: onEvent)
        } catch {
            throw PolicyError(
                code: PolicyError.Code.invalidConfiguration.rawValue, field: "jwtbench.revocation.file",
                message: "jwtbench extension jwtbench.revocation.file (not an ngrok field): \(error)")
        }
    }
}
