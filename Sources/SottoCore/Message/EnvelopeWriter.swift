/// A key to seal to, and the identity that owns it (its fingerprint): a
/// signed envelope names the owner of every key, an anonymous one nobody.
public struct Addressee: Equatable, Sendable {
    public var key: RecipientKey
    public var identity: String?

    public init(_ key: RecipientKey, identity: String?) {
        self.key = key
        self.identity = identity
    }
}

/// What to seal and how.
public struct SealParameters {
    public var recipients: [Addressee]
    /// Nil seals anonymously: a plain age file with the body alone.
    public var signer: Signer?
    public var expiresAt: Int64?
    public var sentAt: Int64
    public var thread: String?
    public var contentType: String
    /// A read-after timer, carried in the signed inner header.
    public var ttlAfterRead: Int64?

    public init(recipients: [Addressee], signer: Signer?, expiresAt: Int64?, sentAt: Int64 = Time.now(),
                thread: String? = nil, contentType: String = "application/octet-stream", ttlAfterRead: Int64? = nil) {
        self.ttlAfterRead = ttlAfterRead
        self.recipients = recipients
        self.signer = signer
        self.expiresAt = expiresAt
        self.sentAt = sentAt
        self.thread = thread
        self.contentType = contentType
    }
}

/// Writes one envelope in bounded memory: the age header, then the payload,
/// through the signed body framing when there is a signer.
public final class EnvelopeWriter {
    private let body: ClosingSink

    public init(_ parameters: SealParameters, sink: ByteSink) throws {
        var unique = [Addressee]()
        for recipient in parameters.recipients where !unique.contains(where: { $0.key == recipient.key }) {
            unique.append(recipient)
        }
        var extra = [Stanza]()
        if parameters.signer != nil || parameters.expiresAt != nil {
            extra.append(SottoStanza(signed: parameters.signer != nil, expiresAt: parameters.expiresAt).stanza)
        }
        if parameters.ttlAfterRead != nil, parameters.signer == nil {
            throw SottoError(.usage, "a read-after timer needs a signed message: it travels in the signed inner header")
        }
        let (header, payload) = try AgeFile.encrypt(to: unique.map(\.key).shuffled(), extraStanzas: extra, sink: sink)
        guard let signer = parameters.signer else {
            body = payload
            return
        }
        let to = try unique.map { recipient in
            guard let identity = recipient.identity else {
                throw SottoError(.usage, "\(recipient.key.string) is a bare age recipient: a signed envelope is only for sotto identities",
                                 hints: ["seal to age users with --anonymous"])
            }
            return InnerHeader.Recipient(key: recipient.key.string, identity: identity)
        }
        let inner = try InnerHeader(from: signer.identityKey, name: signer.name, sentAt: parameters.sentAt,
                                    expiresAt: parameters.expiresAt, to: to, thread: parameters.thread,
                                    contentType: parameters.contentType, ttlAfterRead: parameters.ttlAfterRead,
                                    card: signer.card, revocations: signer.revocations).encoded()
        body = try SignedBodyWriter(inner: inner, header: header, signer: signer, payload: payload, floor: Padding.floor(for: to))
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws { try body.write(bytes) }

    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    public func finish() throws { try body.close() }
}

public enum Envelope {
    /// Seals a body held in memory, returning the age file bytes.
    public static func seal(_ body: [UInt8], _ parameters: SealParameters) throws -> [UInt8] {
        let sink = MemorySink()
        let writer = try EnvelopeWriter(parameters, sink: sink)
        try writer.write(body)
        try writer.finish()
        return sink.bytes
    }

    /// The expiry an envelope's header declares (nil: none, or a plain age file).
    public static func expiry(of bytes: [UInt8]) throws -> Int64? {
        try expiry(reading: ByteReader(bytes: bytes))
    }

    /// The expiry declared by the header at the start of `reader`.
    public static func expiry(reading reader: ByteReader) throws -> Int64? {
        try SottoStanza.declaredExpiry(in: Header.parse(reader))
    }
}
