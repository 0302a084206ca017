/// age's STREAM payload: a 16-byte nonce, then 64 KiB chunks of
/// ChaCha20-Poly1305 under a key derived from the file key and that nonce.
enum Stream {
    static let chunkSize = 64 * 1024
    static let sealedChunkSize = chunkSize + ChaChaPoly.tagLength
    static let nonceLength = 16

    static func payloadKey(fileKey: SecureBytes, nonce: [UInt8]) throws -> SecureBytes {
        try HMAC.hkdf(ikm: fileKey, salt: nonce, info: "payload")
    }

    /// The 12-byte AEAD nonce: an 11-byte big-endian counter, then the final flag.
    static func chunkNonce(_ counter: UInt64, final: Bool) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { nonce[10 - i] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) }
        nonce[11] = final ? 1 : 0
        return nonce
    }
}

/// Encrypts a payload of any length in bounded memory.
public final class PayloadEncryptor {
    private let sink: ByteSink
    private let key: SecureBytes
    private var plain: [UInt8]
    private var sealed: [UInt8]
    private var filled = 0
    private var counter: UInt64 = 0
    private var finished = false

    public init(fileKey: SecureBytes, sink: ByteSink) throws {
        self.sink = sink
        let nonce = Sodium.random(Stream.nonceLength)
        key = try Stream.payloadKey(fileKey: fileKey, nonce: nonce)
        plain = [UInt8](repeating: 0, count: Stream.chunkSize)
        sealed = [UInt8](repeating: 0, count: Stream.sealedChunkSize)
        try sink.write(nonce)
    }

    deinit { Sodium.wipe(&plain) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            // A full buffer is flushed only once more data arrives: the last
            // chunk must carry the final flag, and it may be full.
            if filled == Stream.chunkSize { try flush(final: false) }
            let n = min(bytes.count - offset, Stream.chunkSize - filled)
            plain.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: filled).copyMemory(from: bytes.baseAddress! + offset, byteCount: n) }
            filled += n
            offset += n
        }
    }

    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    public func finish() throws {
        guard !finished else { return }
        try flush(final: true)
        finished = true
    }

    private func flush(final: Bool) throws {
        let nonce = Stream.chunkNonce(counter, final: final)
        let count = filled
        sealed.withUnsafeMutableBufferPointer { out in
            plain.withUnsafeBufferPointer { input in
                ChaChaPoly.seal(key: key, nonce: nonce, input: input.baseAddress, count: count, output: out.baseAddress!)
            }
        }
        try sealed.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[..<(count + ChaChaPoly.tagLength)])) }
        counter += 1
        filled = 0
    }
}

/// Decrypts a payload chunk by chunk. Each chunk is released only after its
/// tag verifies; the end is accepted only after a valid final chunk.
public final class PayloadDecryptor {
    private let reader: ByteReader
    private let key: SecureBytes
    private var sealed: [UInt8]
    private var plain: [UInt8]
    private var counter: UInt64 = 0
    private var done = false
    private var trailingData = false

    public init(fileKey: SecureBytes, reader: ByteReader) throws {
        self.reader = reader
        var nonce = [UInt8](repeating: 0, count: Stream.nonceLength)
        let n = try nonce.withUnsafeMutableBytes { try reader.read(into: $0) }
        guard n == Stream.nonceLength else { throw AgeError.header("payload nonce is missing or truncated") }
        key = try Stream.payloadKey(fileKey: fileKey, nonce: nonce)
        sealed = [UInt8](repeating: 0, count: Stream.sealedChunkSize)
        plain = [UInt8](repeating: 0, count: Stream.chunkSize)
    }

    deinit { Sodium.wipe(&plain) }

    /// Calls `body` with the next authenticated chunk; false at the end.
    public func next(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        if trailingData { throw AgeError.payload("data after the final chunk") }
        guard !done else { return false }
        let n = try sealed.withUnsafeMutableBytes { try reader.read(into: $0) }
        guard n >= ChaChaPoly.tagLength else {
            throw AgeError.payload(n == 0 ? "payload ends without a final chunk" : "payload chunk is truncated")
        }
        // A short chunk must be the final one; a full one is normally not,
        // but may be a full final chunk.
        var final = n < Stream.sealedChunkSize
        var ok = open(count: n, final: final)
        if !ok && !final {
            final = true
            ok = open(count: n, final: true)
        }
        guard ok else { throw AgeError.payload("chunk \(counter) failed authentication") }
        let count = n - ChaChaPoly.tagLength
        if final {
            guard count > 0 || counter == 0 else { throw AgeError.payload("final chunk is empty") }
            done = true
            trailingData = try !reader.isAtEnd()
        }
        counter += 1
        try plain.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        return true
    }

    private func open(count: Int, final: Bool) -> Bool {
        sealed.withUnsafeBufferPointer { input in
            plain.withUnsafeMutableBufferPointer { output in
                ChaChaPoly.open(key: key, nonce: Stream.chunkNonce(counter, final: final),
                                input: input.baseAddress!, count: count, output: output.baseAddress)
            }
        }
    }
}
