import SottoCore

/// Moves envelopes from the mailbox to the inbox in the order that keeps the
/// guarantee: inbox commit, then the record, then removal from the mailbox.
struct Receiver {
    let mailbox: Mailbox
    let inbox: Inbox
    let addresses: [String]

    /// Moves pending envelopes until none is left, `limit` are done, or `stop` says so.
    func drain(limit: Int? = nil, stop: () -> Bool = { false }, _ emit: (StoredEnvelope) throws -> Void) throws {
        var remaining = limit ?? Int.max
        while remaining > 0 {
            let batch = try mailbox.pending(for: addresses, now: Time.now(), limit: min(remaining, 100))
            if batch.isEmpty { return }
            for entry in batch {
                if stop() { return }
                // Expiry or another receiver may remove an entry between listing and reading it.
                guard let source = try mailbox.sourceIfPresent(for: entry) else { continue }
                let incoming = IncomingEnvelope(id: entry.id, expiresAt: entry.expiresAt, source: source)
                // Only new envelopes are written: a resend of one already received is not news.
                // A crash between the inbox commit and the record loses no envelope:
                // --since and --all write it again.
                if try inbox.store(incoming, id: entry.id, mailbox: entry.mailbox, now: Time.now()),
                   let stored = try inbox.envelope(id: entry.id) {
                    try emit(stored)
                }
                try mailbox.remove(entry)
            }
            remaining -= batch.count
        }
    }
}
