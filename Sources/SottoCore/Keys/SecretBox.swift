internal import CSodium

/// Secrets at rest: XChaCha20-Poly1305 under the keyring key, a random
/// 24-byte nonce, and the secret's public key in the associated data so a
/// blob cannot be moved to another row.
enum SecretBox {
    static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    static func seal(_ secret: SecureBytes, key: SecureBytes, context: [UInt8]) -> [UInt8] {
        let nonce = Sodium.random(nonceLength)
        var out = [UInt8](repeating: 0, count: secret.count + tagLength)
        crypto_aead_xchacha20poly1305_ietf_encrypt(&out, nil, secret.bytePointer, UInt64(secret.count),
                                                   context, UInt64(context.count), nil, nonce, key.bytePointer)
        return nonce + out
    }

    /// Nil when the key is wrong or the blob was altered.
    static func open(_ blob: [UInt8], key: SecureBytes, context: [UInt8]) throws -> SecureBytes? {
        guard blob.count >= nonceLength + tagLength else { return nil }
        let secret = try SecureBytes(count: blob.count - nonceLength - tagLength)
        let nonce = Array(blob[..<nonceLength]), sealed = Array(blob[nonceLength...])
        let status = crypto_aead_xchacha20poly1305_ietf_decrypt(secret.mutableBytePointer, nil, nil, sealed, UInt64(sealed.count),
                                                                context, UInt64(context.count), nonce, key.bytePointer)
        return status == 0 ? secret : nil
    }

    static func context(_ publicKey: [UInt8]) -> [UInt8] { Array("sotto/1 keyring secret\n".utf8) + publicKey }
    static let checkContext = Array("sotto/1 keyring check\n".utf8)
    static let checkValue = Array("sotto keyring check".utf8)
}
