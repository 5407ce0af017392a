import Foundation
import Synchronization

/// Keeps a `RevocationList` in step with its file: polls the file's identity (device, inode,
/// size, modification time) every `interval` and reloads when it changed, and reloads on
/// demand (`reload()`, what the gateway calls on SIGHUP).
///
/// A reload reads and builds the new list on the reloading thread, off the hot path, then
/// publishes it in one swap. A file that cannot be read or has a bad line is refused: the
/// list in force stays, and the refusal is reported (`onEvent`, or thrown by `reload()`).
public final class RevocationReloader: Sendable {
    /// The denylist file.
    public let path: String
    /// How often the file's identity is checked.
    public let interval: Duration
    /// The list the validator reads.
    public let list: RevocationList

    /// What a reload did, for the owner's log and metrics.
    public enum Event: Sendable {
        /// A new list is in force: its entries and how long reading and building took.
        case reloaded(entries: Int, took: Duration)
        /// The file changed but was refused; the previous list stays.
        case refused(RevocationError)
    }

    private let onEvent: @Sendable (Event) -> Void
    /// The identity of the file the list in force came from; also serialises reloads.
    private let loaded: Mutex<DenylistFile.Identity?>
    private let stopSignal = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)
    private let reloads = Atomic<Int>(0)
    private let refusals = Atomic<Int>(0)
    private let lastReloadNanoseconds = Atomic<Int>(0)

    /// What the reloads did so far, for metrics (`/metrics` in the gateway).
    public struct Statistics: Sendable, Equatable {
        /// Lists published after the first load (by polling or `reload()`).
        public var reloads: Int
        /// Files refused (unreadable or with a bad line); the list in force stayed.
        public var refusals: Int
        /// Entries of the list in force.
        public var entries: Int
        /// How long the last published reload took to read, parse and build, in seconds (0
        /// before the first reload).
        public var lastReloadSeconds: Double
    }

    /// The reload counts and the list in force, read without waiting for a reload.
    public var statistics: Statistics {
        Statistics(
            reloads: reloads.load(ordering: .relaxed), refusals: refusals.load(ordering: .relaxed), entries: list.current.count,
            lastReloadSeconds: Double(lastReloadNanoseconds.load(ordering: .relaxed)) / 1e9)
    }

    /// The default polling interval.
    public static let defaultInterval: Duration = .seconds(5)

    /// Loads the file at `path` into a new list.
    /// - Throws: `RevocationError` when the file cannot be read or has a bad line (at
    ///   startup a bad list is a configuration error: nothing is in force to fall back on).
    public init(path: String, interval: Duration = defaultInterval, onEvent: @escaping @Sendable (Event) -> Void = { _ in })
        throws(RevocationError)
    {
        let (denylist, identity) = try DenylistFile.load(path)
        self.path = path
        self.interval = interval
        self.list = RevocationList(denylist)
        self.onEvent = onEvent
        self.loaded = Mutex(identity)
    }

    /// Reads the file again now, whether or not it changed, and publishes it.
    /// - Returns: the entries in force.
    /// - Throws: `RevocationError` when the file is refused (the previous list stays).
    @discardableResult
    public func reload() throws(RevocationError) -> Int {
        try loaded.withLock { (identity: inout DenylistFile.Identity?) throws(RevocationError) -> Int in
            try load(into: &identity)
        }
    }

    /// Reloads when the file's identity differs from the one in force; reports the outcome
    /// through `onEvent`. What the polling thread calls.
    public func reloadIfChanged() {
        loaded.withLock { identity in
            guard let now = DenylistFile.Identity.current(path), now != identity else { return }
            do throws(RevocationError) {
                _ = try load(into: &identity)
            } catch {
                // Remember the refused file, so that it is reported once, not every interval.
                identity = now
                onEvent(.refused(error))
            }
        }
    }

    private func load(into identity: inout DenylistFile.Identity?) throws(RevocationError) -> Int {
        let clock = ContinuousClock()
        let start = clock.now
        // Parsed on one core fewer than the machine has: requests keep a core meanwhile.
        let loaded: (list: Denylist, identity: DenylistFile.Identity)
        do {
            loaded = try DenylistFile.load(path, threads: DenylistParser.reloadThreads)
        } catch {
            refusals.add(1, ordering: .relaxed)
            throw error
        }
        list.publish(loaded.list)
        identity = loaded.identity
        let took = clock.now - start
        lastReloadNanoseconds.store(Int(took / .nanoseconds(1)), ordering: .relaxed)
        reloads.add(1, ordering: .relaxed)
        onEvent(.reloaded(entries: loaded.list.count, took: took))
        return loaded.list.count
    }

    /// Starts polling on a thread of its own (once; later calls do nothing).
    public func start() {
        guard running.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        let thread = Thread { [self] in
            let nanoseconds = max(1_000_000, interval.components.seconds * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000)
            while stopSignal.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut {
                reloadIfChanged()
            }
        }
        thread.name = "jwtbench-revocation"
        thread.start()
    }

    /// Stops polling (the list stays readable).
    public func stop() {
        guard running.compareExchange(expected: true, desired: false, ordering: .relaxed).exchanged else { return }
        stopSignal.signal()
    }
}
