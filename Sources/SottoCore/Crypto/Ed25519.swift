internal import CSodium

/// Ed25519 signatures (RFC 8032), for identity keys.
public enum Ed25519 {
    public static let publicKeyLength = 32
    public static let signatureLength = 64
    static let secretKeyLength = 64

    /// A new key pair: the 64-byte libsodium secret key (seed || public key).
    static func generate() throws -> (publicKey: [UInt8], secretKey: SecureBytes) {
        try Sodium.check()
        var pk = [UInt8](repeating: 0, count: 32)
        let sk = try SecureBytes(count: Int(crypto_sign_SECRETKEYBYTES))
        crypto_sign_keypair(&pk, sk.mutableBytePointer)
        return (pk, sk)
    }

    static func sign(_ message: [UInt8], secretKey: SecureBytes) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: signatureLength)
        crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey.bytePointer)
        return signature
    }

    static func verify(_ signature: [UInt8], _ message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == signatureLength, publicKey.count == publicKeyLength else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    /// The public key the secret key's seed derives, not the copy that
    /// libsodium's secret key carries at its end (which anyone can append).
    static func publicKey(of secretKey: SecureBytes) throws -> [UInt8] {
        guard secretKey.count == secretKeyLength else { throw SottoError(.malformed, "an Ed25519 secret key is 64 bytes") }
        let seed = try SecureBytes(count: 32)
        crypto_sign_ed25519_sk_to_seed(seed.mutableBytePointer, secretKey.bytePointer)
        var pk = [UInt8](repeating: 0, count: 32)
        let derived = try SecureBytes(count: secretKeyLength)
        crypto_sign_seed_keypair(&pk, derived.mutableBytePointer, seed.bytePointer)
        return pk
    }
}
