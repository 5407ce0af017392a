import COpenSSL

/// OpenSSL keeps errors in a per-thread queue; a failure that leaves entries behind makes a
/// later, unrelated call on the same thread report a stale error. Every failing call drains it.
enum OpenSSLErrorQueue {
    /// Empties the queue and returns its entries as one readable string.
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no detail in OpenSSL's error queue" : messages.joined(separator: "; ")
    }

    /// Drains the queue and wraps it in an error naming the operation that failed.
    static func error(_ operation: String) -> JOSECryptoError {
        .openssl(operation: operation, reason: drain())
    }

    /// Drops whatever a failed verification left behind, on the hot path (no string work).
    @inline(__always)
    static func clear() { ERR_clear_error() }
}
