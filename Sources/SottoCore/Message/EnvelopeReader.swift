/// Opens one envelope: authenticates the header, checks expiry and the
/// signed inner header, then streams the body; when signed, each segment
/// is released only after its signature verified.
public final class EnvelopeReader {
    public let header: Header
    public let sotto: SottoStanza?
    public let inner: InnerHeader?
    /// The id the sender's signature fixes: a hash of the age header.
    public let messageID: MessageID
    /// The recipient key that opened it, when it was one of ours.
    public let openedWith: RecipientKey?
    /// The signed inner header's entry for that key: whom the sender sealed it for.
    public let addressee: InnerHeader.Recipient?
    private let body: RunSource

    public init(_ reader: ByteReader, identities: [AgeIdentity], now: Int64 = Time.now()) throws {
        let (header, payload, identity) = try AgeFile.decryptMatching(reader, identities: identities)
        self.header = header
        messageID = MessageID(header: header)
        openedWith = (identity as? DecryptionKey)?.recipient
        sotto = try SottoStanza.find(in: header)
        if let expiresAt = sotto?.expiresAt, now >= expiresAt {
            throw SottoError(.refused, "message expired at \(Time.rfc3339(expiresAt))")
        }
        guard sotto?.signed == true else {
            inner = nil
            addressee = nil
            body = payload
            return
        }
        let signed = try SignedBodyReader(payload: payload, header: header)
        guard signed.inner.expiresAt == sotto?.expiresAt else {
            throw SottoError(.refused, "the signed expiry does not match the envelope's expiry stanza")
        }
        // One entry per recipient stanza, each key once: the recipients shown are the recipients sealed to.
        guard signed.inner.to.count == header.recipientStanzaCount, Set(signed.inner.to.map(\.key)).count == signed.inner.to.count else {
            throw SottoError(.refused, "the inner header's recipients do not match the envelope's recipient stanzas")
        }
        addressee = try openedWith.map(signed.inner.recipient(for:))
        inner = signed.inner
        body = signed
    }

    /// Refuses a signed envelope whose inner header says the key that opened
    /// it was sealed for an identity other than `owner` (a fingerprint), the
    /// one that holds the key: a card that passed the key off as another's.
    public func requireAddressee(owner: String) throws {
        guard let addressee, addressee.identity != owner else { return }
        throw SottoError(.refused, "this message was sealed for another identity (fingerprint \(addressee.identity.prefix(16))…) "
                         + "under a key of yours", hints: ["the sender holds a card that passes your key off as someone else's"])
    }

    /// Streams the body to `consume`. For signed envelopes the signature is
    /// verified at the end: a bad one throws after the body was streamed, so
    /// callers that must not release unverified plaintext buffer it or write
    /// to a temporary file.
    public func readBody(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        try body.forEachRun(consume)
    }
}
