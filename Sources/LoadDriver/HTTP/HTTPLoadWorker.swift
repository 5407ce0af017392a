import CEpoll
import Histogram
import JWTValidation
import Measurement
import Reports
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One OS thread's connections of an HTTP load run, multiplexed with epoll as wrk does:
/// closed loop (each connection sends its next request when the last response is in) or open
/// loop (each connection has its own intended start times, `interval` apart; a late response
/// delays the next send, and its latency counts from when it was meant to start, as wrk2
/// does). Latency is from the intended start (corrected) and from the send (uncorrected).
final class HTTPLoadWorker: @unchecked Sendable {
    // @unchecked: the driver hands each worker to exactly one thread and reads `result` only
    // after joining that thread; the atomics and the mutex are what the progress line reads.
    struct Plan {
        let target: HTTPLoadTarget
        let expected: [ReasonCode?]
        let algorithmIndex: [Int]
        let ids: [String]
        let algorithmCount: Int
        /// This worker's connections: their first token index and their phase (nanoseconds
        /// after `start` of the first intended request).
        let firstIndex: [Int]
        let phase: [UInt64]
        /// Open loop: nanoseconds between one connection's requests; nil for closed loop.
        let interval: UInt64?
        let intervals: Int
    }

    let plan: Plan
    var result: LoadWorkerResult
    let progress = Atomic<UInt64>(0)
    let mismatchCount = Atomic<UInt64>(0)
    let lastInterval = Mutex<Histogram<UInt64>?>(nil)
    private var connections: [HTTPLoadConnection]
    private let epoll: Int32
    private var events = [epoll_event](repeating: epoll_event(), count: 256)
    /// Connection failures, counted as mismatches too (a gateway that drops connections fails).
    private(set) var errors = 0
    private var recording = false
    private var start: UInt64 = 0
    private var interval = 0
    private var operations: UInt64 = 0
    /// The current run's end (monotonic ns): no new closed-loop request starts after it.
    private var end: UInt64 = 0

    /// Gives up after this many connection failures in one run: the target is down.
    static let maxErrors = 1000
    /// How long responses still in flight at the end are waited for.
    static let drainNanoseconds: UInt64 = 10_000_000_000

    init(plan: Plan) {
        self.plan = plan
        result = LoadWorkerResult(intervals: plan.intervals, algorithms: plan.algorithmCount)
        connections = zip(plan.firstIndex, plan.phase).map { HTTPLoadConnection(index: $0.0, intended: $0.1) }
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
    }

    deinit {
        for i in connections.indices {
            connections[i].closeSocket()
            connections[i].release()
        }
        if epoll >= 0 { close(epoll) }
    }

    /// Runs until `end` (monotonic ns), then waits for the responses in flight; records only
    /// if `record`. Connections stay open between a warm-up and the measured run.
    func run(start: UInt64, end: UInt64, record: Bool) {
        self.start = start
        self.end = end
        recording = record
        errors = 0
        interval = 0
        operations = 0
        for j in connections.indices { connections[j].intended = start &+ plan.phase[j] }
        let drainDeadline = end &+ Self.drainNanoseconds
        while errors < Self.maxErrors {
            let now = MonotonicClock.now()
            var busy = false
            var nextStart = UInt64.max
            for j in connections.indices {
                if connections[j].inFlight {
                    busy = true
                    continue
                }
                if plan.interval != nil {
                    if connections[j].intended >= end { continue }
                    if connections[j].intended > now {
                        nextStart = min(nextStart, connections[j].intended)
                        continue
                    }
                } else {
                    if now >= end { continue }
                    connections[j].intended = now
                }
                guard connections[j].fd >= 0 || connect(j) else { continue }
                send(j, now: now)
                busy = true
            }
            if !busy && nextStart == .max { break }
            if now > drainDeadline {
                for j in connections.indices where connections[j].inFlight { fail(j, "no response within 10 s of the end") }
                break
            }
            let wait = nextStart == .max ? 50_000_000 : min(50_000_000, nextStart > now ? nextStart - now : 0)
            var timeout = timespec(tv_sec: 0, tv_nsec: Int(wait))
            let count = epoll_pwait2(epoll, &events, Int32(events.count), &timeout, nil)
            guard count > 0 else { continue }
            for e in 0..<Int(count) {
                let j = Int(events[e].data.u32)
                let flags = events[e].events
                if flags & EPOLLOUT.rawValue != 0 && connections[j].wantsWrite { flush(j) }
                if flags & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { receive(j) }
            }
        }
        progress.store(operations, ordering: .relaxed)
        if record {
            publish()
            result.operations = operations
        }
    }

    // MARK: connections

    /// Opens connection `j` (a blocking connect: loopback and LAN targets answer at once),
    /// then makes it non-blocking and watches it for input.
    private func connect(_ j: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            fail(j, "socket: \(String(cString: strerror(errno)))")
            return false
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = plan.target.address
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            fail(j, "connect: \(reason)")
            return false
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u32: UInt32(j)))
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
        connections[j].fd = fd
        return true
    }

    private func send(_ j: Int, now: UInt64) {
        connections[j].inFlight = true
        connections[j].sentAt = now
        connections[j].written = 0
        flush(j)
    }

    /// Writes what is left of the request; arms EPOLLOUT when the socket is full.
    private func flush(_ j: Int) {
        let fd = connections[j].fd
        let done = plan.target.requests[connections[j].index].withUnsafeBytes { request -> Bool in
            while connections[j].written < request.count {
                let w = write(fd, request.baseAddress! + connections[j].written, request.count - connections[j].written)
                if w > 0 {
                    connections[j].written += w
                } else if w < 0 && errno == EINTR {
                    continue
                } else if w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return false
                } else {
                    return true  // the read side reports the error
                }
            }
            return true
        }
        if !done && !connections[j].wantsWrite {
            connections[j].wantsWrite = true
            watch(j, EPOLLIN.rawValue | EPOLLOUT.rawValue)
        } else if done && connections[j].wantsWrite {
            connections[j].wantsWrite = false
            watch(j, EPOLLIN.rawValue)
        }
    }

    private func watch(_ j: Int, _ flags: UInt32) {
        var event = epoll_event(events: flags, data: epoll_data_t(u32: UInt32(j)))
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, connections[j].fd, &event)
    }

    /// Reads what arrived and completes the response when it is whole.
    private func receive(_ j: Int) {
        while connections[j].fd >= 0 {
            guard connections[j].makeRoom() else { return fail(j, "a response larger than \(HTTPLoadConnection.maxBuffer) bytes") }
            let c = connections[j]
            let r = read(c.fd, c.buffer.baseAddress! + c.filled, c.buffer.count - c.filled)
            if r > 0 {
                connections[j].filled += r
                guard connections[j].inFlight else { return fail(j, "bytes that answer no request") }
                let parsed = HTTPResponseParser.parse(UnsafeRawBufferPointer(rebasing: connections[j].buffer[0..<connections[j].filled]))
                switch parsed {
                case .incomplete:
                    continue  // read on: the rest may be there already
                case .complete(let status, let length, let close):
                    let t1 = MonotonicClock.now()
                    completed(j, status: status, at: t1)
                    connections[j].consume(length)
                    if close {
                        connections[j].closeSocket()
                    } else if plan.interval == nil && t1 < end {
                        // Closed loop: the next request goes out at once, not after a pass
                        // over every connection.
                        connections[j].intended = t1
                        send(j, now: t1)
                    }
                    return
                case .invalid(let why):
                    return fail(j, why)
                }
            } else if r == 0 {
                // Between requests this is a keep-alive timeout: open another when needed.
                guard connections[j].inFlight else { return connections[j].closeSocket() }
                return fail(j, "the server closed the connection before its response")
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return
            } else {
                return fail(j, "read: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// A connection failed (or could not be opened): a failed request, counted as a mismatch;
    /// the socket is closed and opened again for the next request.
    private func fail(_ j: Int, _ why: String) {
        let wasInFlight = connections[j].inFlight
        connections[j].closeSocket()
        errors += 1
        if recording {
            result.mismatches &+= 1
            mismatchCount.add(1, ordering: .relaxed)
            if result.firstMismatches.count < 10 { result.firstMismatches.append("connection \(j): \(why)") }
        }
        if wasInFlight { advance(j) }
    }

    // MARK: results

    private func completed(_ j: Int, status: Int, at t1: UInt64) {
        connections[j].inFlight = false
        let index = connections[j].index
        if recording {
            let k = Int((t1 &- start) / 1_000_000_000)
            if k > interval {
                publish()
                interval = k
            }
            while k >= result.corrected.count {
                result.corrected.append(LatencyHistogram.make())
                result.uncorrected.append(LatencyHistogram.make())
            }
            _ = result.corrected[k].record(t1 &- connections[j].intended)
            _ = result.uncorrected[k].record(t1 &- connections[j].sentAt)
            let expected = plan.expected[index]
            result.algorithms[plan.algorithmIndex[index]] &+= 1
            if HTTPLoadTarget.matches(status, expected) {
                result.reasons[ReasonCode.tallyIndex(expected)] &+= 1
            } else {
                result.mismatches &+= 1
                mismatchCount.add(1, ordering: .relaxed)
                if result.firstMismatches.count < 10 {
                    let want = expected.map { "\($0.rawValue) (HTTP \($0.httpStatus))" } ?? "allow (HTTP 2xx)"
                    result.firstMismatches.append("\(plan.ids[index]): expected \(want), got HTTP \(status)")
                }
            }
        }
        operations &+= 1
        if operations & 63 == 0 { progress.store(operations, ordering: .relaxed) }
        advance(j)
    }

    /// The connection's next token and, in an open loop, its next intended start.
    private func advance(_ j: Int) {
        connections[j].index += 1
        if connections[j].index == plan.expected.count { connections[j].index = 0 }
        if let step = plan.interval { connections[j].intended &+= step }
    }

    private func publish() {
        guard interval < result.corrected.count else { return }
        let h = result.corrected[interval]
        lastInterval.withLock { $0 = h }
    }
}
