/// An encryption key certified by an identity for a validity window. A
/// rotation certifies one key of each kind (X25519, and the post-quantum
/// hybrid) with the same window; the key's length tells its kind, so the
/// certificate needs no field for it.
public struct CertifiedKey: Equatable, Sendable {
    public var key: RecipientKey
    public var publicKey: [UInt8] { key.bytes }
    public var notBefore: Int64
    /// Nil while the key is current; set when rotation retires it.
    public var notAfter: Int64?
    public var certificate: [UInt8]

    static func certificateMessage(identity: [UInt8], key: [UInt8], notBefore: Int64, notAfter: Int64?) -> [UInt8] {
        Array("sotto/1 key certificate\n".utf8) + identity + key + Wire.u64(notBefore) + Wire.u64(notAfter ?? 0)
    }

    static func certify(key: RecipientKey, notBefore: Int64, notAfter: Int64?, identity: [UInt8], signingKey: SecureBytes) -> CertifiedKey {
        let message = certificateMessage(identity: identity, key: key.bytes, notBefore: notBefore, notAfter: notAfter)
        return CertifiedKey(key: key, notBefore: notBefore, notAfter: notAfter,
                            certificate: Ed25519.sign(message, secretKey: signingKey))
    }

    func verify(identity: [UInt8]) -> Bool {
        Ed25519.verify(certificate, Self.certificateMessage(identity: identity, key: publicKey, notBefore: notBefore, notAfter: notAfter),
                       publicKey: identity)
    }

    public var ageRecipient: String { key.string }
}

/// The public, self-signed form of an identity that people exchange.
public struct Card: Equatable, Sendable {
    public var name: String
    public var identityKey: [UInt8]
    public var mailbox: String
    public var keys: [CertifiedKey]
    public var signature: [UInt8]

    static func signingMessage(name: String, identityKey: [UInt8], mailbox: String, keys: [CertifiedKey]) -> [UInt8] {
        var message = Array("sotto/1 card\n".utf8) + identityKey
        message += Wire.lengthPrefixed16(Array(name.utf8)) + Wire.lengthPrefixed16(Array(mailbox.utf8))
        message += Wire.u16(keys.count)
        for key in keys {
            message += key.publicKey + Wire.u64(key.notBefore) + Wire.u64(key.notAfter ?? 0) + key.certificate
        }
        return message
    }

    static func make(name: String, identityKey: [UInt8], mailbox: String, keys: [CertifiedKey], signingKey: SecureBytes) -> Card {
        let message = signingMessage(name: name, identityKey: identityKey, mailbox: mailbox, keys: keys)
        return Card(name: name, identityKey: identityKey, mailbox: mailbox, keys: keys,
                    signature: Ed25519.sign(message, secretKey: signingKey))
    }

    /// Checks the self-signature and every key certificate.
    public func verify() throws {
        guard identityKey.count == Ed25519.publicKeyLength, !keys.isEmpty else {
            throw SottoError(.malformed, "card is incomplete: it needs an identity key and at least one encryption key")
        }
        guard Ed25519.verify(signature, Self.signingMessage(name: name, identityKey: identityKey, mailbox: mailbox, keys: keys),
                             publicKey: identityKey) else {
            throw SottoError(.malformed, "card signature does not verify", hints: ["the card was altered or is not self-signed by its identity"])
        }
        var seen = Set<[UInt8]>()
        for key in keys {
            let named = "key \(key.ageRecipient.prefix(16))…"
            guard key.verify(identity: identityKey) else { throw SottoError(.malformed, "certificate of \(named) does not verify") }
            guard seen.insert(key.publicKey).inserted else { throw SottoError(.malformed, "the card lists \(named) twice") }
            if let end = key.notAfter, end <= key.notBefore { throw SottoError(.malformed, "\(named) ends before it starts") }
            guard key.key.acceptsSealing else { throw SottoError(.malformed, "nothing can be sealed to \(named): it is not a usable public key") }
        }
    }

    public var fingerprint: String { Fingerprint.of(identityKey) }

    /// When its newest key took effect: a card with a later one is newer.
    var latestNotBefore: Int64 { keys.map(\.notBefore).max() ?? 0 }

    /// The key of `kind` to seal to at `now`: of those still valid then, the
    /// one that took effect last. A key certified without an end (as sotto 0.1
    /// did for current keys) is valid until it is re-certified with one.
    public func currentKey(at now: Int64, kind: KeyKind = .classical) -> CertifiedKey? {
        keys.filter { $0.key.kind == kind && $0.notAfter.map { $0 > now } ?? true }.max { $0.notBefore < $1.notBefore }
    }

    /// The current X25519 key: what age users without post-quantum support seal to.
    public var currentKey: CertifiedKey? { currentKey(at: Time.now()) }

    /// The current post-quantum hybrid key; nil on a card made before sotto
    /// certified them, or once it lapsed.
    public var currentHybridKey: CertifiedKey? { currentKey(at: Time.now(), kind: .postQuantum) }

    /// The current key of every kind, as a message's card carries them.
    public func currentKeys(at now: Int64) -> [CertifiedKey] { KeyKind.allCases.compactMap { currentKey(at: now, kind: $0) } }

    /// When the last of its keys stopped being valid, once none is.
    public var lapsedAt: Int64? {
        guard currentKey == nil else { return nil }
        return keys.compactMap(\.notAfter).max()
    }
}

public enum Fingerprint {
    public static func of(_ identityKey: [UInt8]) -> String {
        Hex.encode(BLAKE2b.hash(Array("sotto/1 fingerprint\n".utf8) + identityKey, length: 32))
    }

    /// The safety number two parties compare: 60 digits, the same on both sides.
    public static func safetyNumber(_ a: [UInt8], _ b: [UInt8]) -> String {
        [digits(a), digits(b)].sorted().joined()
    }

    static func digits(_ key: [UInt8]) -> String {
        var h = Array("sotto/1 safety number\n".utf8) + key
        for _ in 0..<5200 { h = BLAKE2b.hash(h + key, length: 64) }
        return (0..<6).map { group in
            let value = h[(group * 5)..<(group * 5 + 5)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } % 100_000
            let text = String(value)
            return String(repeating: "0", count: 5 - text.count) + text
        }.joined()
    }

    /// 60 digits as three lines of four groups of five.
    public static func display(_ number: String) -> [String] {
        let chars = Array(number)
        let groups = stride(from: 0, to: chars.count, by: 5).map { String(chars[$0..<min($0 + 5, chars.count)]) }
        return stride(from: 0, to: groups.count, by: 4).map { groups[$0..<min($0 + 4, groups.count)].joined(separator: " ") }
    }
}
