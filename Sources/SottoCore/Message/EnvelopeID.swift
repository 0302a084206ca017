/// The id of an envelope: a hash of its bytes, so the same envelope always
/// has the same id and a store can check the bytes it is handed against it,
/// chunk by chunk (`EnvelopeIDHasher`).
/// Written as 32 lowercase hex digits.
public struct EnvelopeID: Hashable, Comparable, Sendable, CustomStringConvertible, JSONText {
    public let hex: String

    /// An id as written; nil unless it is 32 lowercase hex digits.
    public init?(_ text: String) {
        guard Hex.isLowercase(text, digits: 32) else { return nil }
        hex = text
    }

    fileprivate init(hashed hex: String) { self.hex = hex }

    /// The id of an envelope held in memory.
    public static func of(_ bytes: [UInt8]) -> EnvelopeID {
        let hasher = EnvelopeIDHasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }

    /// The id of an envelope that streams, read to its end.
    public static func of(reading source: ByteSource) throws -> EnvelopeID {
        let hasher = EnvelopeIDHasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return hasher.finalize() }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
    }

    public var description: String { hex }
    public var jsonText: String { hex }
    public static func < (a: EnvelopeID, b: EnvelopeID) -> Bool { a.hex < b.hex }
}

/// Computes an envelope id incrementally, for envelopes that stream: a
/// SHA-256 of each 1 MiB chunk of the file (the last may be shorter), then a
/// SHA-256 over those digests and the length. A store that takes an envelope
/// in 1 MiB chunks checks it as the chunks arrive, holding one chunk at a time;
/// PostgreSQL can do so with its built-in sha256().
public final class EnvelopeIDHasher {
    static let chunkSize = 1 << 20
    private let outer = SHA256()
    /// The current chunk's bytes, when they arrive in smaller pieces.
    private var pending = [UInt8]()
    private var length: Int64 = 0

    public init() { outer.update("sotto/2 envelope id\n") }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        length += Int64(bytes.count)
        var rest = bytes
        while !rest.isEmpty {
            if pending.isEmpty, rest.count >= Self.chunkSize {
                // A whole chunk in place: hash it without copying.
                digest(UnsafeRawBufferPointer(rebasing: rest[..<Self.chunkSize]))
                rest = UnsafeRawBufferPointer(rebasing: rest[Self.chunkSize...])
                continue
            }
            let n = min(rest.count, Self.chunkSize - pending.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<n]))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            if pending.count == Self.chunkSize { flush() }
        }
    }

    public func finalize() -> EnvelopeID {
        if !pending.isEmpty { flush() }
        outer.update(Wire.u64(length))
        return EnvelopeID(hashed: Hex.encode(Array(outer.finalize().prefix(16))))
    }

    private func flush() {
        pending.withUnsafeBytes { digest($0) }
        pending.removeAll(keepingCapacity: true)
    }

    private func digest(_ chunk: UnsafeRawBufferPointer) {
        var out = [UInt8](repeating: 0, count: SHA256.length)
        SHA256.hash(chunk, into: &out)
        outer.update(out)
    }
}

/// The id of a message: a hash of its age header, which the signature of a
/// signed envelope covers. A co-recipient who writes a new payload under the
/// same header keeps the id (and fails the signature); a new header is a new
/// message. Records and erase selectors name messages by it, and the inbox
/// remembers deleted messages by it, so a replay is known whatever its payload.
public struct MessageID: Hashable, Sendable, CustomStringConvertible, JSONText {
    public let hex: String

    /// An id as written; nil unless it is 32 lowercase hex digits.
    public init?(_ text: String) {
        guard Hex.isLowercase(text, digits: 32) else { return nil }
        hex = text
    }

    init(header: Header) {
        let hash = SHA256()
        hash.update("sotto/2 message id\n")
        hash.update(header.bytes)
        hex = Hex.encode(Array(hash.finalize().prefix(16)))
    }

    /// The message id of an envelope, from its header alone: no key needed.
    public static func of(_ envelope: [UInt8]) throws -> MessageID {
        MessageID(header: try Header.parse(ByteReader(bytes: envelope)))
    }

    public var description: String { hex }
    public var jsonText: String { hex }
}
