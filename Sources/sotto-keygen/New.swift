import ArgumentParser
import SottoCLI
import SottoCore

extension KeygenCommand {
    struct New: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an identity: identity key, first encryption keys (post-quantum and X25519), mailbox address.",
            discussion: "The first identity becomes the default. The first identity also sets the keyring passphrase, unless --no-passphrase.")

        @Argument(help: "The identity's name (letters, digits, '.', '_', '-').")
        var name: String

        @Flag(help: "Store the keyring without a passphrase (protected by file permissions only).")
        var noPassphrase = false

        @Option(help: ArgumentHelp("Default time to live of messages this identity seals (e.g. 7d, 12h, never).", valueName: "DURATION"))
        var ttl: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            try Names.validate(name, what: "identity name")
            let ttlValue = try ttl.map { try Time.duration($0, option: "--ttl") }
            if let seconds = ttlValue ?? nil { try SettingBounds.check(seconds, SettingBounds.ttl, "--ttl") }
            // A new keyring's passphrase is read before anything is created, so a missing one leaves nothing behind.
            let fresh = !keyring.home.home.exists
            let passphrase = fresh && !noPassphrase ? try keyring.passphrase.newPassphrase() : nil
            let store = try keyring.open(create: true)
            if !store.isInitialized {
                try store.initialize(passphrase: noPassphrase ? nil : passphrase ?? keyring.passphrase.newPassphrase())
            } else {
                if noPassphrase && store.isProtected {
                    Diagnostics.warning("--no-passphrase ignored: this keyring already has a passphrase")
                }
                try store.unlock()
            }
            var identity = try store.createIdentity(name: name)
            if let ttlValue {
                try store.setDefaultTTL(name, ttl: ttlValue)
                identity = try store.identity(named: name)
            }
            try Output.record(identity.record)
        }
    }
}
