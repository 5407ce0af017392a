import Histogram

/// Lossless merging of HdrHistograms and interval logs: counts add bucket by bucket, so the
/// merge of shards' histograms equals the histogram of all their samples (to the histograms'
/// shared resolution).
public enum HistogramMerge {
    /// The key `mergeByTag` uses for untagged intervals (a written tag is never empty).
    public static let untaggedKey = ""

    /// Adds `histograms` into one. An empty list gives an empty auto-resizing histogram with 3
    /// significant digits. Throws when layouts differ, since adding those would lose counts.
    public static func merge(_ histograms: [Histogram<UInt64>], tag: String? = nil) throws -> Histogram<UInt64> {
        guard let first = histograms.first else { return Histogram<UInt64>(numberOfSignificantValueDigits: .three) }
        var total = Histogram<UInt64>(
            lowestDiscernibleValue: first.lowestDiscernibleValue,
            highestTrackableValue: first.highestTrackableValue,
            numberOfSignificantValueDigits: first.numberOfSignificantValueDigits)
        // Growing as needed is what makes the merge lossless whatever range each part covered.
        total.autoResize = true
        for histogram in histograms {
            guard histogram.lowestDiscernibleValue == first.lowestDiscernibleValue,
                histogram.numberOfSignificantValueDigits == first.numberOfSignificantValueDigits
            else {
                throw HistogramLogError.incompatibleLayouts(
                    tag: tag,
                    reason:
                        "lowest discernible value \(histogram.lowestDiscernibleValue) vs \(first.lowestDiscernibleValue), "
                        + "significant digits \(histogram.numberOfSignificantValueDigits.rawValue) vs "
                        + "\(first.numberOfSignificantValueDigits.rawValue)")
            }
            total.add(histogram)
        }
        return total
    }

    /// Merges every interval of every log into one histogram per tag; untagged intervals are
    /// keyed by `untaggedKey`.
    public static func mergeByTag(_ logs: [HistogramLog]) throws -> [String: Histogram<UInt64>] {
        var byTag: [String: [Histogram<UInt64>]] = [:]
        for log in logs {
            for interval in log.intervals {
                byTag[interval.tag ?? untaggedKey, default: []].append(interval.histogram)
            }
        }
        var merged: [String: Histogram<UInt64>] = [:]
        for (tag, histograms) in byTag {
            merged[tag] = try merge(histograms, tag: tag)
        }
        return merged
    }

    /// Combines intervals of the same tag whose starts fall in the same `bucketSeconds`-long
    /// slot (counted from 0), e.g. the 1 s intervals of shards that started a few milliseconds
    /// apart. Counts stay exact; only the time resolution becomes the slot. The result is
    /// ordered by tag (first appearance), then time.
    public static func alignIntervals(_ intervals: [IntervalHistogram], bucketSeconds: Double) throws -> [IntervalHistogram] {
        precondition(bucketSeconds > 0, "bucketSeconds must be positive")
        var order: [String?] = []
        var slots: [String?: [Int: [IntervalHistogram]]] = [:]
        for interval in intervals {
            if slots[interval.tag] == nil { order.append(interval.tag) }
            // The epsilon keeps a start of 0.9999999 (float noise on 1.000) out of slot 0.
            let slot = Int((interval.startSeconds / bucketSeconds + 1e-6).rounded(.down))
            slots[interval.tag, default: [:]][slot, default: []].append(interval)
        }
        var aligned: [IntervalHistogram] = []
        for tag in order {
            for (slot, group) in (slots[tag] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let histogram = try merge(group.map(\.histogram), tag: tag)
                aligned.append(
                    IntervalHistogram(
                        tag: tag, startSeconds: Double(slot) * bucketSeconds,
                        lengthSeconds: group.map(\.lengthSeconds).max() ?? bucketSeconds,
                        histogram: histogram))
            }
        }
        return aligned
    }
}
