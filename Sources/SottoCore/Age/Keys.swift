import Synchronization

/// A public key to seal to: its kind and bytes; `age1…` as text.
public struct RecipientKey: AgeRecipient, Hashable, Sendable {
    public let kind: KeyKind
    public let bytes: [UInt8]
    /// The `age1…` text, kept: a post-quantum key's is 1,959 characters,
    /// and every signed message names each recipient's.
    public let string: String

    /// A key as stored or certified: the length tells the kind.
    public init(bytes: [UInt8]) throws {
        guard let kind = KeyKind.of(publicKeyLength: bytes.count) else {
            throw SottoError(.malformed, "not a public key of any known kind (\(bytes.count) bytes)")
        }
        self.kind = kind
        self.bytes = bytes
        string = Bech32.encode(hrp: kind.recipientPrefix, data: bytes)
    }

    public static func == (a: RecipientKey, b: RecipientKey) -> Bool { a.kind == b.kind && a.bytes == b.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    /// Parses the text form of any kind: the one entry point for recipient strings.
    public init(parsing text: String) throws {
        guard let (hrp, data) = Bech32.decode(text), let kind = KeyKind.allCases.first(where: { $0.recipientPrefix == hrp }) else {
            throw SottoError(.malformed, "not an age recipient: \(text.prefix(20))…")
        }
        guard data.count == kind.publicKeyLength else {
            throw SottoError(.malformed, "not an age \(kind.rawValue) recipient: \(text.prefix(20))…")
        }
        self.kind = kind
        bytes = data
        // Bech32 that decoded is the canonical text but for its case.
        string = text.lowercased()
    }

    /// Whether `text` is written as a recipient key rather than a name.
    public static func looksLike(_ text: String) -> Bool { text.hasPrefix("age1") }

    public var labels: Set<String> { kind.labels }

    public func wrap(fileKey: SecureBytes) throws -> [Stanza] { try kind.wrap(fileKey, to: bytes) }

    /// Whether a file key can be wrapped to it: not so for a low-order point,
    /// which a card may certify but no sender can seal to.
    var acceptsSealing: Bool { (try? SecureBytes.random(count: 16)).flatMap { try? wrap(fileKey: $0) } != nil }
}

/// A secret key that opens what was sealed to its `recipient`.
public final class DecryptionKey: AgeIdentity, @unchecked Sendable {
    let secret: SecureBytes
    /// A hybrid key's expanded private key (nil for X25519, and until first needed).
    private let expanded: Mutex<HybridStanza.ExpandedKey?>
    public let recipient: RecipientKey

    public init(kind: KeyKind = .standard, secret: SecureBytes) throws {
        guard secret.count == kind.secretLength else { throw SottoError(.malformed, "a \(kind.rawValue) secret is \(kind.secretLength) bytes") }
        self.secret = secret
        let expansion = try kind.expand(secret)
        expanded = Mutex(expansion)
        recipient = try RecipientKey(bytes: expansion?.publicKey ?? kind.publicKey(of: secret))
    }

    /// A secret the keyring vouches for: sealed under the keyring key and
    /// bound to this public key. A hybrid key's expansion, which costs about
    /// a decapsulation, waits for the first hybrid stanza it is tried on: a
    /// process that opens one message need not expand every retained key.
    init(authenticated secret: SecureBytes, of publicKey: RecipientKey) throws {
        guard secret.count == publicKey.kind.secretLength else { throw SottoError(.malformed, "a secret key does not match its public key") }
        self.secret = secret
        recipient = publicKey
        expanded = Mutex(nil)
    }

    /// A stored secret with the public key stored beside it; throws when they do not match.
    public convenience init(secret: SecureBytes, of publicKey: RecipientKey) throws {
        try self.init(kind: publicKey.kind, secret: secret)
        guard recipient == publicKey else { throw SottoError(.malformed, "a secret key does not match its public key") }
    }

    public static func generate(_ kind: KeyKind = .standard) throws -> DecryptionKey {
        try DecryptionKey(kind: kind, secret: SecureBytes.random(count: kind.secretLength))
    }

    /// Parses an `AGE-SECRET-KEY-…` line. Nil for kinds sotto does not know
    /// (plugins, post-quantum) so callers can say which they skipped.
    public static func parse(_ text: String) throws -> DecryptionKey? {
        let upper = text.uppercased()
        guard let kind = KeyKind.allCases.first(where: { upper.hasPrefix($0.secretPrefix + "1") }) else { return nil }
        // The decoded secret is held by `data` alone, so consuming it wipes the only copy.
        guard case (let hrp, var data)? = Bech32.decode(text), hrp.uppercased() == kind.secretPrefix, data.count == kind.secretLength else {
            throw SottoError(.malformed, "malformed age identity")
        }
        return try DecryptionKey(kind: kind, secret: SecureBytes(consuming: &data))
    }

    /// The `AGE-SECRET-KEY-…` form. The returned string is ordinary memory:
    /// callers write it out and drop it.
    public var ageSecretKey: String {
        secret.withBytes { Bech32.encode(hrp: recipient.kind.secretPrefix, data: Array($0), uppercase: true) }
    }

    public func unwrap(_ stanzas: [Stanza]) throws -> SecureBytes? {
        let kind = recipient.kind
        guard stanzas.contains(where: { $0.type == kind.stanzaType }) else { return nil }
        let expansion = try expanded.withLock { known throws -> HybridStanza.ExpandedKey? in
            if known == nil { known = try kind.expand(secret) }
            return known
        }
        return try kind.unwrap(stanzas, secret: secret, expanded: expansion, publicKey: recipient.bytes)
    }
}
