/// Opens one envelope: authenticates the header, checks expiry and the
/// signed inner header, then streams the body; when signed, the signature
/// over everything is checked at the end of `readBody`.
public final class EnvelopeReader {
    public let header: Header
    public let sotto: SottoStanza?
    public let inner: InnerHeader?
    /// The recipient key that opened it, when it was one of ours.
    public let openedWith: RecipientKey?
    private let payload: PayloadDecryptor
    private let digest: SignatureDigest?
    private var pending = [UInt8]()
    private var pendingOffset = 0
    private var ended = false

    public init(_ reader: ByteReader, identities: [AgeIdentity], now: Int64 = Time.now()) throws {
        let (header, payload, identity) = try AgeFile.decryptMatching(reader, identities: identities)
        self.header = header
        self.payload = payload
        openedWith = (identity as? DecryptionKey)?.recipient
        sotto = try SottoStanza.find(in: header)
        if let expiresAt = sotto?.expiresAt, now >= expiresAt {
            throw SottoError(.refused, "message expired at \(Time.rfc3339(expiresAt))")
        }
        guard sotto?.signed == true else {
            inner = nil
            digest = nil
            return
        }
        let prefix = try Self.pull(payload, &pending, &pendingOffset, &ended, count: 12)
        guard prefix.count == 12, Array(prefix.prefix(8)) == InnerHeader.magic else {
            throw SottoError(.refused, "signed envelope has no sotto inner header")
        }
        let length = Wire.readU32(prefix[8...])
        guard length >= 1, length <= InnerHeader.maxLength else { throw SottoError(.refused, "inner header length is out of bounds") }
        let innerBytes = try Self.pull(payload, &pending, &pendingOffset, &ended, count: length)
        guard innerBytes.count == length else { throw SottoError(.refused, "inner header is truncated") }
        let inner = try InnerHeader(decoding: innerBytes)
        guard inner.expiresAt == sotto?.expiresAt else {
            throw SottoError(.refused, "the signed expiry does not match the envelope's expiry stanza")
        }
        if let openedWith, !inner.to.contains(openedWith.string) {
            throw SottoError(.refused, "this message was not addressed to the key that opened it",
                             hints: ["someone may have forwarded a message meant for others"])
        }
        self.inner = inner
        digest = SignatureDigest(header: header.bytes, inner: innerBytes)
    }

    /// Reads `count` bytes of plaintext (fewer only at the end).
    private static func pull(_ payload: PayloadDecryptor, _ pending: inout [UInt8], _ offset: inout Int, _ ended: inout Bool,
                             count: Int) throws -> [UInt8] {
        while pending.count - offset < count, !ended {
            var chunk = [UInt8]()
            if try !payload.next({ chunk = Array($0) }) { ended = true }
            pending = Array(pending[offset...]) + chunk
            offset = 0
        }
        let n = min(count, pending.count - offset)
        defer { offset += n }
        return Array(pending[offset..<(offset + n)])
    }

    /// Streams the body to `consume`. For signed envelopes the last 64 bytes
    /// (the signature) are held back and verified; a bad signature throws
    /// after the body was streamed, so callers that must not release
    /// unverified plaintext buffer or write to a temporary file.
    public func readBody(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let digest, let inner else {
            if pendingOffset < pending.count { try pending[pendingOffset...].withUnsafeBytes(consume) }
            if !ended { while try payload.next(consume) {} }
            return
        }
        var held = [UInt8]()
        func release(_ bytes: UnsafeRawBufferPointer) throws {
            digest.body(bytes)
            try consume(bytes)
        }
        func push(_ chunk: UnsafeRawBufferPointer) throws {
            let total = held.count + chunk.count
            guard total > Ed25519.signatureLength else { held += chunk; return }
            let releaseCount = total - Ed25519.signatureLength
            let fromHeld = min(releaseCount, held.count)
            if fromHeld > 0 { try held[..<fromHeld].withUnsafeBytes(release) }
            let fromChunk = releaseCount - fromHeld
            if fromChunk > 0 { try release(UnsafeRawBufferPointer(rebasing: chunk[..<fromChunk])) }
            held = Array(held[fromHeld...]) + Array(chunk[fromChunk...])
        }
        if pendingOffset < pending.count { try pending[pendingOffset...].withUnsafeBytes(push) }
        if !ended { while try payload.next(push) {} }
        guard held.count == Ed25519.signatureLength else { throw SottoError(.refused, "signed message has no signature") }
        guard Ed25519.verify(held, digest.finalize(), publicKey: inner.from) else {
            throw SottoError(.refused, "bad signature: the message was not signed by the sender it names")
        }
    }
}
