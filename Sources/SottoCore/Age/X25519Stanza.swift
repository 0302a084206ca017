/// age's X25519 recipient stanza: `-> X25519 <ephemeral share>`, the file
/// key wrapped under HKDF-SHA-256 of the shared secret (c2sp.org/age).
enum X25519Stanza {
    static let type = "X25519"
    static let publicKeyLength = X25519.keyLength
    static let secretLength = X25519.keyLength
    static let info = "age-encryption.org/v1/X25519"

    static func publicKey(of secret: SecureBytes) throws -> [UInt8] { try X25519.publicKey(of: secret) }

    static func wrap(_ fileKey: SecureBytes, to publicKey: [UInt8]) throws -> Stanza {
        let ephemeral = try SecureBytes.random(count: secretLength)
        let share = try X25519.publicKey(of: ephemeral)
        guard let shared = try X25519.sharedSecret(ephemeral, publicKey) else {
            throw SottoError(.malformed, "recipient key is a low-order point")
        }
        let wrapKey = try HMAC.hkdf(ikm: shared, salt: share + publicKey, info: info)
        return Stanza(type: type, arguments: [Base64.encode(share, padded: false)], body: try ChaChaPoly.wrap(key: wrapKey, secret: fileKey))
    }

    /// The file key, or nil when the stanza was wrapped to another key.
    static func unwrap(_ stanza: Stanza, secret: SecureBytes, publicKey: [UInt8]) throws -> SecureBytes? {
        guard stanza.arguments.count == 1 else { throw AgeError.header("x25519 stanza needs exactly one argument") }
        guard let share = Base64.decode(stanza.arguments[0], padded: false), share.count == publicKeyLength else {
            throw AgeError.header("x25519 share is not 32 bytes of canonical base64")
        }
        guard stanza.body.count == 32 else { throw AgeError.header("x25519 stanza body is not 32 bytes") }
        guard let shared = try X25519.sharedSecret(secret, share) else {
            throw AgeError.header("x25519 share is a low-order point")
        }
        let wrapKey = try HMAC.hkdf(ikm: shared, salt: share + publicKey, info: info)
        return try ChaChaPoly.unwrap(key: wrapKey, body: stanza.body)
    }
}
