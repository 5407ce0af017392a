import JOSECrypto
import JWTValidation
import Policy

/// What `target-config` is asked for: which gateway, the policy it must enforce, where its keys
/// and its upstream are, and where it listens.
public struct TargetConfigRequest: Sendable {
    public var gateway: TargetGateway
    /// The policy to enforce. Its own key sources are replaced by `jwks`: the gateway under
    /// test fetches the keys the way it would from a real identity provider.
    public var policy: Policy
    /// What the policy is called in the generated files (a catalogue name or a file name).
    public var policyName: String
    /// The JWK Set URL (e.g. `jwtbench issuer`'s `/jwks.json`).
    public var jwks: TargetURL
    /// A PEM bundle the gateway trusts for an https `jwks` (nil: the system's trust store).
    public var caFile: String?
    /// Where allowed requests go.
    public var upstream: TargetURL
    /// The address the gateway listens on.
    public var listenHost: String
    public var listenPort: Int
    /// The folder the files are written to, absolute: Apache's configuration names its own
    /// files by absolute path.
    public var outputDirectory: String
    /// The denylist file the policy's `jwtbench.revocation` names, resolved, to copy beside the
    /// generated policy (nil: the policy has none).
    public var denylistPath: String?

    public init(
        gateway: TargetGateway, policy: Policy, policyName: String, jwks: TargetURL, caFile: String? = nil, upstream: TargetURL,
        listenHost: String = "127.0.0.1", listenPort: Int = 8080, outputDirectory: String, denylistPath: String? = nil
    ) {
        self.gateway = gateway
        self.policy = policy
        self.policyName = policyName
        self.jwks = jwks
        self.caFile = caFile
        self.upstream = upstream
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.outputDirectory = outputDirectory
        self.denylistPath = denylistPath
    }

    /// `host:port` to listen on, brackets around an IPv6 address.
    var listenAuthority: String { (listenHost.contains(":") ? "[\(listenHost)]" : listenHost) + ":\(listenPort)" }

    /// The one header token location and its prefix, when that is all the policy reads.
    var singleHeaderToken: TokenLocation? {
        guard policy.tokens.count == 1, let only = policy.tokens.first, only.method == .header else { return nil }
        return only
    }

    /// Whether the policy restricts algorithms below every one jwtbench knows (a gateway
    /// without an allow list then enforces less).
    var restrictsAlgorithms: Bool { Set(policy.allowedAlgorithms) != Set(JWSAlgorithm.allCases) }

    /// The features the policy uses that are not in `supported`, each described with the policy
    /// field it comes from.
    func gaps(supported: Set<TargetFeature>) -> [String] {
        TargetFeature.allCases.filter { !supported.contains($0) && $0.isUsed(by: self) }.map { $0.describe(self) }
    }
}
