internal import CSodium

/// HMAC-SHA-256 and HKDF-SHA-256 (RFC 5869), built on libsodium's
/// crypto_auth_hmacsha256, which accepts keys of any length.
enum HMAC {
    static func sha256(key: UnsafeRawBufferPointer, _ parts: [UnsafeRawBufferPointer]) -> [UInt8] {
        var state = crypto_auth_hmacsha256_state()
        if let base = key.baseAddress, key.count > 0 {
            crypto_auth_hmacsha256_init(&state, base.assumingMemoryBound(to: UInt8.self), key.count)
        } else {
            // HMAC pads keys with zeros to the block size: an empty key is all zeros.
            crypto_auth_hmacsha256_init(&state, [UInt8](repeating: 0, count: 32), 32)
        }
        for part in parts {
            guard let base = part.baseAddress, part.count > 0 else { continue }
            crypto_auth_hmacsha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(part.count))
        }
        var out = [UInt8](repeating: 0, count: 32)
        crypto_auth_hmacsha256_final(&state, &out)
        return out
    }

    static func sha256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        key.withUnsafeBytes { k in message.withUnsafeBytes { m in sha256(key: k, [m]) } }
    }

    /// HKDF-SHA-256 with a 32-byte output, the only length age and sotto use.
    static func hkdf(ikm: UnsafeRawBufferPointer, salt: [UInt8], info: [UInt8]) throws -> SecureBytes {
        var prk = salt.withUnsafeBytes { sha256(key: $0, [ikm]) }
        defer { Sodium.wipe(&prk) }
        var okm = prk.withUnsafeBytes { key in
            info.withUnsafeBytes { i in [UInt8](arrayLiteral: 1).withUnsafeBytes { one in sha256(key: key, [i, one]) } }
        }
        return try SecureBytes(consuming: &okm)
    }

    static func hkdf(ikm: SecureBytes, salt: [UInt8], info: String) throws -> SecureBytes {
        try ikm.withBytes { try hkdf(ikm: $0, salt: salt, info: Array(info.utf8)) }
    }
}
