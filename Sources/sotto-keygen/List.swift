import ArgumentParser
import SottoCLI
import SottoCore

extension KeygenCommand {
    struct List: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "List identities, contacts and groups.",
            discussion: "Text on a terminal, JSON records otherwise (--json forces them).")

        @OptionGroup var keyring: KeyringOptions
        @OptionGroup var presentation: PresentationOptions

        func execute() throws {
            let store = try keyring.open()
            for identity in try store.identities() { try presentation.write(identity.record) }
            for contact in try store.contacts() { try presentation.write(contact.record) }
            for group in try store.groups() { try presentation.write(["type": "group", "name": group.name, "members": group.members]) }
        }
    }

    struct Card: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an identity's public card, one self-signed JSON line.",
            discussion: "An identity made before sotto 0.3 has no post-quantum key: it gets one first (a rotation, which needs the passphrase), so that the card handed out has one.")

        @Argument(help: "The identity (default: the default identity).")
        var name: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            var identity = try store.identity(named: name)
            if identity.card.currentHybridKey == nil, identity.revocation == nil, let upgraded = try store.rotate(identity.name) {
                Diagnostics.notice("gave '\(identity.name)' new encryption keys, a post-quantum one among them")
                identity = upgraded
            }
            if let revocation = identity.revocation {
                Diagnostics.warning("'\(identity.name)' was revoked at \(Time.rfc3339(revocation.revokedAt)): "
                                    + "nobody can seal to this card; hand out the revocation (sotto-keygen revoke prints it)")
            }
            try Output.record(identity.card.record)
        }
    }

    struct Default: SottoCommand {
        static let configuration = CommandConfiguration(abstract: "Make an identity the default, or set its default TTL.")

        @Argument(help: "The identity.")
        var name: String

        @Option(help: ArgumentHelp("Also set its default time to live (e.g. 7d, never).", valueName: "DURATION"))
        var ttl: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            if let ttl { try store.setDefaultTTL(name, ttl: try Time.duration(ttl, option: "--ttl")) }
            try store.setDefault(name)
            try Output.record(try store.identity(named: name).record)
        }
    }
}
