/// Envelope bytes stored as rows of at most 1 MiB, so an envelope of any size
/// goes in and out of SQLite in bounded memory. `owner` is the integer key of
/// the envelope row the chunks belong to.
struct ChunkTable {
    static let chunkSize = 1 << 20
    let db: Database
    let table: String

    /// `sizeHint`, when known, keeps a small envelope from costing a 1 MiB buffer.
    func write(owner: Int64, sizeHint: Int? = nil, from source: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Int64 {
        var buffer = [UInt8](repeating: 0, count: max(1, min(Self.chunkSize, sizeHint ?? Self.chunkSize)))
        var n = 0
        var total: Int64 = 0
        while true {
            var filled = 0
            while filled < buffer.count {
                let got = try buffer.withUnsafeMutableBytes { try source(UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
                if got == 0 { break }
                filled += got
            }
            if filled == 0 { break }
            try db.run("INSERT INTO \(table) (owner, n, bytes) VALUES (?, ?, ?)", [.int(owner), .int(n), .blob(Array(buffer[..<filled]))])
            n += 1
            total += Int64(filled)
            if filled < buffer.count { break }
        }
        return total
    }

    /// A reader over one envelope's chunks, one row in memory at a time.
    func source(owner: Int64) throws -> ByteSource {
        let select = try db.prepare("SELECT bytes FROM \(table) WHERE owner = ? ORDER BY n")
        try select.bind([.int(owner)])
        return ChunkSource(select)
    }

    func delete(owner: Int64) throws {
        try db.run("DELETE FROM \(table) WHERE owner = ?", [.int(owner)])
    }
}

/// Steps through chunk rows as a byte stream.
final class ChunkSource: ByteSource {
    private let statement: Statement
    private var current = [UInt8]()
    private var offset = 0
    private var done = false

    /// `current` is the first row's bytes when the caller already stepped to it.
    init(_ statement: Statement, current: [UInt8] = []) {
        self.statement = statement
        self.current = current
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset == current.count {
            if done { return 0 }
            if try statement.step() {
                current = statement.row().blob(0) ?? []
                offset = 0
            } else {
                done = true
            }
        }
        let n = min(buffer.count, current.count - offset)
        let start = offset
        current.withUnsafeBytes { src in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + n)]))
        }
        offset += n
        return n
    }
}
