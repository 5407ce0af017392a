/// Why a JOSE header or claims set is not strict JSON (RFC 8259 plus JWS rules).
struct JSONScanError: Error, Sendable {
    let message: String
    let offset: Int

    init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }
}
