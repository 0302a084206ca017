
/// age's STREAM payload: a 16-byte nonce, then 64 KiB chunks of
/// ChaCha20-Poly1305 under a key derived from the file key and that nonce.
/// Chunks are independent, so both directions work on a batch of them at a
/// time, spread over the cores.
enum Stream {
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

/// Encrypts a payload of any length in bounded memory (two 1 MiB buffers).
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

    public func finish() throws {
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
        sealed.withUnsafeMutableBufferPointer { output in
            guard let target = output.baseAddress else { return }
            Parallel.forEach(chunks) { i in
                ChaChaPoly.seal(key: key, nonce: Stream.chunkNonce(base + UInt64(i), final: final && i == chunks - 1),
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

/// Decrypts a payload a batch of chunks at a time. Plaintext is released
/// only once its chunk authenticates, in order, up to the first failure;
/// the end is accepted only after a valid final chunk.
public final class PayloadDecryptor {
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
    public func next(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
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
        func open(_ i: Int, final: Bool, _ input: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<UInt8>) -> Bool {
            let length = i == chunks - 1 ? lastLength : Stream.sealedChunkSize
            return ChaChaPoly.open(key: key, nonce: Stream.chunkNonce(base + UInt64(i), final: final),
                                   input: input + i * Stream.sealedChunkSize, count: length, output: output + i * Stream.chunkSize)
        }
        sealed.withUnsafeBufferPointer { input in
            plain.withUnsafeMutableBufferPointer { output in
                guard let source = input.baseAddress, let target = output.baseAddress else { return }
                ok.withUnsafeMutableBufferPointer { results in
                    Parallel.forEach(chunks) { i in results[i] = open(i, final: final[i], source, target) }
                }
                // A full chunk that fails as non-final may be a full final chunk.
                if let first = ok.firstIndex(of: false), !final[first],
                   first < chunks - 1 || lastLength == Stream.sealedChunkSize, open(first, final: true, source, target) {
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
