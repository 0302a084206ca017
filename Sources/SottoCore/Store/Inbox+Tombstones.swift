/// What the inbox remembers of the envelopes it deleted (expiry, read-after
/// timers, erasure), so that the same bytes sent again are not received
/// again: a replay would undo disappearing messages and erasure. It keeps a
/// keyed hash of each id, never the id, so an erasure's scan for the id
/// still finds nothing; and only for as long as the envelope could be valid.
extension Inbox {
    static let tombstoneMigration = """
        CREATE TABLE tombstones (tag BLOB PRIMARY KEY, until INTEGER) WITHOUT ROWID;
        CREATE TABLE tombstone_key (one INTEGER PRIMARY KEY CHECK (one = 1), key BLOB NOT NULL);
        """

    /// HMAC-SHA-256 of the id under this inbox's own random key, made with
    /// the first tombstone; nil while there is no key (and so no tombstone).
    func tombstoneTag(_ id: EnvelopeID, makingKey: Bool = false) throws -> [UInt8]? {
        if makingKey {
            try db.run("INSERT OR IGNORE INTO tombstone_key (one, key) VALUES (1, ?)", [.blob(Sodium.random(32))])
        }
        guard let row = try db.rows("SELECT key FROM tombstone_key WHERE one = 1").first else { return nil }
        let key = try row.required(Row.blob, 0, in: "inbox")
        guard key.count == 32 else {
            throw SottoError(.malformed, "the inbox is damaged: its tombstone key is not 32 bytes", hints: ["the file was altered or corrupted"])
        }
        return HMAC.sha256(key: key, Array("sotto/1 tombstone\n".utf8) + Array(id.hex.utf8))
    }

    /// Remembers envelopes about to be deleted, each until its expiry (for
    /// good when it has none), in the caller's transaction.
    func bury(_ envelopes: [StoredEnvelope]) throws {
        for envelope in envelopes {
            guard let tag = try tombstoneTag(envelope.id, makingKey: true) else { continue }
            try db.run("INSERT OR REPLACE INTO tombstones (tag, until) VALUES (?, ?)",
                       [.blob(tag), envelope.expiresAt.map { .int($0) } ?? .null])
        }
    }

    /// Whether an envelope with this id was deleted from this inbox before.
    public func wasDeleted(_ id: EnvelopeID) throws -> Bool {
        guard let tag = try tombstoneTag(id) else { return false }
        return try !db.rows("SELECT 1 FROM tombstones WHERE tag = ?", [.blob(tag)]).isEmpty
    }

    /// Forgets tombstones of envelopes that have expired by `now`: their bytes
    /// can no longer be received (mailboxes and recv refuse expired ones) nor opened.
    public func pruneTombstones(now: Int64) throws {
        try db.run("DELETE FROM tombstones WHERE until IS NOT NULL AND until <= ?", [.int(now)])
    }
}
