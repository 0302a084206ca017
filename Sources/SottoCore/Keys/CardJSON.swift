extension Card {
    public var record: [String: Any] {
        [
            "type": "card", "v": 1, "name": name, "identity": Base64.encode(identityKey), "mailbox": mailbox,
            "keys": keys.map { key -> [String: Any] in
                ["age": key.ageRecipient, "not_before": Time.rfc3339(key.notBefore),
                 "not_after": key.notAfter.map(Time.rfc3339).orNull, "cert": Base64.encode(key.certificate)]
            },
            "signature": Base64.encode(signature),
        ]
    }

    /// Parses a card record; the caller verifies it.
    public init(fields: Fields) throws {
        guard try fields.optionalString("type") == "card" else { throw fields.bad("type", "must be \"card\"") }
        name = try fields.string("name")
        identityKey = try fields.base64("identity")
        mailbox = try fields.string("mailbox")
        signature = try fields.base64("signature")
        keys = try fields.objects("keys").map { key in
            let recipient: RecipientKey
            do { recipient = try RecipientKey(parsing: try key.string("age")) } catch let error as SottoError where error.kind == .malformed {
                throw key.bad("age", "is not an age recipient (age1… or age1pq1…)")
            }
            guard let notBefore = try key.time("not_before") else { throw key.bad("not_before", "is missing") }
            return CertifiedKey(key: recipient, notBefore: notBefore, notAfter: try key.time("not_after"),
                                certificate: try key.base64("cert"))
        }
        guard !name.isEmpty, name.utf8.count <= 200 else { throw fields.bad("name", "must be 1 to 200 bytes") }
        guard Hex.isLowercase(mailbox, digits: 32) else { throw fields.bad("mailbox", "is not a mailbox address (32 lowercase hex digits)") }
        guard keys.count <= 1000 else { throw fields.bad("keys", "holds more than 1000 keys") }
    }
}

extension Card {
    /// A card as the keyring stores it: one that no longer parses means the
    /// keyring file was altered, which is not the same as "no such contact".
    static func stored(_ text: String?, of owner: String) throws -> Card {
        do { return try Card(fields: JSON.object(Array((text ?? "").utf8), line: 0)) } catch {
            throw SottoError(.malformed, "the keyring's card of '\(owner)' is damaged", hints: ["the keyring file was altered"])
        }
    }
}
