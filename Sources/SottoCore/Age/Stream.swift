
/// age's STREAM payload: a 16-byte nonce, then 64 KiB chunks of
/// ChaCha20-Poly1305 under a key derived from the file key and that nonce.
/// Chunks are independent, so both directions work on a batch of them at a
/// time, spread over the cores.
enum Stream {
    /// The AEAD implementation the payload uses, each worker with a context of its own.
    typealias Cipher = ChaChaPoly
    static let chunkSize = 64 * 1024
    static let sealedChunkSize = chunkSize + ChaChaPoly.tagLength
    static let nonceLength = 16
    /// Chunks per batch: 1 MiB of plaintext, enough to keep every core busy.
    static let batchChunks = 16

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

    /// Doubles a buffer, keeping its contents and wiping the old storage,
    /// which may hold plaintext.
    static func double(_ buffer: inout [UInt8]) {
        var grown = [UInt8](unzeroed: buffer.count * 2)
        grown.replaceSubrange(0..<buffer.count, with: buffer)
        Sodium.wipe(&buffer)
        buffer = grown
    }
}
