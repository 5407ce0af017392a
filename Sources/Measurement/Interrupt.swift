import Dispatch
import Foundation

/// Waiting for Ctrl-C in a command that serves until stopped (`issuer`, `echo`).
public enum Interrupt {
    /// Blocks until SIGINT or SIGTERM. The signals are ignored for the process and delivered
    /// to a dispatch source instead, so the server can be stopped cleanly.
    public static func wait() {
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        for source in sources { source.cancel() }
    }
}
