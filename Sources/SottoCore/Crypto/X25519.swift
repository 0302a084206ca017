internal import CSodium

/// X25519 Diffie-Hellman (RFC 7748).
enum X25519 {
    static let keyLength = 32

    static func publicKey(of secret: SecureBytes) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_curve25519_base(&out, secret.bytePointer) == 0 else {
            throw SottoError(.internal, "x25519 base point multiplication failed")
        }
        return out
    }

    /// The shared secret, or nil when it is all zeros (a low-order point),
    /// which age requires the recipient to reject.
    static func sharedSecret(_ secret: SecureBytes, _ peer: [UInt8]) throws -> SecureBytes? {
        guard peer.count == 32 else { return nil }
        let shared = try SecureBytes(count: 32)
        let status = crypto_scalarmult_curve25519(shared.mutableBytePointer, secret.bytePointer, peer)
        if status != 0 || shared.withBytes({ Sodium.isZero($0) }) { return nil }
        return shared
    }
}
