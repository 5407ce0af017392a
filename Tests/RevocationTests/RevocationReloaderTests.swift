import Foundation
import Revocation
import Synchronization
import Testing

/// Reloads: explicit and by polling; a bad file keeps the list in force.
@Suite struct RevocationReloaderTests {
    @Test func anExplicitReloadPublishesTheNewFile() throws {
        let path = RevocationFixture.file("jti-1\n")
        defer { RevocationFixture.remove(path) }
        let reloader = try RevocationReloader(path: path)
        #expect(reloader.list.current.contains(.jti("jti-1")))
        let before = reloader.list.generation
        try RevocationFileWriter.append(["jti-2"], to: path)
        #expect(try reloader.reload() == 2)
        #expect(reloader.list.current.contains(.jti("jti-2")))
        #expect(reloader.list.generation > before)
    }

    @Test func aBadFileIsRefusedAndTheOldListStays() throws {
        let path = RevocationFixture.file("jti-1\n")
        defer { RevocationFixture.remove(path) }
        let events = Mutex<[String]>([])
        let reloader = try RevocationReloader(path: path, interval: .milliseconds(20)) { event in
            switch event {
            case .reloaded(let n, _): events.withLock { $0.append("reloaded \(n)") }
            case .refused(let e): events.withLock { $0.append("refused \(e.line ?? 0)") }
            }
        }
        let generation = reloader.list.generation
        try Data("jti-1\njti-2\nsha256:xyz\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: RevocationError.self) { try reloader.reload() }
        #expect(reloader.list.generation == generation)
        #expect(reloader.list.current.contains(.jti("jti-1")))
        #expect(!reloader.list.current.contains(.jti("jti-2")))
        // The poller refuses it too, once, and keeps the list.
        reloader.reloadIfChanged()
        reloader.reloadIfChanged()
        #expect(events.withLock { $0 } == ["refused 3"])
        #expect(reloader.list.generation == generation)
        // A deleted file is not a change to act on: the list stays.
        try FileManager.default.removeItem(atPath: path)
        reloader.reloadIfChanged()
        #expect(reloader.list.current.contains(.jti("jti-1")))
    }

    @Test func pollingPicksUpAReplacedFile() async throws {
        let path = RevocationFixture.file("jti-1\n")
        defer { RevocationFixture.remove(path) }
        let reloader = try RevocationReloader(path: path, interval: .milliseconds(20))
        reloader.start()
        defer { reloader.stop() }
        try RevocationFileWriter.append(["jti-2"], to: path)
        var waited = 0
        while !reloader.list.current.contains(.jti("jti-2")) && waited < 250 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
        }
        #expect(reloader.list.current.contains(.jti("jti-2")))
        #expect(reloader.list.current.contains(.jti("jti-1")))
    }

    @Test func anUnreadableFileIsAnErrorAtLoad() {
        let empty = RevocationFixture.directory()
        defer { RevocationFixture.remove(empty) }
        #expect(throws: RevocationError.self) { try RevocationReloader(path: empty + "/absent.txt") }
        let bad = RevocationFixture.file("ok\nsha256:12\n")
        defer { RevocationFixture.remove(bad) }
        do {
            _ = try RevocationReloader(path: bad)
            Issue.record("accepted")
        } catch {
            #expect(error.line == 2)
        }
    }
}
