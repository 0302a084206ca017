internal import CSodium

/// ChaCha20-Poly1305 IETF (RFC 7539), the AEAD of age's stanzas and STREAM.
enum ChaChaPoly {
    static let tagLength = 16
    static let nonceLength = 12

    /// Encrypts `count` bytes at `input` into `output` (count + 16 bytes).
    static func seal(key: SecureBytes, nonce: UnsafePointer<UInt8>, input: UnsafePointer<UInt8>?, count: Int,
                     output: UnsafeMutablePointer<UInt8>) {
        crypto_aead_chacha20poly1305_ietf_encrypt(output, nil, input, UInt64(count), nil, 0, nil, nonce, key.bytePointer)
    }

    /// Decrypts `count` ciphertext bytes (tag included) into `output`
    /// (count - 16 bytes). Returns false when authentication fails.
    static func open(key: SecureBytes, nonce: UnsafePointer<UInt8>, input: UnsafePointer<UInt8>, count: Int,
                     output: UnsafeMutablePointer<UInt8>?) -> Bool {
        guard count >= tagLength else { return false }
        return crypto_aead_chacha20poly1305_ietf_decrypt(output, nil, nil, input, UInt64(count), nil, 0, nonce, key.bytePointer) == 0
    }

    static let zeroNonce = [UInt8](repeating: 0, count: nonceLength)

    /// Wraps a secret under a zero nonce, as age's stanzas do (each wrap key is used once).
    static func wrap(key: SecureBytes, secret: SecureBytes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: secret.count + tagLength)
        seal(key: key, nonce: zeroNonce, input: secret.bytePointer, count: secret.count, output: &out)
        return out
    }

    /// Unwraps under a zero nonce; nil when the tag does not verify.
    static func unwrap(key: SecureBytes, body: [UInt8]) throws -> SecureBytes? {
        guard body.count >= tagLength else { return nil }
        let secret = try SecureBytes(count: body.count - tagLength)
        let ok = open(key: key, nonce: zeroNonce, input: body, count: body.count, output: secret.mutableBytePointer)
        return ok ? secret : nil
    }
}
