#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a denylist file: read with `read(2)` (no `String`, no line objects; whole when parsed
/// on several threads, in blocks when on one), parsed, and identified by the descriptor actually
/// read, so a watcher can tell a changed file from the one in force.
public enum DenylistFile {
    /// Which file a list came from: device, inode, size and modification time. A replacement
    /// by rename changes the inode; an edit in place changes the size or the time.
    public struct Identity: Sendable, Hashable {
        public var device: UInt64
        public var inode: UInt64
        public var size: Int64
        public var modifiedNanoseconds: Int64

        init(_ s: stat) {
            device = UInt64(s.st_dev)
            inode = UInt64(s.st_ino)
            size = Int64(s.st_size)
            #if canImport(Darwin)
            modifiedNanoseconds = Int64(s.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(s.st_mtimespec.tv_nsec)
            #else
            modifiedNanoseconds = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
            #endif
        }

        /// The identity of the file now at `path`; nil when it cannot be examined.
        public static func current(_ path: String) -> Identity? {
            var s = stat()
            guard stat(path, &s) == 0 else { return nil }
            return Identity(s)
        }
    }

    /// The list in the file at `path` (parsed on up to `threads` threads), with the identity
    /// of the file read.
    /// - Throws: `RevocationError` when the file cannot be read or has a bad line.
    public static func load(
        _ path: String, threads: Int = DenylistParser.allCores
    ) throws(RevocationError) -> (list: Denylist, identity: Identity) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RevocationError(path: path, "cannot read the denylist file (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var s = stat()
        guard fstat(fd, &s) == 0 else {
            throw RevocationError(path: path, "cannot examine the denylist file (\(String(cString: strerror(errno))))")
        }
        guard (s.st_mode & S_IFMT) == S_IFREG else { throw RevocationError(path: path, "the denylist is not a regular file") }
        let identity = Identity(s)
        let size = Int(s.st_size)
        if size == 0 { return (.empty, identity) }
        if threads <= 1 && size > DenylistParser.streamBlock {
            // One thread (a reload while serving): read in blocks, not whole.
            let found = try DenylistParser.fingerprints(streaming: fd, sizeHint: size, path: path)
            return (try DenylistParser.denylist(from: found, path: path), identity)
        }
        // Read into memory rather than mapped: a file truncated while mapped would raise
        // SIGBUS in the reader, and the reader may be a running gateway.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var done = 0
        while done < size {
            let n = read(fd, buffer.baseAddress! + done, size - done)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw RevocationError(path: path, "cannot read the denylist file (\(String(cString: strerror(errno))))") }
            if n == 0 { break }  // shrank since fstat: parse what is there; the watcher sees the change
            done += n
        }
        let list = try DenylistParser.denylist(
            UnsafeRawBufferPointer(start: buffer.baseAddress, count: done), path: path, threads: threads)
        return (list, identity)
    }
}
