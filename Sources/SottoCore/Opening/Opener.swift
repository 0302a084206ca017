import FoundationEssentials

/// Opening, in one place for every command that opens: decrypts with every
/// key available, applies the sender policy, and names senders and
/// recipients from the keyring. It prints nothing: what a person should hear
/// of goes to `notice`, and the command decides how to show it.
public final class Opener {
    let keyring: Keyring?
    let identities: [AgeIdentity]
    let policy: SenderPolicy
    /// The local inbox, which knows which envelopes lost their key to expiry.
    let inbox: Inbox?
    let notice: (Notice) -> Void
    /// Whether an inbox envelope with an altered header is removed when met
    /// (sotto-open); an export, which reads one snapshot, leaves the inbox as it is.
    public var removesTampered = false
    /// The fingerprint of the identity that owns each of my keys (age1… string).
    private let owners: [String: String]

    /// What a person should hear of while messages open.
    public enum Notice: CustomStringConvertible {
        /// A message from a blocked contact, dropped.
        case blockedSender(name: String)
        /// A signed message from an identity that is neither mine nor a contact.
        /// `namesAContact`: the name they claim is that of one of my contacts or identities.
        case unknownSender(id: EnvelopeID?, fingerprint: String, claimedName: String, namesAContact: Bool)
        /// A contact's message carried their newer card, now taken in.
        case contactUpdated(name: String)
        /// A contact's message carried a card the keyring would not take.
        case cardRefused(reason: String)
        /// A message carried the revocation of a contact's (or my) identity, now taken in.
        case revoked(name: String, at: Int64)

        /// Whether it asks for the person's attention: something they may need to act on.
        public var isWarning: Bool {
            switch self {
            case .cardRefused, .revoked: return true
            default: return false
            }
        }

        public var description: String {
            switch self {
            case .blockedSender(let name):
                "dropped a message from blocked contact '\(name)'"
            case .unknownSender(let id, let fingerprint, let claimedName, let namesAContact):
                "message \(id.map { "\($0) " } ?? "")is from an unknown sender (fingerprint \(fingerprint.prefix(16))…), "
                    + "who calls themself '\(claimedName)'" + (namesAContact ? "; it is not your contact of that name" : "")
            case .contactUpdated(let name):
                "updated the keys of contact '\(name)' from the card their message carried"
            case .cardRefused(let reason):
                "kept a contact's keys as they were: the card their message carried was refused: \(reason)"
            case .revoked(let name, let at):
                "'\(name)' revoked their identity at \(Time.rfc3339(at)): nothing more is sealed to it, and what it signs from now on is refused"
            }
        }
    }

    /// Opens with the keys of `keyring` (when there is one) and `identities`.
    /// `policy` says which senders to refuse.
    public init(keyring: Keyring?, identities extra: [AgeIdentity] = [], inbox: Inbox?, policy: SenderPolicy = SenderPolicy(),
                notice: @escaping (Notice) -> Void) throws {
        self.keyring = keyring
        let owned = try keyring?.decryptionKeys() ?? []
        identities = extra + owned.map(\.key)
        var owners = [String: String]()
        for identity in try keyring?.identities() ?? [] {
            for key in owned where key.identity == identity.name { owners[key.key.recipient.string] = identity.fingerprint }
        }
        self.owners = owners
        // A misspelt --from would refuse every message: say so at once.
        for name in policy.from where try keyring?.knows(name: name) != true {
            throw SottoError(.notFound, "--from \(name): no contact or identity of that name", hints: ["`sotto-keygen list` shows the names"])
        }
        self.policy = policy
        self.inbox = inbox
        self.notice = notice
    }

    /// Opens an envelope held in memory. Nil when dropped by policy (blocked sender).
    public func open(bytes: [UInt8]) throws -> OpenedMessage? { try accept(try decrypt(bytes)) }

    /// An envelope decrypted in memory, before the sender policy.
    public struct Decrypted {
        let id: EnvelopeID
        /// Nil when no key of mine opens it, or its header MAC failed.
        let envelope: EnvelopeReader?
        let body: [UInt8]
        /// What went wrong: a header whose MAC failed under the unwrapped file
        /// key, or a body that failed (a bad signature), reported after the policy.
        let bodyError: (any Error)?
    }

    /// The part of opening that needs neither keyring nor inbox: decrypting
    /// and checking the signature. Safe to run on several envelopes at once.
    public func decrypt(_ bytes: [UInt8]) throws -> Decrypted {
        try requireKeys()
        let id = EnvelopeID.of(bytes)
        let envelope: EnvelopeReader
        do { envelope = try EnvelopeReader(ByteReader(bytes: bytes), identities: identities) } catch AgeError.noMatch {
            return Decrypted(id: id, envelope: nil, body: [], bodyError: nil)
        } catch AgeError.hmac {
            return Decrypted(id: id, envelope: nil, body: [], bodyError: AgeError.hmac)
        }
        var body = [UInt8]()
        do {
            try envelope.readBody { body.append(contentsOf: $0) }
            return Decrypted(id: id, envelope: envelope, body: body, bodyError: nil)
        } catch {
            return Decrypted(id: id, envelope: envelope, body: [], bodyError: error)
        }
    }

    /// The rest of opening, in input order: the sender policy, names from
    /// the keyring, and why an envelope no key opens cannot be opened.
    public func accept(_ decrypted: Decrypted) throws -> OpenedMessage? {
        if case AgeError.hmac? = decrypted.bodyError as? AgeError {
            guard try removeTampered(decrypted.id) else { throw AgeError.hmac }
            throw AgeError.hmac.sottoError.hint("envelope \(decrypted.id) was altered after it was sealed and is removed from the inbox")
        }
        guard let envelope = decrypted.envelope else {
            if let destroyed = try inbox?.keyDestroyedAt(id: decrypted.id) {
                throw SottoError(.refused, "envelope \(decrypted.id) can no longer be opened: the key it was sealed to was destroyed at \(Time.rfc3339(destroyed))",
                                 hints: ["retired keys are destroyed after their retention, for forward secrecy"])
            }
            throw AgeError.noMatch
        }
        guard var message = try admit(envelope, id: decrypted.id) else { return nil }
        if let error = decrypted.bodyError { throw error }
        message.id = decrypted.id
        message.body = decrypted.body
        try learn(from: message)
        return message
    }

    /// A header whose MAC fails under the file key a key of mine unwrapped was
    /// altered after sealing (its expiry stanza, say): if the inbox holds it,
    /// it goes, remembered as deleted, so an edited stanza cannot keep
    /// ciphertext there for ever.
    private func removeTampered(_ id: EnvelopeID) throws -> Bool {
        guard removesTampered, let inbox, try inbox.envelope(id: id) != nil else { return false }
        try inbox.delete(ids: [id])
        return true
    }

    /// Opens from a stream, passing body bytes to `stream`; a signature
    /// failure throws after the body was passed on.
    public func open(reader: ByteReader, stream: (UnsafeRawBufferPointer) throws -> Void) throws -> OpenedMessage? {
        try requireKeys()
        let envelope = try EnvelopeReader(reader, identities: identities)
        guard let message = try admit(envelope, id: nil) else { return nil }
        try envelope.readBody(stream)
        try learn(from: message)
        return message
    }

    /// The one place that records that a message from the inbox was opened:
    /// its first-opened time, and the deadline of a read-after timer.
    public func markOpened(_ message: OpenedMessage, now: Int64 = Time.now()) throws {
        guard let id = message.id else { return }
        try inbox?.markOpened(id: id, now: now, ttlAfterRead: message.envelope.inner?.ttlAfterRead)
    }

    private func requireKeys() throws {
        guard !identities.isEmpty else {
            throw SottoError(.refused, "no keys to open with", hints: ["create an identity or pass -i FILE"])
        }
    }

    /// The sender policy: nil for a blocked sender, an error for one the
    /// policy refuses, else the message without its body.
    private func admit(_ envelope: EnvelopeReader, id: EnvelopeID?) throws -> OpenedMessage? {
        try checkAddressee(envelope)
        let sender = try describeSender(envelope.inner)
        if let sender, sender.blocked {
            notice(.blockedSender(name: sender.name))
            return nil
        }
        if let sender, let revokedAt = sender.revokedAt {
            // What this inbox held before it learned of the revocation stays readable; nothing
            // after, whatever time a record claims (received_at comes unauthenticated from exports).
            let heldSince = try id.flatMap { try inbox?.heldSince(id: $0) }
            guard let heldSince, heldSince < sender.revocationKnownAt ?? revokedAt else {
                throw SottoError(.refused, "'\(sender.name)' revoked this identity at \(Time.rfc3339(revokedAt)): "
                                 + "what it signs is refused once the revocation is known",
                                 hints: ["its key may be in someone else's hands; if they made a new identity, import its card"])
            }
        }
        if let refusal = policy.refusal(of: sender) { throw SottoError(.refused, refusal) }
        if let sender, !sender.known {
            notice(.unknownSender(id: id, fingerprint: sender.fingerprint, claimedName: sender.name,
                                  namesAContact: try keyring?.knows(name: sender.name) ?? false))
        }
        let to = try envelope.inner?.to.map(label) ?? []
        return OpenedMessage(id: nil, messageID: envelope.messageID, envelope: envelope, sender: sender?.record, fromMe: sender?.mine ?? false, to: to, body: [])
    }

    /// A key of mine names its owner: a signed envelope that says it was
    /// sealed for someone else (a card that passed my key off as theirs)
    /// is refused, not shown as addressed to me.
    private func checkAddressee(_ envelope: EnvelopeReader) throws {
        guard let key = envelope.openedWith, let owner = owners[key.string] else { return }
        try envelope.requireAddressee(owner: owner)
    }

    /// What a verified message teaches the keyring: revocations (signed by
    /// the identities they revoke, so taken from anyone) and the sender's card.
    private func learn(from message: OpenedMessage) throws {
        guard let keyring, let inner = message.envelope.inner else { return }
        for record in inner.revocations {
            guard let revocation = try? Revocation(fields: record) else { continue }
            do {
                if let name = try keyring.apply(revocation) {
                    senders.removeAll()  // what was looked up before knew nothing of it
                    cardsTaken.removeAll()
                    notice(.revoked(name: name, at: revocation.revokedAt))
                }
            } catch let error as SottoError where error.kind == .malformed {
                continue  // a revocation that does not verify revokes nothing
            }
        }
        try learnKeys(from: message)
    }

    /// The signatures of the cards taken in so far: a stream of messages from
    /// one sender carries the same card in each, and parsing its post-quantum
    /// key (1,959 characters of Bech32) again for each would cost more than
    /// opening the message.
    private var cardsTaken = Set<String>()

    /// Takes in the card a verified message from a contact carried.
    private func learnKeys(from message: OpenedMessage) throws {
        guard let keyring, let inner = message.envelope.inner, let record = inner.card, !message.fromMe else { return }
        if let signature = try? record.string("signature"), !cardsTaken.insert(signature).inserted { return }
        do {
            let card = try Card(fields: record)
            if let name = try keyring.updateContact(identityKey: inner.from, from: card) { notice(.contactUpdated(name: name)) }
        } catch let error as SottoError where [.refused, .malformed, .usage].contains(error.kind) {
            // A card the keyring will not take (it claims another's key, say)
            // leaves the contact as it was; the message itself stands.
            notice(.cardRefused(reason: error.message))
        }
    }

    private var labels = [String: String]()
    private var senders = [[UInt8]: Sender]()

    /// My name for a recipient's identity where the keyring knows it, else its age1… key.
    private func label(_ recipient: InnerHeader.Recipient) throws -> String {
        if let known = labels[recipient.identity] { return known }
        let name = try keyring?.name(ofFingerprint: recipient.identity) ?? recipient.key
        labels[recipient.identity] = name
        return name
    }

    struct Sender {
        /// My name for the sender; for an unknown sender, the name they claim.
        var name: String
        var fingerprint: String
        var known: Bool
        var verified: Bool
        var blocked: Bool
        var mine = false
        /// When the sender revoked their identity, and when I learned of it.
        var revokedAt: Int64? = nil
        var revocationKnownAt: Int64? = nil
        /// An unknown sender's self-chosen name is a claim, never a name: it
        /// is kept apart so that `.from.name` is only ever my name for someone.
        var record: [String: Any] {
            var record: [String: Any] = ["name": known ? name : JSONNull(), "fingerprint": fingerprint, "known": known, "verified": verified]
            if !known { record["claimed_name"] = name }
            return record
        }
    }

    func describeSender(_ inner: InnerHeader?) throws -> Sender? {
        guard let inner else { return nil }
        if let known = senders[inner.from] { return known }
        let sender = try lookUpSender(inner)
        senders[inner.from] = sender
        return sender
    }

    private func lookUpSender(_ inner: InnerHeader) throws -> Sender {
        let fingerprint = Fingerprint.of(inner.from)
        if let keyring {
            if let mine = try keyring.identities().first(where: { $0.publicKey == inner.from }) {
                return Sender(name: mine.name, fingerprint: fingerprint, known: true, verified: true, blocked: false, mine: true,
                              revokedAt: mine.revocation?.revokedAt)
            }
            if let contact = try keyring.contact(identityKey: inner.from) {
                return Sender(name: contact.name, fingerprint: fingerprint, known: true, verified: contact.verified, blocked: contact.blocked,
                              revokedAt: contact.revocation?.revokedAt, revocationKnownAt: contact.revocationKnownAt)
            }
        }
        return Sender(name: inner.name, fingerprint: fingerprint, known: false, verified: false, blocked: false)
    }
}
