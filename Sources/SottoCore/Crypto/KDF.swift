internal import CArgon2
internal import CSodium

/// Passphrase key derivation: Argon2id (libargon2) for the keyring, scrypt
/// (libsodium) for age's passphrase stanzas.
public struct Argon2Parameters: Equatable, Sendable {
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    /// About 64 MiB and 3 passes: a few hundred milliseconds on a small machine.
    public static let standard = Argon2Parameters(memoryKiB: 64 * 1024, iterations: 3, parallelism: 1)

    /// Bounds a stored keyring must respect, so a tampered file can neither
    /// weaken the derivation nor make unlocking take hours or exhaust memory.
    public static let memoryRange: ClosedRange<UInt32> = 8 * 1024...4 * 1024 * 1024
    public static let iterationRange: ClosedRange<UInt32> = 1...16
    public static let parallelismRange: ClosedRange<UInt32> = 1...8

    public var isWithinBounds: Bool {
        Self.memoryRange.contains(memoryKiB) && Self.iterationRange.contains(iterations)
            && Self.parallelismRange.contains(parallelism)
    }
}

enum KDF {
    static func argon2id(passphrase: SecureBytes, salt: [UInt8], parameters p: Argon2Parameters) throws -> SecureBytes {
        guard p.isWithinBounds else { throw SottoError(.malformed, "argon2 parameters are out of bounds") }
        let key = try SecureBytes(count: 32)
        let status = argon2id_hash_raw(p.iterations, p.memoryKiB, p.parallelism,
                                       passphrase.bytePointer, passphrase.count, salt, salt.count,
                                       key.mutableBytePointer, 32)
        guard status == ARGON2_OK.rawValue else {
            let reason = String(cString: argon2_error_message(status)).lowercased()
            throw SottoError(.internal, "argon2id failed: \(reason)")
        }
        return key
    }

    static func scrypt(passphrase: SecureBytes, salt: [UInt8], logN: Int) throws -> SecureBytes {
        let key = try SecureBytes(count: 32)
        let status = crypto_pwhash_scryptsalsa208sha256_ll(passphrase.bytePointer, passphrase.count, salt, salt.count,
                                                           UInt64(1) << UInt64(logN), 8, 1, key.mutableBytePointer, 32)
        guard status == 0 else { throw SottoError(.internal, "scrypt failed (out of memory?)") }
        return key
    }
}
