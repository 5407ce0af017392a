import Foundation
import Policy
import TokenMint

extension TargetConfig {
    /// The command's options turned into a request: `policy` is a catalogue policy name
    /// (`standard`, `leeway-60`, ...) or a policy file; `issuer` is the key server's base URL
    /// (its JWK Set at `/jwks.json`, `jwtbench issuer`'s path) or a JWK Set URL ending in `.json`;
    /// `upstream` an http URL; `listen` `HOST:PORT`. Returns the request and the denylist's text
    /// when the policy has one.
    /// - Throws: `TargetConfigError` naming the option or file that is wrong.
    public static func request(
        gateway: String, policy: String, issuer: String, caFile: String?, upstream: String, listen: String, out: String
    ) throws(TargetConfigError) -> (TargetConfigRequest, denylist: String?) {
        guard let target = TargetGateway(rawValue: gateway) else {
            throw TargetConfigError(
                "unknown --gateway \"\(gateway)\"; use \(TargetGateway.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (parsed, name) = try loadPolicy(policy)
        var denylist: String?
        if let file = parsed.revocation?.file {
            guard file.hasPrefix("/") else {
                throw TargetConfigError(
                    "policy \(name) names a denylist; give its file (mint --out DIR writes DIR/\(name)/policy.yaml and the list beside it)")
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw TargetConfigError("cannot read the denylist \(file) that policy \(name) names")
            }
            denylist = text
        }
        let jwksText = issuer.hasSuffix(".json") ? issuer : (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/jwks.json"
        let jwks = try TargetURL(parsing: jwksText, what: "--issuer")
        let upstreamURL = try TargetURL(parsing: upstream, what: "--upstream")
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (1...65535).contains(port)
        else {
            throw TargetConfigError("--listen \"\(listen)\" is not HOST:PORT with a port from 1 to 65535")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw TargetConfigError("--ca-file \(caFile) cannot be read")
        }
        let directory = URL(fileURLWithPath: out).standardizedFileURL.path
        let request = TargetConfigRequest(
            gateway: target, policy: parsed, policyName: name, jwks: jwks,
            caFile: caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, upstream: upstreamURL,
            listenHost: host.isEmpty ? "0.0.0.0" : host, listenPort: port, outputDirectory: directory)
        return (request, denylist)
    }

    /// A catalogue policy by name, else a policy file (named after its folder, as `mint --out`
    /// lays them out, when that is a catalogue name).
    static func loadPolicy(_ text: String) throws(TargetConfigError) -> (Policy, String) {
        if let catalogue = CatalogPolicy(rawValue: text) {
            do { return (try catalogue.policy(), catalogue.rawValue) } catch {
                throw TargetConfigError("catalogue policy \(text): \(error)")
            }
        }
        guard FileManager.default.fileExists(atPath: text) else {
            throw TargetConfigError(
                "--policy \"\(text)\" is neither a catalogue policy (\(CatalogPolicy.allCases.map(\.rawValue).joined(separator: ", "))) nor a file"
            )
        }
        do {
            let folder = URL(fileURLWithPath: text).deletingLastPathComponent().lastPathComponent
            return (
                try Policy.load(path: text), CatalogPolicy(rawValue: folder) != nil ? folder : URL(fileURLWithPath: text).lastPathComponent
            )
        } catch {
            throw TargetConfigError("\(error)")
        }
    }
}
