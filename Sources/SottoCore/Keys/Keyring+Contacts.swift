import FoundationEssentials

extension Keyring {
    /// Adds or refreshes a contact from a card, after verifying it. A card
    /// for a known identity refreshes its keys and keeps petname and marks.
    @discardableResult
    public func importCard(_ card: Card, petname: String? = nil, now: Int64 = Time.now()) throws -> ContactInfo {
        try card.verify()
        guard try db.rows("SELECT 1 FROM identities WHERE public_key = ?", [.blob(card.identityKey)]).isEmpty else {
            throw SottoError(.usage, "this card is one of your own identities")
        }
        if let revoked = try contact(identityKey: card.identityKey)?.revocation {
            throw SottoError(.refused, "this card's identity was revoked at \(Time.rfc3339(revoked.revokedAt))",
                             hints: ["a revoked identity is not taken back: its key may be in someone else's hands"])
        }
        guard card.currentKey(at: now) != nil else {
            throw SottoError(.malformed, card.currentKeys(at: now).isEmpty
                             ? "this card of '\(card.name)' has no encryption key valid now: nobody could seal to it"
                             : "this card of '\(card.name)' has no X25519 key valid now: every sotto card certifies one, for age users")
        }
        try ensureUnclaimed(card)
        let text = String(decoding: try JSON.encode(card.record), as: UTF8.self)
        if let existing = try db.rows("SELECT name FROM contacts WHERE identity_key = ?", [.blob(card.identityKey)]).first?.text(0) {
            // Refuse a rollback: an older card would make senders seal to a retired key.
            if let stored = try contact(named: existing).card, card.latestNotBefore < stored.latestNotBefore {
                throw SottoError(.refused, "this card of '\(existing)' is older than the one already imported")
            }
            // Nor a downgrade: messages to them would quietly stop being post-quantum. A contact
            // who ever had a post-quantum key keeps needing one (else a short-lived one, let
            // lapse, would open the way).
            if try contact(named: existing).card?.keys.contains(where: { $0.key.kind == .postQuantum }) == true,
               card.currentKey(at: now, kind: .postQuantum) == nil {
                throw SottoError(.refused, "this card of '\(existing)' has no post-quantum key valid now, and they had one before",
                                 hints: ["if they really went back to an older sotto, remove the contact (sotto-erase --contact \(existing)) "
                                         + "and import the card again"])
            }
            try db.run("UPDATE contacts SET card = ? WHERE name = ?", [.text(text), .text(existing)])
            return try contact(named: existing)
        }
        let name = petname ?? card.name
        try Names.validate(name, what: "contact name")
        try ensureFree(name)
        try db.run("INSERT INTO contacts (name, identity_key, card, added_at) VALUES (?, ?, ?, ?)",
                   [.text(name), .blob(card.identityKey), .text(text), .int(now)])
        return try contact(named: name)
    }

    /// Takes in the card a contact's signed message carried, when it is newer
    /// than the stored one: how contacts learn of a rotation without a new
    /// exchange. Returns the contact's name when its keys changed.
    public func updateContact(identityKey: [UInt8], from card: Card, now: Int64 = Time.now()) throws -> String? {
        guard card.identityKey == identityKey, let contact = try contact(identityKey: identityKey), contact.revocation == nil,
              let stored = contact.card, card.latestNotBefore > stored.latestNotBefore else { return nil }
        return try importCard(card, now: now).name
    }

    /// A card may certify any key and name any mailbox: it must not claim one
    /// that belongs to one of my identities or to another contact, or messages
    /// meant for its holder would be sealed to, and delivered to, someone else.
    private func ensureUnclaimed(_ card: Card) throws {
        if let (what, owner) = try claimant(of: card.keys.map(\.key), mailbox: card.mailbox, besides: card.identityKey) {
            throw SottoError(.malformed, "this card of '\(card.name)' claims the \(what) of '\(owner)'",
                             hints: ["a card certifies only its own keys and mailbox; someone may be passing off another's as theirs"])
        }
    }

    /// Who in this keyring already holds one of `keys` or `mailbox`: one of
    /// my identities, a contact's card, or a bare age recipient, other than
    /// the identity `besides`. Returns what is held ("encryption key" or
    /// "mailbox") and its holder's name.
    func claimant(of keys: [RecipientKey], mailbox: String?, besides identityKey: [UInt8]) throws -> (String, String)? {
        func holds(_ card: Card) -> String? {
            if card.mailbox == mailbox { return "mailbox" }
            return card.keys.contains { held in keys.contains(held.key) } ? "encryption key" : nil
        }
        for identity in try identities() where identity.publicKey != identityKey {
            if let what = holds(identity.card) { return (what, identity.name) }
        }
        for contact in try contacts() {
            switch contact.kind {
            case .sotto(let card) where card.identityKey != identityKey:
                if let what = holds(card) { return (what, contact.name) }
            case .age(let recipient) where keys.contains(recipient):
                return ("encryption key", contact.name)
            default:
                continue
            }
        }
        return nil
    }

    /// Adds a bare age recipient: sealable to, never verifiable as a sender.
    @discardableResult
    public func importAgeRecipient(_ recipient: RecipientKey, petname: String, now: Int64 = Time.now()) throws -> ContactInfo {
        try Names.validate(petname, what: "contact name")
        if let existing = try db.rows("SELECT name FROM contacts WHERE age_recipient = ?", [.text(recipient.string)]).first?.text(0) {
            throw SottoError(.outputExists, "this age recipient is already the contact '\(existing)'")
        }
        if let (_, owner) = try claimant(of: [recipient], mailbox: nil, besides: []) {
            throw SottoError(.malformed, "this age recipient is an encryption key of '\(owner)'",
                             hints: ["seal to '\(owner)' by name; a second name for the same key would send their messages astray"])
        }
        try ensureFree(petname)
        try db.run("INSERT INTO contacts (name, age_recipient, added_at) VALUES (?, ?, ?)",
                   [.text(petname), .text(recipient.string), .int(now)])
        return try contact(named: petname)
    }

    func ensureFree(_ name: String, hint: String = "choose another with --name PETNAME") throws {
        if try knows(name: name) {
            throw SottoError(.refused, "the name '\(name)' is already taken", hints: [hint])
        }
    }

    static let contactColumns = "name, card, age_recipient, verified, blocked, revocation, revocation_known_at"

    public func contacts() throws -> [ContactInfo] {
        try db.rows("SELECT \(Self.contactColumns) FROM contacts ORDER BY name").map(contact(from:))
    }

    private func contact(from row: Row) throws -> ContactInfo {
        let name = try row.required(Row.text, 0, in: "keyring")
        let kind: ContactInfo.Kind
        if let text = row.text(1) {
            kind = .sotto(try Card.stored(text, of: name))
        } else {
            do { kind = .age(try RecipientKey(parsing: row.required(Row.text, 2, in: "keyring"))) } catch let error as SottoError where error.kind == .malformed {
                throw SottoError(.malformed, "the keyring's age recipient of '\(name)' is damaged", hints: ["the keyring file was altered"])
            }
        }
        return ContactInfo(name: name, kind: kind, verified: row.int(3) == 1, blocked: row.int(4) == 1,
                           revocation: try Revocation.stored(row.text(5), of: name), revocationKnownAt: row.int(6).map(Int64.init))
    }

    public func contact(named name: String) throws -> ContactInfo {
        guard let row = try db.rows("SELECT \(Self.contactColumns) FROM contacts WHERE name = ?",
                                    [.text(name)]).first else {
            let names = try db.rows("SELECT name FROM contacts").compactMap { $0.text(0) }
            throw SottoError(.notFound, "no contact named '\(name)'",
                             hints: [Suggestion.closest(to: name, among: names).map { "did you mean \($0)?" } ?? "`sotto-keygen list` shows identities and contacts"])
        }
        return try contact(from: row)
    }

    public func contact(identityKey: [UInt8]) throws -> ContactInfo? {
        try db.rows("SELECT \(Self.contactColumns) FROM contacts WHERE identity_key = ?",
                    [.blob(identityKey)]).first.map(contact(from:))
    }

    public func setVerified(_ name: String, _ verified: Bool) throws {
        let contact = try contact(named: name)
        guard contact.card != nil else {
            throw SottoError(.usage, "'\(name)' is a bare age recipient: there is no identity to verify")
        }
        try db.run("UPDATE contacts SET verified = ? WHERE name = ?", [.int(verified ? 1 : 0), .text(name)])
    }

    public func setBlocked(_ name: String, _ blocked: Bool) throws {
        _ = try contact(named: name)
        try db.run("UPDATE contacts SET blocked = ? WHERE name = ?", [.int(blocked ? 1 : 0), .text(name)])
    }

    /// Defines (or redefines) a group; every member must resolve now.
    public func setGroup(_ name: String, members: [String]) throws {
        try Names.validate(name, what: "group name")
        guard !members.isEmpty else { throw SottoError(.usage, "a group needs at least one member") }
        for member in members where !member.hasPrefix("@") { _ = try resolve(member) }
        try writeGroup(name, members: members)
    }

    /// Replaces a group's members, in order, in one transaction.
    func writeGroup(_ name: String, members: [String]) throws {
        try db.transaction {
            try db.run("DELETE FROM group_members WHERE name = ?", [.text(name)])
            for (position, member) in members.enumerated() {
                try db.run("INSERT OR IGNORE INTO group_members (name, member, position) VALUES (?, ?, ?)",
                           [.text(name), .text(member), .int(position)])
            }
        }
    }

    public func groups() throws -> [(name: String, members: [String])] {
        var result = [(name: String, members: [String])]()
        for row in try db.rows("SELECT name, member FROM group_members ORDER BY name, position") {
            let name = try row.required(Row.text, 0, in: "keyring"), member = try row.required(Row.text, 1, in: "keyring")
            if result.last?.name == name { result[result.count - 1].members.append(member) } else { result.append((name, [member])) }
        }
        return result
    }

    /// Resolves a recipient name: a contact, one of my identities, `@group`,
    /// or a literal age1… key.
    public func resolve(_ name: String, depth: Int = 0) throws -> [ResolvedRecipient] {
        if RecipientKey.looksLike(name) {
            let key = try RecipientKey(parsing: name)
            for contact in try contacts() where contact.card?.keys.contains(where: { $0.key == key }) == true {
                if let revocation = contact.revocation { throw Self.revoked(contact.name, revocation) }
            }
            for mine in try identities() where mine.card.keys.contains(where: { $0.key == key }) {
                if let revocation = mine.revocation { throw Self.revoked(mine.name, revocation) }
            }
            let known = try db.rows("SELECT name FROM contacts WHERE age_recipient = ?", [.text(name)]).first?.text(0)
            return [ResolvedRecipient(label: known ?? name, key: key, mailbox: nil, identity: nil)]
        }
        if name.hasPrefix("@") {
            let group = String(name.dropFirst())
            let members = try db.rows("SELECT member FROM group_members WHERE name = ? ORDER BY position", [.text(group)]).compactMap { $0.text(0) }
            guard !members.isEmpty else {
                let groups = try db.rows("SELECT DISTINCT name FROM group_members").compactMap { $0.text(0) }
                throw SottoError(.notFound, "no group named '\(group)'",
                                 hints: Suggestion.closest(to: group, among: groups).map { ["did you mean @\($0)?"] } ?? [])
            }
            guard depth < 8 else { throw SottoError(.usage, "groups nest too deeply at '\(name)'") }
            return try members.flatMap { try resolve($0, depth: depth + 1) }
        }
        if let mine = try identities().first(where: { $0.name == name }) {
            if let revocation = mine.revocation { throw Self.revoked(name, revocation) }
            guard let key = mine.card.currentKey else {
                throw SottoError(.refused, "identity '\(name)' has no valid key", hints: ["give it a new one: sotto-keygen rotate \(name)"])
            }
            return [ResolvedRecipient(label: name, key: key.key, hybrid: mine.card.currentHybridKey?.key, mailbox: mine.mailbox,
                                      identity: mine.fingerprint)]
        }
        let contact: ContactInfo
        do { contact = try self.contact(named: name) } catch let error as SottoError where error.kind == .notFound {
            let names = try contacts().map(\.name) + identities().map(\.name)
            let groups = try db.rows("SELECT DISTINCT name FROM group_members").compactMap { $0.text(0) }
            if groups.contains(name) {
                throw SottoError(.notFound, "unknown recipient '\(name)'", hints: ["'\(name)' is a group: write @\(name)"])
            }
            let guess = Suggestion.closest(to: name, among: names) ?? Suggestion.closest(to: name, among: groups).map { "@" + $0 }
            throw SottoError(.notFound, "unknown recipient '\(name)'",
                             hints: guess.map { ["did you mean \($0)?"] } ?? ["import their card with `sotto-keygen import`, or give an age1… key"])
        }
        if let revocation = contact.revocation { throw Self.revoked(name, revocation) }
        guard let key = contact.recipient else {
            if let lapsed = contact.card?.lapsedAt {
                throw SottoError(.refused, "the keys of contact '\(name)' expired at \(Time.rfc3339(lapsed)): nothing can be sealed to them",
                                 hints: ["ask \(name) for a fresh card (sotto-keygen card) and import it; any message from them also brings it"])
            }
            throw SottoError(.notFound, "contact '\(name)' has no current encryption key")
        }
        return [ResolvedRecipient(label: name, key: key, hybrid: contact.hybridRecipient, mailbox: contact.mailbox, identity: contact.fingerprint)]
    }

    /// Whether one of my identities or contacts goes by `name`.
    public func knows(name: String) throws -> Bool {
        try !db.rows("SELECT 1 FROM contacts WHERE name = ? UNION SELECT 1 FROM identities WHERE name = ?",
                     [.text(name), .text(name)]).isEmpty
    }

    /// My name for the identity with this fingerprint: one of mine or a contact.
    public func name(ofFingerprint fingerprint: String) throws -> String? {
        if let mine = try identities().first(where: { $0.fingerprint == fingerprint }) { return mine.name }
        return try contacts().first(where: { $0.fingerprint == fingerprint })?.name
    }

    static func revoked(_ name: String, _ revocation: Revocation) -> SottoError {
        SottoError(.refused, "'\(name)' revoked this identity at \(Time.rfc3339(revocation.revokedAt)): nothing can be sealed to it",
                   hints: ["if they made a new identity, import its card"])
    }

    /// The display label of an encryption key: my identity, a contact, or the age1 string.
    public func label(for key: [UInt8]) throws -> String {
        for identity in try identities() where identity.card.keys.contains(where: { $0.publicKey == key }) { return identity.name }
        for contact in try contacts() {
            switch contact.kind {
            case .sotto(let card) where card.keys.contains(where: { $0.publicKey == key }): return contact.name
            case .age(let recipient) where recipient.bytes == key: return contact.name
            default: continue
            }
        }
        return (try? RecipientKey(bytes: key).string) ?? Hex.encode(key)
    }
}
