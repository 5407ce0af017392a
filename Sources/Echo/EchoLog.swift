import Foundation
import NIOConcurrencyHelpers

/// Where the echo upstream's requests go: kept in memory and/or appended to a JSON-lines file.
final class EchoLog: Sendable {
    private struct State {
        var requests: [EchoRequest] = []
        var count = 0
        var file: FileHandle?
    }

    private let keepRequests: Bool
    private let recording: Bool
    private let state: NIOLockedValueBox<State>

    init(keepRequests: Bool, recordPath: String?) throws(EchoError) {
        self.keepRequests = keepRequests
        recording = recordPath != nil
        var file: FileHandle?
        if let recordPath {
            guard FileManager.default.createFile(atPath: recordPath, contents: nil), let handle = FileHandle(forWritingAtPath: recordPath)
            else {
                throw EchoError("cannot create the record file \(recordPath)")
            }
            file = handle
        }
        state = NIOLockedValueBox(State(file: file))
    }

    /// Records one request. The file write happens on the event loop: one short line to a
    /// local file per request, which a test or demo upstream can afford; it keeps the lines in
    /// arrival order without a writer thread.
    func record(_ request: EchoRequest) {
        let line = recording ? Data((request.jsonLine + "\n").utf8) : nil
        state.withLockedValue { state in
            state.count += 1
            if keepRequests { state.requests.append(request) }
            if let line { try? state.file?.write(contentsOf: line) }
        }
    }

    var requests: [EchoRequest] { state.withLockedValue { $0.requests } }
    var count: Int { state.withLockedValue { $0.count } }
    func reset() { state.withLockedValue { $0.requests.removeAll() } }

    func close() {
        state.withLockedValue { state in
            try? state.file?.close()
            state.file = nil
        }
    }
}
