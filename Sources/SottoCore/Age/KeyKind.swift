/// The kinds of age key sotto seals to and opens with. Everything that
/// differs between kinds lives here and in the kind's stanza file; the rest
/// of sotto handles `RecipientKey` and `DecryptionKey` alone.
public enum KeyKind: String, CaseIterable, Sendable {
    case x25519

    /// The kind new keys get.
    public static let standard = KeyKind.x25519

    /// The Bech32 prefix of the recipient string.
    var recipientPrefix: String {
        switch self {
        case .x25519: "age"
        }
    }

    /// The Bech32 prefix of the secret key string (written in upper case).
    var secretPrefix: String {
        switch self {
        case .x25519: "AGE-SECRET-KEY-"
        }
    }

    var publicKeyLength: Int {
        switch self {
        case .x25519: X25519Stanza.publicKeyLength
        }
    }

    var secretLength: Int {
        switch self {
        case .x25519: X25519Stanza.secretLength
        }
    }

    /// The type of the stanza that wraps a file key to a key of this kind.
    var stanzaType: String {
        switch self {
        case .x25519: X25519Stanza.type
        }
    }

    var labels: Set<String> {
        switch self {
        case .x25519: []
        }
    }

    func publicKey(of secret: SecureBytes) throws -> [UInt8] {
        switch self {
        case .x25519: try X25519Stanza.publicKey(of: secret)
        }
    }

    func wrap(_ fileKey: SecureBytes, to publicKey: [UInt8]) throws -> [Stanza] {
        switch self {
        case .x25519: [try X25519Stanza.wrap(fileKey, to: publicKey)]
        }
    }

    func unwrap(_ stanzas: [Stanza], secret: SecureBytes, publicKey: [UInt8]) throws -> SecureBytes? {
        switch self {
        case .x25519:
            for stanza in stanzas where stanza.type == X25519Stanza.type {
                if let fileKey = try X25519Stanza.unwrap(stanza, secret: secret, publicKey: publicKey) { return fileKey }
            }
            return nil
        }
    }

    /// The kind whose stored public keys have this length.
    static func of(publicKeyLength length: Int) -> KeyKind? { allCases.first { $0.publicKeyLength == length } }
}
