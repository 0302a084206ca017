/// The kinds of age key sotto seals to and opens with. Everything that
/// differs between kinds lives here and in the kind's stanza file; the rest
/// of sotto handles `RecipientKey` and `DecryptionKey` alone.
public enum KeyKind: String, CaseIterable, Sendable {
    case x25519
    /// age's post-quantum hybrid: ML-KEM-768 with X25519 (X-Wing).
    case mlkem768x25519

    /// The kind new keys get.
    public static let standard = KeyKind.x25519
    /// The kind every age reads: each identity keeps a current key of it.
    public static let classical = KeyKind.x25519
    /// The kind sotto users seal to each other with.
    public static let postQuantum = KeyKind.mlkem768x25519

    public var isPostQuantum: Bool { self == .postQuantum }

    /// The Bech32 prefix of the recipient string.
    var recipientPrefix: String {
        switch self {
        case .x25519: "age"
        case .mlkem768x25519: "age1pq"
        }
    }

    /// The Bech32 prefix of the secret key string (written in upper case).
    var secretPrefix: String {
        switch self {
        case .x25519: "AGE-SECRET-KEY-"
        case .mlkem768x25519: "AGE-SECRET-KEY-PQ-"
        }
    }

    var publicKeyLength: Int {
        switch self {
        case .x25519: X25519Stanza.publicKeyLength
        case .mlkem768x25519: HybridStanza.publicKeyLength
        }
    }

    var secretLength: Int {
        switch self {
        case .x25519: X25519Stanza.secretLength
        case .mlkem768x25519: HybridStanza.secretLength
        }
    }

    /// The type of the stanza that wraps a file key to a key of this kind.
    var stanzaType: String {
        switch self {
        case .x25519: X25519Stanza.type
        case .mlkem768x25519: HybridStanza.type
        }
    }

    var labels: Set<String> {
        switch self {
        case .x25519: []
        case .mlkem768x25519: ["postquantum"]
        }
    }

    func publicKey(of secret: SecureBytes) throws -> [UInt8] {
        switch self {
        case .x25519: try X25519Stanza.publicKey(of: secret)
        case .mlkem768x25519: try HybridStanza.publicKey(of: secret)
        }
    }

    func wrap(_ fileKey: SecureBytes, to publicKey: [UInt8]) throws -> [Stanza] {
        switch self {
        case .x25519: [try X25519Stanza.wrap(fileKey, to: publicKey)]
        case .mlkem768x25519: [try HybridStanza.wrap(fileKey, to: publicKey)]
        }
    }

    /// What a decryption key keeps beside its secret to unwrap with: for a
    /// hybrid key, its expanded private key.
    func expand(_ secret: SecureBytes) throws -> HybridStanza.ExpandedKey? {
        switch self {
        case .x25519: nil
        case .mlkem768x25519: try HybridStanza.ExpandedKey(secret)
        }
    }

    func unwrap(_ stanzas: [Stanza], secret: SecureBytes, expanded: HybridStanza.ExpandedKey?, publicKey: [UInt8]) throws -> SecureBytes? {
        switch self {
        case .x25519:
            for stanza in stanzas where stanza.type == X25519Stanza.type {
                if let fileKey = try X25519Stanza.unwrap(stanza, secret: secret, publicKey: publicKey) { return fileKey }
            }
            return nil
        case .mlkem768x25519:
            guard let expanded else { return nil }
            for stanza in stanzas where stanza.type == HybridStanza.type {
                if let fileKey = try HybridStanza.unwrap(stanza, key: expanded) { return fileKey }
            }
            return nil
        }
    }

    /// The kind whose stored public keys have this length.
    static func of(publicKeyLength length: Int) -> KeyKind? { allCases.first { $0.publicKeyLength == length } }
}
