import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client over a POSIX socket: one request per connection, sent byte for
/// byte as the case says (a header twice, a body on a GET), which a library client would
/// normalise. Runs on the calling thread; the callers are the CLI's main thread and tests'
/// own threads, never a Swift-concurrency task.
struct WireHTTPClient {
    /// What came back.
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        /// The first value of the field `name` (ASCII case-insensitive).
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    let host: String
    let port: Int
    /// Connect, send and receive timeout, in seconds.
    let timeout: Double

    /// Sends `request` on a new connection and reads one response; nil when the target closed
    /// the connection or timed out without a complete response (a result: the case fails).
    /// - Throws: `GatewayConformanceError` when the target cannot be connected to at all.
    func exchange(_ request: [UInt8]) throws(GatewayConformanceError) -> Response? {
        let fd = try connect()
        defer { close(fd) }
        var offset = 0
        while offset < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { break }  // closed early; whatever it answered is read below
            offset += n
        }
        var reader = Reader(fd: fd)
        return reader.response()
    }

    private func connect() throws(GatewayConformanceError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw .target("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var error = "no address"
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            next = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            error = String(cString: strerror(errno))
            close(fd)
        }
        throw .target("cannot connect to \(host):\(port): \(error)")
    }

    /// Reads one response: Content-Length, chunked, or until the peer closes.
    private struct Reader {
        let fd: Int32
        var buffer: [UInt8] = []
        var closed = false

        mutating func response() -> Response? {
            guard let headEnd = find([13, 10, 13, 10]) else { return nil }
            let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
            buffer.removeFirst(headEnd + 4)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
            let headers = lines.compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            var response = Response(status: status, headers: headers, body: [])
            if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
                while true {
                    guard let lineEnd = find([13, 10]) else { return nil }
                    let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                    guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
                    buffer.removeFirst(lineEnd + 2)
                    if size == 0 { break }  // trailers, if any, are not needed
                    guard fill(size + 2) else { return nil }
                    response.body += buffer[..<size]
                    buffer.removeFirst(size + 2)
                }
            } else if let length = response.header("content-length").flatMap(Int.init) {
                guard fill(length) else { return nil }
                response.body = Array(buffer[..<length])
            } else if status != 204, status != 304, !(100..<200).contains(status) {
                while receive() {}
                response.body = buffer
            }
            return response
        }

        private mutating func find(_ marker: [UInt8]) -> Int? {
            var from = 0
            while true {
                if buffer.count >= marker.count {
                    for i in from...(buffer.count - marker.count) where buffer[i..<(i + marker.count)].elementsEqual(marker) { return i }
                    from = buffer.count - marker.count + 1
                }
                guard receive() else { return nil }
            }
        }

        private mutating func fill(_ count: Int) -> Bool {
            while buffer.count < count { guard receive() else { return false } }
            return true
        }

        private mutating func receive() -> Bool {
            guard !closed else { return false }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else {
                closed = true
                return false
            }
            buffer += chunk[..<n]
            return true
        }
    }
}
