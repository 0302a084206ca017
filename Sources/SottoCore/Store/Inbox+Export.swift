/// What export and restore need from the inbox: the envelopes that have not
/// expired, with their read-after deadlines, read from one snapshot.
extension Inbox {
    /// Runs `body` on one consistent snapshot of the inbox (writers go on).
    public func snapshot<R>(_ body: () throws -> R) throws -> R { try db.snapshot(body) }

    /// Envelopes neither past their expiry nor past their read-after
    /// deadline at `now`, after a position (exclusive), oldest first.
    public func unexpired(now: Int64, afterSequence: Int64 = 0, limit: Int) throws -> [(envelope: StoredEnvelope, deleteAfter: Int64?)] {
        try db.rows("""
            SELECT \(Self.columns), delete_after FROM envelopes
            WHERE seq > ? AND (expires_at IS NULL OR expires_at > ?) AND (delete_after IS NULL OR delete_after > ?)
            ORDER BY seq LIMIT ?
            """, [.int(afterSequence), .int(now), .int(now), .int(Int64(limit))]).map { (try Self.entry($0), $0.int(7).map(Int64.init)) }
    }

    public func countUnexpired(now: Int64) throws -> Int {
        try db.rows("""
            SELECT COUNT(*) FROM envelopes
            WHERE (expires_at IS NULL OR expires_at > ?) AND (delete_after IS NULL OR delete_after > ?)
            """, [.int(now), .int(now)]).first?.int(0) ?? 0
    }

    /// Restores a read-after deadline kept in an export (an earlier one stays).
    public func restoreDeadline(id: EnvelopeID, deleteAfter: Int64) throws {
        try db.run("UPDATE envelopes SET delete_after = ? WHERE id = ? AND (delete_after IS NULL OR delete_after > ?)",
                   [.int(deleteAfter), .text(id.hex), .int(deleteAfter)])
    }
}
