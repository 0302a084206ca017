/// Decrypts a payload a batch of chunks at a time. Plaintext is released
/// only once its chunk authenticates, in order, up to the first failure;
/// the end is accepted only after a valid final chunk.
public final class PayloadDecryptor: RunSource {
    private let reader: ByteReader
    private let key: SecureBytes
    private var sealed: [UInt8]
    private var plain: [UInt8]
    private var counter: UInt64 = 0
    private var done = false
    /// Authenticated plaintext waiting to be released: plain[..<releasable].
    private var releasable = 0
    /// What went wrong after the releasable plaintext, thrown once it is released.
    private var failure: AgeError?

    public init(fileKey: SecureBytes, reader: ByteReader) throws {
        self.reader = reader
        var nonce = [UInt8](repeating: 0, count: Stream.nonceLength)
        let n = try nonce.withUnsafeMutableBytes { try reader.read(into: $0) }
        guard n == Stream.nonceLength else { throw AgeError.header("payload nonce is missing or truncated") }
        key = try Stream.payloadKey(fileKey: fileKey, nonce: nonce)
        sealed = [UInt8](unzeroed: Stream.sealedChunkSize)
        plain = [UInt8](unzeroed: Stream.chunkSize)
    }

    deinit { Sodium.wipe(&plain, count: used) }

    /// How much of `plain` ever held plaintext.
    private var used = 0

    /// Calls `body` with the next run of authenticated plaintext; false at the end.
    public func nextRun(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        if releasable == 0, failure == nil, !done { try decryptBatch() }
        if releasable > 0 {
            let count = releasable
            releasable = 0
            try plain.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            return true
        }
        if let failure { throw failure }
        // At the end the buffers go, wiped: a caller may keep the reader with many others.
        Sodium.wipe(&plain, count: used)
        plain = []
        sealed = []
        used = 0
        return false
    }

    private func decryptBatch() throws {
        let n = try sealed.withUnsafeMutableBytes { try reader.read(into: $0) }
        guard n > 0 else { throw AgeError.payload("payload ends without a final chunk") }
        let atEnd = try n < sealed.count || reader.isAtEnd()
        defer {
            // A long payload: read more chunks at a time, up to a batch.
            if !atEnd, sealed.count < Stream.batchChunks * Stream.sealedChunkSize {
                Stream.double(&sealed)
                Stream.double(&plain)
            }
        }
        let chunks = (n + Stream.sealedChunkSize - 1) / Stream.sealedChunkSize
        let lastLength = n - (chunks - 1) * Stream.sealedChunkSize
        used = max(used, n)
        // Only the stream's last chunk may be short, and it must then be final.
        var final = [Bool](repeating: false, count: chunks)
        final[chunks - 1] = atEnd && lastLength < Stream.sealedChunkSize
        var ok = [Bool](repeating: false, count: chunks)
        let base = counter, key = self.key
        func open(_ cipher: inout Stream.Cipher.Context, _ i: Int, final: Bool, _ input: UnsafePointer<UInt8>,
                  _ output: UnsafeMutablePointer<UInt8>) -> Bool {
            let length = i == chunks - 1 ? lastLength : Stream.sealedChunkSize
            return Stream.Cipher.open(&cipher, nonce: Stream.chunkNonce(base + UInt64(i), final: final),
                                      input: input + i * Stream.sealedChunkSize, count: length, output: output + i * Stream.chunkSize)
        }
        try sealed.withUnsafeBufferPointer { input in
            try plain.withUnsafeMutableBufferPointer { output in
                guard let source = input.baseAddress, let target = output.baseAddress else { return }
                try ok.withUnsafeMutableBufferPointer { results in
                    try Parallel.forEach(chunks, state: { Stream.Cipher.context(key: key) }) { i, cipher in
                        results[i] = open(&cipher, i, final: final[i], source, target)
                    }
                }
                // A full chunk that fails as non-final may be a full final chunk.
                var cipher = Stream.Cipher.context(key: key)
                if let first = ok.firstIndex(of: false), !final[first],
                   first < chunks - 1 || lastLength == Stream.sealedChunkSize, open(&cipher, first, final: true, source, target) {
                    ok[first] = true
                    final[first] = true
                }
            }
        }
        for i in 0..<chunks {
            guard ok[i] else {
                failure = AgeError.payload(lastLength < ChaChaPoly.tagLength && i == chunks - 1
                                           ? "payload chunk is truncated" : "chunk \(base + UInt64(i)) failed authentication")
                break
            }
            let length = (i == chunks - 1 ? lastLength : Stream.sealedChunkSize) - ChaChaPoly.tagLength
            if final[i] {
                guard length > 0 || base + UInt64(i) == 0 else {
                    failure = AgeError.payload("final chunk is empty")
                    break
                }
                releasable += length
                done = true
                if i < chunks - 1 || !atEnd { failure = AgeError.payload("data after the final chunk") }
                break
            }
            releasable += length
        }
        counter += UInt64(chunks)
    }
}
