import Measurement
import Testing

@Test func monotonicClockNeverGoesBackwards() {
    var last = MonotonicClock.now()
    for _ in 0..<10_000 {
        let t = MonotonicClock.now()
        #expect(t >= last)
        last = t
    }
}
