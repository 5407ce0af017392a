import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the denylist file format straight from its bytes.
///
/// One entry per line: a `jti` (the exact string), or `sha256:` and 64 hex digits, the SHA-256
/// of a compact token's bytes (for tokens without a `jti`). Surrounding spaces, tabs and a
/// CR are trimmed; blank lines and lines starting with `#` are ignored. A line starting with
/// `sha256:` is always a token hash, and a malformed one is an error naming its line.
///
/// Ten million lines must load in a few seconds, so nothing per line is a `String`: lines are
/// found with `memchr`, hashed in place, and the file is split at line breaks into one chunk
/// per core, parsed concurrently.
public enum DenylistParser {
    /// The fingerprints of every entry in `bytes` (any order, duplicates kept), parsed on up
    /// to `threads` threads (files under 1 MiB on one).
    /// - Throws: `RevocationError` naming `path` and the first bad line.
    public static func fingerprints(
        _ bytes: UnsafeRawBufferPointer, path: String, threads: Int = allCores
    ) throws(RevocationError) -> [RevocationFingerprint] {
        let chunks = split(bytes, parts: bytes.count < 1 << 20 ? 1 : max(1, threads))
        var results = [ChunkResult](repeating: ChunkResult(), count: chunks.count)
        results.withUnsafeMutableBufferPointer { out in
            // Each iteration writes its own slot and reads its own chunk of `bytes`, which the
            // caller keeps alive for the whole call.
            nonisolated(unsafe) let slots = out
            nonisolated(unsafe) let pieces = chunks
            DispatchQueue.concurrentPerform(iterations: pieces.count) { i in
                slots[i] = parse(pieces[i])
            }
        }
        // The first error in file order; its line number counts the chunks before it.
        var linesBefore = 0
        for (i, result) in results.enumerated() {
            if let (line, message) = result.error {
                throw RevocationError(path: path, line: linesBefore + line, message)
            }
            linesBefore += lineCount(chunks[i])
        }
        if results.count == 1 { return results[0].fingerprints }
        var all: [RevocationFingerprint] = []
        all.reserveCapacity(results.reduce(0) { $0 + $1.fingerprints.count })
        for r in results { all.append(contentsOf: r.fingerprints) }
        return all
    }

    /// A list from a file's bytes: parsed (on up to `threads` threads), sorted, indexed.
    public static func denylist(_ bytes: UnsafeRawBufferPointer, path: String, threads: Int = allCores) throws(RevocationError) -> Denylist
    {
        try denylist(from: fingerprints(bytes, path: path, threads: threads), path: path)
    }

    /// The list of the fingerprints parsed from `path`, refused past `Denylist.maxEntries`.
    static func denylist(from found: [RevocationFingerprint], path: String) throws(RevocationError) -> Denylist {
        guard found.count <= Denylist.maxEntries else {
            throw RevocationError(path: path, "more than \(Denylist.maxEntries) entries")
        }
        return Denylist(sorting: found)
    }

    /// A list from text (tests, tools).
    public static func denylist(_ text: String, path: String = "<text>") throws(RevocationError) -> Denylist {
        var copy = text
        let result: Result<Denylist, RevocationError> = copy.withUTF8 { bytes in
            do throws(RevocationError) {
                return .success(try denylist(UnsafeRawBufferPointer(bytes), path: path))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    struct ChunkResult {
        var fingerprints: [RevocationFingerprint] = []
        /// The first bad line (1-based within the chunk) and why.
        var error: (Int, String)?
    }

    /// `bytes` in up to `parts` pieces, each ending just after a line break (the last at the end).
    static func split(_ bytes: UnsafeRawBufferPointer, parts: Int) -> [UnsafeRawBufferPointer] {
        guard parts > 1, let base = bytes.baseAddress else { return [bytes] }
        var chunks: [UnsafeRawBufferPointer] = []
        var start = 0
        for k in 1..<parts {
            var cut = bytes.count * k / parts
            guard cut > start else { continue }
            guard let nl = memchr(base + cut, 0x0A, bytes.count - cut) else { break }
            cut = base.distance(to: UnsafeRawPointer(nl)) + 1
            chunks.append(UnsafeRawBufferPointer(start: base + start, count: cut - start))
            start = cut
        }
        chunks.append(UnsafeRawBufferPointer(start: base + start, count: bytes.count - start))
        return chunks
    }

    /// Line breaks in `chunk` (every chunk but the last ends with one).
    static func lineCount(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard var p = chunk.baseAddress else { return 0 }
        let end = p + chunk.count
        var n = 0
        while p < end, let nl = memchr(p, 0x0A, p.distance(to: end)) {
            n += 1
            p = UnsafeRawPointer(nl) + 1
        }
        return n
    }

    static func parse(_ chunk: UnsafeRawBufferPointer) -> ChunkResult {
        var result = ChunkResult()
        // Entries are at least a few bytes a line: reserve for the densest likely file
        // (UUID jtis, ~37 bytes a line) so the array rarely grows.
        result.fingerprints.reserveCapacity(chunk.count / 32 + 1)
        _ = parse(chunk, into: &result)
        return result
    }

    /// Parses `chunk`'s lines into `result` (stopping at the first bad line, which it records).
    /// - Returns: the lines read.
    static func parse(_ chunk: UnsafeRawBufferPointer, into result: inout ChunkResult) -> Int {
        guard var p = chunk.baseAddress else { return 0 }
        let end = p + chunk.count
        var line = 0
        while p < end {
            line += 1
            let lineEnd = memchr(p, 0x0A, p.distance(to: end)).map { UnsafeRawPointer($0) } ?? end
            var a = p
            var b = lineEnd
            while a < b, isSpace(a.load(as: UInt8.self)) { a += 1 }
            while b > a, isSpace((b - 1).load(as: UInt8.self)) { b -= 1 }
            p = lineEnd < end ? lineEnd + 1 : end
            let count = a.distance(to: b)
            if count == 0 || a.load(as: UInt8.self) == UInt8(ascii: "#") { continue }
            let entry = UnsafeRawBufferPointer(start: a, count: count)
            if hasHashPrefix(entry) {
                guard let f = tokenDigest(entry) else {
                    result.error = (line, "a sha256: entry needs exactly 64 hex digits (the SHA-256 of the compact token)")
                    return line
                }
                result.fingerprints.append(f)
            } else {
                result.fingerprints.append(.jti(entry))
            }
        }
        return line
    }

    /// Bytes read at a time by a streamed parse.
    public static let streamBlock = 4 << 20

    /// The fingerprints of the file open at `fd`, read in blocks of `streamBlock` and parsed on
    /// the calling thread as each block's lines are whole. What a reload on one thread uses:
    /// it holds one block of the file instead of all of it (a 10M-line file is 370 MB, and
    /// fresh memory costs the kernel's page zeroing, which competes with requests for memory
    /// bandwidth while the gateway serves; bench/NOTES.md, Token revocation).
    /// - Parameters:
    ///   - sizeHint: the file's size, to reserve the fingerprints' array once.
    ///   - block: the bytes read at a time (tests use small blocks to cut lines everywhere).
    /// - Throws: `RevocationError` naming `path` and the first bad line, or a read error.
    public static func fingerprints(
        streaming fd: Int32, sizeHint: Int, path: String, block: Int = streamBlock
    ) throws(RevocationError) -> [RevocationFingerprint] {
        var result = ChunkResult()
        result.fingerprints.reserveCapacity(sizeHint / 32 + 1)
        var capacity = max(1, block)
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var held = 0  // the start of an unfinished line, kept from the previous block
        var linesBefore = 0
        var atEnd = false
        while !atEnd {
            if held == capacity {
                // One line longer than the buffer: grow it (bounded by the file).
                let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                larger.copyMemory(from: buffer, byteCount: held)
                buffer.deallocate()
                buffer = larger
                capacity *= 2
            }
            let n = read(fd, buffer + held, capacity - held)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw RevocationError(path: path, "cannot read the denylist file (\(String(cString: strerror(errno))))") }
            atEnd = n == 0
            let filled = held + n
            // Parse up to the last line break; at the end, everything.
            // What is held has no line break (it was cut after the last one), so only the new
            // bytes are searched.
            var cut = filled
            if !atEnd {
                while cut > held, buffer.load(fromByteOffset: cut - 1, as: UInt8.self) != 0x0A { cut -= 1 }
                if cut == held {
                    // No line ends in the new bytes: read more first.
                    held = filled
                    continue
                }
            }
            let lines = parse(UnsafeRawBufferPointer(start: buffer, count: cut), into: &result)
            if let (line, message) = result.error {
                throw RevocationError(path: path, line: linesBefore + line, message)
            }
            linesBefore += lines
            held = filled - cut
            if held > 0 { memmove(buffer, buffer + cut, held) }
        }
        return result.fingerprints
    }

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }

    static let hashPrefix: StaticString = "sha256:"

    @inline(__always)
    static func hasHashPrefix(_ entry: UnsafeRawBufferPointer) -> Bool {
        let n = hashPrefix.utf8CodeUnitCount
        return entry.count >= n && memcmp(entry.baseAddress!, hashPrefix.utf8Start, n) == 0
    }

    /// The fingerprint of a `sha256:<64 hex>` entry; nil when the hex is not exactly that.
    static func tokenDigest(_ entry: UnsafeRawBufferPointer) -> RevocationFingerprint? {
        let n = hashPrefix.utf8CodeUnitCount
        guard entry.count == n + 64 else { return nil }
        return withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { digest -> RevocationFingerprint? in
            for i in 0..<32 {
                guard let hi = hexValue(entry[n + 2 * i]), let lo = hexValue(entry[n + 2 * i + 1]) else { return nil }
                digest[i] = hi << 4 | lo
            }
            return .tokenDigest(UnsafeRawBufferPointer(digest))
        }
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension DenylistParser {
    /// Every online core (at most 16): what a load at startup parses on.
    public static let allCores: Int = max(1, min(16, sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// One core fewer (at least one): what a reload while serving parses on, so that one
    /// core stays with the requests.
    public static var reloadThreads: Int { max(1, allCores - 1) }
}
