import FoundationEssentials
import Glibc

/// The embedded mailbox: one SQLite file (WAL, secure_delete) that the users
/// of one host share. Envelope bytes live once, in 1 MiB chunks; each
/// recipient address gets a delivery row pointing at them.
public final class SQLiteMailbox: Mailbox {
    public let db: Database
    public let path: String
    private let chunks: ChunkTable
    private var depth = 0
    /// The bytes of the small envelopes the last listing returned, so that
    /// receiving them needs no statement of its own.
    private var prefetched = [EnvelopeID: [UInt8]]()
    private lazy var watcher = FileWatcher(directory: Path.directory(of: path))
    /// Told of each delivery to a listed address whose row was damaged (any
    /// member of a shared file can write one); the delivery has been removed.
    public var onDamaged: (_ sequence: Int64) -> Void = { _ in }
    /// Whether this open made the file: a mistyped path makes a new, empty
    /// mailbox nobody reads, so the commands say so.
    public let created: Bool

    static let migrations: [Schema.Migration] = [
        """
        CREATE TABLE envelopes (
            rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, expires_at INTEGER,
            size INTEGER NOT NULL, stored_at INTEGER NOT NULL);
        CREATE TABLE envelope_chunks (
            owner INTEGER NOT NULL REFERENCES envelopes(rowid) ON DELETE CASCADE,
            n INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (owner, n)) WITHOUT ROWID;
        CREATE TABLE deliveries (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, mailbox TEXT NOT NULL,
            envelope INTEGER NOT NULL REFERENCES envelopes(rowid) ON DELETE CASCADE,
            stored_at INTEGER NOT NULL, UNIQUE (mailbox, envelope));
        CREATE INDEX deliveries_by_envelope ON deliveries(envelope);
        CREATE INDEX envelopes_by_expiry ON envelopes(expires_at);
        """,
        Schema.Migration { try Schema.rehashEnvelopeIDs($0, table: "envelopes", key: "rowid", chunks: "envelope_chunks") },
    ]

    public init(path: String) throws {
        self.path = path
        let directory = Path.directory(of: path)
        if !FileManager.default.fileExists(atPath: directory) {
            throw SottoError(.unavailable, "mailbox directory \(directory) does not exist")
        }
        created = !FileManager.default.fileExists(atPath: path)
        if !created, access(path, R_OK | W_OK) != 0, errno == EACCES {
            throw SottoError(.unavailable, "mailbox unavailable: permission denied on \(path)",
                             hints: ["a mailbox shared by the users of a host is group-writable (mode 660) in a directory of their "
                                     + "group with mode 2770: see sotto-send(1), SHARING A MAILBOX"])
        }
        do {
            db = try Database(path: path)
        } catch let error as SottoError {
            throw SottoError(.unavailable, "mailbox unavailable: \(error.message)", hints: error.hints)
        }
        // In a directory its group shares (setgid, as the sharing recipe makes it), a new
        // mailbox is the group's too: the -wal and -shm files take the database's mode.
        var info = stat()
        if created, stat(directory, &info) == 0, info.st_mode & S_ISGID != 0 {
            chmod(path, 0o660)
        }
        chunks = ChunkTable(db: db, table: "envelope_chunks")
        try Schema.migrate(db, Self.migrations, what: "mailbox")
    }

    public func batch<R>(_ body: () throws -> R) throws -> R {
        if depth > 0 { return try body() }
        depth += 1
        defer { depth -= 1 }
        return try db.transaction(body)
    }

    public func deposit(_ deliveries: [Delivery], now: Int64) throws -> [DepositReceipt] {
        try batch {
            try deliveries.map { delivery in
                let (owner, id) = try storeBytes(delivery.envelope, now: now)
                let statuses = try delivery.addresses.map { address -> DepositStatus in
                    try db.run("INSERT OR IGNORE INTO deliveries (mailbox, envelope, stored_at) VALUES (?, ?, ?)",
                               [.text(address), .int(owner), .int(now)])
                    return db.changes == 1 ? .stored : .duplicate
                }
                return DepositReceipt(id: id, statuses: statuses)
            }
        }
    }

    /// Stores the bytes once per id; returns the envelope row and the id.
    private func storeBytes(_ envelope: IncomingEnvelope, now: Int64) throws -> (Int64, EnvelopeID) {
        let id = envelope.id
        if let owner = try db.rows("SELECT rowid FROM envelopes WHERE id = ?", [.text(id.hex)]).first?.int(0) {
            return (Int64(owner), id)
        }
        try db.run("INSERT INTO envelopes (id, expires_at, size, stored_at) VALUES (?, ?, 0, ?)",
                   [.text(id.hex), envelope.expiresAt.map { .int($0) } ?? .null, .int(now)])
        let owner = db.lastInsertRowID
        let (size, matchesID) = try chunks.write(envelope, owner: owner)
        guard matchesID else { throw envelope.mismatch }
        try db.run("UPDATE envelopes SET size = ? WHERE rowid = ?", [.int(size), .int(owner)])
        return (owner, id)
    }

    public func pending(for addresses: [String], now: Int64, limit: Int) throws -> [StoredEnvelope] {
        prefetched.removeAll()
        guard !addresses.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: addresses.count).joined(separator: ",")
        // The listing brings the bytes of small envelopes along.
        let prefetch = Prefetch.sizeLimit(listing: limit)
        let rows = try db.rows("""
            SELECT d.seq, d.mailbox, e.id, e.expires_at, e.size, d.stored_at,
                   CASE WHEN e.size <= ? THEN (SELECT c.bytes FROM envelope_chunks c WHERE c.owner = e.rowid AND c.n = 0) END
            FROM deliveries d JOIN envelopes e ON e.rowid = d.envelope
            WHERE d.mailbox IN (\(marks)) AND (e.expires_at IS NULL OR e.expires_at > ?)
            ORDER BY d.seq LIMIT ?
            """, [.int(prefetch)] + addresses.map(SQLValue.text) + [.int(now), .int(limit)])
        var entries = [StoredEnvelope](), damaged = [Int64]()
        for row in rows {
            // A row that cannot be read would otherwise stop every receipt for
            // its address: it goes, and is reported. (seq is the rowid: always an integer.)
            guard let entry = try? Self.entry(row) else {
                damaged += row.int(0).map { [Int64($0)] } ?? []
                continue
            }
            if let bytes = row.blob(6) { prefetched[entry.id] = bytes }
            entries.append(entry)
        }
        if !damaged.isEmpty {
            try batch { for sequence in damaged { try db.run("DELETE FROM deliveries WHERE seq = ?", [.int(sequence)]) } }
            damaged.forEach(onDamaged)
        }
        return entries
    }

    static func entry(_ row: Row) throws -> StoredEnvelope {
        StoredEnvelope(id: try row.envelopeID(2, in: "mailbox"), mailbox: row.text(1), expiresAt: row.int(3).map(Int64.init),
                       size: Int64(try row.required(Row.int, 4, in: "mailbox")), storedAt: Int64(try row.required(Row.int, 5, in: "mailbox")),
                       openedAt: nil, sequence: Int64(try row.required(Row.int, 0, in: "mailbox")))
    }

    /// A small envelope comes from the listing that named it, as it was then.
    public func sourceIfPresent(for envelope: StoredEnvelope) throws -> ByteSource? {
        if let bytes = prefetched.removeValue(forKey: envelope.id) { return MemorySource(bytes) }
        // One statement, one snapshot: the rows it steps through stay readable
        // even if expiry deletes the envelope meanwhile.
        let select = try db.prepare("""
            SELECT c.bytes FROM envelope_chunks c JOIN envelopes e ON e.rowid = c.owner WHERE e.id = ? ORDER BY c.n
            """)
        try select.bind([.text(envelope.id.hex)])
        guard try select.step() else { return nil }
        return ChunkSource(select, current: select.row().blob(0) ?? [])
    }

    public func remove(_ envelope: StoredEnvelope) throws {
        try batch {
            try db.run("DELETE FROM deliveries WHERE seq = ?", [.int(envelope.sequence)])
            try db.run("DELETE FROM envelopes WHERE id = ? AND NOT EXISTS (SELECT 1 FROM deliveries WHERE envelope = envelopes.rowid)",
                       [.text(envelope.id.hex)])
        }
    }

    public func expired(now: Int64) throws -> [StoredEnvelope] {
        try db.rows("""
            SELECT d.seq, d.mailbox, e.id, e.expires_at, e.size, d.stored_at FROM deliveries d
            JOIN envelopes e ON e.rowid = d.envelope WHERE e.expires_at <= ? ORDER BY d.seq
            """, [.int(now)]).map(Self.entry)
    }

    public func removeExpired(now: Int64) throws -> [StoredEnvelope] {
        try batch {
            let gone = try expired(now: now)
            try db.run("DELETE FROM envelopes WHERE expires_at <= ?", [.int(now)])
            return gone
        }
    }

    /// Whether any address still has this envelope.
    public func contains(id: EnvelopeID) throws -> Bool {
        try !db.rows("SELECT 1 FROM envelopes WHERE id = ?", [.text(id.hex)]).isEmpty
    }

    public func waitForChange(timeout: Double) throws {
        if let watcher { watcher.wait(timeout: timeout) } else { usleep(UInt32(max(0, min(timeout, 60)) * 1_000_000)) }
    }
}
