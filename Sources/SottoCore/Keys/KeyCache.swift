internal import CLinux
import Glibc

/// The keyring key, kept for a while in the kernel's session keyring
/// (keyrings(7)) by `sotto-keygen unlock`, so that a person does not type
/// the passphrase for every command. No daemon, no file, no environment:
/// the kernel holds it, only processes of the same session can read it, and
/// it expires by itself. Each entry is bound to one keyring: its home's real
/// path and its salt, so a passphrase change or an erasure leaves nothing a
/// later keyring would take.
enum KeyCache {
    static let type = "user"
    private static let sessionKeyring: Int32 = -3  // KEY_SPEC_SESSION_KEYRING
    private static let userSessionKeyring: Int32 = -5  // KEY_SPEC_USER_SESSION_KEYRING

    /// Where to keep a key: the session keyring when this login has one of
    /// its own. Without one, adding to "the session keyring" would make the
    /// kernel join a new, anonymous one for this process alone, gone when it
    /// exits; so the key goes to the user-session keyring, which the kernel
    /// searches in that case (and which every process of the user shares).
    private static var target: Int32 {
        let session = sotto_keyring_id(sessionKeyring), userSession = sotto_keyring_id(userSessionKeyring)
        return session >= 0 && session != userSession ? sessionKeyring : userSessionKeyring
    }

    /// The entry's description for the keyring in `home` with this salt.
    static func description(home: Home, salt: [UInt8]) -> String {
        let resolved = realpath(home.path, nil).map { pointer in defer { free(pointer) }; return String(cString: pointer) } ?? home.path
        let hash = SHA256()
        hash.update("sotto/2 key cache\n")
        hash.update(Array(resolved.utf8) + [0] + salt)
        return "sotto:" + Hex.encode(Array(hash.finalize().prefix(16)))
    }

    /// Keeps `key` for `seconds`, replacing an entry of the same description.
    static func store(_ key: SecureBytes, description: String, seconds: Int) throws {
        let id = key.withBytes { sotto_add_key(type, description, $0.baseAddress, $0.count, target) }
        guard id >= 0 else {
            throw SottoError(.unavailable, "cannot keep the key in the session keyring: \(String(cString: strerror(errno)))",
                             hints: ["the kernel's key retention service (keyrings(7)) is needed; without it, give the passphrase to each command"])
        }
        guard sotto_restrict_key(id) == 0, sotto_set_key_timeout(id, UInt32(seconds)) == 0 else {
            let code = errno
            _ = sotto_invalidate_key(id)
            throw SottoError(.unavailable, "cannot limit the kept key: \(String(cString: strerror(code)))")
        }
        // Never say "unlocked" for a key the next command would not find.
        guard load(description: description) != nil else {
            _ = sotto_invalidate_key(id)
            throw SottoError(.unavailable, "the kept key cannot be found again from this session",
                             hints: ["`keyctl show @s` shows this session's keyring; give the passphrase to each command instead"])
        }
    }

    /// The kept key, if there is one this session can read.
    static func load(description: String) -> SecureBytes? {
        let id = sotto_search_key(sessionKeyring, type, description)
        guard id >= 0, let key = try? SecureBytes(count: 32) else { return nil }
        let n = key.withMutableBytes { sotto_read_key(id, $0.baseAddress, $0.count) }
        return n == 32 ? key : nil
    }

    /// Forgets the entry; true when there was one.
    @discardableResult
    static func drop(description: String) -> Bool {
        let id = sotto_search_key(sessionKeyring, type, description)
        return id >= 0 && sotto_invalidate_key(id) == 0
    }
}
