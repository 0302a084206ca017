/// What the inbox remembers of the messages it deleted (expiry, read-after
/// timers, erasure), so that they are not received again: a replay would
/// undo disappearing messages and erasure. It remembers the message id, so a
/// new payload under the same header (which a co-recipient can write) is
/// known too. It keeps a keyed hash of each id, never the id, so an erasure's
/// scan for the id still finds nothing; and only for as long as the message
/// could be valid.
extension Inbox {
    static let tombstoneMigration: Schema.Migration = """
        CREATE TABLE tombstones (tag BLOB PRIMARY KEY, until INTEGER) WITHOUT ROWID;
        CREATE TABLE tombstone_key (one INTEGER PRIMARY KEY CHECK (one = 1), key BLOB NOT NULL);
        """

    /// HMAC-SHA-256 of the message id under this inbox's own random key, made
    /// with the first tombstone; nil while there is no key (and so no tombstone).
    func tombstoneTag(_ id: MessageID, makingKey: Bool = false) throws -> [UInt8]? {
        try tombstoneKey(making: makingKey).map { HMAC.sha256(key: $0, Array("sotto/2 tombstone\n".utf8) + Array(id.hex.utf8)) }
    }

    private func tombstoneKey(making makingKey: Bool) throws -> [UInt8]? {
        if makingKey {
            try db.run("INSERT OR IGNORE INTO tombstone_key (one, key) VALUES (1, ?)", [.blob(Sodium.random(32))])
        }
        guard let row = try db.rows("SELECT key FROM tombstone_key WHERE one = 1").first else { return nil }
        let key = try row.required(Row.blob, 0, in: "inbox")
        guard key.count == 32 else {
            throw SottoError(.malformed, "the inbox is damaged: its tombstone key is not 32 bytes", hints: ["the file was altered or corrupted"])
        }
        return key
    }

    /// Remembers envelopes about to be deleted, each until its expiry (for
    /// good when it has none), in the caller's transaction.
    func bury(_ envelopes: [StoredEnvelope]) throws {
        for envelope in envelopes {
            let stored = try db.rows("SELECT message_id FROM envelopes WHERE seq = ?", [.int(envelope.sequence)]).first?.text(0)
            guard let messageID = stored.flatMap(MessageID.init), let tag = try tombstoneTag(messageID, makingKey: true) else { continue }
            try db.run("INSERT OR REPLACE INTO tombstones (tag, until) VALUES (?, ?)",
                       [.blob(tag), envelope.expiresAt.map { .int($0) } ?? .null])
        }
    }

    /// Whether a message with this id was deleted from this inbox before.
    public func wasDeleted(_ id: MessageID) throws -> Bool {
        guard let tag = try tombstoneTag(id) else { return false }
        return try !db.rows("SELECT 1 FROM tombstones WHERE tag = ?", [.blob(tag)]).isEmpty
    }

    /// Forgets tombstones of envelopes that have expired by `now`: their bytes
    /// can no longer be received (mailboxes and recv refuse expired ones) nor opened.
    public func pruneTombstones(now: Int64) throws {
        try db.run("DELETE FROM tombstones WHERE until IS NOT NULL AND until <= ?", [.int(now)])
    }
}
