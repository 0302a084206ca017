extension Revocation {
    /// A revocation as the keyring stores it: one that no longer parses or
    /// verifies means the keyring file was altered.
    static func stored(_ text: String?, of owner: String) throws -> Revocation? {
        guard let text else { return nil }
        do {
            let revocation = try Revocation(fields: JSON.object(Array(text.utf8), line: 0))
            try revocation.verify()
            return revocation
        } catch {
            throw SottoError(.malformed, "the keyring's revocation of '\(owner)' is damaged", hints: ["the keyring file was altered"])
        }
    }
}

extension Keyring {
    /// Revokes one of my identities from `now` on: it signs nothing more, and
    /// the revocation travels in what my other identities sign. Returns it,
    /// to be handed to contacts.
    public func revoke(_ name: String, now: Int64 = Time.now()) throws -> Revocation {
        let identity = try identity(named: name)
        if let done = identity.revocation { return done }
        let revocation = Revocation.make(identityKey: identity.publicKey, revokedAt: now, signingKey: try signingKey(for: identity))
        try db.run("UPDATE identities SET revocation = ? WHERE name = ?", [.text(try Self.text(revocation)), .text(name)])
        return revocation
    }

    /// Takes in a revocation, from a file or a message: the contact (or my
    /// identity) it names is revoked from then on. Returns whom it revoked,
    /// nil when this keyring knows no one by that identity or already knew.
    @discardableResult
    public func apply(_ revocation: Revocation, now: Int64 = Time.now()) throws -> String? {
        try revocation.verify()
        let text = try Self.text(revocation)
        if let contact = try contact(identityKey: revocation.identityKey) {
            guard contact.revocation == nil else { return nil }
            try db.run("UPDATE contacts SET revocation = ?, revocation_known_at = ? WHERE name = ?",
                       [.text(text), .int(now), .text(contact.name)])
            return contact.name
        }
        if let mine = try identities().first(where: { $0.publicKey == revocation.identityKey }), mine.revocation == nil {
            try db.run("UPDATE identities SET revocation = ? WHERE name = ?", [.text(text), .text(mine.name)])
            return mine.name
        }
        return nil
    }

    /// The revocations of my identities: every message I sign carries them.
    /// Read without loading the identities' cards: every seal asks.
    public func ownRevocations() throws -> [Revocation] {
        try db.rows("SELECT name, revocation FROM identities WHERE revocation IS NOT NULL").compactMap { row in
            try Revocation.stored(row.text(1), of: row.required(Row.text, 0, in: "keyring"))
        }
    }

    private static func text(_ revocation: Revocation) throws -> String {
        String(decoding: try JSON.encode(revocation.record), as: UTF8.self)
    }
}
