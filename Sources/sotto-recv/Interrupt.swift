import Glibc

/// SIGINT and SIGTERM end --follow cleanly (exit 0).
enum Interrupt {
    nonisolated(unsafe) static var received = false

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in Interrupt.received = true }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    /// Sleeps, unless a signal cuts it short.
    static func sleep(seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        _ = nanosleep(&request, nil)
    }
}
