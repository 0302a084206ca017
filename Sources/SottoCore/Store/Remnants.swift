import Foundation

/// Verifies an erasure: looks for byte strings in a database's files (the
/// database, and any -wal, -shm and -journal beside it).
public enum Remnants {
    public static func files(of database: String) -> [String] {
        [database, database + "-wal", database + "-shm", database + "-journal"]
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The needles found in `path`, read in 1 MiB windows that overlap by
    /// the longest needle, so a match across a boundary is not missed.
    public static func find(_ needles: [[UInt8]], in path: String) throws -> Set<Int> {
        let wanted = needles.enumerated().filter { !$0.element.isEmpty }
        guard !wanted.isEmpty, let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let overlap = wanted.map(\.element.count).max() ?? 0
        var found = Set<Int>()
        var carry = [UInt8]()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw SottoError(.io, "cannot read \(path) to verify the erasure: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            let window = carry + [UInt8](chunk)
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
        try execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try execute("VACUUM")
        try execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
