/// The sotto stanza: `-> sotto/v2 <signed|anonymous> <expires|never>` with a
/// 16-byte random body. Authenticated by the header MAC, ignored by age.
public struct SottoStanza: Equatable, Sendable {
    public static let type = "sotto/v2"
    public var signed: Bool
    public var expiresAt: Int64?

    var stanza: Stanza {
        Stanza(type: Self.type, arguments: [signed ? "signed" : "anonymous", expiresAt.map(String.init) ?? "never"],
               body: Sodium.random(16))
    }

    /// The expiry a store reads from a header without a key. A stanza of
    /// another sotto version declares nothing this one can read: the envelope
    /// is kept as a plain age file is, for the sotto that can open it.
    static func declaredExpiry(in header: Header) throws -> Int64? {
        guard !header.stanzas.contains(where: { $0.type.hasPrefix("sotto/") && $0.type != type }) else { return nil }
        return try find(in: header)?.expiresAt
    }

    /// The sotto stanza of a header, nil for a plain age file.
    static func find(in header: Header) throws -> SottoStanza? {
        // Another version's stanza means another payload framing: reading it
        // as this one would report a sound message as forged.
        if let other = header.stanzas.first(where: { $0.type.hasPrefix("sotto/") && $0.type != type }) {
            throw SottoError(.unsupported, "unsupported format version: the envelope is \(other.type), this sotto reads \(type)",
                             hints: [other.type == "sotto/v1" ? "it was sealed by sotto 0.1; ask the sender to seal it again with a current sotto"
                                                              : "it was sealed by a newer sotto; upgrade to open it"])
        }
        let found = header.stanzas.filter { $0.type == type }
        guard let stanza = found.first else { return nil }
        guard found.count == 1 else { throw SottoError(.malformed, "envelope has more than one sotto stanza") }
        guard stanza.arguments.count == 2, ["signed", "anonymous"].contains(stanza.arguments[0]), stanza.body.count == 16 else {
            throw SottoError(.malformed, "malformed sotto stanza")
        }
        let expiry = stanza.arguments[1]
        var expiresAt: Int64?
        if expiry != "never" {
            guard expiry == "0" || expiry.utf8.first != UInt8(ascii: "0"), !expiry.isEmpty,
                  expiry.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(expiry), value <= Time.range.upperBound else {
                throw SottoError(.malformed, "malformed expiry in the sotto stanza")
            }
            expiresAt = value
        }
        return SottoStanza(signed: stanza.arguments[0] == "signed", expiresAt: expiresAt)
    }
}
