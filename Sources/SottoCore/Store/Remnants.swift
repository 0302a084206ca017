internal import CSQLite
import FoundationEssentials
import Glibc

/// Verifies an erasure: looks for byte strings in files (a database's are
/// `Database.files(of:)`).
public enum Remnants {
    /// The needles found in `path`, read in 1 MiB windows that overlap by
    /// the longest needle, so a match across a boundary is not missed.
    public static func find(_ needles: [[UInt8]], in path: String) throws -> Set<Int> {
        let wanted = needles.enumerated().filter { !$0.element.isEmpty }
        guard !wanted.isEmpty else { return [] }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        let source = FileDescriptorSource(fd: fd)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let overlap = wanted.map(\.element.count).max() ?? 0
        var found = Set<Int>()
        var carry = [UInt8]()
        while true {
            let count: Int
            do { count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) } } catch let error as SottoError {
                throw SottoError(.io, "cannot read \(path) to verify the erasure: \(error.message)")
            }
            if count == 0 { break }
            let window = carry + buffer[..<count]
            for (index, needle) in wanted where !found.contains(index) && contains(window, needle) { found.insert(index) }
            carry = Array(window.suffix(max(overlap - 1, 0)))
        }
        return found
    }

    /// memchr for the first byte, memcmp for the rest.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in
                guard let base = h.baseAddress, let pattern = n.baseAddress else { return false }
                var offset = 0
                let last = h.count - n.count
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + position, pattern, n.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}

extension Database {
    /// After deleting: fold the WAL into the database and truncate it, then
    /// rebuild the file so no freed page keeps old bytes.
    public func compact() throws {
        try checkpoint()
        try execute("VACUUM")
        try checkpoint()
    }

    /// Folds the write-ahead log into the database and truncates it, so no
    /// old page stays in it. SQLite does not fail when another connection
    /// reads a snapshot the log still holds: it waits (the busy timeout) and
    /// then answers "busy" in the first column; it answers busy at once when
    /// another connection is checkpointing (a second sotto-expire at the same
    /// time). So it tries five times, a second and a fifth apart; still busy is
    /// an unfinished erasure, never a success.
    public func checkpoint() throws {
        sqlite3_busy_timeout(handle, 1000)
        defer { sqlite3_busy_timeout(handle, Self.busyTimeout) }
        for attempt in 0..<5 {
            if attempt > 0 { usleep(200_000) }
            guard let busy = try rows("PRAGMA wal_checkpoint(TRUNCATE)").first?.int(0), busy != 0 else { return }
        }
        throw SottoError(.temporary, "another process is reading \(path): old pages stay in its write-ahead log until it stops",
                         hints: ["run this again once the other process has finished (on a shared mailbox, it may be another user's)"])
    }
}
