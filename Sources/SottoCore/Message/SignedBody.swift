/// The payload of a signed envelope, as docs/FORMAT.md frames it: the magic
/// `sotto/1\n`, the inner header's length (u32, big-endian) and bytes, the
/// body, and at the very end the sender's Ed25519 signature over the digest
/// of header, inner header and body. Writing and reading it stack on the
/// payload encryptor and decryptor; a new framing (signed segments) replaces
/// these two types and nothing around them.
final class SignedBodyWriter: ClosingSink {
    private let payload: ClosingSink
    private let digest: SignatureDigest
    private let signer: Signer

    init(inner: [UInt8], header: Header, signer: Signer, payload: ClosingSink) throws {
        guard inner.count <= InnerHeader.maxLength else { throw SottoError(.usage, "too many recipients for one envelope") }
        self.payload = payload
        self.signer = signer
        digest = SignatureDigest(header: header.bytes, inner: inner)
        try payload.write(InnerHeader.magic + Wire.u32(inner.count) + inner)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        digest.body(bytes)
        try payload.write(bytes)
    }

    func close() throws {
        try payload.write(signer.sign(digest.finalize()))
        try payload.close()
    }
}

/// Reads a signed payload: the inner header first, then the body run by run,
/// holding back the trailing signature, which is verified once the body has
/// ended. A bad signature throws after the body was passed on: callers that
/// must not release unverified plaintext buffer it or write to a temporary file.
final class SignedBodyReader: RunSource {
    /// The inner header as sent, and its bytes as signed.
    let inner: InnerHeader
    private let innerBytes: [UInt8]
    private let payload: RunReader
    private let digest: SignatureDigest
    /// The last bytes seen, which may be the signature; wiped as they go.
    private var held = [UInt8]()
    private var verified = false

    init(payload source: RunSource, header: Header) throws {
        payload = RunReader(source)
        let prefix = try payload.read(exactly: InnerHeader.magic.count + 4)
        guard prefix.count == InnerHeader.magic.count + 4, Array(prefix.prefix(InnerHeader.magic.count)) == InnerHeader.magic else {
            throw SottoError(.refused, "signed envelope has no sotto inner header")
        }
        let length = Wire.readU32(prefix[InnerHeader.magic.count...])
        guard length >= 1, length <= InnerHeader.maxLength else { throw SottoError(.refused, "inner header length is out of bounds") }
        innerBytes = try payload.read(exactly: length)
        guard innerBytes.count == length else { throw SottoError(.refused, "inner header is truncated") }
        inner = try InnerHeader(decoding: innerBytes)
        digest = SignatureDigest(header: header.bytes, inner: innerBytes)
    }

    deinit { Sodium.wipe(&held) }

    func nextRun(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        guard !verified else { return false }
        func release(_ bytes: UnsafeRawBufferPointer) throws {
            digest.body(bytes)
            try body(bytes)
        }
        let more = try payload.nextRun { chunk in
            // Everything but the last 64 bytes seen so far is body.
            let total = held.count + chunk.count
            guard total > Ed25519.signatureLength else { return held += chunk }
            let releaseCount = total - Ed25519.signatureLength
            let fromHeld = min(releaseCount, held.count)
            if fromHeld > 0 { try held[..<fromHeld].withUnsafeBytes(release) }
            let fromChunk = releaseCount - fromHeld
            if fromChunk > 0 { try release(UnsafeRawBufferPointer(rebasing: chunk[..<fromChunk])) }
            var kept = Array(held[fromHeld...]) + Array(chunk[fromChunk...])
            swap(&held, &kept)
            Sodium.wipe(&kept)
        }
        if more { return true }
        guard held.count == Ed25519.signatureLength else { throw SottoError(.refused, "signed message has no signature") }
        guard Ed25519.verify(held, digest.finalize(), publicKey: inner.from) else {
            throw SottoError(.refused, "bad signature: the message was not signed by the sender it names")
        }
        verified = true
        return false
    }
}
