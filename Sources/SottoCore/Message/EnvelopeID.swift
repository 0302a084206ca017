/// The id of an envelope: a hash of its bytes, so the same envelope always
/// has the same id and a store can check the bytes it is handed against it.
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

/// Computes an envelope id incrementally, for envelopes that stream.
public final class EnvelopeIDHasher {
    private let hash = BLAKE2b(length: 32)

    public init() { hash.update("sotto/1 envelope id\n") }

    public func update(_ bytes: UnsafeRawBufferPointer) { hash.update(bytes) }

    public func finalize() -> EnvelopeID { EnvelopeID(hashed: Hex.encode(Array(hash.finalize().prefix(16)))) }
}
