/// The signed inner header at the start of a signed payload: who sent it,
/// when, to which keys, and until when it is valid.
public struct InnerHeader: Equatable, Sendable {
    public static let magic = Array("sotto/1\n".utf8)
    public static let maxLength = 65536

    public var from: [UInt8]
    public var name: String
    public var sentAt: Int64
    public var expiresAt: Int64?
    /// age1… strings of every key the file key was wrapped to.
    public var to: [String]
    public var thread: String?
    public var contentType: String
    /// Seconds after the recipient first opens it that the message should disappear.
    public var ttlAfterRead: Int64?

    func encoded() throws -> [UInt8] {
        var fields: [String: Any] = [
            "v": 1, "from": Base64.encode(from), "name": name, "sent_at": sentAt,
            "expires_at": expiresAt.orNull, "to": to, "thread": thread.orNull, "content_type": contentType,
        ]
        if let ttlAfterRead { fields["ttl_after_read"] = ttlAfterRead }
        return try JSON.encode(fields)
    }

    init(from: [UInt8], name: String, sentAt: Int64, expiresAt: Int64?, to: [String], thread: String?, contentType: String,
         ttlAfterRead: Int64? = nil) {
        self.ttlAfterRead = ttlAfterRead
        self.from = from
        self.name = name
        self.sentAt = sentAt
        self.expiresAt = expiresAt
        self.to = to
        self.thread = thread
        self.contentType = contentType
    }

    init(decoding bytes: [UInt8]) throws {
        let fields: Fields
        do { fields = try JSON.object(bytes, line: 1) } catch {
            throw SottoError(.refused, "the inner header is not valid JSON")
        }
        do {
            guard try fields.int("v") == 1 else { throw SottoError(.unsupported, "unsupported inner header version") }
            from = try fields.base64("from")
            guard from.count == 32 else { throw fields.bad("from", "is not a 32-byte key") }
            name = try fields.optionalString("name") ?? ""
            guard let sent = try fields.int("sent_at") else { throw fields.bad("sent_at", "is missing") }
            sentAt = sent
            expiresAt = try fields.int("expires_at")
            to = try fields.strings("to") ?? []
            thread = try fields.optionalString("thread")
            contentType = try fields.optionalString("content_type") ?? "application/octet-stream"
            ttlAfterRead = try fields.int("ttl_after_read")
            if let ttlAfterRead, ttlAfterRead <= 0 { throw fields.bad("ttl_after_read", "must be positive") }
        } catch let error as SottoError {
            throw SottoError(.refused, "malformed inner header: \(error.message.replacing("line 1: ", with: ""))")
        }
    }
}
