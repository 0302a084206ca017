/// Who signs a message: an identity's Ed25519 key, and the card that
/// travels with what it signs.
public final class Signer {
    public let identityKey: [UInt8]
    public let name: String
    let secretKey: SecureBytes
    /// The signer's card record, carried in what it signs.
    let card: Fields?
    /// The revocations of the signer's other identities, carried likewise.
    let revocations: [Fields]

    init(identityKey: [UInt8], name: String, secretKey: SecureBytes, card: Fields? = nil, revocations: [Fields] = []) {
        self.revocations = revocations
        self.identityKey = identityKey
        self.name = name
        self.secretKey = secretKey
        self.card = card
    }

    func sign(_ message: [UInt8]) -> [UInt8] { Ed25519.sign(message, secretKey: secretKey) }
}

/// What each segment signature covers (docs/FORMAT.md §5): the transcript
/// hash of the age header and the inner header, the segment's place and
/// framing, and a SHA-256 tree hash of its body.
struct SegmentSignature {
    static let segmentSize = 1 << 20
    static let pieceSize = 64 * 1024
    static let context = Array("sotto/2 segment\n".utf8)
    /// SHA-256 of the age header and the inner header, common to every segment.
    let transcript: [UInt8]

    init(header: [UInt8], inner: [UInt8]) {
        let hash = SHA256()
        hash.update("sotto/2 transcript\n")
        hash.update(Wire.u64(Int64(header.count)))
        hash.update(header)
        hash.update(Wire.u32(inner.count))
        hash.update(inner)
        transcript = hash.finalize()
    }

    /// The bytes signed for segment `index`.
    func message(index: Int64, frame: SegmentFrame, body: UnsafeRawBufferPointer) -> [UInt8] {
        Self.context + transcript + Wire.u64(index) + frame.encoded + Self.bodyDigest(body)
    }

    /// SHA-256 over the SHA-256 of each 64 KiB piece of the body; the pieces
    /// hash in parallel.
    static func bodyDigest(_ body: UnsafeRawBufferPointer) -> [UInt8] {
        let count = (body.count + pieceSize - 1) / pieceSize
        var leaves = [UInt8](repeating: 0, count: count * SHA256.length)
        if let base = body.baseAddress {
            leaves.withUnsafeMutableBufferPointer { out in
                guard let target = out.baseAddress else { return }
                Parallel.forEach(count) { i in
                    let start = i * pieceSize
                    SHA256.hash(UnsafeRawBufferPointer(start: base + start, count: min(pieceSize, body.count - start)),
                                into: target + i * SHA256.length)
                }
            }
        }
        return SHA256.hash(leaves)
    }
}

/// The 13 bytes before each segment's body: whether it is the last, its
/// body length, and the zero padding after the body (the last segment only).
struct SegmentFrame: Equatable {
    static let length = 13
    var final: Bool
    var bodyLength: Int
    var padding: Int64

    var encoded: [UInt8] { [final ? 1 : 0] + Wire.u32(bodyLength) + Wire.u64(padding) }

    /// Parses and checks a frame: every segment but the last holds exactly
    /// `SegmentSignature.segmentSize` bytes and no padding; the last holds fewer.
    init(_ bytes: [UInt8]) throws {
        guard bytes.count == Self.length else { throw SottoError(.refused, "signed message is truncated") }
        guard bytes[0] <= 1 else { throw SottoError(.refused, "malformed segment frame") }
        final = bytes[0] == 1
        bodyLength = Wire.readU32(bytes[1...4])
        let raw = bytes[5...12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard raw <= UInt64(Int64.max) else { throw SottoError(.refused, "malformed segment frame") }
        padding = Int64(raw)
        let size = SegmentSignature.segmentSize
        guard final ? bodyLength < size : (bodyLength == size && padding == 0) else {
            throw SottoError(.refused, "malformed segment frame")
        }
    }

    init(final: Bool, bodyLength: Int, padding: Int64) {
        self.final = final
        self.bodyLength = bodyLength
        self.padding = padding
    }
}

/// Padmé (Nikitin et al., PETS 2019): rounds a length up so that only about
/// log log of it shows, at most 12 % more; short payloads are first raised to
/// a floor, so every short message looks alike. The payload holds the inner
/// header, whose sender name, card and revocations vary from one sender to
/// another: the floor has fixed room for them at their largest (a 64-byte
/// name, a card with one key of each kind, `carriedRevocations`) and for the
/// body, plus room for each recipient's entry, which depends only on the
/// recipients (whom the age header shows anyway). So a short message's size
/// does not tell one sender from another (docs/FORMAT.md §4 gives the figures).
enum Padding {
    /// Room for the body, the sender's name and their card with its X25519 key.
    static let minimum: Int64 = 4096
    /// Room for the card's post-quantum key: its 1,950-character age1pq1
    /// string, certificate and validity.
    static let hybridKeyRoom: Int64 = 2304
    /// A message carries at most this many revocations (the newest), and
    /// the floor has room for as many.
    static let carriedRevocations = 4
    static let revocationRoom: Int64 = 256
    /// Room for one recipient's entry beyond its key string: its identity
    /// fingerprint and the JSON around them.
    static let entryOverhead: Int64 = 96

    /// The floor for a signed message, before its recipients' entries.
    static let senderFloor = minimum + hybridKeyRoom + Int64(carriedRevocations) * revocationRoom

    /// The floor for a message to these recipients.
    static func floor(for recipients: [InnerHeader.Recipient]) -> Int64 {
        recipients.reduce(senderFloor) { $0 + Int64($1.key.utf8.count) + entryOverhead }
    }

    static func padded(_ length: Int64, floor: Int64 = minimum) -> Int64 {
        let l = max(length, floor)
        let e = Int64(63 - l.leadingZeroBitCount)
        let s = Int64(63 - e.leadingZeroBitCount) + 1
        let mask = (Int64(1) << (e - s)) - 1
        return (l + mask) & ~mask
    }
}
