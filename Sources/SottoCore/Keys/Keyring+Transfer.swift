import Foundation

/// An identity's secrets, as export carries them.
public struct IdentitySecrets {
    /// libsodium's 64-byte Ed25519 secret key.
    public var signingKey: SecureBytes
    /// Encryption secrets by X25519 public key; destroyed keys are absent.
    public var encryptionKeys: [[UInt8]: SecureBytes]

    public init(signingKey: SecureBytes, encryptionKeys: [[UInt8]: SecureBytes]) {
        self.signingKey = signingKey
        self.encryptionKeys = encryptionKeys
    }
}

extension Keyring {
    /// Every secret of an identity (needs the passphrase).
    public func secrets(of identity: IdentityInfo) throws -> IdentitySecrets {
        var keys = [[UInt8]: SecureBytes]()
        for row in try db.rows("SELECT public_key, secret FROM encryption_keys WHERE identity = ? AND secret IS NOT NULL",
                               [.text(identity.name)]) {
            guard let pk = row.blob(0), let blob = row.blob(1) else { continue }
            keys[pk] = try openSecret(blob, publicKey: pk)
        }
        return IdentitySecrets(signingKey: try signingKey(for: identity), encryptionKeys: keys)
    }

    /// Restores an identity from its card and secrets. The card must verify
    /// and the signing key must match its identity key.
    @discardableResult
    public func restoreIdentity(card: Card, secrets: IdentitySecrets, isDefault: Bool, defaultTTL: Int64??,
                                now: Int64 = Time.now()) throws -> IdentityInfo {
        try card.verify()
        try Names.validate(card.name, what: "identity name")
        guard Ed25519.publicKey(of: secrets.signingKey) == card.identityKey else {
            throw SottoError(.malformed, "the secret key of '\(card.name)' does not match its card")
        }
        for (pk, secret) in secrets.encryptionKeys where try X25519Identity(secret: secret).recipient.publicKey != pk {
            throw SottoError(.malformed, "an encryption secret of '\(card.name)' does not match its public key")
        }
        guard try db.rows("SELECT 1 FROM identities WHERE name = ? OR public_key = ?", [.text(card.name), .blob(card.identityKey)]).isEmpty else {
            throw SottoError(.outputExists, "the identity '\(card.name)' already exists in this keyring")
        }
        try db.transaction {
            try db.run("INSERT INTO identities (name, public_key, secret, mailbox, created_at, card) VALUES (?, ?, ?, ?, ?, ?)",
                       [.text(card.name), .blob(card.identityKey), .blob(try sealSecret(secrets.signingKey, publicKey: card.identityKey)),
                        .text(card.mailbox), .int(card.keys.map(\.notBefore).min() ?? now),
                        .text(String(decoding: try JSON.encode(card.record), as: UTF8.self))])
            for key in card.keys {
                let blob = try secrets.encryptionKeys[key.publicKey].map { try sealSecret($0, publicKey: key.publicKey) }
                try db.run("INSERT INTO encryption_keys (public_key, identity, secret, not_before, not_after, certificate) VALUES (?, ?, ?, ?, ?, ?)",
                           [.blob(key.publicKey), .text(card.name), blob.map(SQLValue.blob) ?? .null, .int(key.notBefore),
                            key.notAfter.map { .int($0) } ?? .null, .blob(key.certificate)])
            }
            if let defaultTTL { try setDefaultTTL(card.name, ttl: defaultTTL) }
            if try isDefault || meta("default_identity") == nil { try setMeta("default_identity", Array(card.name.utf8)) }
        }
        return try identity(named: card.name)
    }
}
