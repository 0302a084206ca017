internal import CSodium

/// The key that seals the secrets of an export: Argon2id of the export
/// passphrase under a salt chosen fresh for each export.
public final class ExportKey {
    public let salt: [UInt8]
    public let parameters: Argon2Parameters
    let key: SecureBytes

    /// A key under a fresh random salt, for writing an export.
    public convenience init(passphrase: SecureBytes, parameters: Argon2Parameters = .standard) throws {
        try self.init(passphrase: passphrase, salt: Sodium.random(16), parameters: parameters)
    }

    init(passphrase: SecureBytes, salt: [UInt8], parameters: Argon2Parameters) throws {
        self.salt = salt
        self.parameters = parameters
        key = try KDF.argon2id(passphrase: passphrase, salt: salt, parameters: parameters)
    }
}

/// An identity's secrets in an export: a canonical JSON object sealed with
/// XChaCha20-Poly1305 (SecretBox) under an ExportKey, with the identity
/// public key in the associated data (docs/FORMAT.md, "Export secrets").
public enum ExportSecrets {
    static func context(_ identityKey: [UInt8]) -> [UInt8] { Array("sotto/1 export secrets\n".utf8) + identityKey }

    /// The "secrets" object of an identity record.
    public static func seal(_ secrets: IdentitySecrets, identityKey: [UInt8], key: ExportKey) throws -> [String: Any] {
        let blob = SecretBox.seal(try SecretsJSON.encode(secrets), key: key.key, context: context(identityKey))
        var sealed = derivation(key)
        sealed["nonce"] = Base64.encode(blob.prefix(SecretBox.nonceLength))
        sealed["box"] = Base64.encode(blob.dropFirst(SecretBox.nonceLength))
        return sealed
    }

    /// How a reader derives `key` again from the export passphrase.
    static func derivation(_ key: ExportKey) -> [String: Any] {
        let p = key.parameters
        return ["kdf": "argon2id", "salt": Base64.encode(key.salt),
                "argon2": ["m": Int(p.memoryKiB), "t": Int(p.iterations), "p": Int(p.parallelism)]]
    }
}

/// Opens the "secrets" objects of an export, asking for the export
/// passphrase once and deriving each distinct key once.
public final class ExportUnsealer {
    private let source: () throws -> SecureBytes
    private var passphrase: SecureBytes?
    private var keys = [ExportKey]()

    public init(passphrase source: @escaping () throws -> SecureBytes) { self.source = source }

    /// The secrets of identity `name`; a wrong passphrase is `.locked` (77).
    public func open(_ box: Fields, identityKey: [UInt8], name: String) throws -> IdentitySecrets {
        let key = try self.key(for: box, what: "the secrets of '\(name)'")
        let nonce = try box.base64("nonce")
        guard nonce.count == SecretBox.nonceLength else { throw box.badField("nonce", "is not \(SecretBox.nonceLength) bytes") }
        guard let plaintext = try SecretBox.open(nonce + box.base64("box"), key: key.key, context: ExportSecrets.context(identityKey)) else {
            throw SottoError(.locked, "wrong export passphrase: the secrets of '\(name)' do not open",
                             hints: ["give the passphrase chosen at export time; if it is right, the export was altered"])
        }
        guard let secrets = try SecretsJSON.decode(plaintext) else {
            throw SottoError(.malformed, "line \(box.line): the secrets of '\(name)' are malformed inside their box")
        }
        return secrets
    }

    private static func parameter(_ fields: Fields, _ name: String) throws -> UInt32 {
        guard let value = try fields.int(name), let narrow = UInt32(exactly: value) else {
            throw fields.badField("argon2." + name, "must be a non-negative integer")
        }
        return narrow
    }

    /// The key a record's "kdf", "salt" and "argon2" derive from the export
    /// passphrase, each distinct one derived once.
    func key(for fields: Fields, what: String) throws -> ExportKey {
        let kdf = try fields.string("kdf")
        guard kdf == "argon2id" else {
            throw SottoError(.unsupported, "line \(fields.line): \(what) use an unknown key derivation '\(kdf)'")
        }
        let salt = try fields.base64("salt")
        guard salt.count >= 16 else { throw fields.badField("salt", "is shorter than 16 bytes") }
        guard let argon2 = try fields.object("argon2") else { throw fields.badField("argon2", "is missing") }
        let parameters = Argon2Parameters(memoryKiB: try Self.parameter(argon2, "m"), iterations: try Self.parameter(argon2, "t"),
                                          parallelism: try Self.parameter(argon2, "p"))
        guard parameters.isWithinBounds else {
            throw fields.badField("argon2", "is outside the allowed bounds (m 8192..4194304, t 1..16, p 1..8)")
        }
        return try key(salt: salt, parameters: parameters)
    }

    private func key(salt: [UInt8], parameters: Argon2Parameters) throws -> ExportKey {
        if let known = keys.first(where: { $0.salt == salt && $0.parameters == parameters }) { return known }
        let passphrase = try self.passphrase ?? source()
        self.passphrase = passphrase
        let key = try ExportKey(passphrase: passphrase, salt: salt, parameters: parameters)
        keys.append(key)
        return key
    }
}

/// The plaintext inside the box, built and read in secure memory:
/// {"encryption_keys":[{"age":"age1…","secret":"<base64>"},…],"signing_key":"<base64>","v":1}
enum SecretsJSON {
    static func encode(_ secrets: IdentitySecrets) throws -> SecureBytes {
        var parts: [Part] = [.text("{\"encryption_keys\":[")]
        let keys = try secrets.encryptionKeys.map { (recipient: try RecipientKey(bytes: $0.key).string, secret: $0.value) }
            .sorted { $0.recipient < $1.recipient }
        for (index, key) in keys.enumerated() {
            parts += [.text((index > 0 ? "," : "") + "{\"age\":\"\(key.recipient)\",\"secret\":\""), .secret(key.secret), .text("\"}")]
        }
        parts += [.text("],\"signing_key\":\""), .secret(secrets.signingKey), .text("\",\"v\":1}")]
        let out = try SecureBytes(count: parts.reduce(0) { $0 + $1.length })
        var offset = 0
        for part in parts { offset += try part.write(into: out, at: offset) }
        return out
    }

    enum Part {
        case text(String)
        case secret(SecureBytes)

        var length: Int {
            switch self {
            case .text(let text): return text.utf8.count
            case .secret(let secret): return (secret.count + 2) / 3 * 4
            }
        }

        /// Writes the text, or the secret as padded base64, without a copy in ordinary memory.
        func write(into out: SecureBytes, at offset: Int) throws -> Int {
            switch self {
            case .text(let text):
                let bytes = Array(text.utf8)
                out.withMutableBytes { $0.baseAddress.map { ($0 + offset).copyMemory(from: bytes, byteCount: bytes.count) } }
            case .secret(let secret):
                // sodium_bin2base64 writes a terminating NUL, so encode into a scratch buffer one longer.
                let scratch = try SecureBytes(count: length + 1)
                scratch.mutableBytePointer.withMemoryRebound(to: CChar.self, capacity: length + 1) { text in
                    _ = sodium_bin2base64(text, length + 1, secret.bytePointer, secret.count, sodium_base64_VARIANT_ORIGINAL)
                }
                out.withMutableBytes { $0.baseAddress.map { ($0 + offset).copyMemory(from: scratch.bytePointer, byteCount: length) } }
            }
            return length
        }
    }

    /// Nil when the plaintext is not a well-formed secrets object.
    static func decode(_ plaintext: SecureBytes) throws -> IdentitySecrets? {
        let object = plaintext.withBytes { bytes in
            (try? JSON.object(bytes.assumingMemoryBound(to: UInt8.self), line: 1))?.values
        }
        guard let object, object["v"] as? Int64 == 1, let signing = try secret(object["signing_key"], count: 64),
              let list = object["encryption_keys"] as? [[String: Any]] else { return nil }
        var keys = [[UInt8]: SecureBytes]()
        for entry in list {
            guard let text = entry["age"] as? String, let publicKey = try? RecipientKey(parsing: text),
                  let secret = try secret(entry["secret"], count: publicKey.kind.secretLength) else { return nil }
            keys[publicKey.bytes] = secret
        }
        return IdentitySecrets(signingKey: signing, encryptionKeys: keys)
    }

    private static func secret(_ value: Any?, count: Int) throws -> SecureBytes? {
        guard let text = value as? String, var bytes = Base64.decode(text) else { return nil }
        guard bytes.count == count else { Sodium.wipe(&bytes); return nil }
        return try SecureBytes(consuming: &bytes)
    }
}
