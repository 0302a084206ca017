/// What an age file says to anyone, without a key, as age-inspect shows it:
/// its stanzas, whether it is post-quantum, the sotto stanza's mode and
/// expiry (which only the header MAC authenticates, and the MAC needs the
/// file key), its ids and its sizes.
public struct Inspection {
    public let header: Header
    public let armored: Bool
    public let id: EnvelopeID
    /// Bytes after the header: the STREAM nonce and the sealed chunks.
    public let payloadSize: Int64

    /// Reads a whole binary age file (armor already removed) from `reader`.
    public init(_ reader: ByteReader, armored: Bool) throws {
        header = try Header.parse(reader)
        self.armored = armored
        let hasher = EnvelopeIDHasher()
        header.bytes.withUnsafeBytes { hasher.update($0) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var payload: Int64 = 0
        while true {
            let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            payload += Int64(n)
        }
        id = hasher.finalize()
        payloadSize = payload
    }

    /// The plaintext length the payload's size implies (nil when it is too
    /// short to be a STREAM): each 64 KiB chunk carries a 16-byte tag.
    public var plaintextSize: Int64? {
        let sealed = payloadSize - Int64(Stream.nonceLength)
        guard sealed >= Int64(ChaChaPoly.tagLength) else { return nil }
        let chunks = max(1, (sealed + Int64(Stream.sealedChunkSize) - 1) / Int64(Stream.sealedChunkSize))
        return sealed - chunks * Int64(ChaChaPoly.tagLength)
    }

    public var record: [String: Any] {
        let recipients = header.stanzas.filter { !$0.type.hasPrefix("sotto/") }
        let sotto: Any
        if let stanza = header.stanzas.first(where: { $0.type.hasPrefix("sotto/") }) {
            var fields: [String: Any] = ["stanza": stanza.type]
            if stanza.type == SottoStanza.type, let parsed = try? SottoStanza.find(in: header) {
                fields["mode"] = parsed.signed ? "signed" : "anonymous"
                fields["expires_at"] = parsed.expiresAt.map(Time.rfc3339) ?? JSONNull()
                fields["expiry_authenticated"] = false
            }
            sotto = fields
        } else {
            sotto = JSONNull()
        }
        return [
            "type": "inspection", "id": id, "message_id": MessageID(header: header), "version": "age-encryption.org/v1",
            "armored": armored, "stanzas": header.stanzas.map(\.type), "recipients": recipients.count,
            "postquantum": header.isPostQuantum,
            "sotto": sotto,
            "sizes": ["header": header.bytes.count, "payload": payloadSize, "plaintext": plaintextSize.map { $0 as Any } ?? JSONNull(),
                      "file": Int64(header.bytes.count) + payloadSize],
        ]
    }
}
