/// The failure classes of age decryption, as the conformance vectors name them.
public enum AgeError: Error, Equatable, CustomStringConvertible {
    case header(String)
    case noMatch
    /// No match for a file made with `age -p`: its one stanza is scrypt's.
    case wrongPassphrase
    case hmac
    case payload(String)
    case armor(String)

    public var description: String {
        switch self {
        case .header(let why): return "malformed age header: \(why)"
        case .noMatch: return "no identity matches any recipient of this file"
        case .wrongPassphrase: return "the passphrase does not open this age file"
        case .hmac: return "the age header failed authentication"
        case .payload(let why): return "payload failed authentication: \(why)"
        case .armor(let why): return "malformed armor: \(why)"
        }
    }

    /// As a sotto error: malformed structure is 65, a failed check is a refusal.
    public var sottoError: SottoError {
        switch self {
        case .header, .armor: return SottoError(.malformed, description)
        case .noMatch:
            return SottoError(.refused, description, hints: ["it was sealed to keys this keyring does not hold"])
        case .wrongPassphrase:
            return SottoError(.refused, description, hints: ["it was made with `age -p`: check the passphrase"])
        case .hmac, .payload: return SottoError(.refused, description)
        }
    }
}
