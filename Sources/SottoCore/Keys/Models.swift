/// One of my identities, as stored (public parts only).
public struct IdentityInfo: Sendable {
    public var name: String
    public var publicKey: [UInt8]
    public var mailbox: String
    public var createdAt: Int64
    public var isDefault: Bool
    public var card: Card
    /// The default time to live of messages sealed by this identity; nil is never.
    public var defaultTTL: Int64?
    /// Set once the identity was revoked: it signs nothing more.
    public var revocation: Revocation? = nil

    public var fingerprint: String { Fingerprint.of(publicKey) }
}

/// Someone I can seal to: a sotto contact with a verified card, or a bare age recipient.
public struct ContactInfo: Sendable {
    public enum Kind: Sendable {
        case sotto(Card)
        case age(RecipientKey)
    }

    public var name: String
    public var kind: Kind
    public var verified: Bool
    public var blocked: Bool
    /// The contact's own revocation of their identity, and when I learned of it.
    public var revocation: Revocation? = nil
    public var revocationKnownAt: Int64? = nil

    public var card: Card? { if case .sotto(let card) = kind { return card }; return nil }
    public var fingerprint: String? { card?.fingerprint }
    public var mailbox: String? { card?.mailbox }

    /// The classical key to seal to now.
    public var recipient: RecipientKey? {
        switch kind {
        case .sotto(let card): return card.currentKey?.key
        case .age(let recipient): return recipient
        }
    }

    /// The post-quantum key to seal to now, when their card certifies one.
    public var hybridRecipient: RecipientKey? { card?.currentHybridKey?.key }
}

/// A resolved recipient: the key to wrap to, the label to show, and the mailbox to deliver to.
public struct ResolvedRecipient: Sendable {
    public var label: String
    public var key: RecipientKey
    /// The identity's post-quantum key, when it has one: sealing uses it when
    /// every recipient of the message has one (`PostQuantum.choose`).
    public var hybrid: RecipientKey?
    public var mailbox: String?
    /// The fingerprint of the sotto identity that owns the key; nil for a bare age recipient.
    public var identity: String?

    public init(label: String, key: RecipientKey, hybrid: RecipientKey? = nil, mailbox: String?, identity: String?) {
        self.label = label
        self.key = key
        self.hybrid = hybrid
        self.mailbox = mailbox
        self.identity = identity
    }

    public var addressee: Addressee { Addressee(key, identity: identity) }
}

/// A decryption key I hold, with the identity it belongs to.
public struct OwnedKey {
    public var identity: String
    public var key: DecryptionKey
}

public enum Names {
    /// Petnames and identity names: letters, digits, '.', '_' and '-', up to 64.
    public static func validate(_ name: String, what: String = "name") throws {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed, !RecipientKey.looksLike(name), !name.hasPrefix("-") else {
            throw SottoError(.usage, "invalid \(what) '\(name)'", hints: ["use letters, digits, '.', '_' and '-' (at most 64), not starting with age1 or -"])
        }
    }
}
