import FoundationEssentials
import Glibc

/// The local inbox in $SOTTO_HOME: envelopes received, still sealed, with
/// when each arrived and when it was first opened. Each id is held once.
public final class Inbox {
    public let db: Database
    private let chunks: ChunkTable

    static let migrations: [Schema.Migration] = [
        """
        CREATE TABLE envelopes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, mailbox TEXT,
            expires_at INTEGER, size INTEGER NOT NULL, received_at INTEGER NOT NULL, opened_at INTEGER);
        CREATE TABLE envelope_chunks (
            owner INTEGER NOT NULL REFERENCES envelopes(seq) ON DELETE CASCADE,
            n INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (owner, n)) WITHOUT ROWID;
        CREATE INDEX envelopes_by_received ON envelopes(received_at);
        """,
        """
        ALTER TABLE envelopes ADD COLUMN delete_after INTEGER;
        ALTER TABLE envelopes ADD COLUMN key_destroyed_at INTEGER;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """,
        tombstoneMigration,
        // The message id (a hash of the age header) of each envelope, by which
        // deleted messages are remembered; rows from before it are filled in on opening.
        """
        ALTER TABLE envelopes ADD COLUMN message_id TEXT;
        CREATE INDEX envelopes_by_message ON envelopes(message_id);
        """,
        // When this inbox took each envelope in, by its own clock: received_at may come from
        // an export record, which nothing authenticates; a revocation is judged against this.
        "ALTER TABLE envelopes ADD COLUMN held_since INTEGER;",
        Schema.Migration { try Schema.rehashEnvelopeIDs($0, table: "envelopes", key: "seq", chunks: "envelope_chunks") },
    ]

    public static func path(_ home: Home) -> String { home.inboxPath }

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
        try fillInMessageIDs()
    }

    /// Envelopes stored before message ids were kept get theirs from their
    /// header; one whose header does not parse keeps none.
    private func fillInMessageIDs() throws {
        let rows = try db.rows("SELECT seq FROM envelopes WHERE message_id IS NULL")
        guard !rows.isEmpty else { return }
        try db.transaction {
            for row in rows {
                let owner = Int64(try row.required(Row.int, 0, in: "inbox"))
                guard let header = try? Header.parse(ByteReader(chunks.source(owner: owner), bufferSize: 64 * 1024)) else { continue }
                try db.run("UPDATE envelopes SET message_id = ? WHERE seq = ?", [.text(MessageID(header: header).hex), .int(owner)])
            }
        }
    }

    /// Stores an envelope unless its id is already here, received at `now`.
    /// The whole envelope lands in one transaction: after a crash it is either
    /// entirely present or absent; bytes that do not match their id, or that
    /// declare an expiry already past, leave nothing behind. The expiry is read
    /// from the envelope's own sotto stanza, never taken from where it came from.
    @discardableResult
    public func store(_ envelope: IncomingEnvelope, mailbox: String?, now: Int64, openedAt: Int64? = nil) throws -> InboxOutcome {
        enum Refusal: Error { case mismatch(SottoError), expired(Int64), deletedBefore }
        let id = envelope.id
        do {
            return try db.transaction { () throws -> InboxOutcome in
                try db.run("INSERT OR IGNORE INTO envelopes (id, mailbox, expires_at, size, received_at, opened_at) VALUES (?, ?, NULL, ?, ?, ?)",
                           [.text(id.hex), .optional(mailbox), .int(envelope.bytes?.count ?? 0), .int(now), openedAt.map { .int($0) } ?? .null])
                guard db.changes == 1 else { return .alreadyHeld }
                let owner = db.lastInsertRowID
                let (size, matchesID) = try chunks.write(envelope, owner: owner)
                guard matchesID else { throw Refusal.mismatch(envelope.mismatch) }
                guard case .envelope(let expiresAt, let messageID) = try declaredExpiry(owner: owner, bytes: envelope.bytes) else {
                    throw Refusal.mismatch(SottoError(.malformed, "envelope \(id) is not a well-formed age file with a valid sotto stanza"))
                }
                // A deleted message comes back neither as the same bytes nor as
                // a new payload under its header.
                if try wasDeleted(messageID) { throw Refusal.deletedBefore }
                if let expiresAt, expiresAt <= max(Time.now(), try storedClock()) { throw Refusal.expired(expiresAt) }
                try db.run("UPDATE envelopes SET size = ?, expires_at = ?, message_id = ?, held_since = ? WHERE seq = ?",
                           [.int(size), expiresAt.map { .int($0) } ?? .null, .text(messageID.hex), .int(Time.now()), .int(owner)])
                return .stored(StoredEnvelope(id: id, mailbox: mailbox, expiresAt: expiresAt, size: size, storedAt: now,
                                              openedAt: openedAt, sequence: owner))
            }
        } catch Refusal.mismatch(let error) {
            return .mismatch(error)
        } catch Refusal.expired(let time) {
            return .expired(time)
        } catch Refusal.deletedBefore {
            return .deletedBefore
        }
    }

    /// The expiry the stored envelope's sotto stanza declares (nil inside: none,
    /// as for a plain age file); nil when the bytes have no well-formed age
    /// header and sotto stanza, which sotto-send refuses and no one can open or expire.
    private func declaredExpiry(owner: Int64, bytes: [UInt8]?) throws -> Declared {
        let reader = try bytes.map { ByteReader(bytes: $0) } ?? ByteReader(chunks.source(owner: owner), bufferSize: 64 * 1024)
        // A failure to read the inbox throws; bytes that are not an envelope are told apart.
        let header: Header
        do { header = try Header.parse(reader) } catch is AgeError { return .notAnEnvelope }
        do { return .envelope(expiresAt: try SottoStanza.declaredExpiry(in: header), messageID: MessageID(header: header)) } catch {
            return .notAnEnvelope
        }
    }

    private enum Declared {
        case notAnEnvelope
        /// An age file; its expiry when a sotto stanza declares one, and its message id.
        case envelope(expiresAt: Int64?, messageID: MessageID)
    }

    /// The latest clock an expiry run used (see `expiryClock`), without moving it.
    private func storedClock() throws -> Int64 {
        try db.rows("SELECT value FROM meta WHERE key = 'expire_clock'").first?.int(0).map(Int64.init) ?? Int64.min
    }

    static let columns = "seq, mailbox, id, expires_at, size, received_at, opened_at"

    static func entry(_ row: Row) throws -> StoredEnvelope {
        StoredEnvelope(id: try row.envelopeID(2, in: "inbox"), mailbox: row.text(1), expiresAt: row.int(3).map(Int64.init),
                       size: Int64(try row.required(Row.int, 4, in: "inbox")), storedAt: Int64(try row.required(Row.int, 5, in: "inbox")),
                       openedAt: row.int(6).map(Int64.init), sequence: Int64(try row.required(Row.int, 0, in: "inbox")))
    }

    /// The envelopes that carry a message: usually one, more when someone
    /// wrote another payload under its header.
    public func envelopes(messageID: MessageID) throws -> [StoredEnvelope] {
        try db.rows("SELECT \(Self.columns) FROM envelopes WHERE message_id = ? ORDER BY seq", [.text(messageID.hex)]).map(Self.entry)
    }

    /// When this inbox took the envelope in, by its own clock: nil when it
    /// does not hold it, Int64.min for an envelope held before the time was kept.
    public func heldSince(id: EnvelopeID) throws -> Int64? {
        guard let row = try db.rows("SELECT held_since FROM envelopes WHERE id = ?", [.text(id.hex)]).first else { return nil }
        return row.int(0).map(Int64.init) ?? Int64.min
    }

    public func messageID(of id: EnvelopeID) throws -> MessageID? {
        try db.rows("SELECT message_id FROM envelopes WHERE id = ?", [.text(id.hex)]).first?.text(0).flatMap(MessageID.init)
    }

    public func envelope(id: EnvelopeID) throws -> StoredEnvelope? {
        try db.rows("SELECT \(Self.columns) FROM envelopes WHERE id = ?", [.text(id.hex)]).first.map(Self.entry)
    }

    /// Envelopes after a position (exclusive), or received after a time, oldest
    /// first; with `unexpiredAt`, only those neither expired nor past their
    /// read-after deadline then (what expiry has not yet deleted is as good as gone).
    public func list(afterSequence: Int64? = nil, receivedAfter: Int64? = nil, unexpiredAt now: Int64? = nil,
                     limit: Int? = nil) throws -> [StoredEnvelope] {
        let at = now ?? Int64.min
        return try db.rows("""
            SELECT \(Self.columns) FROM envelopes WHERE seq > ? AND received_at > ?
                AND (expires_at IS NULL OR expires_at > ?) AND (delete_after IS NULL OR delete_after > ?)
            ORDER BY seq LIMIT ?
            """, [.int(afterSequence ?? 0), .int(receivedAfter ?? Int64.min), .int(at), .int(at), .int(Int64(limit ?? -1))]).map(Self.entry)
    }

    public func source(for envelope: StoredEnvelope) throws -> ByteSource {
        try chunks.source(owner: envelope.sequence)
    }

    /// Records the first time an envelope was opened (later opens keep it),
    /// and, for a read-after timer, when it must then disappear.
    public func markOpened(id: EnvelopeID, now: Int64, ttlAfterRead: Int64? = nil) throws {
        try db.transaction {
            try db.run("UPDATE envelopes SET opened_at = ? WHERE id = ? AND opened_at IS NULL", [.int(now), .text(id.hex)])
            if let ttlAfterRead {
                try db.run("""
                    UPDATE envelopes SET delete_after = opened_at + ?
                    WHERE id = ? AND (delete_after IS NULL OR delete_after > opened_at + ?)
                    """, [.int(ttlAfterRead), .text(id.hex), .int(ttlAfterRead)])
            }
        }
    }

    /// Envelopes past their expiry or their read-after deadline at `now`.
    public func due(now: Int64) throws -> [(envelope: StoredEnvelope, reason: String)] {
        try db.rows("""
            SELECT \(Self.columns), CASE WHEN expires_at <= ? THEN 'expired' ELSE 'read' END FROM envelopes
            WHERE expires_at <= ? OR delete_after <= ? ORDER BY seq
            """, [.int(now), .int(now), .int(now)]).map { (try Self.entry($0), try $0.required(Row.text, 7, in: "inbox")) }
    }

    /// Deletes envelopes by id in one transaction, remembering each (see
    /// `bury`) so that it is not received again; returns how many went.
    @discardableResult
    public func delete(ids: [EnvelopeID]) throws -> Int {
        try db.transaction {
            var count = 0
            for id in ids {
                if let envelope = try envelope(id: id) { try bury([envelope]) }
                try db.run("DELETE FROM envelopes WHERE id = ?", [.text(id.hex)])
                count += db.changes
            }
            return count
        }
    }

    /// Marks envelopes whose key was destroyed, so opening them says why it fails.
    public func markKeyDestroyed(ids: [EnvelopeID], at time: Int64) throws {
        try db.transaction {
            for id in ids { try db.run("UPDATE envelopes SET key_destroyed_at = ? WHERE id = ?", [.int(time), .text(id.hex)]) }
        }
    }

    public func keyDestroyedAt(id: EnvelopeID) throws -> Int64? {
        try db.rows("SELECT key_destroyed_at FROM envelopes WHERE id = ?", [.text(id.hex)]).first?.int(0).map(Int64.init)
    }

    /// As `expiryClock`, without moving the stored clock: for readers.
    public func readClock(now: Int64) throws -> Int64 { max(now, try storedClock()) }

    /// The time expiry decisions use: never earlier than a previous run's,
    /// so a clock set backwards brings nothing back.
    public func expiryClock(now: Int64) throws -> Int64 {
        try db.transaction {
            let previous = try db.rows("SELECT value FROM meta WHERE key = 'expire_clock'").first?.int(0).map(Int64.init) ?? Int64.min
            let clock = max(now, previous)
            try db.run("INSERT INTO meta (key, value) VALUES ('expire_clock', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       [.int(clock)])
            return clock
        }
    }

    /// Folds the write-ahead log into the database and truncates it, so
    /// deleted pages do not linger in the -wal file.
    public func checkpoint() throws { try db.checkpoint() }
}
