import SottoCore

/// The records of an export stream (docs/FORMAT.md, section 12), written by
/// sotto-export and read back by sotto-keygen import and sotto-recv --input.
public enum ExportFormat {
    public static let name = "sotto-export"
    /// 2: exports that hold secrets end with an authentication record.
    public static let version = 2

    /// Record types of an export stream other than envelopes, which
    /// `sotto-recv --input` passes over.
    public static let otherRecordTypes: Set<String> = ["manifest", "identity", "contact", "group", "setting", "message", "card",
                                                       ExportAuthentication.recordType]

    /// The first record. An export with secrets is authenticated (its last
    /// record), and says so here, where the authentication covers it.
    public static func manifest(createdAt: Int64, counts: [String: Int], secrets: Bool, decrypted: Bool) -> [String: Any] {
        ["type": "manifest", "format": name, "version": version, "created_at": Time.rfc3339(createdAt),
         "counts": counts, "secrets": secrets, "decrypted": decrypted, "authenticated": secrets]
    }

    /// Checks that a manifest names this format in a version this sotto
    /// reads; returns whether it says the export is authenticated.
    @discardableResult
    public static func checkManifest(_ fields: Fields) throws -> Bool {
        guard try fields.string("format") == name else { throw fields.badField("format", "must be \"\(name)\"") }
        guard let found = try fields.int("version") else { throw fields.badField("version", "is missing") }
        guard found <= version else {
            throw SottoError(.unsupported, "line \(fields.line): export format version \(found) is newer than this sotto reads (\(version))")
        }
        return try fields.bool("authenticated") ?? false
    }

    /// One of my identities: the identity record, marked as mine, with its
    /// card and, when exported, its sealed secrets.
    public static func identity(_ identity: IdentityInfo, rotateEvery: Int64?, secrets: [String: Any]?) -> [String: Any] {
        var record = identity.record
        record["owner"] = "me"
        record["card"] = identity.card.record
        if let rotateEvery { record["rotate_every"] = "\(rotateEvery)s" }
        if let secrets { record["secrets"] = secrets }
        if let revocation = identity.revocation { record["revocation"] = revocation.record }
        return record
    }

    /// A contact: someone else's card (or bare age key), marked as theirs.
    public static func contact(_ contact: ContactInfo) -> [String: Any] {
        var record = contact.record
        record["owner"] = "them"
        if let card = contact.card { record["card"] = card.record }
        if let revocation = contact.revocation { record["revocation"] = revocation.record }
        return record
    }

    public static func group(name: String, members: [String]) -> [String: Any] {
        ["type": "group", "name": name, "members": members]
    }

    public static func setting(name: String, value: String) -> [String: Any] {
        ["type": "setting", "name": name, "value": value]
    }

    /// The settings set explicitly in the keyring.
    public static func settings(_ settings: KeyringSettings) -> [[String: Any]] {
        var records = [[String: Any]]()
        if let name = settings.defaultIdentity { records.append(setting(name: "default_identity", value: name)) }
        if let retention = settings.retention { records.append(setting(name: "retention", value: "\(retention)s")) }
        return records
    }

    /// An inbox envelope's record without its "age" field, which the writer
    /// streams (it sorts first, so it can lead the line).
    public static func envelope(_ envelope: StoredEnvelope, deleteAfter: Int64?) -> [String: Any] {
        var record = EnvelopeRecord.fields(of: envelope)
        record["opened_at"] = envelope.openedAt.map(Time.rfc3339).orNull
        if let deleteAfter { record["delete_after"] = Time.rfc3339(deleteAfter) }
        return record
    }
}
