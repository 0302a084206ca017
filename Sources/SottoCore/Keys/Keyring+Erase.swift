/// What an erasure of keyring data removed, with the bytes to look for afterwards.
public struct KeyringErasure {
    public var identities = 0
    public var keys = 0
    public var contacts = 0
    /// Groups that are gone: a group goes with its last member.
    public var groups = 0
    /// Places in groups that an erased contact held.
    public var memberships = 0
    /// Stored bytes that must not survive: secret blobs, public keys, cards.
    public var needles: [[UInt8]] = []
}

extension Keyring {
    public var databasePath: String { home.keyringPath }
    /// Every file that holds keyring data, secrets included: what an erasure scans.
    public var files: [String] { Array(Set(Database.files(of: home.keyringPath) + secrets.files)).sorted() }
    public var database: Database { db }

    /// Crypto-shredding: removes an identity and every secret key it had, so
    /// any copy of any message sealed to it, anywhere, stays unreadable.
    public func eraseIdentity(_ name: String) throws -> KeyringErasure {
        let identity = try identity(named: name)
        var erased = KeyringErasure()
        try db.transaction {
            erased.keys = try db.rows("SELECT COUNT(*) FROM encryption_keys WHERE identity = ?", [.text(name)]).first?.int(0) ?? 0
            erased.needles += try secrets.delete(.encryptionKey, where: "identity = ?", [.text(name)])
            erased.needles += try secrets.delete(.identity, where: "name = ?", [.text(name)])
            erased.needles.append(Array(Base64.encode(identity.publicKey).utf8))
            try db.run("DELETE FROM meta WHERE key = ?", [.text("rotate_every:" + name)])
            try removeFromGroups(name, counting: &erased)
            erased.identities = 1
            if try meta("default_identity") == Array(name.utf8) {
                if let next = try db.rows("SELECT name FROM identities ORDER BY created_at LIMIT 1").first?.text(0) {
                    try setMeta("default_identity", Array(next.utf8))
                } else {
                    try db.run("DELETE FROM meta WHERE key = 'default_identity'")
                }
            }
        }
        return erased
    }

    /// Removes a contact's card and marks, and their group memberships.
    public func eraseContact(_ name: String) throws -> KeyringErasure {
        let contact = try contact(named: name)
        var erased = KeyringErasure()
        try db.transaction {
            if let card = contact.card {
                erased.needles.append(Array(Base64.encode(card.identityKey).utf8))
            } else if let recipient = contact.recipient {
                erased.needles.append(Array(recipient.string.utf8))
            }
            try db.run("DELETE FROM contacts WHERE name = ?", [.text(name)])
            erased.contacts = 1
            try removeFromGroups(name, counting: &erased)
        }
        return erased
    }

    /// Removes everything: identities, keys, contacts, groups and settings.
    public func eraseAll() throws -> KeyringErasure {
        var erased = KeyringErasure()
        try db.transaction {
            erased.keys = try db.rows("SELECT COUNT(*) FROM encryption_keys").first?.int(0) ?? 0
            erased.identities = try db.rows("SELECT COUNT(*) FROM identities").first?.int(0) ?? 0
            erased.contacts = try db.rows("SELECT COUNT(*) FROM contacts").first?.int(0) ?? 0
            erased.groups = try db.rows("SELECT COUNT(DISTINCT name) FROM group_members").first?.int(0) ?? 0
            erased.memberships = try db.rows("SELECT COUNT(*) FROM group_members").first?.int(0) ?? 0
            erased.needles += try secrets.delete(.encryptionKey, where: "1", [])
            erased.needles += try secrets.delete(.identity, where: "1", [])
            for table in ["contacts", "group_members", "meta"] { try db.run("DELETE FROM \(table)") }
        }
        return erased
    }

    /// Drops a member from every group; a group left empty goes too.
    private func removeFromGroups(_ member: String, counting erased: inout KeyringErasure) throws {
        let groups = try groupsContaining(member)
        try db.run("DELETE FROM group_members WHERE member = ?", [.text(member)])
        erased.memberships += db.changes
        erased.groups += try groups.filter { try db.rows("SELECT 1 FROM group_members WHERE name = ?", [.text($0)]).isEmpty }.count
    }

    /// The groups that name `member`, in name order.
    public func groupsContaining(_ member: String) throws -> [String] {
        try db.rows("SELECT DISTINCT name FROM group_members WHERE member = ? ORDER BY name", [.text(member)]).compactMap { $0.text(0) }
    }
}
