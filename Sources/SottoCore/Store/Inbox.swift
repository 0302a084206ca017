import Foundation

/// The local inbox in $SOTTO_HOME: envelopes received, still sealed, with
/// when each arrived and when it was first opened. Each id is held once.
public final class Inbox {
    let db: Database
    private let chunks: ChunkTable

    static let migrations = [
        """
        CREATE TABLE envelopes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, mailbox TEXT,
            expires_at INTEGER, size INTEGER NOT NULL, received_at INTEGER NOT NULL, opened_at INTEGER);
        CREATE TABLE envelope_chunks (
            owner INTEGER NOT NULL REFERENCES envelopes(seq) ON DELETE CASCADE,
            n INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (owner, n)) WITHOUT ROWID;
        CREATE INDEX envelopes_by_received ON envelopes(received_at);
        """,
    ]

    public static func path(_ home: Home) -> String { home.path + "/inbox.db" }

    /// Opens the inbox; without `create`, nil when there is none yet.
    public static func open(_ home: Home, create: Bool) throws -> Inbox? {
        if !create, !FileManager.default.fileExists(atPath: path(home)) { return nil }
        try home.create()
        return try Inbox(path: path(home))
    }

    init(path: String) throws {
        db = try Database(path: path)
        chmod(path, 0o600)
        chunks = ChunkTable(db: db, table: "envelope_chunks")
        try Schema.migrate(db, Self.migrations, what: "inbox")
    }

    /// Stores an envelope unless its id is already here; true when new.
    /// The whole envelope lands in one transaction: after a crash it is
    /// either entirely present or absent.
    @discardableResult
    public func store(_ envelope: IncomingEnvelope, id: String, mailbox: String?, now: Int64) throws -> Bool {
        try db.transaction {
            try db.run("INSERT OR IGNORE INTO envelopes (id, mailbox, expires_at, size, received_at) VALUES (?, ?, ?, 0, ?)",
                       [.text(id), .optional(mailbox), envelope.expiresAt.map { .int($0) } ?? .null, .int(now)])
            guard db.changes == 1 else { return false }
            let owner = db.lastInsertRowID
            let hasher = EnvelopeIDHasher()
            let size = try chunks.write(owner: owner) { buffer in
                let n = try envelope.read(buffer)
                hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
                return n
            }
            guard hasher.finalize() == id else {
                throw SottoError(.malformed, "envelope \(id): its bytes do not match its id")
            }
            try db.run("UPDATE envelopes SET size = ? WHERE seq = ?", [.int(size), .int(owner)])
            return true
        }
    }

    static let columns = "seq, mailbox, id, expires_at, size, received_at, opened_at"

    static func entry(_ row: Row) -> StoredEnvelope {
        StoredEnvelope(id: row.text(2) ?? "", mailbox: row.text(1), expiresAt: row.int(3).map(Int64.init),
                       size: Int64(row.int(4) ?? 0), storedAt: Int64(row.int(5) ?? 0), openedAt: row.int(6).map(Int64.init),
                       sequence: Int64(row.int(0) ?? 0))
    }

    public func envelope(id: String) throws -> StoredEnvelope? {
        try db.rows("SELECT \(Self.columns) FROM envelopes WHERE id = ?", [.text(id)]).first.map(Self.entry)
    }

    /// Envelopes after a position (exclusive), or received after a time, oldest first.
    public func list(afterSequence: Int64? = nil, receivedAfter: Int64? = nil, limit: Int? = nil) throws -> [StoredEnvelope] {
        try db.rows("""
            SELECT \(Self.columns) FROM envelopes WHERE seq > ? AND received_at > ? ORDER BY seq LIMIT ?
            """, [.int(afterSequence ?? 0), .int(receivedAfter ?? Int64.min), .int(Int64(limit ?? -1))]).map(Self.entry)
    }

    public func source(for envelope: StoredEnvelope) throws -> ByteSource {
        try chunks.source(owner: envelope.sequence)
    }

    /// Records the first time an envelope was opened (later opens keep it).
    public func markOpened(id: String, now: Int64) throws {
        try db.run("UPDATE envelopes SET opened_at = ? WHERE id = ? AND opened_at IS NULL", [.int(now), .text(id)])
    }
}
