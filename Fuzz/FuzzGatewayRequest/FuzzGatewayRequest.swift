import FuzzSupport
import JWTValidation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Policy

@testable import Gateway

/// The gateway's request handling below the connection handler, on arbitrary client bytes:
/// `ClientRequestParser` (as the connection handler reads requests), then for each request
/// the validator's view of it (method, header fields in order, the body), the decision, the
/// claim headers of an allowed request and the head the upstream would receive
/// (`ProxyHeaders.writeUpstreamRequest`, its bytes read back by llhttp). Properties: no
/// crash, hang or unbounded allocation; the upstream head reads as exactly one request with
/// the client's method and the prefixed target, chunked exactly when it says so; it carries
/// no hop-by-hop field (but the `Transfer-Encoding: chunked` the gateway restates), no field
/// the client's `Connection` names, exactly one `X-Forwarded-Proto`, and claim headers only
/// as the gateway set them (a client cannot inject `X-User`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGatewayRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    var parser = ClientRequestParser(maxHeadBytes: 64 * 1024, maxFields: 1000)
    var buffer = ByteBuffer(bytes: input)
    var head: ClientRequestHead?
    var body: [UInt8] = []
    // A parse error ends the input (the gateway answers 400); what was read before is checked.
    while let event = try? parser.next(&buffer) {
        switch event {
        case .head(let next):
            head = next
            body = []
        case .body(let part):
            // The gateway reads at most 1 MiB of body before deciding; so does this.
            if body.count < 1 << 20 { body += part.readableBytesView.prefix((1 << 20) - body.count) }
        case .end:
            if let head { check(head, body, input) }
            head = nil
        }
    }
    return 0
}

func check(_ head: ClientRequestHead, _ body: [UInt8], _ input: UnsafeRawBufferPointer) {
    var headers: [HTTPHeader] = []
    head.forEachField { name, value in
        headers.append(HTTPHeader(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    }
    let request = HTTPRequest(method: head.method.rawValue, headers: headers, body: body)
    var claimHeaders: [(String, String)] = []
    if case .allow(let tokens) = GatewayFixture.validator.validate(request: request, now: FuzzKeys.now) {
        claimHeaders = ClaimHeaderValues.values(for: GatewayFixture.mappings, from: tokens)
    }
    var bytes = ByteBuffer()
    let chunked = ProxyHeaders.writeUpstreamRequest(
        head, target: GatewayFixture.target, clientAddress: "192.0.2.1", claimHeaders: claimHeaders,
        strippedNames: GatewayFixture.mappings.map { Array($0.lowercasedHeader.utf8) }, into: &bytes)
    // What the upstream reads: the bytes through llhttp again, as one whole head.
    let reparsed = reparse(bytes, input)
    guard reparsed.count == 1, let upstream = reparsed.first else {
        fuzzFailure("the upstream head reads as \(reparsed.count) requests: \(String(buffer: bytes))", input)
    }
    if upstream.method != head.method || upstream.uri != "/base" + (head.uri.hasPrefix("/") ? head.uri : "/" + head.uri) {
        fuzzFailure("upstream request line \(upstream.method) \(upstream.uri) for \(head.method) \(head.uri)", input)
    }
    if chunked != upstream.headers.contains(name: "transfer-encoding") {
        fuzzFailure("chunked \(chunked), but the head's Transfer-Encoding says otherwise", input)
    }
    let options = head.values("connection").flatMap { value in
        value.split(separator: ",").map { option in
            String(option.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
    }
    var proto = 0
    var claims = 0
    for (name, value) in upstream.headers {
        if ProxyHeaders.isHopByHop(name.utf8) && !(sameName(name, "transfer-encoding") && value == "chunked") {
            fuzzFailure("hop-by-hop field \(name) forwarded", input)
        }
        if options.contains(where: { sameName(name, $0) }) && !GatewayFixture.setByGateway(name) {
            fuzzFailure("field \(name), named by the client's Connection, forwarded", input)
        }
        if sameName(name, "x-forwarded-proto") { proto += 1 }
        if GatewayFixture.mappings.contains(where: { sameName(name, $0.lowercasedHeader) }) { claims += 1 }
    }
    if proto != 1 { fuzzFailure("\(proto) X-Forwarded-Proto fields upstream", input) }
    if claims != claimHeaders.count { fuzzFailure("claim headers upstream: \(claims), set by the gateway: \(claimHeaders.count)", input) }
}

/// The heads llhttp reads from `bytes` (an upstream head: no body follows it).
func reparse(_ bytes: ByteBuffer, _ input: UnsafeRawBufferPointer) -> [HTTPRequestHead] {
    let channel = EmbeddedChannel()
    let collector = RequestCollector()
    defer { _ = try? channel.finish() }
    do {
        try channel.pipeline.syncOperations.addHandlers([
            HTTPResponseEncoder(configuration: .init()), ByteToMessageHandler(HTTPRequestDecoder()), collector,
        ])
        try channel.writeInbound(bytes)
    } catch {
        fuzzFailure("llhttp refuses the upstream head (\(error)): \(String(buffer: bytes))", input)
    }
    // A head with a chunked body is complete only after its last chunk.
    if collector.requests.isEmpty, let head = collector.pendingHead { return [head] }
    return collector.requests.map(\.0)
}

/// Collects each request's head and body from the HTTP server pipeline.
final class RequestCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    var requests: [(HTTPRequestHead, [UInt8])] = []
    private var head: HTTPRequestHead?
    /// The head of a request whose end has not arrived.
    var pendingHead: HTTPRequestHead? { head }
    private var body: [UInt8] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
        case .body(let buffer):
            // The gateway reads at most 1 MiB of body before deciding; so does this.
            if body.count < 1 << 20 { body += buffer.readableBytesView.prefix((1 << 20) - body.count) }
        case .end:
            if let head { requests.append((head, body)) }
            head = nil
        }
    }
}

enum GatewayFixture {
    static let policy = try! Policy.parse(
        """
        issuer: {allow_list: [{value: "\(FuzzKeys.issuer)"}]}
        audience: {allow_list: [{value: "\(FuzzKeys.audience)"}]}
        http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: "Bearer "}]}
        jws: {allowed_algorithms: [RS256, PS256, ES256, HS256, EdDSA]}
        jwtbench: {claim_to_headers: [{claim: sub, header: X-User}, {claim: iss, header: X-Issuer}]}
        """)
    static let validator = Validator(
        rules: ValidationRules(policy: policy),
        keys: StaticKeyProvider(keys: FuzzKeys.byAlgorithm.map(\.1), algorithms: FuzzKeys.byAlgorithm.map(\.0)),
        locations: policy.tokens)
    static let mappings = policy.claimHeaders.map { (claim: $0, lowercasedHeader: $0.header.lowercased()) }
    static let target = try! UpstreamTarget(url: "http://127.0.0.1:9/base")

    /// Fields the gateway itself writes upstream, whatever the client's `Connection` says.
    static func setByGateway(_ name: String) -> Bool {
        ["transfer-encoding", "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"].contains { sameName(name, $0) }
            || mappings.contains { sameName(name, $0.lowercasedHeader) }
    }
}

@main enum FuzzGatewayRequestMain {
    static func main() { FuzzMain.run(fuzzGatewayRequest) }
}

/// ASCII-case-insensitive equality of two field names.
func sameName(_ a: String, _ b: some StringProtocol) -> Bool { a.lowercased() == b.lowercased() }
