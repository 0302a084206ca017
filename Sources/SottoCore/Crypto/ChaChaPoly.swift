internal import CSodium

/// An AEAD as the payload code uses it from many threads: each worker makes
/// a context of its own (libsodium needs only the key; an OpenSSL or
/// BoringSSL cipher context is per thread), and sealing reports failure.
protocol PayloadCipher {
    associatedtype Context
    static func context(key: SecureBytes) throws -> Context
    /// Encrypts `count` bytes at `input` into `output` (count + tag bytes).
    static func seal(_ context: inout Context, nonce: UnsafePointer<UInt8>, input: UnsafePointer<UInt8>?, count: Int,
                     output: UnsafeMutablePointer<UInt8>) throws
    /// Decrypts `count` ciphertext bytes (tag included) into `output`; false when authentication fails.
    static func open(_ context: inout Context, nonce: UnsafePointer<UInt8>, input: UnsafePointer<UInt8>, count: Int,
                     output: UnsafeMutablePointer<UInt8>?) -> Bool
}

/// ChaCha20-Poly1305 IETF (RFC 7539), the AEAD of age's stanzas and STREAM, from libsodium.
enum ChaChaPoly: PayloadCipher {
    static let tagLength = 16
    static let nonceLength = 12

    static func context(key: SecureBytes) -> SecureBytes { key }

    static func seal(_ key: inout SecureBytes, nonce: UnsafePointer<UInt8>, input: UnsafePointer<UInt8>?, count: Int,
                     output: UnsafeMutablePointer<UInt8>) throws {
        guard crypto_aead_chacha20poly1305_ietf_encrypt(output, nil, input, UInt64(count), nil, 0, nil, nonce, key.bytePointer) == 0 else {
            throw SottoError(.internal, "chacha20-poly1305 encryption failed")
        }
    }

    static func open(_ key: inout SecureBytes, nonce: UnsafePointer<UInt8>, input: UnsafePointer<UInt8>, count: Int,
                     output: UnsafeMutablePointer<UInt8>?) -> Bool {
        guard count >= tagLength else { return false }
        return crypto_aead_chacha20poly1305_ietf_decrypt(output, nil, nil, input, UInt64(count), nil, 0, nonce, key.bytePointer) == 0
    }

    static let zeroNonce = [UInt8](repeating: 0, count: nonceLength)

    /// Wraps a secret under a zero nonce, as age's stanzas do (each wrap key is used once).
    static func wrap(key: SecureBytes, secret: SecureBytes) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: secret.count + tagLength)
        var key = key
        try seal(&key, nonce: zeroNonce, input: secret.bytePointer, count: secret.count, output: &out)
        return out
    }

    /// Unwraps under a zero nonce; nil when the tag does not verify.
    static func unwrap(key: SecureBytes, body: [UInt8]) throws -> SecureBytes? {
        guard body.count >= tagLength else { return nil }
        let secret = try SecureBytes(count: body.count - tagLength)
        var key = key
        let ok = open(&key, nonce: zeroNonce, input: body, count: body.count, output: secret.mutableBytePointer)
        return ok ? secret : nil
    }
}
