import LoadDriver
import Testing

/// `profile --perf`'s stack folding: perf script's leaf-first frames into Brendan Gregg's
/// folded lines, root first.
@Suite struct PerfRecorderTests {
    @Test func foldsSamplesRootFirstAndCountsRepeats() {
        // `perf script -F comm,ip,sym`: the command, then one frame per line, leaf first.
        let script = """
            jwtbench
            \t    7f01 leaf+0x10
            \t    7f02 middle;part+0x20
            \t    7f03 main+0x30

            jwtbench
            \t    7f01 leaf+0x10
            \t    7f02 middle;part+0x20
            \t    7f03 main+0x30

            other
            \t    7f09 idle (/usr/bin/other)
            \t    7f0a [unknown] ([kernel.kallsyms])

            """
        let folded = PerfRecorder.fold(script)
        #expect(folded.count == 2, "\(folded)")
        #expect(folded["jwtbench;main;middle:part;leaf"] == 2, "\(folded)")
        #expect(folded["other;[unknown];idle"] == 1, "\(folded)")
    }
}
