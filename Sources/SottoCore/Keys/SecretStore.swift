/// The rows that own a secret: an identity (its Ed25519 signing key) and an
/// encryption key (its decryption key), each named by its public key.
enum SecretOwner: CaseIterable {
    case identity, encryptionKey

    /// Whether `secret` is the secret of `publicKey`.
    func isSecret(_ secret: SecureBytes, of publicKey: [UInt8]) throws -> Bool {
        switch self {
        case .identity: return (try? Ed25519.publicKey(of: secret)) == publicKey
        case .encryptionKey: return (try? DecryptionKey(secret: secret, of: RecipientKey(bytes: publicKey))) != nil
        }
    }

    var table: String {
        switch self {
        case .identity: "identities"
        case .encryptionKey: "encryption_keys"
        }
    }
}

/// Where the keyring keeps the secrets it must be able to destroy; the rest
/// of the keyring is public data. Rows that own a secret are inserted through
/// the store, and every read, destruction and re-encryption of a secret goes
/// through it, so that where secrets live can change behind this seam alone.
/// Secrets are sealed under the keyring key (SecretBox), bound to their public key.
protocol SecretStore {
    /// Inserts a row of `owner`'s table with its secret (nil: none held), in
    /// the caller's transaction.
    func insert(_ owner: SecretOwner, _ columns: KeyValuePairs<String, SQLValue>, publicKey: [UInt8],
                secret: SecureBytes?, under key: SecureBytes) throws
    /// The secret of the row with this public key; nil when it was destroyed or there is no such row.
    func secret(_ owner: SecretOwner, publicKey: [UInt8], under key: SecureBytes) throws -> SecureBytes?
    /// The public keys of `owner`'s rows whose secret is still held.
    func held(_ owner: SecretOwner) throws -> Set<[UInt8]>
    /// Destroys the secrets of these encryption keys; their rows stay, public.
    func destroy(encryptionKeys: [[UInt8]]) throws
    /// Deletes rows of `owner`'s table with their secrets; returns the stored
    /// forms of those secrets, which an erasure then looks for.
    func delete(_ owner: SecretOwner, where condition: String, _ values: [SQLValue]) throws -> [[UInt8]]
    /// Whether any secret is held at all.
    func holdsAny() throws -> Bool

    /// Whether every held secret opens under `key` and is the secret of its
    /// row's public key (a blob that merely opens may have been forged under a known key).
    func holdsOnlyOwnSecrets(under key: SecureBytes) throws -> Bool
    /// Seals every held secret under a new keyring key, in the caller's transaction.
    func rekey(from old: SecureBytes, to new: SecureBytes) throws
    /// The files the secrets live in.
    var files: [String] { get }
}

/// The first secret store: a `secret` column in the keyring's own tables.
struct ColumnSecretStore: SecretStore {
    let db: Database
    let path: String

    var files: [String] { Database.files(of: path) }

    func insert(_ owner: SecretOwner, _ columns: KeyValuePairs<String, SQLValue>, publicKey: [UInt8],
                secret: SecureBytes?, under key: SecureBytes) throws {
        let names = columns.map(\.key) + ["secret"]
        let sealed = secret.map { SQLValue.blob(SecretBox.seal($0, key: key, context: SecretBox.context(publicKey))) } ?? .null
        try db.run("INSERT INTO \(owner.table) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))",
                   columns.map(\.value) + [sealed])
    }

    func secret(_ owner: SecretOwner, publicKey: [UInt8], under key: SecureBytes) throws -> SecureBytes? {
        guard let blob = try db.rows("SELECT secret FROM \(owner.table) WHERE public_key = ?", [.blob(publicKey)]).first?.blob(0) else {
            return nil
        }
        return try open(blob, publicKey: publicKey, under: key)
    }

    private func open(_ blob: [UInt8], publicKey: [UInt8], under key: SecureBytes) throws -> SecureBytes {
        guard let secret = try SecretBox.open(blob, key: key, context: SecretBox.context(publicKey)) else {
            throw SottoError(.malformed, "a secret key in the keyring failed authentication", hints: ["the keyring file was altered"])
        }
        return secret
    }

    func held(_ owner: SecretOwner) throws -> Set<[UInt8]> {
        Set(try db.rows("SELECT public_key FROM \(owner.table) WHERE secret IS NOT NULL").map { try $0.required(Row.blob, 0, in: "keyring") })
    }

    /// The blobs are overwritten in place (secure_delete); the caller truncates the write-ahead log.
    func destroy(encryptionKeys: [[UInt8]]) throws {
        for key in encryptionKeys {
            try db.run("UPDATE encryption_keys SET secret = NULL WHERE public_key = ? AND not_after IS NOT NULL", [.blob(key)])
        }
    }

    func delete(_ owner: SecretOwner, where condition: String, _ values: [SQLValue]) throws -> [[UInt8]] {
        let stored = try db.rows("SELECT secret FROM \(owner.table) WHERE secret IS NOT NULL AND (\(condition))", values).compactMap { $0.blob(0) }
        try db.run("DELETE FROM \(owner.table) WHERE \(condition)", values)
        return stored
    }

    func holdsAny() throws -> Bool {
        try SecretOwner.allCases.contains { try !db.rows("SELECT 1 FROM \($0.table) WHERE secret IS NOT NULL LIMIT 1").isEmpty }
    }

    func holdsOnlyOwnSecrets(under key: SecureBytes) throws -> Bool {
        for owner in SecretOwner.allCases {
            for row in try db.rows("SELECT public_key, secret FROM \(owner.table) WHERE secret IS NOT NULL") {
                let publicKey = try row.required(Row.blob, 0, in: "keyring")
                guard let secret = try SecretBox.open(row.required(Row.blob, 1, in: "keyring"), key: key, context: SecretBox.context(publicKey)),
                      try owner.isSecret(secret, of: publicKey) else {
                    return false
                }
            }
        }
        return true
    }

    func rekey(from old: SecureBytes, to new: SecureBytes) throws {
        for owner in SecretOwner.allCases {
            for row in try db.rows("SELECT public_key, secret FROM \(owner.table) WHERE secret IS NOT NULL") {
                let publicKey = try row.required(Row.blob, 0, in: "keyring")
                let secret = try open(row.required(Row.blob, 1, in: "keyring"), publicKey: publicKey, under: old)
                try db.run("UPDATE \(owner.table) SET secret = ? WHERE public_key = ?",
                           [.blob(SecretBox.seal(secret, key: new, context: SecretBox.context(publicKey))), .blob(publicKey)])
            }
        }
    }
}
