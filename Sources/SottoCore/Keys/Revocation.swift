/// A signed statement that an identity must no longer be trusted (its key
/// was lost or stolen), from a time on. It authenticates itself, so it
/// travels in any message, or as a file, like a card.
public struct Revocation: Equatable, Sendable {
    public static let recordType = "revocation"
    public var identityKey: [UInt8]
    public var revokedAt: Int64
    public var signature: [UInt8]

    static func message(identityKey: [UInt8], revokedAt: Int64) -> [UInt8] {
        Array("sotto/2 identity revocation\n".utf8) + identityKey + Wire.u64(revokedAt)
    }

    static func make(identityKey: [UInt8], revokedAt: Int64, signingKey: SecureBytes) -> Revocation {
        Revocation(identityKey: identityKey, revokedAt: revokedAt,
                   signature: Ed25519.sign(message(identityKey: identityKey, revokedAt: revokedAt), secretKey: signingKey))
    }

    init(identityKey: [UInt8], revokedAt: Int64, signature: [UInt8]) {
        self.identityKey = identityKey
        self.revokedAt = revokedAt
        self.signature = signature
    }

    /// Parses a revocation record; the caller verifies it.
    public init(fields: Fields) throws {
        guard try fields.optionalString("type") == Self.recordType else { throw fields.bad("type", "must be \"revocation\"") }
        identityKey = try fields.base64("identity")
        guard identityKey.count == 32 else { throw fields.bad("identity", "is not a 32-byte key") }
        guard let at = try fields.time("revoked_at") else { throw fields.bad("revoked_at", "is missing") }
        revokedAt = at
        signature = try fields.base64("signature")
    }

    public func verify() throws {
        guard Ed25519.verify(signature, Self.message(identityKey: identityKey, revokedAt: revokedAt), publicKey: identityKey) else {
            throw SottoError(.malformed, "revocation signature does not verify", hints: ["the revocation was altered, or is not signed by the identity it names"])
        }
    }

    public var fingerprint: String { Fingerprint.of(identityKey) }

    public var record: [String: Any] {
        ["type": Self.recordType, "identity": Base64.encode(identityKey), "revoked_at": Time.rfc3339(revokedAt),
         "signature": Base64.encode(signature)]
    }
}
