import Foundation
import Histogram
import Testing

@testable import Reports

@Suite struct HistogramEncodingTests {
    @Test func zigZagVarintMatchesTheReferenceBytes() {
        func bytes(_ v: Int64) -> [UInt8] {
            var out: [UInt8] = []
            ZigZagVarint.append(v, to: &out)
            return out
        }
        #expect(bytes(0) == [0x00])
        #expect(bytes(-1) == [0x01])
        #expect(bytes(1) == [0x02])
        #expect(bytes(63) == [0x7E])
        #expect(bytes(64) == [0x80, 0x01])
        #expect(bytes(-3) == [0x05])
        // The 64b9B variant: the ninth byte carries 8 bits, never a tenth byte.
        #expect(bytes(Int64.max).count == 9)
        #expect(bytes(Int64.min) == [UInt8](repeating: 0xFF, count: 9))
        for v: Int64 in [0, 1, -1, 127, -128, 1 << 20, -(1 << 40), Int64.max, Int64.min, 123_456_789_012] {
            let encoded = bytes(v)
            var position = 0
            #expect(ZigZagVarint.read(encoded, at: &position, end: encoded.count) == v)
            #expect(position == encoded.count)
        }
    }

    @Test func layoutAgreesWithTheLibrary() {
        for (lowest, digits) in [(UInt64(1), SignificantDigits.three), (1000, .three), (1, .two), (1, .five), (7, .one)] {
            let h = Histogram<UInt64>(
                lowestDiscernibleValue: lowest, highestTrackableValue: 1 << 50,
                numberOfSignificantValueDigits: digits)
            let layout = try! #require(HistogramLayout(of: h))
            var rng = SplitMix64(state: lowest)
            for _ in 0..<2000 {
                // Below 2^62: the library itself overflows computing the top bucket's highest value.
                let value = rng.next() >> (2 + rng.next() % 62)
                let index = layout.index(for: value)
                #expect(layout.lowestValue(at: index) == h.lowestEquivalentForValue(value))
                #expect(layout.highestValue(at: index) == h.highestEquivalentForValue(value))
            }
        }
    }

    @Test(arguments: [
        [UInt64](), [0], [1], [1, 1, 1], [2047, 2048, 2049, 1_000_000, 5_000_000_000],
        Samples.latencies(seed: 7, count: 5000),
    ])
    func roundTripKeepsEveryCount(values: [UInt64]) throws {
        let h = Samples.histogram(values)
        let encoded = try HistogramEncoding.compressedBase64(h)
        #expect(encoded.hasPrefix("HISTF"))
        let decoded = try HistogramEncoding.decode(base64: encoded)
        #expect(Samples.counts(decoded) == Samples.counts(h))
        #expect(decoded.totalCount == h.totalCount)
        #expect(decoded == h)
        #expect(decoded.max == h.max)
        #expect(decoded.lowestDiscernibleValue == h.lowestDiscernibleValue)
        #expect(decoded.highestTrackableValue == h.highestTrackableValue)
    }

    @Test func roundTripOtherLayouts() throws {
        let values = Samples.latencies(seed: 11, count: 3000)
        for (lowest, digits) in [(UInt64(1000), SignificantDigits.three), (1, .two), (1, .five)] {
            let h = Samples.histogram(values, lowest: lowest, digits: digits)
            let decoded = try HistogramEncoding.decodeCompressed(HistogramEncoding.encodeCompressed(h))
            #expect(decoded == h)
            #expect(decoded.numberOfSignificantValueDigits == digits)
        }
        // An auto-resizing histogram can record past its nominal highest trackable value.
        var auto = Histogram<UInt64>()
        for v in values { auto.record(v) }
        #expect(try HistogramEncoding.decode(HistogramEncoding.encode(auto)) == auto)
    }

    @Test func headerIsTheV2Layout() throws {
        let bytes = try HistogramEncoding.encode(Samples.histogram([1, 5, 5]))
        #expect(Array(bytes[0..<4]) == [0x1C, 0x84, 0x93, 0x13])
        #expect(HistogramEncoding.readBigEndian(UInt32.self, bytes, at: 4) == UInt32(bytes.count - 40))
        #expect(HistogramEncoding.readBigEndian(UInt32.self, bytes, at: 8) == 0)
        #expect(HistogramEncoding.readBigEndian(UInt32.self, bytes, at: 12) == 3)
        #expect(HistogramEncoding.readBigEndian(UInt64.self, bytes, at: 16) == 1)
        #expect(HistogramEncoding.readBigEndian(UInt64.self, bytes, at: 24) == 3_600_000_000_000)
        #expect(HistogramEncoding.readBigEndian(UInt64.self, bytes, at: 32) == (1.0 as Double).bitPattern)
        // index 0 empty (a lone zero), index 1 = 1, indices 2-4 empty (a run of 3), index 5 = 2.
        #expect(Array(bytes[40...]) == [0x00, 0x02, 0x05, 0x04])
        let compressed = try HistogramEncoding.encodeCompressed(Samples.histogram([1, 5, 5]))
        #expect(Array(compressed[0..<4]) == [0x1C, 0x84, 0x93, 0x14])
        #expect(compressed[8] == 0x78)  // zlib header, not raw DEFLATE
    }

    /// The counts array a V2 payload describes (zero runs expanded).
    func expandedCounts(_ encoding: [UInt8]) -> [Int64] {
        var counts: [Int64] = []
        var position = 40
        while let word = ZigZagVarint.read(encoding, at: &position, end: encoding.count) {
            if word < 0 { counts += Array(repeating: 0, count: Int(-word)) } else { counts.append(word) }
        }
        return counts
    }

    @Test func javaWrittenHistogramsDecodeAndReencodeToTheSameEncoding() throws {
        let log = try HistogramLogReader.parse(JavaLogFixtures.jHiccup)
        let lines = JavaLogFixtures.jHiccup.split(separator: "\n").filter { $0.first?.isNumber == true }
        #expect(log.intervals.count == lines.count)
        for (interval, line) in zip(log.intervals, lines) {
            let fields = line.split(separator: ",")
            // Java writes max / 1e6 (nanoseconds shown as milliseconds) with three decimals.
            #expect(String(format: "%.3f", Double(interval.histogram.max) / 1_000_000) == fields[2])
            let java = [UInt8](try #require(Data(base64Encoded: String(fields[3]))))
            let javaEncoding = try #require(Zlib.decompress(Array(java[8...]), limit: 1 << 20))
            let ours = try HistogramEncoding.encode(interval.histogram)
            // Same header (layout, range, ratio) and the same counts array. The bytes may differ
            // only where this 2015 writer coded a lone zero as a run of one (-1); current Java,
            // like us, writes it as a zero count.
            #expect(Array(ours[0..<4]) == Array(javaEncoding[0..<4]))
            #expect(Array(ours[8..<40]) == Array(javaEncoding[8..<40]))
            #expect(expandedCounts(ours) == expandedCounts(javaEncoding))
        }
    }

    @Test func corruptInputIsRefusedNotTrapped() {
        #expect(throws: HistogramEncodingError.invalidBase64) { try HistogramEncoding.decode(base64: "not base64!") }
        #expect(throws: HistogramEncodingError.unknownCookie(0x0102_0304)) {
            try HistogramEncoding.decodeCompressed([1, 2, 3, 4, 0, 0, 0, 0])
        }
        #expect(throws: HistogramEncodingError.truncated("compressed payload")) {
            try HistogramEncoding.decodeCompressed([0x1C, 0x84, 0x93, 0x14, 0, 0, 1, 0, 0x78])
        }
        var bytes = try! HistogramEncoding.encode(Samples.histogram([1, 2, 3]))
        bytes[15] = 9  // 9 significant digits
        #expect(throws: HistogramEncodingError.self) { try HistogramEncoding.decode(bytes) }
        var huge = try! HistogramEncoding.encode(Samples.histogram([]))
        huge.removeLast()
        var run: [UInt8] = []
        ZigZagVarint.append(-(1 << 40), to: &run)
        ZigZagVarint.append(1, to: &run)
        huge += run
        huge[7] = UInt8(run.count)
        #expect(throws: HistogramEncodingError.countOutsideRange(index: 0)) { try HistogramEncoding.decode(huge) }
    }
}
