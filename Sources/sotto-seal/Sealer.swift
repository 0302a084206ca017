import SottoCLI
import SottoCore

/// Turns message records (or a raw stream) into envelopes for one sender.
final class Sealer {
    let keyring: Keyring?
    let identity: IdentityInfo?
    let signer: Signer?
    let defaultRecipients: [String]
    let ttl: Int64??
    let ttlAfterRead: Int64?

    /// Refuse rather than seal a message with X25519 alone.
    let requirePostQuantum: Bool
    /// --thread and --content-type: for the raw bytes, and for records that name none.
    var defaultThread: String?
    var defaultContentType: String?

    init(keyring: Keyring?, senderName: String?, anonymous: Bool, includeSelf: Bool, defaultRecipients: [String], ttl: Int64??,
         ttlAfterRead: Int64?, requirePostQuantum: Bool = false) throws {
        self.keyring = keyring
        self.requirePostQuantum = requirePostQuantum
        self.ttlAfterRead = ttlAfterRead
        self.defaultRecipients = defaultRecipients
        self.ttl = ttl
        if anonymous {
            identity = nil
            signer = nil
        } else {
            guard let keyring else {
                throw SottoError(.notFound, "no keyring to sign with in \(Home.resolve(nil).path)",
                                 hints: ["create an identity with `sotto-keygen new NAME`, or seal with --anonymous"])
            }
            var me = try keyring.identity(named: senderName)
            // Keys due for renewal (past half their lifetime, or their schedule, or
            // no post-quantum key yet) are renewed as they sign: this message's
            // card tells contacts of the new ones.
            let upgrade = me.card.currentHybridKey == nil
            if try keyring.rotationDue(me, now: Time.now()), let renewed = try keyring.rotate(me.name, onlyIfDue: true) {
                Diagnostics.notice(upgrade ? "gave '\(me.name)' new encryption keys, a post-quantum one among them"
                                           : "gave '\(me.name)' new encryption keys: the current ones were due for renewal")
                me = renewed
            }
            identity = me
            signer = try keyring.signer(for: me)
        }
        selfRecipient = includeSelf ? identity.flatMap { me in
            me.card.currentKey.map { ResolvedRecipient(label: me.name, key: $0.key, hybrid: me.card.currentHybridKey?.key, mailbox: nil,
                                                       identity: me.fingerprint) }
        } : nil
    }

    /// The sender's own copy.
    let selfRecipient: ResolvedRecipient?

    /// The expiry: the record's, else --ttl, else the identity's default, else 7 days.
    func expiry(record: Fields?, now: Int64 = Time.now()) throws -> Int64? {
        if let record {
            if record.has("expires_at"), record.has("ttl") { throw record.badField("ttl", "conflicts with \"expires_at\": give one") }
            if let at = try record.time("expires_at") {
                guard at > now else { throw record.badField("expires_at", "is in the past") }
                return at
            }
            if let lifetime = try record.duration("ttl") { return lifetime.map { now + $0 } }
        }
        if let ttl { return ttl.map { now + $0 } }
        let lifetime = identity.map(\.defaultTTL) ?? Keyring.standardTTL
        return lifetime.map { now + $0 }
    }

    /// Resolutions by recipient list: a stream of records usually repeats a few lists.
    private var resolved = [[String]: [ResolvedRecipient]]()

    func resolve(_ names: [String]?) throws -> [ResolvedRecipient] {
        let list = names ?? defaultRecipients
        if let known = resolved[list] { return known }
        let result = try resolveRecipients(list, keyring: keyring)
        // age reads a signed envelope as the sotto framing around the body:
        // never hand an age user a file that is not theirs.
        if signer != nil, let bare = result.first(where: { $0.identity == nil }) {
            throw SottoError(.usage, "'\(bare.label)' is an age recipient, not a sotto contact: a signed message is for sotto identities only",
                             hints: ["seal to age users with --anonymous (no sender), or import their sotto card"])
        }
        // The sender's copy is last: it takes the kind chosen for everyone.
        let choice = KeyChoice(result + (selfRecipient.map { [$0] } ?? []))
        if requirePostQuantum, let refusal = choice.refusal { throw refusal }
        if let notice = choice.notice { Diagnostics.notice(notice) }
        resolved[list] = choice.recipients
        return choice.recipients
    }

    /// Seals with the keys `resolve` chose; the sender's copy, when there is
    /// one, is the last of `recipients`.
    func writer(recipients: [ResolvedRecipient]?, expiresAt: Int64?, thread: String?, contentType: String,
                ttlAfterRead: Int64?, sink: ByteSink) throws -> EnvelopeWriter {
        let keys = try (recipients ?? resolve(nil)).map(\.addressee)
        return try EnvelopeWriter(SealParameters(recipients: keys, signer: signer, expiresAt: expiresAt,
                                                 thread: thread, contentType: contentType, ttlAfterRead: ttlAfterRead), sink: sink)
    }

    /// A message record, checked and resolved: everything sealing needs,
    /// so the sealing itself can run on several at once.
    struct Job {
        var recipients: [ResolvedRecipient]
        var body: [UInt8]
        var contentType: String
        var expiresAt: Int64?
        var thread: String?
        var ttlAfterRead: Int64?
    }

    /// The fields of a message record. Other fields are ignored, as in every
    /// record, but one a letter or two from these is a typo: "tll" would be
    /// dropped without a word, and a message meant to vanish in a minute
    /// would last the default week.
    static let recordFields = ["body", "body_base64", "content_type", "expires_at", "thread", "to", "ttl", "ttl_after_read"]

    func job(_ record: Fields) throws -> Job {
        if record.has("age") || (try? record.optionalString("type")) == "envelope" {
            throw SottoError(.usage, "line \(record.line): this is an envelope record: it is sealed already",
                             hints: ["pipe it to sotto-send to deliver it, or to sotto-open to read it"])
        }
        if record.has("message_id") {
            throw SottoError(.usage, "line \(record.line): this is an opened message record: sealing it again would send it anew",
                             hints: ["to reply, write a new record: {\"to\":[\"NAME\"],\"body\":\"…\"}"])
        }
        for key in record.values.keys.sorted() where !Self.recordFields.contains(key) {
            if let meant = Suggestion.closest(to: key, among: Self.recordFields) {
                throw record.badField(key, "is not a field of a message record", hints: ["did you mean \"\(meant)\"?"])
            }
        }
        let named = try record.strings("to")
        // Two sources of recipients would leave one unused, a typo in it unreported.
        if named != nil, !defaultRecipients.isEmpty {
            throw SottoError(.usage, "line \(record.line): the record's \"to\" and -r/-R both name recipients",
                             hints: ["name recipients in the records or with -r/-R, not both"])
        }
        let recipients = try resolve(named)
        let body: [UInt8]
        let contentType: String
        if record.has("body"), record.has("body_base64") { throw record.badField("body_base64", "conflicts with \"body\": give one") }
        if let text = try record.optionalString("body") {
            body = Array(text.utf8)
            contentType = try record.optionalString("content_type") ?? defaultContentType ?? "text/plain; charset=utf-8"
        } else if record.has("body_base64") {
            body = try record.base64("body_base64")
            contentType = try record.optionalString("content_type") ?? defaultContentType ?? "application/octet-stream"
        } else {
            throw record.badField("body", "is missing (or give body_base64)")
        }
        let expiresAt = try expiry(record: record)
        var readAfter = ttlAfterRead
        if let value = try record.duration("ttl_after_read") {
            guard let seconds = value else { throw record.badField("ttl_after_read", "must be a duration, not never") }
            readAfter = seconds
        }
        return Job(recipients: recipients, body: body, contentType: contentType, expiresAt: expiresAt,
                   thread: try record.optionalString("thread") ?? defaultThread, ttlAfterRead: readAfter)
    }

    /// Seals a job into its envelope record; touches nothing shared.
    func seal(_ job: Job) throws -> [String: Any] {
        let sink = MemorySink()
        let writer = try self.writer(recipients: job.recipients, expiresAt: job.expiresAt, thread: job.thread,
                                     contentType: job.contentType, ttlAfterRead: job.ttlAfterRead, sink: sink)
        try writer.write(job.body)
        try writer.finish()
        var mailboxes = [String]()
        for mailbox in job.recipients.compactMap(\.mailbox) where !mailboxes.contains(mailbox) { mailboxes.append(mailbox) }
        var record = EnvelopeRecord.fields(id: EnvelopeID.of(sink.bytes), to: mailboxes, expiresAt: job.expiresAt)
        record["age"] = Base64.encode(sink.bytes)
        return record
    }
}
