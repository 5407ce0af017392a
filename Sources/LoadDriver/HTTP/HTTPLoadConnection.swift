#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive connection of an `HTTPLoadWorker`: its socket, the bytes read so far, and
/// the request in flight (which token, when it was meant to start and when it was sent).
struct HTTPLoadConnection {
    var fd: Int32 = -1
    /// Read buffer; grows (doubling, up to `maxBuffer`) for a response larger than it.
    var buffer: UnsafeMutableRawBufferPointer
    var filled = 0
    /// Bytes of the current request written so far; equal to its size once sent.
    var written = 0
    var inFlight = false
    /// The token index of the request in flight (or next to send).
    var index: Int
    /// Open loop: this connection's next intended start; closed loop: the send time.
    var intended: UInt64
    var sentAt: UInt64 = 0
    /// Waiting for the socket to take the rest of a request (EPOLLOUT armed).
    var wantsWrite = false

    static let initialBuffer = 16 * 1024
    static let maxBuffer = 16 << 20

    init(index: Int, intended: UInt64) {
        buffer = .allocate(byteCount: Self.initialBuffer, alignment: 16)
        self.index = index
        self.intended = intended
    }

    /// Room for more bytes: doubles the buffer when full; false past `maxBuffer`.
    mutating func makeRoom() -> Bool {
        guard filled == buffer.count else { return true }
        guard buffer.count < Self.maxBuffer else { return false }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
        larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
        buffer.deallocate()
        buffer = larger
        return true
    }

    /// Drops the first `count` bytes (one response) and keeps what follows it.
    mutating func consume(_ count: Int) {
        if count < filled, let base = buffer.baseAddress {
            memmove(base, base + count, filled - count)
        }
        filled -= count
    }

    mutating func closeSocket() {
        if fd >= 0 { close(fd) }
        fd = -1
        filled = 0
        written = 0
        inFlight = false
        wantsWrite = false
    }

    func release() { buffer.deallocate() }
}
