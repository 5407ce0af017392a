import Foundation
import Measurement

extension GatewayConfiguration.Limits {
    /// The limits `jwtbench gateway` was given (`--max-body`, `--max-header-bytes`,
    /// `--max-headers`), refused with a usage error naming the option when out of range.
    public init(maxBodyBytes: Int, maxHeaderBytes: Int, maxHeaderCount: Int) throws(HarnessError) {
        // A head is read whole into memory, and its offsets are kept in 32 bits: 16 MiB and
        // 100,000 fields bound it far above any real request (nginx allows 32 KiB).
        guard maxBodyBytes >= 0, (1024...(16 << 20)).contains(maxHeaderBytes), (1...100_000).contains(maxHeaderCount) else {
            throw HarnessError.usage(
                "--max-body must be at least 0, --max-header-bytes from 1024 to 16777216, --max-headers from 1 to 100000")
        }
        self.init()
        (self.maxBodyBytes, self.maxHeaderBytes, self.maxHeaderCount) = (maxBodyBytes, maxHeaderBytes, maxHeaderCount)
    }
}

extension GatewayConfiguration.Timeouts {
    /// The timeouts `jwtbench gateway` was given as duration texts (`10s`, `500ms`), each
    /// refused with a usage error naming its option unless above zero.
    public init(header: String, body: String, idle: String, connect: String, upstream: String, drain: String) throws(HarnessError) {
        self.init()
        requestHeader = try DurationParser.option(header, "--header-timeout")
        requestBodyIdle = try DurationParser.option(body, "--body-timeout")
        keepAliveIdle = try DurationParser.option(idle, "--idle-timeout")
        upstreamConnect = try DurationParser.option(connect, "--connect-timeout")
        upstreamResponse = try DurationParser.option(upstream, "--upstream-timeout")
        self.drain = try DurationParser.option(drain, "--drain-timeout")
    }
}

extension GatewayConfiguration {
    /// `--threads`: event loops, 1 to 256; nil: one per core.
    public static func threads(option: Int?) throws(HarnessError) -> Int {
        guard let threads = option else { return ProcessInfo.processInfo.activeProcessorCount }
        guard (1...256).contains(threads) else { throw HarnessError.usage("--threads must be 1 to 256") }
        return threads
    }
}
