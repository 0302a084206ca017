import SottoCore

/// An envelope record checked as send and recv --input need it: the age
/// bytes decode, the id (when given) is theirs, and the header parses.
public struct EnvelopeRecord {
    public let bytes: [UInt8]
    public let id: EnvelopeID
    /// From the envelope's own sotto stanza; the record's expires_at is not trusted.
    public let expiresAt: Int64?

    public init(_ record: Fields) throws {
        bytes = try record.base64("age")
        id = EnvelopeID.of(bytes)
        if let claimed = try record.optionalString("id"), claimed != id.hex {
            throw record.badField("id", "does not match the envelope's bytes")
        }
        do { expiresAt = try Envelope.expiry(of: bytes) } catch let error as AgeError {
            throw record.badField("age", "is not an age file (\(error.description))")
        }
    }

    public var incoming: IncomingEnvelope { IncomingEnvelope(bytes: bytes, id: id, expiresAt: expiresAt) }
}
