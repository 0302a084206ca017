import SottoCore

/// Moves envelopes from the mailbox to the inbox in the order that keeps the
/// guarantee: inbox commit, then the record, then removal from the mailbox.
struct Receiver {
    var mailbox: Mailbox
    let inbox: Inbox
    let addresses: [String]
    /// Told of each mailbox entry whose bytes do not match its id; the entry is removed.
    var onCorrupt: (StoredEnvelope, SottoError) -> Void = { _, _ in }
    /// Told of each mailbox entry that is not kept, and why: the inbox deleted
    /// it before (a replay), or its own stanza says it has expired. The entry is removed.
    var onDropped: (StoredEnvelope, InboxOutcome) -> Void = { _, _ in }

    /// Moves pending envelopes until none is left, `limit` are done, or `stop`
    /// says so, a batch at a time and in the order that keeps the guarantee:
    /// the batch commits to the inbox, its new records are written, and only
    /// then does it leave the mailbox.
    func drain(limit: Int? = nil, stop: () -> Bool = { false }, _ emit: (StoredEnvelope, [UInt8]?) throws -> Void) throws {
        var remaining = limit ?? Int.max
        // A small first batch, so the first records come out soon; then ever larger ones, as
        // each inbox commit rewrites every page of the id index that its batch touched.
        var size = 20
        // Entries listed whose bytes were gone when read: expiry racing this
        // receiver, or, when the same entry is listed so again, a row with no
        // bytes at all, which would otherwise be listed for ever.
        var vanished = Set<Int64>()
        while remaining > 0, !stop() {
            let batch = try mailbox.pending(for: addresses, now: Time.now(), limit: min(remaining, size))
            size = min(size * 4, 8000)
            if batch.isEmpty { return }
            var moved = [StoredEnvelope](), fresh = [(StoredEnvelope, [UInt8]?)]()
            try inbox.db.transaction {
                for entry in batch {
                    if stop() { break }
                    // Expiry or another receiver may remove an entry between listing and reading it.
                    guard let incoming = try mailbox.incoming(for: entry) else {
                        if vanished.insert(entry.sequence).inserted { continue }
                        onCorrupt(entry, SottoError(.malformed, "envelope \(entry.id) has no bytes in the mailbox"))
                        moved.append(entry)
                        continue
                    }
                    // Only new envelopes are written: a resend of one already received is not news.
                    // A crash between the inbox commit and the records loses no envelope:
                    // --since and --all write them again.
                    let outcome = try inbox.store(incoming, mailbox: entry.mailbox, now: Time.now())
                    switch outcome {
                    case .stored(let stored): fresh.append((stored, incoming.bytes))
                    case .alreadyHeld: break
                    case .deletedBefore, .expired: onDropped(entry, outcome)
                    case .mismatch(let error):
                        // Bytes that do not hash to their id can never be received: left
                        // there, they would stop every later recv. They go, and are reported.
                        // A damaged inbox is another matter: it throws, and nothing goes.
                        onCorrupt(entry, error)
                    }
                    moved.append(entry)
                }
            }
            for (envelope, bytes) in fresh { try emit(envelope, bytes) }
            try mailbox.remove(moved)
            remaining -= batch.count
        }
    }
}
