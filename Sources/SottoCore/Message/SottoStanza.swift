/// The sotto stanza: `-> sotto/v1 <signed|anonymous> <expires|never>` with a
/// 16-byte random body. Authenticated by the header MAC, ignored by age.
public struct SottoStanza: Equatable, Sendable {
    public static let type = "sotto/v1"
    public var signed: Bool
    public var expiresAt: Int64?

    var stanza: Stanza {
        Stanza(type: Self.type, arguments: [signed ? "signed" : "anonymous", expiresAt.map(String.init) ?? "never"],
               body: Sodium.random(16))
    }

    /// The sotto stanza of a header, nil for a plain age file.
    static func find(in header: Header) throws -> SottoStanza? {
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
                  expiry.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(expiry) else {
                throw SottoError(.malformed, "malformed expiry in the sotto stanza")
            }
            expiresAt = value
        }
        return SottoStanza(signed: stanza.arguments[0] == "signed", expiresAt: expiresAt)
    }
}
