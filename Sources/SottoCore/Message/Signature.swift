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
        guard let base = bytes.baseAddress else { return }
        bodyLength += Int64(bytes.count)
        var offset = 0
        if pieceFill > 0 {
            offset = min(bytes.count, Self.pieceSize - pieceFill)
            piece.update(UnsafeRawBufferPointer(start: base, count: offset))
            pieceFill += offset
            if pieceFill == Self.pieceSize { closePiece() }
        }
        // Whole pieces are hashed in parallel; their hashes enter the root in order.
        let whole = (bytes.count - offset) / Self.pieceSize
        if whole > 0 {
            var leaves = [UInt8](repeating: 0, count: whole * 32)
            let start = base + offset
            leaves.withUnsafeMutableBufferPointer { out in
                guard let target = out.baseAddress else { return }
                Parallel.forEach(whole) { i in
                    BLAKE2b.hash(UnsafeRawBufferPointer(start: start + i * Self.pieceSize, count: Self.pieceSize),
                                 into: target + i * 32, length: 32)
                }
            }
            root.update(leaves)
            offset += whole * Self.pieceSize
        }
        if offset < bytes.count {
            piece.update(UnsafeRawBufferPointer(start: base + offset, count: bytes.count - offset))
            pieceFill += bytes.count - offset
        }
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
