import SottoCLI
import SottoCore

/// What one erasure removes, worked out before anything is touched.
struct ErasurePlan {
    var envelopeIDs = Set<EnvelopeID>()
    var contacts = [String]()
    /// (group, member) places that go with the contacts and identities.
    var memberships = [(group: String, member: String)]()
    var identities = [String]()
    var everything = false
    var pending = [StoredEnvelope]()
    var addresses = [String]()

    static func make(_ command: EraseCommand, keyring: Keyring, inbox: Inbox?) throws -> ErasurePlan {
        var plan = ErasurePlan()
        plan.everything = command.all
        // validate() has checked every id given as an argument. An id names an
        // envelope, or a message: every envelope that carries it.
        var named = command.messages.filter { $0 != "-" }
        if command.messages.contains("-") {
            var loop = RecordLoop(keepGoing: false)
            try loop.each(RecordReader(fd: 0)) { record in
                let key = record.has("message_id") ? "message_id" : "id"
                let id = try record.string(key)
                guard EnvelopeID(id) != nil else { throw record.badField(key, "is not an id (32 lowercase hex digits)") }
                named.append(id)
            }
            try loop.finish()
        }
        for text in named {
            let carriers = try inbox.map { inbox in try MessageID(text).map { try inbox.envelopes(messageID: $0) } ?? [] } ?? []
            if carriers.isEmpty { EnvelopeID(text).map { _ = plan.envelopeIDs.insert($0) } }
            plan.envelopeIDs.formUnion(carriers.map(\.id))
        }
        if let name = command.contact {
            _ = try keyring.contact(named: name)
            plan.contacts.append(name)
            plan.memberships += try keyring.groupsContaining(name).map { ($0, name) }
        }
        if let name = command.identity {
            let identity = try keyring.identity(named: name)
            plan.identities.append(name)
            plan.memberships += try keyring.groupsContaining(name).map { ($0, name) }
            plan.addresses.append(identity.mailbox)
        }
        if command.all { plan.addresses = try keyring.identities().map(\.mailbox) }
        guard let inbox else { return plan }
        let stored = try inbox.list()
        if command.all { plan.envelopeIDs.formUnion(stored.map(\.id)) }
        if let text = command.before {
            guard let time = Time.parse(text) else { throw SottoError(.usage, "--before takes an RFC 3339 time") }
            plan.envelopeIDs.formUnion(stored.filter { $0.storedAt < time }.map(\.id))
        }
        if let identity = command.identity {
            let mailbox = try keyring.identity(named: identity).mailbox
            plan.envelopeIDs.formUnion(stored.filter { $0.mailbox == mailbox }.map(\.id))
        }
        if command.contact != nil || command.thread != nil {
            let sender = try command.contact.flatMap { try keyring.contact(named: $0).card?.identityKey }
            let keys = try keyring.decryptionKeys().map(\.key)
            var threads = Set<String>(), inThread = 0
            for envelope in stored {
                // Sealed sender: who sent it and in which thread is known only inside. An
                // envelope none of my keys opens, or that fails to, is passed over; a
                // failure to read the inbox is not.
                let source = try inbox.source(for: envelope)
                let opened: EnvelopeReader
                do { opened = try EnvelopeReader(ByteReader(source), identities: keys, now: Int64.min) } catch is AgeError {
                    continue
                } catch let error as SottoError where [.refused, .malformed, .unsupported].contains(error.kind) {
                    continue
                }
                guard let inner = opened.inner else { continue }
                if let sender, inner.from == sender { plan.envelopeIDs.insert(envelope.id) }
                if let thread = inner.thread { threads.insert(thread) }
                if let thread = command.thread, inner.thread == thread {
                    plan.envelopeIDs.insert(envelope.id)
                    inThread += 1
                }
            }
            // A mistyped thread would otherwise erase nothing and report success.
            if let thread = command.thread, inThread == 0 {
                throw SottoError(.notFound, "no message in the inbox is in thread '\(thread)'",
                                 hints: Suggestion.closest(to: thread, among: threads.sorted()).map { ["did you mean \($0)?"] } ?? [])
            }
        }
        // An envelope goes with every other that carries its message: a copy
        // under the same header (anyone who saw the header can make one) holds
        // the same header bytes, which the remnant scan looks for.
        for id in plan.envelopeIDs {
            guard let message = try inbox.messageID(of: id) else { continue }
            plan.envelopeIDs.formUnion(try inbox.envelopes(messageID: message).map(\.id))
        }
        return plan
    }

    /// My pending mailbox entries that go too: those of erased envelopes, and
    /// all of an erased identity's (or, with --all, of every identity).
    mutating func addPending(from mailbox: Mailbox, keyring: Keyring) throws {
        let mine = try keyring.identities().map(\.mailbox)
        for entry in try mailbox.pending(for: mine, now: Int64.min, limit: Int.max) {
            if envelopeIDs.contains(entry.id) || addresses.contains(entry.mailbox ?? "") { pending.append(entry) }
        }
    }

    func describeKeyring() -> [(String, String)] {
        identities.map { ("identity", $0) } + contacts.map { ("contact", $0) } + (everything ? [("keyring", "all")] : [])
    }

    var summary: String {
        var parts = ["\(envelopeIDs.count) envelope(s)"]
        if !identities.isEmpty { parts.append("identity \(identities.joined(separator: ", ")) with all its keys") }
        if !contacts.isEmpty { parts.append("contact \(contacts.joined(separator: ", "))") }
        if !memberships.isEmpty { parts.append("their place in group \(Set(memberships.map(\.group)).sorted().joined(separator: ", "))") }
        if everything { parts.append("every identity, key and contact") }
        if !pending.isEmpty { parts.append("\(pending.count) mailbox entr\(pending.count == 1 ? "y" : "ies")") }
        return parts.joined(separator: ", ")
    }

    struct Report {
        var removed: [String: Int]
        var filesScanned: [String]
        var filesWithRemnants: [String]
        var remnants: Int

        var record: [String: Any] {
            ["type": "erasure", "removed": removed, "files_scanned": filesScanned, "remnants": remnants]
        }
    }

    /// Deletes, compacts, then scans every file for what should be gone.
    func execute(keyring: Keyring, inbox: Inbox?, mailbox: Mailbox?) throws -> Report {
        var needles = [[UInt8]]()
        var removed = ["envelopes": 0, "identities": 0, "keys": 0, "contacts": 0, "groups": 0, "group_memberships": 0, "mailbox": 0]
        if let inbox {
            let present = try envelopeIDs.sorted().compactMap { try inbox.envelope(id: $0) }
            for envelope in present { needles += try Self.needles(of: envelope, source: inbox.source(for: envelope)) }
            removed["envelopes"] = try inbox.delete(ids: present.map(\.id))
        }
        needles += envelopeIDs.map { Array($0.hex.utf8) }
        var erasures = [KeyringErasure]()
        for name in identities { erasures.append(try keyring.eraseIdentity(name)) }
        for name in contacts { erasures.append(try keyring.eraseContact(name)) }
        if everything { erasures.append(try keyring.eraseAll()) }
        for erasure in erasures {
            removed["identities", default: 0] += erasure.identities
            removed["keys", default: 0] += erasure.keys
            removed["contacts", default: 0] += erasure.contacts
            removed["groups", default: 0] += erasure.groups
            removed["group_memberships", default: 0] += erasure.memberships
            needles += erasure.needles
        }
        var mailboxNeedles = [[UInt8]]()
        if let mailbox {
            for entry in pending {
                let bytes = try Self.needles(of: entry, source: mailbox.source(for: entry))
                try mailbox.remove(entry)
                removed["mailbox", default: 0] += 1
                // Another recipient may still be waiting for the same envelope.
                if let file = mailbox as? SQLiteMailbox, try !file.contains(id: entry.id) { mailboxNeedles += bytes + [Array(entry.id.hex.utf8)] }
            }
        }
        try inbox?.db.compact()
        try keyring.database.compact()
        let mailboxFile = mailbox as? SQLiteMailbox
        try mailboxFile?.db.compact()

        var scanned = [String]()
        var dirty = [String]()
        var remnants = 0
        var targets = [(keyring.files, needles)]
        if let inbox { targets.append((Database.files(of: inbox.db.path), needles)) }
        if let mailboxFile { targets.append((Database.files(of: mailboxFile.path), mailboxNeedles)) }
        for (files, wanted) in targets {
            for file in files {
                scanned.append(file)
                let found = try Remnants.find(wanted, in: file)
                if !found.isEmpty { dirty.append(file) }
                remnants += found.count
            }
        }
        // A server's files are not ours to scan: ask it instead whether any erased entry is still there.
        if let mailbox, mailboxFile == nil {
            let erased = Set(pending.map(\.sequence))
            let left = try mailbox.pending(for: addresses + pending.compactMap(\.mailbox), now: Int64.min, limit: Int.max)
                .filter { erased.contains($0.sequence) }
            if !left.isEmpty { dirty.append("the mailbox server") }
            remnants += left.count
        }
        return Report(removed: removed, filesScanned: scanned, filesWithRemnants: dirty, remnants: remnants)
    }

    /// Distinctive bytes of an envelope: its header MAC and the start of its payload.
    static func needles(of envelope: StoredEnvelope, source: ByteSource) throws -> [[UInt8]] {
        let reader = ByteReader(source)
        guard let header = try? Header.parse(reader) else { return [] }
        var sample = [UInt8](repeating: 0, count: 64)
        let n = try sample.withUnsafeMutableBytes { try reader.read(into: $0) }
        return [Array(Base64.encode(header.mac, padded: false).utf8), Array(sample[..<n])]
    }
}
