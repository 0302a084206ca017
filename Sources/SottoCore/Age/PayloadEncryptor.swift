/// Encrypts a payload of any length in bounded memory (two 1 MiB buffers).
public final class PayloadEncryptor: ClosingSink {
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
        // Buffers start at one chunk and grow to a batch only for large payloads,
        // so a short message does not pay for megabytes of buffer.
        plain = [UInt8](unzeroed: Stream.chunkSize)
        sealed = [UInt8](unzeroed: Stream.sealedChunkSize)
        try sink.write(nonce)
    }

    deinit { Sodium.wipe(&plain, count: used) }

    /// How much of `plain` ever held plaintext.
    private var used = 0

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let source = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var offset = 0
        while offset < bytes.count {
            // Whole chunks are sealed straight from the caller's bytes, after the
            // buffered ones, when more bytes follow them: the last chunk of the
            // payload carries the final flag, so at least one byte stays behind.
            if filled % Stream.chunkSize == 0 {
                let direct = min(Stream.batchChunks - filled / Stream.chunkSize, (bytes.count - offset - 1) / Stream.chunkSize)
                if direct > 0 {
                    try flush(final: false, then: source + offset, direct: direct)
                    offset += direct * Stream.chunkSize
                    continue
                }
            }
            // A full batch is sealed only once more data arrives: the last
            // chunk must carry the final flag, and it may be full.
            if filled == plain.count {
                if plain.count < Stream.batchChunks * Stream.chunkSize {
                    Stream.double(&plain)
                } else {
                    try flush(final: false)
                }
            }
            let n = min(bytes.count - offset, plain.count - filled)
            let at = filled
            plain.withUnsafeMutableBytes { $0.baseAddress?.advanced(by: at).copyMemory(from: source + offset, byteCount: n) }
            filled += n
            offset += n
            used = max(used, filled)
        }
    }

    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Seals what is buffered as the final chunk.
    public func close() throws {
        guard !finished else { return }
        try flush(final: true)
        finished = true
    }

    /// Seals the buffered chunks, then `direct` whole chunks at `source`, in
    /// parallel; the last chunk is final if asked. With direct chunks the
    /// buffered ones are all whole.
    private func flush(final: Bool, then source: UnsafePointer<UInt8>? = nil, direct: Int = 0) throws {
        let buffered = (filled + Stream.chunkSize - 1) / Stream.chunkSize
        let total = filled + direct * Stream.chunkSize
        try plain.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { return }
            let next = source ?? base
            try seal(chunks: max(1, buffered + direct), bytes: total, final: final) { i in
                i < buffered ? base + i * Stream.chunkSize : next + (i - buffered) * Stream.chunkSize
            }
        }
    }

    /// Seals `chunks` chunks over the cores, `chunk(i)` the start of each, all
    /// full but the last; then writes them out. The buffer is empty afterwards.
    private func seal(chunks: Int, bytes total: Int, final: Bool, chunk: (Int) -> UnsafePointer<UInt8>) throws {
        let base = counter, key = self.key
        if sealed.count < chunks * Stream.sealedChunkSize {
            sealed = [UInt8](unzeroed: chunks * Stream.sealedChunkSize)
        }
        try sealed.withUnsafeMutableBufferPointer { output in
            guard let target = output.baseAddress else { return }
            try Parallel.forEach(chunks, state: { Stream.Cipher.context(key: key) }) { i, cipher in
                try Stream.Cipher.seal(&cipher, nonce: Stream.chunkNonce(base + UInt64(i), final: final && i == chunks - 1),
                                       input: chunk(i), count: min(Stream.chunkSize, total - i * Stream.chunkSize),
                                       output: target + i * Stream.sealedChunkSize)
            }
        }
        // Every chunk but the last is full, so the sealed chunks lie back to back.
        let count = total + chunks * ChaChaPoly.tagLength
        try sealed.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        counter += UInt64(chunks)
        filled = 0
    }
}
