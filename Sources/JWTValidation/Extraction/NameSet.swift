/// The member names seen so far in one JSON object, for duplicate detection.
///
/// The first 32 names live inline (no allocation: real headers and claims sets are smaller);
/// beyond that a hash set keeps detection linear, so a 16 KiB object of tiny members cannot
/// turn into quadratic work.
struct NameSet {
    private var inline = InlineArray<32, JSONSpan>(repeating: JSONSpan(start: 0, end: 0, hasEscapes: false, hash: 0, unescapedCount: 0))
    private var inlineCount = 0
    private var overflow: [JSONSpan] = []
    private var overflowHashes: Set<UInt32> = []

    /// Adds `name`; true when an equal name (after unescaping) was already present.
    mutating func insertIsDuplicate(_ name: JSONSpan, in bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> Bool {
        for i in 0..<inlineCount {
            let other = inline[i]
            if other.hash == name.hash, other.unescapedCount == name.unescapedCount,
                JSONText.equal(other, name, in: bytes)
            {
                return true
            }
        }
        if inlineCount < 32 {
            inline[inlineCount] = name
            inlineCount += 1
            return false
        }
        if overflowHashes.contains(name.hash) {
            for other in overflow where other.hash == name.hash && other.unescapedCount == name.unescapedCount {
                if JSONText.equal(other, name, in: bytes) { return true }
            }
        }
        overflow.append(name)
        overflowHashes.insert(name.hash)
        return false
    }
}
