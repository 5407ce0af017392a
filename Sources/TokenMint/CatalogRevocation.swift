import JOSECrypto
import JWTValidation
import Revocation

/// The `revoked` catalogue policy's denylist: one fixed `jti` (the `revoked-jti` variant's)
/// and the SHA-256 of every minted `revoked-token-hash` token (those have no `jti`, and their
/// bytes depend on the mint's seed, time and algorithm, so the list is made from the cases).
public enum CatalogRevocation {
    /// The `jti` every `revoked-jti` token carries.
    public static let jti = "jwtbench-catalogue-revoked-jti"
    /// The denylist's file name, beside the policy file (`policy.yaml` names it relatively).
    public static let fileName = "revoked.txt"

    /// The denylist lines for `cases`: the fixed `jti`, then one `sha256:` line per distinct
    /// `revoked-token-hash` token, in case order.
    public static func entries(for cases: [MintedCase]) -> [String] {
        var lines = [jti]
        var seen = Set<String>()
        for c in cases where c.variant.id == "revoked-token-hash" {
            guard case .token(let token) = c.input, let line = try? RevocationFileWriter.entry(forToken: token) else { continue }
            if seen.insert(line).inserted { lines.append(line) }
        }
        return lines
    }

    /// The denylist file's text for `cases`.
    public static func fileText(for cases: [MintedCase]) -> String {
        "# jwtbench catalogue denylist (policy \"revoked\"): a jti, then tokens without one by SHA-256\n"
            + entries(for: cases).joined(separator: "\n") + "\n"
    }

    /// The denylist for `cases`, as a list a validator reads.
    public static func list(for cases: [MintedCase]) throws(RevocationError) -> RevocationList {
        try list(entries: entries(for: cases))
    }

    /// The denylist of `entries` (lines of the file format).
    /// - Throws: `RevocationError` for a malformed line.
    public static func list(entries: [String], source: String = "denylist") throws(RevocationError) -> RevocationList {
        RevocationList(try DenylistParser.denylist(entries.joined(separator: "\n"), path: source))
    }
}
