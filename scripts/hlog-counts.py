#!/usr/bin/env python3
"""Checks that a merged jwtbench report holds, count for count, the samples of its shards.

  scripts/hlog-counts.py MERGED_DIR SHARD_DIR...

Reads each report's latency.hlog with its own decoder of HdrHistogram's V2 encoding (not
jwtbench's), sums every tag's bucket counts over all intervals, and compares the merged
report's sums with the shards' sums added together, bucket by bucket. Exit 0 when they are
equal for every tag, 1 with the first differences otherwise, 2 on unreadable input.

Written by hand on purpose: a second, independent reading of the files is what makes the
check worth something; the format is small (Java's HistogramLogWriter and
AbstractHistogram.encodeIntoCompressedByteBuffer).
"""
import base64
import struct
import sys
import zlib
from collections import Counter, defaultdict

COMPRESSED_COOKIE_BASE = 0x1C849304
PLAIN_COOKIE_BASE = 0x1C849303


def varints(payload):
    """ZigZag LEB128-64b9B values of an encoded counts array."""
    i = 0
    while i < len(payload):
        value, shift = 0, 0
        for n in range(9):
            byte = payload[i]
            i += 1
            if n == 8:
                value |= byte << 56
                break
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0:
                break
        yield (value >> 1) ^ -(value & 1)


def decode(text):
    """The (bucket index -> count) of one base64 compressed histogram, and its layout."""
    raw = base64.b64decode(text)
    cookie, length = struct.unpack(">II", raw[:8])
    if cookie & ~0xF0 != COMPRESSED_COOKIE_BASE:
        raise ValueError("not a compressed V2 histogram (cookie %08x)" % cookie)
    inner = zlib.decompress(raw[8 : 8 + length])
    cookie, payload_length, offset, digits = struct.unpack(">IIII", inner[:16])
    lowest, highest = struct.unpack(">qq", inner[16:32])
    if cookie & ~0xF0 != PLAIN_COOKIE_BASE or offset != 0:
        raise ValueError("unexpected V2 header (cookie %08x, offset %d)" % (cookie, offset))
    counts, index = Counter(), 0
    for v in varints(inner[40 : 40 + payload_length]):
        if v < 0:
            index += -v
        else:
            if v:
                counts[index] += v
            index += 1
    return counts, (digits, lowest, highest)


def report_counts(directory):
    """tag -> summed bucket counts over every interval of DIRECTORY/latency.hlog."""
    sums, layouts = defaultdict(Counter), {}
    with open(directory.rstrip("/") + "/latency.hlog") as log:
        for line in log:
            if line.startswith("#") or line.startswith('"') or not line.strip():
                continue
            fields = line.strip().split(",")
            tag = fields[0][4:] if fields[0].startswith("Tag=") else ""
            counts, layout = decode(fields[-1])
            if layouts.setdefault(tag, layout) != layout:
                raise ValueError("%s: tag %s changes layout" % (directory, tag))
            sums[tag].update(counts)
    return sums


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        merged = report_counts(argv[1])
        shards = [report_counts(d) for d in argv[2:]]
    except (OSError, ValueError, zlib.error) as error:
        print("hlog-counts: %s" % error, file=sys.stderr)
        return 2
    expected = defaultdict(Counter)
    for shard in shards:
        for tag, counts in shard.items():
            expected[tag].update(counts)
    failures = 0
    for tag in sorted(set(expected) | set(merged)):
        want, got = expected[tag], merged[tag]
        if want != got:
            failures += 1
            differing = sorted(i for i in set(want) | set(got) if want[i] != got[i])[:5]
            print("hlog-counts: %s differs at buckets %s (shards %s, merged %s)"
                  % (tag, differing, [want[i] for i in differing], [got[i] for i in differing]))
        else:
            print("hlog-counts: %s: %d samples in %d buckets, merged equals the %d shards"
                  % (tag, sum(want.values()), len(want), len(shards)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
