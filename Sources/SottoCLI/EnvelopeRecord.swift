import SottoCore

/// An envelope record checked as send and recv --input need it: the age
/// bytes decode, the id (when given) is theirs, and the header parses.
public struct EnvelopeRecord {
    public let bytes: [UInt8]
    public let id: EnvelopeID
    /// From the envelope's own sotto stanza; the record's expires_at is not trusted.
    public let expiresAt: Int64?

    public init(_ record: Fields) throws {
        try Self.requireSealed(record)
        bytes = try record.base64("age")
        id = EnvelopeID.of(bytes)
        if let claimed = try record.optionalString("id"), claimed != id.hex {
            throw record.badField("id", "does not match the envelope's bytes",
                                  hints: ["earlier versions of sotto hashed envelopes differently: leave \"id\" out and it is computed"])
        }
        do { expiresAt = try Envelope.expiry(of: bytes) } catch let error as AgeError {
            throw record.badField("age", "is not an age file (\(error.description))")
        }
    }

    /// A message record where an envelope record belongs: the pipeline lacks sotto-seal.
    public static func requireSealed(_ record: Fields) throws {
        guard !record.has("age"), !record.has("file"), record.has("body") || record.has("body_base64") else { return }
        throw record.badField("age", "is missing: this is a message record, not sealed yet",
                              hints: ["seal it first, as in `sotto-seal < messages.jsonl | sotto-send`"])
    }

    public var incoming: IncomingEnvelope { IncomingEnvelope(bytes: bytes, id: id, expiresAt: expiresAt) }

    /// The fields every envelope record has, whoever writes it (seal, recv,
    /// export); the writer adds the bytes ("age" or "file") and its own fields.
    public static func fields(id: EnvelopeID, to mailboxes: [String], expiresAt: Int64?) -> [String: Any] {
        ["type": "envelope", "id": id, "to": mailboxes, "expires_at": expiresAt.map(Time.rfc3339).orNull]
    }

    /// The fields of an envelope the inbox holds: as above, with when it arrived.
    public static func fields(of envelope: StoredEnvelope) -> [String: Any] {
        var record = fields(id: envelope.id, to: envelope.mailbox.map { [$0] } ?? [], expiresAt: envelope.expiresAt)
        record["received_at"] = Time.rfc3339(envelope.storedAt)
        return record
    }
}
