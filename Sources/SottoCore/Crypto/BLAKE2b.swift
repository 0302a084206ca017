internal import CSodium

/// Incremental BLAKE2b (libsodium's crypto_generichash). The state is
/// 64-byte aligned C memory, which Swift cannot declare as a value.
final class BLAKE2b {
    private let state: UnsafeMutableRawPointer
    private let length: Int

    init(length: Int = 64) {
        _ = Sodium.ready
        self.length = length
        state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        crypto_generichash_init(OpaquePointer(state), nil, 0, length)
    }

    deinit {
        sodium_memzero(state, crypto_generichash_statebytes())
        state.deallocate()
    }

    private init(copying other: BLAKE2b) {
        length = other.length
        state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        state.copyMemory(from: other.state, byteCount: crypto_generichash_statebytes())
    }

    /// A hash in the same state, to finish now while this one goes on: a
    /// running transcript can be signed at a checkpoint and continued.
    func copy() -> BLAKE2b { BLAKE2b(copying: self) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crypto_generichash_update(OpaquePointer(state), base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }
    func update(_ text: String) { update(Array(text.utf8)) }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        crypto_generichash_final(OpaquePointer(state), &out, length)
        return out
    }

    /// One-shot hash of `bytes` into `out` (`length` bytes).
    static func hash(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>, length: Int) {
        _ = Sodium.ready
        crypto_generichash(out, length, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count), nil, 0)
    }

    static func hash(_ bytes: [UInt8], length: Int = 32) -> [UInt8] {
        let h = BLAKE2b(length: length)
        h.update(bytes)
        return h.finalize()
    }
}
