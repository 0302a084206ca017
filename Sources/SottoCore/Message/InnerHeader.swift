/// The signed inner header at the start of a signed payload: who sent it,
/// when, to whom, and until when it is valid.
public struct InnerHeader {
    public static let magic = Array("sotto/2\n".utf8)
    public static let version: Int64 = 2
    public static let maxLength = 65536

    /// One recipient stanza's key and the identity it was sealed for, so
    /// that a key cannot be read as someone else's (docs/FORMAT.md §4).
    public struct Recipient: Equatable, Sendable {
        /// The age1… string of the key.
        public var key: String
        /// The fingerprint (64 hex digits) of the identity that owns the key.
        public var identity: String

        public init(key: String, identity: String) {
            self.key = key
            self.identity = identity
        }
    }

    public var from: [UInt8]
    public var name: String
    public var sentAt: Int64
    public var expiresAt: Int64?
    public var to: [Recipient]
    public var thread: String?
    public var contentType: String
    /// Seconds after the recipient first opens it that the message should disappear.
    public var ttlAfterRead: Int64?
    /// The sender's card as it stood when sealing, unparsed: how contacts
    /// learn of newer keys without exchanging cards again. The opener reads
    /// it as a card; one it cannot use leaves the message as it is.
    public var card: Fields?
    /// Revocations of identities (signed by those identities), unparsed like the card.
    public var revocations: [Fields] = []

    func encoded() throws -> [UInt8] {
        var fields: [String: Any] = [
            "v": Self.version, "from": Base64.encode(from), "name": name, "sent_at": sentAt,
            "expires_at": expiresAt.orNull, "to": to.map { ["age": $0.key, "identity": $0.identity] },
            "thread": thread.orNull, "content_type": contentType,
        ]
        if let ttlAfterRead { fields["ttl_after_read"] = ttlAfterRead }
        if let card { fields["card"] = card.values }
        if !revocations.isEmpty { fields["revocations"] = revocations.map(\.values) }
        return try JSON.encode(fields)
    }

    init(from: [UInt8], name: String, sentAt: Int64, expiresAt: Int64?, to: [Recipient], thread: String?, contentType: String,
         ttlAfterRead: Int64? = nil, card: Fields? = nil, revocations: [Fields] = []) {
        self.revocations = revocations
        self.ttlAfterRead = ttlAfterRead
        self.from = from
        self.name = name
        self.sentAt = sentAt
        self.expiresAt = expiresAt
        self.to = to
        self.thread = thread
        self.contentType = contentType
        self.card = card
    }

    init(decoding bytes: [UInt8]) throws {
        let fields: Fields
        do { fields = try JSON.object(bytes, line: 1) } catch {
            throw SottoError(.refused, "the inner header is not valid JSON")
        }
        do {
            guard let version = try fields.int("v") else { throw fields.bad("v", "is missing") }
            guard version == Self.version else { throw SottoError(.unsupported, "unsupported inner header version") }
            from = try fields.base64("from")
            guard from.count == 32 else { throw fields.bad("from", "is not a 32-byte key") }
            name = try fields.string("name")
            guard let sent = try fields.int("sent_at") else { throw fields.bad("sent_at", "is missing") }
            guard Time.range.contains(sent) else { throw fields.bad("sent_at", "is not a time between the years 1 and 9999") }
            sentAt = sent
            expiresAt = try fields.int("expires_at")
            if let expiresAt, !Time.range.contains(expiresAt) { throw fields.bad("expires_at", "is not a time between the years 1 and 9999") }
            to = try fields.objects("to").map { entry in
                let key = try entry.string("age"), identity = try entry.string("identity")
                guard RecipientKey.looksLike(key) else { throw entry.bad("age", "is not an age1… recipient") }
                guard Hex.isLowercase(identity, digits: 64) else { throw entry.bad("identity", "is not a fingerprint (64 lowercase hex digits)") }
                return Recipient(key: key, identity: identity)
            }
            guard !to.isEmpty else { throw fields.bad("to", "names no recipient") }
            thread = try fields.optionalString("thread")
            contentType = try fields.string("content_type")
            ttlAfterRead = try fields.int("ttl_after_read")
            if let ttlAfterRead, !SettingBounds.ttl.contains(ttlAfterRead) {
                throw fields.bad("ttl_after_read", ttlAfterRead <= 0 ? "must be positive" : "is longer than \(Time.describe(SettingBounds.ttl.upperBound))")
            }
            card = try fields.object("card")
            revocations = fields.has("revocations") ? try fields.objects("revocations") : []
        } catch let error as SottoError where error.kind != .unsupported {
            throw SottoError(.refused, "malformed inner header: \(error.message.replacing("line 1: ", with: ""))")
        }
    }

    /// The entry for the key that opened the envelope; an error unless there is exactly one.
    func recipient(for key: RecipientKey) throws -> Recipient {
        let entries = to.filter { $0.key == key.string }
        guard entries.count == 1 else {
            throw SottoError(.refused, entries.isEmpty ? "this message was not addressed to the key that opened it"
                                                       : "the inner header names the key that opened it more than once",
                             hints: entries.isEmpty ? ["someone may have forwarded a message meant for others"] : [])
        }
        return entries[0]
    }
}
