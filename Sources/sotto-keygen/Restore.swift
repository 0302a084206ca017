import FoundationEssentials
import Glibc
import SottoCLI
import SottoCore

/// Restores the keyring part of an export stream in one transaction: every
/// secret is opened before anything is stored, so a wrong export passphrase
/// (77) or a bad record leaves the home as it was; a keyring (and home) the
/// restore created is removed again when it fails.
struct Restore {
    let stream: ImportStream
    let keyring: KeyringOptions
    let exportPassphrase: ExportPassphraseOptions
    let noPassphrase: Bool

    func run() throws -> [[String: Any]] {
        let unsealer = ExportUnsealer(passphrase: exportPassphrase.source)
        let secrets = try stream.identities.map {
            try unsealer.open($0.secrets, identityKey: $0.card.identityKey, name: $0.card.name)
        }
        try authenticate(unsealer, passphraseProven: !secrets.isEmpty)
        // Nothing to restore (only envelopes or messages, say): touch nothing, not even the home.
        guard !(stream.identities.isEmpty && stream.cards.isEmpty && stream.contacts.isEmpty && stream.groups.isEmpty
                && stream.settings.isEmpty && stream.revocations.isEmpty) else { return [] }
        let needsKeys = !stream.identities.isEmpty
        let existing = keyring.home.home.exists ? try keyring.open() : nil
        if needsKeys, let existing, existing.isInitialized {
            if noPassphrase && existing.isProtected {
                Diagnostics.warning("--no-passphrase ignored: this keyring already has a passphrase")
            }
            try existing.unlock()
        }
        // A new keyring's passphrase is asked before the home is created.
        let initial: SecureBytes?? = needsKeys && existing?.isInitialized != true
            ? .some(noPassphrase ? nil : try keyring.passphrase.newPassphrase()) : nil
        let home = keyring.home.home
        let homeExisted = FileManager.default.fileExists(atPath: home.path)
        let store = try existing ?? keyring.open(create: true)
        do {
            let records = try restore(into: store, initial: initial, secrets: secrets)
            if !stream.needsAuthentication, stream.contacts.contains(where: \.verified) {
                Diagnostics.warning("this export is not authenticated (it holds no secrets): its contacts were restored unverified")
            }
            return records
        } catch {
            if existing == nil {
                for file in Database.files(of: home.keyringPath) { unlink(file) }
                if !homeExisted { rmdir(home.path) }
            }
            throw error
        }
    }

    /// An export with secrets is authenticated whole: nothing is restored
    /// from one that was altered, cut or extended. One without (public cards
    /// only) cannot be: its contacts come in unverified.
    private func authenticate(_ unsealer: ExportUnsealer, passphraseProven: Bool) throws {
        guard stream.needsAuthentication else { return }
        guard let record = stream.authentication else {
            throw SottoError(.malformed, "this export is not authenticated: it has no authentication record",
                             hints: ["an export with secrets ends with one; this one was cut short, or made by an earlier sotto: export it again"])
        }
        if let secrets = stream.identities.first?.secrets {
            for key in ["kdf", "salt", "argon2"] where !JSON.sameValue(record.values[key], secrets.values[key]) {
                throw SottoError(.malformed, "line \(record.line): the export's authentication is not under the key of its secrets (\(key) differs)")
            }
        }
        try ExportAuthentication.verify(record, transcript: stream.transcript, unsealer: unsealer, passphraseProven: passphraseProven)
    }

    private func restore(into store: Keyring, initial: SecureBytes??, secrets: [IdentitySecrets]) throws -> [[String: Any]] {
        try store.atomically {
            if let initial { try store.initialize(passphrase: initial) }
            // A home in use keeps its default identity: the one the export had is the old home's choice.
            let keepsDefault = try !store.identities().isEmpty
            var records = [[String: Any]]()
            for (identity, secret) in zip(stream.identities, secrets) {
                let name = identity.card.name
                try store.restoreIdentity(card: identity.card, secrets: secret, isDefault: identity.isDefault && !keepsDefault,
                                          defaultTTL: identity.defaultTTL, createdAt: identity.createdAt)
                if let every = identity.rotateEvery { try store.setRotationInterval(name, every: every, kind: .malformed) }
                if let revocation = identity.revocation { try store.apply(revocation) }
                records.append(try store.identity(named: name).record)
            }
            for card in stream.cards { records.append(try store.importCard(card).record) }
            // Only an authenticated export speaks for the user: anything else (cards
            // with records around them, say) adds contacts, may block, and changes nothing else.
            let trusted = stream.needsAuthentication
            for contact in stream.contacts {
                let existing = try? store.contact(named: contact.name)
                let verified = trusted ? contact.verified : existing?.verified ?? false
                let blocked = trusted ? contact.blocked : (existing?.blocked ?? false) || contact.blocked
                var restored = try store.restoreContact(name: contact.name, kind: contact.kind, verified: verified, blocked: blocked)
                if let revocation = contact.revocation {
                    try store.apply(revocation)
                    restored = try store.contact(named: contact.name)
                }
                records.append(restored.record)
            }
            if !trusted, !(stream.groups.isEmpty && stream.settings.isEmpty) {
                Diagnostics.warning("this input is not an authenticated export: its groups and settings are not restored")
            }
            for group in stream.groups where trusted {
                try store.restoreGroup(group.name, members: group.members)
                records.append(ExportFormat.group(name: group.name, members: group.members))
            }
            for setting in stream.settings where trusted && !(keepsDefault && setting.name == "default_identity") {
                guard try apply(setting, to: store) else { continue }
                records.append(ExportFormat.setting(name: setting.name, value: setting.value))
            }
            return records
        }
    }

    /// Applies a setting record; false for a setting this sotto does not know.
    func apply(_ setting: (name: String, value: String, line: Int), to store: Keyring) throws -> Bool {
        switch setting.name {
        case "default_identity":
            try store.setDefault(setting.value)
        case "retention":
            guard let seconds = try? Time.duration(setting.value) else {
                throw SottoError(.malformed, "line \(setting.line): field \"value\" is not a duration")
            }
            try store.setRetention(seconds, kind: .malformed)
        default:
            Diagnostics.warning("line \(setting.line): unknown setting '\(setting.name)' skipped")
            return false
        }
        return true
    }
}
