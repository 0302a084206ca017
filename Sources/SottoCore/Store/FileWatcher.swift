import Glibc

/// Waits for writes in a directory with inotify, so followers sleep until
/// something changes instead of polling. A timeout bounds every wait, so a
/// missed event costs at most one timeout of latency.
final class FileWatcher {
    private let fd: Int32

    init?(directory: String) {
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { return nil }
        let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    /// Returns after a change or `timeout` seconds; a signal also wakes it.
    func wait(timeout: Double) {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, Int32(timeout * 1000))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(fd, &buffer, buffer.count) > 0 {}
    }
}
