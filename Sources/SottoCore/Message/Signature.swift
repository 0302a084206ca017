/// Who signs a message: an identity's Ed25519 key.
public final class Signer {
    public let identityKey: [UInt8]
    public let name: String
    let secretKey: SecureBytes

    init(identityKey: [UInt8], name: String, secretKey: SecureBytes) {
        self.identityKey = identityKey
        self.name = name
        self.secretKey = secretKey
    }

    func sign(_ digest: [UInt8]) -> [UInt8] { Ed25519.sign(digest, secretKey: secretKey) }
}

/// The digest a sotto signature covers (docs/FORMAT.md, "Signature"):
/// the age header, the inner header, and a root hash of the body built from
/// BLAKE2b-256 hashes of its 64 KiB pieces.
final class SignatureDigest {
    static let pieceSize = 64 * 1024
    private let transcript = BLAKE2b(length: 64)
    private let root = BLAKE2b(length: 64)
    private var piece = BLAKE2b(length: 32)
    private var pieceFill = 0
    private var bodyLength: Int64 = 0

    init(header: [UInt8], inner: [UInt8]) {
        transcript.update("sotto/1 signature\n")
        transcript.update(Wire.u64(Int64(header.count)))
        transcript.update(header)
        transcript.update(Wire.u32(inner.count))
        transcript.update(inner)
    }

    func body(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, Self.pieceSize - pieceFill)
            piece.update(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
            pieceFill += n
            offset += n
            if pieceFill == Self.pieceSize { closePiece() }
        }
        bodyLength += Int64(bytes.count)
    }

    private func closePiece() {
        root.update(piece.finalize())
        piece = BLAKE2b(length: 32)
        pieceFill = 0
    }

    func finalize() -> [UInt8] {
        if pieceFill > 0 { closePiece() }
        root.update(Wire.u64(bodyLength))
        transcript.update(root.finalize())
        return transcript.finalize()
    }
}
