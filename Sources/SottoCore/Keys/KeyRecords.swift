extension IdentityInfo {
    public var record: [String: Any] {
        var record: [String: Any] = [
            "type": "identity", "name": name, "fingerprint": fingerprint, "mailbox": mailbox,
            "age_recipient": card.currentKey?.ageRecipient ?? JSONNull(), "postquantum": card.currentHybridKey != nil, "default": isDefault,
            "created_at": Time.rfc3339(createdAt), "keys": card.keys.count,
            "default_ttl": defaultTTL.map { "\($0)s" } ?? "never",
        ]
        if let revocation { record["revoked_at"] = Time.rfc3339(revocation.revokedAt) }
        return record
    }
}

extension ContactInfo {
    public var record: [String: Any] {
        let kindName: String
        if case .sotto = kind { kindName = "sotto" } else { kindName = "age" }
        var record: [String: Any] = [
            "type": "contact", "name": name, "kind": kindName, "fingerprint": fingerprint.orNull,
            "mailbox": mailbox.orNull, "age_recipient": recipient?.string ?? JSONNull(),
            "postquantum": hybridRecipient != nil || recipient?.kind == .postQuantum,
            "verified": verified, "blocked": blocked,
        ]
        if let revocation { record["revoked_at"] = Time.rfc3339(revocation.revokedAt) }
        return record
    }
}
