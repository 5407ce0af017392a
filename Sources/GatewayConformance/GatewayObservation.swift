import Conformance
import Echo
import Foundation
import JWTValidation

/// What one case did at the gateway: the response the client got (nil: none) and every request
/// that reached the echo upstream carrying the case's header. Judged against the case's
/// expectation under a profile.
struct GatewayObservation: Sendable {
    var response: WireHTTPClient.Response?
    var arrivals: [EchoRequest]

    /// The reason code a jwtbench-style denial body names (`{"reason":"expired",...}`).
    var bodyReason: String? {
        guard let body = response?.body, !body.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return nil }
        return object["reason"] as? String
    }

    /// Whether exactly one request arrived with every header the case sent (each name's values
    /// in order; the gateway may add its own) and the body byte for byte.
    func arrivedIntact(_ sent: HTTPRequest) -> Bool {
        guard arrivals.count == 1, let arrived = arrivals.first, arrived.body == sent.body, arrived.method == sent.method else {
            return false
        }
        let names = Set(sent.headers.map { $0.name.lowercased() })
        return names.allSatisfy { name in arrived.values(of: name) == sent.values(forHeader: name) }
    }

    /// `allow`, `deny(<reason>) <status>` / `deny <status>`, or what went wrong (`2xx, not
    /// forwarded`, `401, forwarded`, `no response`), in the outputs' `actual` column.
    func actual(_ sent: HTTPRequest) -> String {
        guard let response else { return "no response" + (arrivals.isEmpty ? "" : ", forwarded") }
        let status = response.status
        if (200..<300).contains(status) {
            if arrivedIntact(sent) { return "allow" }
            return "\(status), "
                + (arrivals.isEmpty ? "not forwarded" : arrivals.count > 1 ? "forwarded \(arrivals.count) times" : "forwarded altered")
        }
        if status == 401 || status == 403 {
            guard arrivals.isEmpty else { return "\(status), forwarded" }
            return (bodyReason.map { "deny(\($0))" } ?? "deny") + " \(status)"
        }
        return "\(status)" + (arrivals.isEmpty ? "" : ", forwarded")
    }

    /// Whether what happened meets `expectation` under `profile`, and if not, why.
    func judge(_ expectation: ConformanceExpectation, sent: HTTPRequest, profile: GatewayProfile) -> (met: Bool, why: String?) {
        guard let response else { return (expectation == .acceptable, "the gateway sent no complete response") }
        switch expectation {
        case .acceptable:
            return (true, "acceptable: either decision passes; this run: \(actual(sent))")
        case .allow:
            guard (200..<300).contains(response.status) else { return (false, "expected 2xx and forwarding, got \(response.status)") }
            guard !arrivals.isEmpty else { return (false, "answered \(response.status) but nothing reached the upstream") }
            guard arrivedIntact(sent) else {
                return (false, "reached the upstream \(arrivals.count) time(s), not with its token headers and body as sent")
            }
            return (true, nil)
        case .deny(let reason):
            var problems: [String] = []
            if !arrivals.isEmpty { problems.append("reached the upstream \(arrivals.count) time(s)") }
            let statuses = profile.deniedStatuses(for: reason)
            if !statuses.contains(response.status) {
                problems.append("status \(response.status), expected \(statuses.sorted().map(String.init).joined(separator: " or "))")
            }
            if profile.requiresReason, let reason {
                if bodyReason != reason.rawValue { problems.append("body reason \(bodyReason ?? "absent"), expected \(reason.rawValue)") }
                let challenge = response.header("WWW-Authenticate")
                if challenge != reason.wwwAuthenticate {
                    problems.append("WWW-Authenticate \(challenge ?? "absent"), expected \(reason.wwwAuthenticate)")
                }
            }
            return (problems.isEmpty, problems.isEmpty ? nil : problems.joined(separator: "; "))
        }
    }
}
