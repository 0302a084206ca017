extension Keyring {
    /// Creates an identity: an Ed25519 identity key, its first certified
    /// encryption keys (one of each kind) and a random mailbox address. The
    /// first identity becomes the default.
    @discardableResult
    public func createIdentity(name: String, now: Int64 = Time.now()) throws -> IdentityInfo {
        try Names.validate(name, what: "identity name")
        guard try db.rows("SELECT 1 FROM identities WHERE name = ?", [.text(name)]).isEmpty else {
            throw SottoError(.refused, "an identity named '\(name)' already exists", hints: ["`sotto-keygen list` shows it; choose another name"])
        }
        guard try db.rows("SELECT 1 FROM contacts WHERE name = ?", [.text(name)]).isEmpty else {
            throw SottoError(.refused, "'\(name)' is already the name of a contact", hints: ["choose another name"])
        }
        let (publicKey, signingKey) = try Ed25519.generate()
        let fresh = try KeyKind.allCases.map { try DecryptionKey.generate($0) }
        let certified = fresh.map {
            CertifiedKey.certify(key: $0.recipient, notBefore: now, notAfter: now + Self.standardKeyLifetime, identity: publicKey, signingKey: signingKey)
        }
        let mailbox = Hex.encode(Sodium.random(16))
        let card = Card.make(name: name, identityKey: publicKey, mailbox: mailbox, keys: certified, signingKey: signingKey)
        try db.transaction {
            try insert(.identity, ["name": .text(name), "public_key": .blob(publicKey), "mailbox": .text(mailbox), "created_at": .int(now),
                                   "card": .text(String(decoding: try JSON.encode(card.record), as: UTF8.self))],
                       publicKey: publicKey, secret: signingKey)
            for (key, decryption) in zip(certified, fresh) { try insertKey(key, identity: name, secret: decryption.secret) }
            if try meta("default_identity") == nil { try setMeta("default_identity", Array(name.utf8)) }
        }
        return try identity(named: name)
    }

    /// Stores a certified key of one of my identities, with its secret when it is still held.
    func insertKey(_ key: CertifiedKey, identity: String, secret: SecureBytes?) throws {
        try insert(.encryptionKey, ["public_key": .blob(key.publicKey), "identity": .text(identity), "not_before": .int(key.notBefore),
                                    "not_after": key.notAfter.map { .int($0) } ?? .null, "certificate": .blob(key.certificate)],
                   publicKey: key.publicKey, secret: secret)
    }

    public func identities() throws -> [IdentityInfo] {
        let defaultName = try meta("default_identity").map { String(decoding: $0, as: UTF8.self) }
        return try db.rows("SELECT name, public_key, mailbox, created_at, card, default_ttl, ttl_never, revocation FROM identities ORDER BY created_at, name")
            .map { row in
                let name = try row.required(Row.text, 0, in: "keyring")
                let never = row.int(6) == 1
                return IdentityInfo(name: name, publicKey: try row.required(Row.blob, 1, in: "keyring"),
                                    mailbox: try row.required(Row.text, 2, in: "keyring"),
                                    createdAt: Int64(try row.required(Row.int, 3, in: "keyring")), isDefault: name == defaultName,
                                    card: try Card.stored(row.text(4), of: name),
                                    defaultTTL: never ? nil : row.int(5).map(Int64.init) ?? Self.standardTTL,
                                    revocation: try Revocation.stored(row.text(7), of: name))
            }
    }

    /// Seven days: privacy first, messages do not last by default.
    public static let standardTTL: Int64 = 7 * 86400

    /// The named identity, or the default one.
    public func identity(named name: String? = nil) throws -> IdentityInfo {
        let all = try identities()
        if let name {
            guard let found = all.first(where: { $0.name == name }) else {
                throw SottoError(.notFound, "no identity named '\(name)'",
                                 hints: Suggestion.closest(to: name, among: all.map(\.name)).map { ["did you mean \($0)?"] } ?? [])
            }
            return found
        }
        guard let found = all.first(where: \.isDefault) ?? all.first else {
            throw SottoError(.notFound, "the keyring holds no identity yet", hints: ["create one with `sotto-keygen new NAME`"])
        }
        return found
    }

    public func setDefault(_ name: String) throws {
        _ = try identity(named: name)
        try setMeta("default_identity", Array(name.utf8))
    }

    public func setDefaultTTL(_ name: String, ttl: Int64?, kind: SottoError.Kind = .usage) throws {
        if let ttl { try SettingBounds.check(ttl, SettingBounds.ttl, "the default time to live", kind: kind) }
        try db.run("UPDATE identities SET default_ttl = ?, ttl_never = ? WHERE name = ?",
                   [ttl.map { .int($0) } ?? .null, .int(ttl == nil ? 1 : 0), .text(name)])
    }

    func signingKey(for identity: IdentityInfo) throws -> SecureBytes {
        guard let secret = try secret(.identity, of: identity.publicKey) else {
            throw SottoError(.notFound, "no identity named '\(identity.name)'")
        }
        return secret
    }

    /// A signer for sealing as `identity`. What it signs carries a card
    /// with the current keys alone (one of each kind): enough for contacts to
    /// follow a rotation, and the same size however many keys were retired.
    public func signer(for identity: IdentityInfo) throws -> Signer {
        if let revocation = identity.revocation {
            throw SottoError(.refused, "identity '\(identity.name)' was revoked at \(Time.rfc3339(revocation.revokedAt)): it signs nothing more",
                             hints: ["make a new one: sotto-keygen new NAME"])
        }
        let secretKey = try signingKey(for: identity)
        let current = identity.card.currentKeys(at: Time.now())
        let card = current.isEmpty ? nil : Card.make(name: identity.card.name, identityKey: identity.publicKey, mailbox: identity.card.mailbox,
                                                     keys: current, signingKey: secretKey).record
        return Signer(identityKey: identity.publicKey, name: identity.name, secretKey: secretKey, card: card.map { Fields($0, line: 0) },
                      revocations: try ownRevocations().sorted { $0.revokedAt > $1.revokedAt }.prefix(Padding.carriedRevocations)
                          .map { Fields($0.record, line: 0) })
    }

    /// Every encryption secret still held, newest first, for opening.
    public func decryptionKeys() throws -> [OwnedKey] {
        let held = try secrets.held(.encryptionKey)
        return try db.rows("SELECT identity, public_key FROM encryption_keys ORDER BY not_before DESC").compactMap { row in
            let publicKey = try row.required(Row.blob, 1, in: "keyring")
            guard held.contains(publicKey), let secret = try secret(.encryptionKey, of: publicKey) else { return nil }
            return OwnedKey(identity: try row.required(Row.text, 0, in: "keyring"),
                            key: try DecryptionKey(authenticated: secret, of: RecipientKey(bytes: publicKey)))
        }
    }

    /// New certified encryption keys (one of each kind), valid for the
    /// identity's key lifetime. The previous keys keep their certificates:
    /// contacts who have not yet heard of the new ones may seal to them until
    /// they end, and their secrets are kept until then and the retention
    /// after (sotto-expire destroys them).
    /// With `onlyIfDue`, rotates only when a rotation is due, checked inside
    /// the transaction so concurrent schedulers rotate once.
    @discardableResult
    public func rotate(_ name: String? = nil, now: Int64 = Time.now(), onlyIfDue: Bool = false) throws -> IdentityInfo? {
        let identity = try identity(named: name)
        if let revocation = identity.revocation {
            throw SottoError(.refused, "identity '\(identity.name)' was revoked at \(Time.rfc3339(revocation.revokedAt)): it certifies no new key")
        }
        let signingKey = try signingKey(for: identity)
        let fresh = try KeyKind.allCases.map { try DecryptionKey.generate($0) }
        let lifetime = try keyLifetime(identity.name)
        let rotated: Bool = try db.transaction {
            if onlyIfDue { guard try rotationDue(self.identity(named: identity.name), now: now) else { return false } }
            var keys = [CertifiedKey]()
            for row in try db.rows("SELECT public_key, not_before, not_after, certificate FROM encryption_keys WHERE identity = ? ORDER BY not_before",
                                   [.text(identity.name)]) {
                var key = CertifiedKey(key: try RecipientKey(bytes: row.required(Row.blob, 0, in: "keyring")),
                                       notBefore: Int64(try row.required(Row.int, 1, in: "keyring")),
                                       notAfter: row.int(2).map(Int64.init), certificate: try row.required(Row.blob, 3, in: "keyring"))
                // A key certified without an end (sotto 0.1) gets one now.
                if key.notAfter == nil {
                    key = CertifiedKey.certify(key: key.key, notBefore: key.notBefore, notAfter: now,
                                               identity: identity.publicKey, signingKey: signingKey)
                    try db.run("UPDATE encryption_keys SET not_after = ?, certificate = ? WHERE public_key = ?",
                               [.int(now), .blob(key.certificate), .blob(key.publicKey)])
                }
                keys.append(key)
            }
            let notBefore = max(now, (keys.map(\.notBefore).max() ?? now) + 1)
            for decryption in fresh {
                let certified = CertifiedKey.certify(key: decryption.recipient, notBefore: notBefore, notAfter: notBefore + lifetime,
                                                     identity: identity.publicKey, signingKey: signingKey)
                try insertKey(certified, identity: identity.name, secret: decryption.secret)
                keys.append(certified)
            }
            let card = Card.make(name: identity.name, identityKey: identity.publicKey, mailbox: identity.mailbox,
                                 keys: keys, signingKey: signingKey)
            try db.run("UPDATE identities SET card = ? WHERE name = ?",
                       [.text(String(decoding: try JSON.encode(card.record), as: UTF8.self)), .text(identity.name)])
            return true
        }
        return rotated ? try self.identity(named: identity.name) : nil
    }

    /// The current encryption secret of an identity, for age interop.
    public func currentAgeIdentity(_ name: String? = nil, kind: KeyKind = .classical) throws -> DecryptionKey {
        let identity = try identity(named: name)
        guard let current = identity.card.currentKey(at: Time.now(), kind: kind), let secret = try secret(.encryptionKey, of: current.publicKey) else {
            throw SottoError(.notFound, "identity '\(identity.name)' has no current \(kind == .classical ? "" : "post-quantum ")encryption key",
                             hints: kind == .classical ? [] : ["give it one: sotto-keygen rotate \(identity.name)"])
        }
        return try DecryptionKey(secret: secret, of: current.key)
    }
}
