import SottoCore

/// Moves envelopes from the mailbox to the inbox in the order that keeps the
/// guarantee: inbox commit, then the record, then removal from the mailbox.
struct Receiver {
    let mailbox: Mailbox
    let inbox: Inbox
    let addresses: [String]

    /// Moves pending envelopes until none is left, `limit` are done, or `stop`
    /// says so, a batch at a time and in the order that keeps the guarantee:
    /// the batch commits to the inbox, its new records are written, and only
    /// then does it leave the mailbox.
    func drain(limit: Int? = nil, stop: () -> Bool = { false }, _ emit: (StoredEnvelope) throws -> Void) throws {
        var remaining = limit ?? Int.max
        while remaining > 0, !stop() {
            let batch = try mailbox.pending(for: addresses, now: Time.now(), limit: min(remaining, 200))
            if batch.isEmpty { return }
            var moved = [StoredEnvelope](), fresh = [StoredEnvelope]()
            try inbox.db.transaction {
                for entry in batch {
                    if stop() { break }
                    // Expiry or another receiver may remove an entry between listing and reading it.
                    guard let source = try mailbox.sourceIfPresent(for: entry) else { continue }
                    let incoming = IncomingEnvelope(id: entry.id, expiresAt: entry.expiresAt, source: source, sizeHint: Int(entry.size))
                    // Only new envelopes are written: a resend of one already received is not news.
                    // A crash between the inbox commit and the records loses no envelope:
                    // --since and --all write them again.
                    if try inbox.store(incoming, id: entry.id, mailbox: entry.mailbox, now: Time.now()),
                       let stored = try inbox.envelope(id: entry.id) {
                        fresh.append(stored)
                    }
                    moved.append(entry)
                }
            }
            for envelope in fresh { try emit(envelope) }
            try mailbox.batch { for entry in moved { try mailbox.remove(entry) } }
            remaining -= batch.count
        }
    }
}
