internal import COpenSSL
internal import CSodium
import Synchronization

/// SHA-256, the hash of the format's body digests and ids. Bulk pieces
/// (64 KiB) go to OpenSSL's libcrypto, which uses the CPU's SHA extensions
/// (about twice libsodium's BLAKE2b here); everything small stays with
/// libsodium, as OpenSSL's first use costs about a millisecond of set-up,
/// which a one-message process would otherwise pay. A process that has
/// hashed a megabyte in small pieces (many messages: each envelope's id,
/// over its padded 4 KiB and more) has paid that off, and from then on
/// libcrypto takes every input from 1 KiB.
final class SHA256 {
    static let length = 32
    /// Inputs at least this long are hashed by libcrypto.
    static let bulk = 16 * 1024
    /// Once warm, inputs at least this long are.
    static let warmBulk = 1024
    /// Bytes libsodium hashed one-shot in this process, up to `warmth`.
    private static let sodiumBytes = Atomic<Int>(0)
    static let warmth = 1 << 20
    private var state = crypto_hash_sha256_state()
    /// libcrypto's context, for a hash begun once the process is warm
    /// (the transcripts of many messages, 10 KiB each with post-quantum keys).
    private let context: OpaquePointer?

    init() {
        if Self.sodiumBytes.load(ordering: .relaxed) >= Self.warmth, Self.openSSL, let context = EVP_MD_CTX_new() {
            guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
                EVP_MD_CTX_free(context)
                self.context = nil
                crypto_hash_sha256_init(&state)
                return
            }
            self.context = context
        } else {
            context = nil
            crypto_hash_sha256_init(&state)
        }
    }

    deinit { if let context { EVP_MD_CTX_free(context) } }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if let context {
            // Cannot fail for SHA-256 on an initialised context.
            _ = EVP_DigestUpdate(context, base, bytes.count)
            return
        }
        if sodiumBytes < Self.warmth { Self.sodiumBytes.add(bytes.count, ordering: .relaxed) }
        crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    private var sodiumBytes: Int { Self.sodiumBytes.load(ordering: .relaxed) }

    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }
    func update(_ text: String) { update(Array(text.utf8)) }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.length)
        if let context {
            var length: UInt32 = 0
            _ = EVP_DigestFinal_ex(context, &out, &length)
            return out
        }
        crypto_hash_sha256_final(&state, &out)
        return out
    }

    /// libcrypto, set up once without reading the system's OpenSSL
    /// configuration, which has nothing to say about a digest.
    private static let openSSL: Bool = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG), nil) == 1

    /// One-shot hash of `bytes` into the 32 bytes at `out`.
    static func hash(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        let warm = sodiumBytes.load(ordering: .relaxed) >= warmth
        if bytes.count >= (warm ? warmBulk : bulk), openSSL, EVP_Digest(bytes.baseAddress, bytes.count, out, nil, EVP_sha256(), nil) == 1 {
            return
        }
        if !warm { sodiumBytes.add(bytes.count, ordering: .relaxed) }
        _ = Sodium.ready
        guard let base = bytes.baseAddress else {
            var none: UInt8 = 0
            crypto_hash_sha256(out, &none, 0)
            return
        }
        crypto_hash_sha256(out, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeBytes { hash($0, into: &out) }
        return out
    }
}
