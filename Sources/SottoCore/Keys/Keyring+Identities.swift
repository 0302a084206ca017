extension Keyring {
    /// Creates an identity: an Ed25519 identity key, a first certified encryption
    /// key and a random mailbox address. The first identity becomes the default.
    @discardableResult
    public func createIdentity(name: String, now: Int64 = Time.now()) throws -> IdentityInfo {
        try Names.validate(name, what: "identity name")
        guard try db.rows("SELECT 1 FROM identities WHERE name = ?", [.text(name)]).isEmpty else {
            throw SottoError(.outputExists, "an identity named '\(name)' already exists")
        }
        guard try db.rows("SELECT 1 FROM contacts WHERE name = ?", [.text(name)]).isEmpty else {
            throw SottoError(.outputExists, "'\(name)' is already the name of a contact")
        }
        let (publicKey, signingKey) = try Ed25519.generate()
        let encryption = try DecryptionKey.generate()
        let certified = CertifiedKey.certify(key: encryption.recipient, notBefore: now, notAfter: nil,
                                             identity: publicKey, signingKey: signingKey)
        let mailbox = Hex.encode(Sodium.random(16))
        let card = Card.make(name: name, identityKey: publicKey, mailbox: mailbox, keys: [certified], signingKey: signingKey)
        try db.transaction {
            try db.run("INSERT INTO identities (name, public_key, secret, mailbox, created_at, card) VALUES (?, ?, ?, ?, ?, ?)",
                       [.text(name), .blob(publicKey), .blob(try sealSecret(signingKey, publicKey: publicKey)), .text(mailbox),
                        .int(now), .text(String(decoding: try JSON.encode(card.record), as: UTF8.self))])
            try insertKey(certified, identity: name, secret: encryption.secret)
            if try meta("default_identity") == nil { try setMeta("default_identity", Array(name.utf8)) }
        }
        return try identity(named: name)
    }

    private func insertKey(_ key: CertifiedKey, identity: String, secret: SecureBytes) throws {
        try db.run("INSERT INTO encryption_keys (public_key, identity, secret, not_before, not_after, certificate) VALUES (?, ?, ?, ?, ?, ?)",
                   [.blob(key.publicKey), .text(identity), .blob(try sealSecret(secret, publicKey: key.publicKey)),
                    .int(key.notBefore), key.notAfter.map { .int($0) } ?? .null, .blob(key.certificate)])
    }

    public func identities() throws -> [IdentityInfo] {
        let defaultName = try meta("default_identity").map { String(decoding: $0, as: UTF8.self) }
        return try db.rows("SELECT name, public_key, mailbox, created_at, card, default_ttl, ttl_never FROM identities ORDER BY created_at, name")
            .map { row in
                let card = try Card.stored(row.text(4), of: row.text(0) ?? "")
                let never = row.int(6) == 1
                return IdentityInfo(name: row.text(0) ?? "", publicKey: row.blob(1) ?? [], mailbox: row.text(2) ?? "",
                                    createdAt: Int64(row.int(3) ?? 0), isDefault: row.text(0) == defaultName, card: card,
                                    defaultTTL: never ? nil : Int64(row.int(5) ?? Int(Self.standardTTL)))
            }
    }

    /// Seven days: privacy first, messages do not last by default.
    public static let standardTTL: Int64 = 7 * 86400

    /// The named identity, or the default one.
    public func identity(named name: String? = nil) throws -> IdentityInfo {
        let all = try identities()
        if let name {
            guard let found = all.first(where: { $0.name == name }) else {
                throw SottoError(.notFound, "no identity named '\(name)'")
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

    public func setDefaultTTL(_ name: String, ttl: Int64?) throws {
        try db.run("UPDATE identities SET default_ttl = ?, ttl_never = ? WHERE name = ?",
                   [ttl.map { .int($0) } ?? .null, .int(ttl == nil ? 1 : 0), .text(name)])
    }

    func signingKey(for identity: IdentityInfo) throws -> SecureBytes {
        guard let blob = try db.rows("SELECT secret FROM identities WHERE name = ?", [.text(identity.name)]).first?.blob(0) else {
            throw SottoError(.notFound, "no identity named '\(identity.name)'")
        }
        return try openSecret(blob, publicKey: identity.publicKey)
    }

    /// A signer for sealing as `identity`.
    public func signer(for identity: IdentityInfo) throws -> Signer {
        Signer(identityKey: identity.publicKey, name: identity.name, secretKey: try signingKey(for: identity))
    }

    /// Every encryption secret still held, newest first, for opening.
    public func decryptionKeys() throws -> [OwnedKey] {
        try db.rows("SELECT identity, public_key, secret FROM encryption_keys WHERE secret IS NOT NULL ORDER BY not_before DESC")
            .map { row in
                let secret = try openSecret(row.blob(2) ?? [], publicKey: row.blob(1) ?? [])
                return OwnedKey(identity: row.text(0) ?? "", key: try DecryptionKey(secret: secret, of: RecipientKey(bytes: row.blob(1) ?? [])))
            }
    }

    /// A new certified encryption key; the previous current key is re-certified
    /// as retired (kept for opening until expiry destroys it).
    /// With `ifOlderThan`, rotates only when the current key is at least that
    /// old, checked inside the transaction so concurrent schedulers rotate once.
    @discardableResult
    public func rotate(_ name: String? = nil, now: Int64 = Time.now(), ifOlderThan age: Int64? = nil) throws -> IdentityInfo? {
        let identity = try identity(named: name)
        let signingKey = try signingKey(for: identity)
        let fresh = try DecryptionKey.generate()
        let rotated: Bool = try db.transaction {
            if let age {
                let newest = try db.rows("SELECT MAX(not_before) FROM encryption_keys WHERE identity = ? AND not_after IS NULL",
                                         [.text(identity.name)]).first?.int(0) ?? 0
                guard Int64(newest) + age <= now else { return false }
            }
            var keys = [CertifiedKey]()
            for row in try db.rows("SELECT public_key, not_before, not_after, certificate FROM encryption_keys WHERE identity = ? ORDER BY not_before",
                                   [.text(identity.name)]) {
                var key = CertifiedKey(key: try RecipientKey(bytes: row.blob(0) ?? []), notBefore: Int64(row.int(1) ?? 0),
                                       notAfter: row.int(2).map(Int64.init), certificate: row.blob(3) ?? [])
                if key.notAfter == nil {
                    key = CertifiedKey.certify(key: key.key, notBefore: key.notBefore, notAfter: now,
                                               identity: identity.publicKey, signingKey: signingKey)
                    try db.run("UPDATE encryption_keys SET not_after = ?, certificate = ? WHERE public_key = ?",
                               [.int(now), .blob(key.certificate), .blob(key.publicKey)])
                }
                keys.append(key)
            }
            let notBefore = max(now, (keys.map(\.notBefore).max() ?? now) + 1)
            let certified = CertifiedKey.certify(key: fresh.recipient, notBefore: notBefore, notAfter: nil,
                                                 identity: identity.publicKey, signingKey: signingKey)
            try insertKey(certified, identity: identity.name, secret: fresh.secret)
            keys.append(certified)
            let card = Card.make(name: identity.name, identityKey: identity.publicKey, mailbox: identity.mailbox,
                                 keys: keys, signingKey: signingKey)
            try db.run("UPDATE identities SET card = ? WHERE name = ?",
                       [.text(String(decoding: try JSON.encode(card.record), as: UTF8.self)), .text(identity.name)])
            return true
        }
        return rotated ? try self.identity(named: identity.name) : nil
    }

    /// The current encryption secret of an identity, for age interop.
    public func currentAgeIdentity(_ name: String? = nil) throws -> DecryptionKey {
        let identity = try identity(named: name)
        guard let current = identity.card.currentKey,
              let blob = try db.rows("SELECT secret FROM encryption_keys WHERE public_key = ?", [.blob(current.publicKey)]).first?.blob(0) else {
            throw SottoError(.notFound, "identity '\(identity.name)' has no current encryption key")
        }
        return try DecryptionKey(secret: try openSecret(blob, publicKey: current.publicKey), of: current.key)
    }
}
