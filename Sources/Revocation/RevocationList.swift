import JWTValidation
import Synchronization

/// The denylist in force, as the validator reads it: an immutable `Denylist` behind the same
/// atomically swapped pointer the key snapshots use (`SnapshotCell`), so a lookup takes no
/// lock, allocates nothing and never waits, and a reload swaps in a whole new list.
public final class RevocationList: RevocationCheck {
    private let cell: SnapshotCell<Denylist>
    private let published = Atomic<UInt64>(0)

    /// A holder publishing `initial`.
    public init(_ initial: Denylist = .empty) {
        cell = SnapshotCell(initial)
    }

    /// Whether a verified token is listed (by `jti`, then by its bytes).
    @inline(__always)
    public func isRevoked(jti: UnsafeRawBufferPointer?, token: UnsafeRawBufferPointer) -> Bool {
        cell.read { $0.contains(jti: jti, token: token) }
    }

    /// Bumped after each publication.
    public var generation: UInt64 { published.load(ordering: .acquiring) }

    /// The list in force (off the hot path).
    public var current: Denylist { cell.load() }

    /// Makes `list` the one in force. The generation moves only after the swap, so a cache
    /// that read the old generation can only have checked a token against the old list or
    /// the new one, and its entry is a miss from now on either way.
    public func publish(_ list: Denylist) {
        cell.publish(list)
        published.add(1, ordering: .releasing)
    }
}
