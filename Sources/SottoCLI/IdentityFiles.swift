import Glibc
import SottoCore

extension Opener {
    /// The opener of a command: the keyring of `options` (none needed when
    /// only identity files or an age passphrase are given), the -i files,
    /// the passphrase of `age -p` files, and notices on stderr.
    /// `keyringNeeded` is false for an `age -p` file, which no key opens:
    /// a locked keyring then asks for nothing.
    public static func forCommand(keyring options: KeyringOptions, identityFiles: [String], agePassphrase: AgePassphraseOptions? = nil,
                                  keyringNeeded: Bool = true, policy: SenderPolicy = SenderPolicy()) throws -> Opener {
        var identities = [AgeIdentity]()
        for path in identityFiles { identities += try readIdentityFile(path) }
        if let agePassphrase { identities.append(agePassphrase.identity) }
        let home = options.home.home
        let wanted = home.exists || (identityFiles.isEmpty && agePassphrase?.isOffered != true)
        let keyring = keyringNeeded && wanted ? try options.open() : nil
        let opener = try Opener(keyring: keyring, identities: identities, inbox: try Inbox.open(home, create: false),
                                policy: policy) { notice in
            notice.isWarning ? Diagnostics.warning(notice.description) : Diagnostics.notice(notice.description)
        }
        opener.removesTampered = true
        return opener
    }

    static func readIdentityFile(_ path: String) throws -> [AgeIdentity] {
        let fd = try Files.openForReading(path)
        defer { if fd != 0 { close(fd) } }
        var bytes = try Files.readAll(fd: fd)
        defer { bytes.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        var found = [AgeIdentity]()
        for (index, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let identity = try? DecryptionKey.parse(line) else {
                throw SottoError(.malformed, "\(path) line \(index + 1): not an AGE-SECRET-KEY-1... or AGE-SECRET-KEY-PQ-1... identity",
                                 hints: line.uppercased().hasPrefix("AGE-PLUGIN-") ? ["plugin identities are not supported"] : [])
            }
            found.append(identity)
        }
        guard !found.isEmpty else { throw SottoError(.malformed, "\(path) holds no identity") }
        return found
    }
}
