/// A retired encryption key whose secret is still held, or was destroyed.
public struct RetiredKey: Sendable {
    public var identity: String
    public var publicKey: [UInt8]
    public var retiredAt: Int64
    public var recipient: String { (try? RecipientKey(bytes: publicKey).string) ?? Hex.encode(publicKey) }
}

extension Keyring {
    /// How long a retired secret is kept: the longest TTL a message is
    /// expected to have (30 days) plus a day of grace. After that, messages
    /// sealed to the key can no longer be opened by anyone: forward secrecy.
    public static let standardRetention: Int64 = 31 * 86400

    public func retention() throws -> Int64 {
        try meta("retention").flatMap { Int64(String(decoding: $0, as: UTF8.self)) } ?? Self.standardRetention
    }

    public func setRetention(_ seconds: Int64, kind: SottoError.Kind = .usage) throws {
        try SettingBounds.check(seconds, SettingBounds.retention, "the retention", kind: kind)
        try setMeta("retention", Array(String(seconds).utf8))
    }

    /// The rotation schedule of an identity, applied by sotto-expire.
    public func rotationInterval(_ name: String) throws -> Int64? {
        try meta("rotate_every:" + name).flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
    }

    public func setRotationInterval(_ name: String, every: Int64?, kind: SottoError.Kind = .usage) throws {
        _ = try identity(named: name)
        if let every {
            try SettingBounds.check(every, SettingBounds.rotation, "the rotation interval", kind: kind)
            try setMeta("rotate_every:" + name, Array(String(every).utf8))
        } else {
            try db.run("DELETE FROM meta WHERE key = ?", [.text("rotate_every:" + name)])
        }
    }

    /// How long a key is certified for: 90 days, or twice the rotation
    /// interval when there is one, so that a contact who missed one rotation
    /// can still seal to the key before.
    public static let standardKeyLifetime: Int64 = 90 * 86400

    public func keyLifetime(_ name: String) throws -> Int64 {
        try rotationInterval(name).map { 2 * $0 } ?? Self.standardKeyLifetime
    }

    /// Whether `identity` needs new keys at `now`: its schedule says so, its
    /// current key is past half its lifetime, or no key of it is valid, or it
    /// has no post-quantum key yet (a keyring made before them upgrades so).
    public func rotationDue(_ identity: IdentityInfo, now: Int64) throws -> Bool {
        guard identity.revocation == nil else { return false }
        guard let current = identity.card.currentKey(at: now), identity.card.currentKey(at: now, kind: .postQuantum) != nil else { return true }
        if let every = try rotationInterval(identity.name), current.notBefore + every <= now { return true }
        if let end = current.notAfter, now >= current.notBefore + (end - current.notBefore) / 2 { return true }
        return false
    }

    /// Identities that need a new key at `now` (see `rotationDue`).
    public func rotationsDue(now: Int64) throws -> [IdentityInfo] {
        try identities().filter { try rotationDue($0, now: now) }
    }

    /// Retired keys whose secret is still held though the retention has passed.
    public func retiredKeysDue(now: Int64) throws -> [RetiredKey] {
        let held = try secrets.held(.encryptionKey)
        return try db.rows("""
            SELECT identity, public_key, not_after FROM encryption_keys
            WHERE not_after IS NOT NULL AND not_after + ? <= ? ORDER BY not_after
            """, [.int(try retention()), .int(now)]).map(Self.retired).filter { held.contains($0.publicKey) }
    }

    static func retired(_ row: Row) throws -> RetiredKey {
        RetiredKey(identity: try row.required(Row.text, 0, in: "keyring"), publicKey: try row.required(Row.blob, 1, in: "keyring"),
                   retiredAt: Int64(try row.required(Row.int, 2, in: "keyring")))
    }

    /// The secret of a retired key, for a last look before it goes.
    public func secret(of key: RetiredKey) throws -> DecryptionKey? {
        guard let secret = try secret(.encryptionKey, of: key.publicKey) else { return nil }
        return try DecryptionKey(secret: secret, of: RecipientKey(bytes: key.publicKey))
    }

    /// Destroys retired secrets: the blobs are overwritten in place
    /// (secure_delete) and the write-ahead log is truncated so no copy of the
    /// old pages remains in the keyring's files.
    /// With no keys, only the truncation: a run that found another process
    /// reading finishes the job when it runs again.
    public func destroy(_ keys: [RetiredKey]) throws {
        if !keys.isEmpty { try db.transaction { try secrets.destroy(encryptionKeys: keys.map(\.publicKey)) } }
        try db.checkpoint()
    }
}
