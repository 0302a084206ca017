import Glibc

/// The keyring: my identities with their secrets (encrypted at rest under a
/// key derived from the passphrase), my contacts and groups.
public final class Keyring {
    public typealias PassphraseSource = () throws -> SecureBytes

    public let home: Home
    let db: Database
    /// Where the secrets live; everything else in `db` is public.
    let secrets: SecretStore
    private let passphrase: PassphraseSource?
    /// Whether the caller was given a passphrase (an option or the
    /// environment), as opposed to one that could only be asked for.
    private let passphraseOffered: Bool
    /// How many passphrases to try before "wrong passphrase": more than one
    /// only when a person types them.
    private let passphraseTries: Int
    private var key: SecureBytes?

    /// Opens the keyring; with `create`, makes the home and an empty keyring.
    public init(home: Home, create: Bool = false, passphrase: PassphraseSource? = nil, passphraseOffered: Bool = false,
                passphraseTries: Int = 1) throws {
        if !home.exists {
            guard create else {
                throw SottoError(.notFound, "no keyring in \(home.path)", hints: ["create an identity with `sotto-keygen new NAME`"])
            }
            try home.create()
        }
        self.home = home
        self.passphrase = passphrase
        self.passphraseOffered = passphraseOffered
        self.passphraseTries = max(1, passphraseTries)
        db = try Database(path: home.keyringPath)
        chmod(home.keyringPath, 0o600)
        secrets = ColumnSecretStore(db: db, path: home.keyringPath)
        try Schema.migrate(db, Self.migrations, what: "keyring")
    }

    /// The keyring's schema, versioned by `PRAGMA user_version` as the inbox's
    /// and the mailbox's are. The first version creates its tables only where
    /// missing: keyrings made before the version was kept adopt it as they are.
    static let migrations: [Schema.Migration] = [
        """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS identities (
                name TEXT PRIMARY KEY, public_key BLOB NOT NULL UNIQUE, secret BLOB NOT NULL,
                mailbox TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, default_ttl INTEGER,
                ttl_never INTEGER NOT NULL DEFAULT 0, card TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS encryption_keys (
                public_key BLOB PRIMARY KEY, identity TEXT NOT NULL REFERENCES identities(name) ON DELETE CASCADE,
                secret BLOB, not_before INTEGER NOT NULL, not_after INTEGER, certificate BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS contacts (
                name TEXT PRIMARY KEY, identity_key BLOB UNIQUE, card TEXT, age_recipient TEXT UNIQUE,
                verified INTEGER NOT NULL DEFAULT 0, blocked INTEGER NOT NULL DEFAULT 0, added_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS group_members (
                name TEXT NOT NULL, member TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (name, member));
            INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', X'31');
            """,
        // Revocations: mine, signed here; contacts', with when this keyring learned of them.
        """
            ALTER TABLE identities ADD COLUMN revocation TEXT;
            ALTER TABLE contacts ADD COLUMN revocation TEXT;
            ALTER TABLE contacts ADD COLUMN revocation_known_at INTEGER;
            """,
    ]

    func meta(_ key: String) throws -> [UInt8]? {
        try db.rows("SELECT value FROM meta WHERE key = ?", [.text(key)]).first?.blob(0)
    }

    func setMeta(_ key: String, _ value: [UInt8]) throws {
        try db.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [.text(key), .blob(value)])
    }

    // MARK: - The keyring key

    public var isInitialized: Bool { (try? meta("kdf")) != nil }
    public var isProtected: Bool { (try? meta("kdf")).map { String(decoding: $0, as: UTF8.self) == "argon2id" } ?? false }

    /// Sets up key derivation: Argon2id under `passphrase`, or none at all.
    public func initialize(passphrase newPassphrase: SecureBytes?, parameters: Argon2Parameters = .standard) throws {
        try ensureSettingsNotLost()
        let newKey = try deriveNew(newPassphrase, parameters: parameters)
        try db.transaction { try storeKDF(newKey) }
        key = newKey.key
    }

    private struct Derived { var key: SecureBytes; var kdf: String; var salt: [UInt8]; var parameters: Argon2Parameters }

    private func deriveNew(_ pass: SecureBytes?, parameters: Argon2Parameters) throws -> Derived {
        guard let pass else { return Derived(key: try SecureBytes(count: 32), kdf: "none", salt: [], parameters: parameters) }
        let salt = Sodium.random(16)
        return Derived(key: try KDF.argon2id(passphrase: pass, salt: salt, parameters: parameters), kdf: "argon2id",
                       salt: salt, parameters: parameters)
    }

    private func storeKDF(_ derived: Derived) throws {
        try setMeta("kdf", Array(derived.kdf.utf8))
        try setMeta("salt", derived.salt)
        let p = derived.parameters
        try setMeta("argon2", Array("m=\(p.memoryKiB),t=\(p.iterations),p=\(p.parallelism)".utf8))
        let check = try SecureBytes(copying: SecretBox.checkValue.withUnsafeBytes { $0 })
        try setMeta("check", SecretBox.seal(check, key: derived.key, context: SecretBox.checkContext))
    }

    func storedParameters() throws -> Argon2Parameters {
        let text = String(decoding: try meta("argon2") ?? [], as: UTF8.self)
        var values = [String: UInt32]()
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, let value = UInt32(pair[1]) { values[String(pair[0])] = value }
        }
        guard let m = values["m"], let t = values["t"], let p = values["p"] else {
            throw SottoError(.malformed, "keyring key-derivation parameters are missing or damaged")
        }
        let parameters = Argon2Parameters(memoryKiB: m, iterations: t, parallelism: p)
        guard parameters.isWithinBounds else {
            throw SottoError(.malformed, "keyring argon2 parameters (\(text)) are outside the allowed bounds",
                             hints: ["the keyring file may have been tampered with"])
        }
        return parameters
    }

    /// The keyring key, derived on first use (asking for the passphrase then).
    /// `provingPassphrase` ignores a key `sotto-keygen unlock` kept.
    func unlockedKey(provingPassphrase: Bool = false) throws -> SecureBytes {
        if let key { return key }
        guard let kdf = try meta("kdf").map({ String(decoding: $0, as: UTF8.self) }) else {
            try ensureSettingsNotLost()
            throw SottoError(.notFound, "the keyring holds no identity yet", hints: ["create one with `sotto-keygen new NAME`"])
        }
        guard let check = try meta("check") else { throw SottoError(.malformed, "the keyring check value is missing") }
        let proves = { (candidate: SecureBytes) in try SecretBox.open(check, key: candidate, context: SecretBox.checkContext) != nil }
        switch kdf {
        case "none":
            let candidate = try SecureBytes(count: 32)
            guard try proves(candidate) else { throw SottoError(.malformed, "the keyring check value is damaged") }
            try confirmNoPassphrase(zeroKey: candidate)
            key = candidate
            return candidate
        case "argon2id":
            let parameters = try storedParameters()
            guard let salt = try meta("salt"), salt.count >= 16 else { throw SottoError(.malformed, "keyring salt is damaged") }
            // A key `sotto-keygen unlock` kept for this keyring, if it still proves itself.
            if !provingPassphrase, let kept = KeyCache.load(description: KeyCache.description(home: home, salt: salt)), try proves(kept) {
                key = kept
                return kept
            }
            guard let passphrase else {
                throw SottoError(.locked, "the keyring is locked", hints: ["give the passphrase on a terminal, with SOTTO_PASSPHRASE, --passphrase-fd or --passphrase-file"])
            }
            for _ in 0..<passphraseTries {
                let candidate = try KDF.argon2id(passphrase: try passphrase(), salt: salt, parameters: parameters)
                if try proves(candidate) {
                    key = candidate
                    return candidate
                }
            }
            throw SottoError(.locked, "wrong passphrase")
        default:
            throw SottoError(.unsupported, "unknown keyring key derivation '\(kdf)'")
        }
    }

    /// The check value proves the passphrase only when there is one: with
    /// "none" the key is public, and anyone who can write the file can switch
    /// a protected keyring to it, after which new secrets would be sealed
    /// under the zero key. So the secrets held must be ones sealed without a
    /// passphrase; and a keyring holding none, which proves nothing by them,
    /// is refused when a passphrase is given to it.
    private func confirmNoPassphrase(zeroKey: SecureBytes) throws {
        guard try secrets.holdsAny() || !passphraseOffered else {
            throw SottoError(.locked, "a passphrase was given, but this keyring has none",
                             hints: ["if you removed it (`sotto-keygen passwd --no-passphrase`), stop giving one; otherwise the keyring file was altered"])
        }
        guard try secrets.holdsOnlyOwnSecrets(under: zeroKey) else {
            throw SottoError(.malformed, "the keyring says it has no passphrase, but its secrets are not ones sealed without one",
                             hints: ["the keyring file was altered: its passphrase setting may have been removed"])
        }
    }

    /// Key-derivation settings are missing only from a keyring that never held
    /// an identity: one that has identities lost them to damage or tampering,
    /// and new settings (a new passphrase, or none) must not be written over it.
    private func ensureSettingsNotLost() throws {
        guard try meta("kdf") == nil, try !db.rows("SELECT 1 FROM identities LIMIT 1").isEmpty else { return }
        throw SottoError(.malformed, "the keyring holds identities but its key-derivation settings are missing",
                         hints: ["the keyring file was altered or damaged"])
    }

    /// Unlocks now, so a wrong passphrase is reported before any other work.
    /// With `provingPassphrase`, a key kept by `sotto-keygen unlock` does not
    /// do: whoever changes or removes the passphrase must know it.
    public func unlock(provingPassphrase: Bool = false) throws { _ = try unlockedKey(provingPassphrase: provingPassphrase) }

    /// The secret of the row with this public key, unlocking first; nil when it was destroyed.
    func secret(_ owner: SecretOwner, of publicKey: [UInt8]) throws -> SecureBytes? {
        try secrets.secret(owner, publicKey: publicKey, under: try unlockedKey())
    }

    /// Inserts a row that owns a secret, sealed under the keyring key.
    func insert(_ owner: SecretOwner, _ columns: KeyValuePairs<String, SQLValue>, publicKey: [UInt8], secret: SecureBytes?) throws {
        try secrets.insert(owner, columns, publicKey: publicKey, secret: secret, under: try unlockedKey())
    }

    /// Re-encrypts every secret under a new passphrase (or none), atomically;
    /// a key kept for the old one is forgotten.
    public func changePassphrase(to newPassphrase: SecureBytes?, parameters: Argon2Parameters = .standard) throws {
        let derived = try deriveNew(newPassphrase, parameters: parameters)
        let kept = try keptKeyDescription()
        try db.transaction {
            try secrets.rekey(from: try unlockedKey(), to: derived.key)
            try storeKDF(derived)
        }
        key = derived.key
        if let kept { KeyCache.drop(description: kept) }
    }

    /// Keeps the unlocked keyring key in the session keyring for `seconds`
    /// (asking for the passphrase now if need be), for `sotto-keygen unlock`.
    public func keepUnlocked(seconds: Int) throws {
        guard let description = try keptKeyDescription() else {
            throw SottoError(.usage, "this keyring has no passphrase: there is nothing to keep unlocked")
        }
        try KeyCache.store(try unlockedKey(), description: description, seconds: seconds)
    }

    /// Forgets a key kept for this keyring; true when there was one.
    @discardableResult
    public func forgetUnlocked() throws -> Bool {
        guard let description = try keptKeyDescription() else { return false }
        return KeyCache.drop(description: description)
    }

    /// The session keyring entry's name for this keyring: nil without a passphrase.
    private func keptKeyDescription() throws -> String? {
        guard try meta("kdf") == Array("argon2id".utf8), let salt = try meta("salt") else { return nil }
        return KeyCache.description(home: home, salt: salt)
    }
}
