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
        case .wrongPassphrase: return "no passphrase given opens this age -p file"
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
            // A wrong passphrase, as for the keyring: 77.
            return SottoError(.locked, description, hints: [
                "check the passphrase (on the terminal, --age-passphrase-fd N, --age-passphrase-file FILE or SOTTO_AGE_PASSPHRASE); "
                    + "an age -p file opens only as the input (sotto-open FILE), never among envelope records",
            ])
        case .hmac, .payload: return SottoError(.refused, description)
        }
    }
}
