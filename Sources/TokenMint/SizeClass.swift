/// Claims-set sizes the mint produces: small (~150 B), typical (~600 B, an Auth0/Okta access
/// token) and large (~4 KiB with roles and groups).
public enum SizeClass: String, Sendable, CaseIterable, Codable {
    case small, typical, large
}
