/// Opens one envelope: authenticates the header, checks expiry and the
/// signed inner header, then streams the body; when signed, the signature
/// over everything is checked at the end of `readBody`.
public final class EnvelopeReader {
    public let header: Header
    public let sotto: SottoStanza?
    public let inner: InnerHeader?
    /// The recipient key that opened it, when it was one of ours.
    public let openedWith: RecipientKey?
    private let body: RunSource

    public init(_ reader: ByteReader, identities: [AgeIdentity], now: Int64 = Time.now()) throws {
        let (header, payload, identity) = try AgeFile.decryptMatching(reader, identities: identities)
        self.header = header
        openedWith = (identity as? DecryptionKey)?.recipient
        sotto = try SottoStanza.find(in: header)
        if let expiresAt = sotto?.expiresAt, now >= expiresAt {
            throw SottoError(.refused, "message expired at \(Time.rfc3339(expiresAt))")
        }
        guard sotto?.signed == true else {
            inner = nil
            body = payload
            return
        }
        let signed = try SignedBodyReader(payload: payload, header: header)
        guard signed.inner.expiresAt == sotto?.expiresAt else {
            throw SottoError(.refused, "the signed expiry does not match the envelope's expiry stanza")
        }
        if let openedWith, !signed.inner.to.contains(openedWith.string) {
            throw SottoError(.refused, "this message was not addressed to the key that opened it",
                             hints: ["someone may have forwarded a message meant for others"])
        }
        inner = signed.inner
        body = signed
    }

    /// Streams the body to `consume`. For signed envelopes the signature is
    /// verified at the end: a bad one throws after the body was streamed, so
    /// callers that must not release unverified plaintext buffer it or write
    /// to a temporary file.
    public func readBody(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        try body.forEachRun(consume)
    }
}
