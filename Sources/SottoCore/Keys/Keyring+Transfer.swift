/// An identity's secrets, as export carries them.
public struct IdentitySecrets {
    /// libsodium's 64-byte Ed25519 secret key.
    public var signingKey: SecureBytes
    /// Encryption secrets by public key; destroyed keys are absent.
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
        for row in try db.rows("SELECT public_key FROM encryption_keys WHERE identity = ?", [.text(identity.name)]) {
            let publicKey = try row.required(Row.blob, 0, in: "keyring")
            keys[publicKey] = try secret(.encryptionKey, of: publicKey)
        }
        return IdentitySecrets(signingKey: try signingKey(for: identity), encryptionKeys: keys)
    }

    /// Restores an identity from its card and secrets. The card must verify
    /// and the signing key must match its identity key.
    @discardableResult
    public func restoreIdentity(card: Card, secrets: IdentitySecrets, isDefault: Bool, defaultTTL: Int64??,
                                createdAt: Int64? = nil, now: Int64 = Time.now()) throws -> IdentityInfo {
        try card.verify()
        try Names.validate(card.name, what: "identity name")
        guard (try? Ed25519.publicKey(of: secrets.signingKey)) == card.identityKey else {
            throw SottoError(.malformed, "the secret key of '\(card.name)' does not match its card")
        }
        for (pk, secret) in secrets.encryptionKeys where (try? DecryptionKey(secret: secret, of: RecipientKey(bytes: pk))) == nil {
            throw SottoError(.malformed, "an encryption secret of '\(card.name)' does not match its public key")
        }
        guard try db.rows("SELECT 1 FROM identities WHERE name = ? OR public_key = ?", [.text(card.name), .blob(card.identityKey)]).isEmpty else {
            throw SottoError(.refused, "the identity '\(card.name)' already exists in this keyring")
        }
        guard try db.rows("SELECT 1 FROM contacts WHERE name = ? OR identity_key = ?", [.text(card.name), .blob(card.identityKey)]).isEmpty else {
            throw SottoError(.malformed, "the identity '\(card.name)' is already a contact in this keyring",
                             hints: ["an identity cannot be a contact of itself: erase the contact first (sotto-erase --contact)"])
        }
        if let (what, owner) = try claimant(of: card.keys.map(\.key), mailbox: card.mailbox, besides: card.identityKey) {
            throw SottoError(.malformed, "'\(owner)' in this keyring claims the \(what) of the identity '\(card.name)' being restored",
                             hints: ["a contact's card may have passed off these as its own: erase it with `sotto-erase --contact \(owner)` first"])
        }
        try db.transaction {
            try insert(.identity, ["name": .text(card.name), "public_key": .blob(card.identityKey), "mailbox": .text(card.mailbox),
                                   "created_at": .int(createdAt ?? card.keys.map(\.notBefore).min() ?? now),
                                   "card": .text(String(decoding: try JSON.encode(card.record), as: UTF8.self))],
                       publicKey: card.identityKey, secret: secrets.signingKey)
            for key in card.keys { try insertKey(key, identity: card.name, secret: secrets.encryptionKeys[key.publicKey]) }
            if let defaultTTL { try setDefaultTTL(card.name, ttl: defaultTTL, kind: .malformed) }
            if try isDefault || meta("default_identity") == nil { try setMeta("default_identity", Array(card.name.utf8)) }
        }
        return try identity(named: card.name)
    }

    /// Restores a contact with its petname and marks. Restoring one that is
    /// already here under the same name (the same identity or age key) only
    /// sets the marks, so a restore can be run again.
    @discardableResult
    public func restoreContact(name: String, kind: ContactInfo.Kind, verified: Bool, blocked: Bool,
                               now: Int64 = Time.now()) throws -> ContactInfo {
        try db.transaction {
            switch kind {
            case .sotto(let card):
                let stored = try importCard(card, petname: name, now: now)
                guard stored.name == name else {
                    throw SottoError(.outputExists, "the identity of contact '\(name)' is already the contact '\(stored.name)'")
                }
            case .age(let recipient):
                if let existing = try? contact(named: name), existing.recipient == recipient, existing.card == nil {
                    break
                }
                try importAgeRecipient(recipient, petname: name, now: now)
            }
            try db.run("UPDATE contacts SET verified = ?, blocked = ? WHERE name = ?",
                       [.int(verified && kind.isCard ? 1 : 0), .int(blocked ? 1 : 0), .text(name)])
            return try contact(named: name)
        }
    }

    /// Restores a group as it was stored: members are not resolved again, so
    /// a group naming someone since removed comes back as it was.
    public func restoreGroup(_ name: String, members: [String]) throws {
        try Names.validate(name, what: "group name")
        guard !members.isEmpty else { throw SottoError(.malformed, "group '\(name)' has no members") }
        try writeGroup(name, members: members)
    }

    /// Runs `body` as one transaction: every change in it lands, or none.
    public func atomically<R>(_ body: () throws -> R) throws -> R { try db.transaction(body) }

    /// The keyring-wide settings that were set explicitly.
    public func settings() throws -> KeyringSettings {
        KeyringSettings(defaultIdentity: try meta("default_identity").map { String(decoding: $0, as: UTF8.self) },
                        retention: try meta("retention").flatMap { Int64(String(decoding: $0, as: UTF8.self)) })
    }
}

/// Keyring-wide settings: nil where the standard applies.
public struct KeyringSettings: Sendable {
    public var defaultIdentity: String?
    public var retention: Int64?
}

extension ContactInfo.Kind {
    var isCard: Bool { if case .sotto = self { return true }; return false }
}
