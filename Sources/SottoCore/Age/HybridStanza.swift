internal import Crypto
import FoundationEssentials

/// age's post-quantum hybrid stanza (c2sp.org/age): `-> mlkem768x25519
/// <enc>`, the file key sealed with HPKE under the X-Wing KEM (ML-KEM-768
/// and X25519), HKDF-SHA-256 and ChaCha20-Poly1305. The identity is a
/// 32-byte seed; the recipient, the 1,216-byte X-Wing public key.
enum HybridStanza {
    static let type = "mlkem768x25519"
    static let publicKeyLength = 1216
    static let secretLength = 32
    static let encapsulationLength = 1120
    /// Made per use: a global Data is a one-time allocation that LeakSanitizer reports.
    static var info: Data { Data("age-encryption.org/mlkem768x25519".utf8) }
    static let suite = HPKE.Ciphersuite(kem: .XWingMLKEM768X25519, kdf: .HKDF_SHA256, aead: .chaChaPoly)

    /// An identity's X-Wing private key, expanded from its seed once: the
    /// expansion costs about as much as a decapsulation, and opening tries
    /// every retained key on every hybrid stanza.
    final class ExpandedKey: @unchecked Sendable {
        let key: XWingMLKEM768X25519.PrivateKey
        var publicKey: [UInt8] { [UInt8](key.publicKey.rawRepresentation) }

        init(_ seed: SecureBytes) throws {
            do {
                key = try seed.withBytes { try XWingMLKEM768X25519.PrivateKey(seedRepresentation: Data($0), publicKey: nil) }
            } catch {
                throw SottoError(.malformed, "not a post-quantum age identity")
            }
        }
    }

    static func publicKey(of seed: SecureBytes) throws -> [UInt8] { try ExpandedKey(seed).publicKey }

    static func wrap(_ fileKey: SecureBytes, to publicKey: [UInt8]) throws -> Stanza {
        do {
            var sender = try HPKE.Sender(recipientKey: XWingMLKEM768X25519.PublicKey(rawRepresentation: publicKey),
                                         ciphersuite: suite, info: info)
            let body = try fileKey.withBytes { try sender.seal(Data($0)) }
            return Stanza(type: type, arguments: [Base64.encode([UInt8](sender.encapsulatedKey), padded: false)], body: [UInt8](body))
        } catch {
            throw SottoError(.malformed, "not a usable post-quantum recipient key")
        }
    }

    /// The file key, or nil when the stanza was sealed to another key.
    static func unwrap(_ stanza: Stanza, key: ExpandedKey) throws -> SecureBytes? {
        guard stanza.arguments.count == 1 else { throw AgeError.header("mlkem768x25519 stanza needs exactly one argument") }
        guard let enc = Base64.decode(stanza.arguments[0], padded: false), enc.count == encapsulationLength else {
            throw AgeError.header("mlkem768x25519 share is not 1120 bytes of canonical base64")
        }
        guard stanza.body.count == 32 else { throw AgeError.header("mlkem768x25519 stanza body is not 32 bytes") }
        var recipient: HPKE.Recipient
        do {
            recipient = try HPKE.Recipient(privateKey: key.key, ciphersuite: suite, info: info, encapsulatedKey: Data(enc))
        } catch {
            throw AgeError.header("mlkem768x25519 share is not a valid encapsulation")
        }
        // A stanza for another key fails to open: it is not for this identity.
        guard var fileKey = try? [UInt8](recipient.open(Data(stanza.body))) else { return nil }
        return try SecureBytes(consuming: &fileKey)
    }
}
