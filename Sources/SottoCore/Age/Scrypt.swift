import Synchronization

/// age's passphrase identity (scrypt stanzas), for opening such files. The
/// passphrase is asked for only when a file has an scrypt stanza, once.
public final class ScryptIdentity: AgeIdentity, Sendable {
    static let stanzaType = "scrypt"
    private let source: @Sendable () throws -> SecureBytes
    private let asked = Mutex<SecureBytes?>(nil)
    /// 2^22 needs 4 GiB with r = 8; anything above is refused unread.
    public static let maxLogN = 22

    public init(passphrase: SecureBytes) { source = { passphrase } }

    /// A passphrase from `source`, read the first time a file needs it.
    public init(source: @escaping @Sendable () throws -> SecureBytes) { self.source = source }

    private var passphrase: SecureBytes {
        get throws {
            try asked.withLock { known in
                if let known { return known }
                let read = try source()
                known = read
                return read
            }
        }
    }

    public func unwrap(_ stanzas: [Stanza]) throws -> SecureBytes? {
        guard let stanza = stanzas.first(where: { $0.type == Self.stanzaType }) else { return nil }
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
        let wrapKey = try KDF.scrypt(passphrase: try passphrase, salt: Array("age-encryption.org/v1/scrypt".utf8) + salt, logN: logN)
        return try ChaChaPoly.unwrap(key: wrapKey, body: stanza.body)
    }
}
