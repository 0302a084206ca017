/// Something that can wrap a file key into header stanzas.
public protocol AgeRecipient {
    func wrap(fileKey: SecureBytes) throws -> [Stanza]
}

/// Something that can unwrap a file key from a stanza addressed to it.
public protocol AgeIdentity {
    /// The file key, or nil when the stanza is not for this identity.
    /// Throws `AgeError.header` for a stanza of its type that is malformed.
    func unwrap(_ stanza: Stanza) throws -> SecureBytes?
}

public struct X25519Recipient: AgeRecipient, Hashable, Sendable {
    public let publicKey: [UInt8]
    static let info = "age-encryption.org/v1/X25519"

    public init(publicKey: [UInt8]) throws {
        guard publicKey.count == 32 else { throw SottoError(.malformed, "an x25519 key is 32 bytes") }
        self.publicKey = publicKey
    }

    /// Parses an `age1…` recipient string.
    public init(_ text: String) throws {
        guard let (hrp, data) = Bech32.decode(text), hrp == "age", data.count == 32 else {
            throw SottoError(.malformed, "not an age x25519 recipient: \(text.prefix(20))…")
        }
        try self.init(publicKey: data)
    }

    public var string: String { Bech32.encode(hrp: "age", data: publicKey) }

    public func wrap(fileKey: SecureBytes) throws -> [Stanza] {
        let ephemeral = try SecureBytes.random(count: 32)
        let share = try X25519.publicKey(of: ephemeral)
        guard let shared = try X25519.sharedSecret(ephemeral, publicKey) else {
            throw SottoError(.malformed, "recipient key is a low-order point")
        }
        let wrapKey = try HMAC.hkdf(ikm: shared, salt: share + publicKey, info: Self.info)
        return [Stanza(type: "X25519", arguments: [Base64.encode(share, padded: false)],
                       body: ChaChaPoly.wrap(key: wrapKey, secret: fileKey))]
    }
}

public final class X25519Identity: AgeIdentity, @unchecked Sendable {
    let secret: SecureBytes
    public let recipient: X25519Recipient

    public init(secret: SecureBytes) throws {
        guard secret.count == 32 else { throw SottoError(.malformed, "an x25519 secret is 32 bytes") }
        self.secret = secret
        recipient = try X25519Recipient(publicKey: X25519.publicKey(of: secret))
    }

    public static func generate() throws -> X25519Identity {
        try X25519Identity(secret: SecureBytes.random(count: 32))
    }

    /// Parses an `AGE-SECRET-KEY-1…` line. Nil for other key types
    /// (plugins, post-quantum) so callers can say which they skipped.
    public static func parse(_ text: String) throws -> X25519Identity? {
        guard text.uppercased().hasPrefix("AGE-SECRET-KEY-1") else { return nil }
        guard var (_, data) = Bech32.decode(text), data.count == 32 else {
            throw SottoError(.malformed, "malformed age identity")
        }
        return try X25519Identity(secret: SecureBytes(consuming: &data))
    }

    /// The `AGE-SECRET-KEY-1…` form. The returned string is ordinary memory:
    /// callers write it out and drop it.
    public var ageSecretKey: String {
        secret.withBytes { Bech32.encode(hrp: "AGE-SECRET-KEY-", data: Array($0), uppercase: true) }
    }

    public func unwrap(_ stanza: Stanza) throws -> SecureBytes? {
        guard stanza.type == "X25519" else { return nil }
        guard stanza.arguments.count == 1 else { throw AgeError.header("x25519 stanza needs exactly one argument") }
        guard let share = Base64.decode(stanza.arguments[0], padded: false), share.count == 32 else {
            throw AgeError.header("x25519 share is not 32 bytes of canonical base64")
        }
        guard stanza.body.count == 32 else { throw AgeError.header("x25519 stanza body is not 32 bytes") }
        guard let shared = try X25519.sharedSecret(secret, share) else {
            throw AgeError.header("x25519 share is a low-order point")
        }
        let wrapKey = try HMAC.hkdf(ikm: shared, salt: share + recipient.publicKey, info: X25519Recipient.info)
        return try ChaChaPoly.unwrap(key: wrapKey, body: stanza.body)
    }
}

/// age's passphrase identity (scrypt stanzas), for opening such files.
public final class ScryptIdentity: AgeIdentity, @unchecked Sendable {
    let passphrase: SecureBytes
    /// 2^22 needs 4 GiB with r = 8; anything above is refused unread.
    public static let maxLogN = 22

    public init(passphrase: SecureBytes) { self.passphrase = passphrase }

    public func unwrap(_ stanza: Stanza) throws -> SecureBytes? {
        guard stanza.type == "scrypt" else { return nil }
        guard stanza.arguments.count == 2 else { throw AgeError.header("scrypt stanza needs two arguments") }
        guard let salt = Base64.decode(stanza.arguments[0], padded: false), salt.count == 16 else {
            throw AgeError.header("scrypt salt is not 16 bytes of canonical base64")
        }
        let factor = stanza.arguments[1]
        guard let first = factor.utf8.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9"),
              factor.utf8.count <= 2, factor.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let logN = Int(factor) else {
            throw AgeError.header("scrypt work factor is not a decimal number")
        }
        guard logN <= Self.maxLogN else { throw AgeError.header("scrypt work factor 2^\(logN) is too high") }
        guard stanza.body.count == 32 else { throw AgeError.header("scrypt stanza body is not 32 bytes") }
        let wrapKey = try KDF.scrypt(passphrase: passphrase, salt: Array("age-encryption.org/v1/scrypt".utf8) + salt, logN: logN)
        return try ChaChaPoly.unwrap(key: wrapKey, body: stanza.body)
    }
}
