import ArgumentParser
import SottoCLI
import SottoCore

extension KeygenCommand {
    struct Import: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add contacts from cards or a bare age recipient, or restore an export.",
            discussion: """
                Reads card lines (the output of `sotto-keygen card`) or a line holding an age1... recipient. \
                A card whose signatures do not verify is refused (65) and nothing is stored. Importing a newer \
                card of a known contact picks up its rotated keys. Also reads revocation records (the output \
                of `sotto-keygen revoke`): the contact is revoked, as when a message brings the revocation.

                Also reads the output of `sotto-export --secrets` and restores its identities (with their \
                secret keys, asking for the export passphrase from --export-passphrase-fd, \
                --export-passphrase-file, SOTTO_EXPORT_PASSPHRASE or the terminal), contacts with their \
                petnames and verified and blocked marks, groups and settings, all in one transaction; \
                manifest, envelope and message records are passed over (`sotto-recv --input` restores the \
                envelopes). An empty home gets a new keyring, with a passphrase from the usual sources or \
                none with --no-passphrase. An identity without its secrets cannot be restored from its \
                public card (65); a wrong export passphrase is 77, and nothing is stored. An export with \
                secrets is authenticated whole: one changed in any way is refused (65). Input that is not an \
                authenticated export only adds contacts, unverified: their groups, settings and marks are \
                not taken (a block is).
                """)

        @Argument(help: "A file of cards or an export, or - for stdin.")
        var file: String = "-"

        @Option(help: ArgumentHelp("The petname to give the contact.", valueName: "PETNAME"))
        var name: String?

        @Flag(help: "When restoring identities into an empty home, store the keyring without a passphrase.")
        var noPassphrase = false

        @OptionGroup var exportPassphrase: ExportPassphraseOptions
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            if let name { try Names.validate(name, what: "contact name") }
            let fd = try Files.openForReading(file)
            let source = ByteReader(FileDescriptorSource(fd: fd))
            let start = try source.peek(4096).drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
            if start.starts(with: Array("age1".utf8)) {
                let text = String(decoding: try Files.readAll(reader: source), as: UTF8.self).trimmed
                let store = try keyring.open()
                guard let name else { throw SottoError(.usage, "a bare age recipient needs a petname: --name PETNAME") }
                try Output.record(try store.importAgeRecipient(RecipientKey(parsing: text), petname: name).record)
                return
            }
            let stream = try ImportStream(RecordReader(source))
            if stream.isExport {
                if name != nil { throw SottoError(.usage, "--name applies to a single card, not to an export") }
                let restored = try Restore(stream: stream, keyring: keyring, exportPassphrase: exportPassphrase,
                                           noPassphrase: noPassphrase).run()
                for record in restored { try Output.record(record) }
                return
            }
            let cards = stream.cards
            guard !cards.isEmpty || !stream.revocations.isEmpty else { throw SottoError(.malformed, "no card in the input") }
            if name != nil, cards.count > 1 { throw SottoError(.usage, "--name applies to a single card") }
            let store = try keyring.open()
            for card in cards { try card.verify() }
            let records = try store.atomically {
                try cards.map { try store.importCard($0, petname: name).record } + stream.revocations.map { try revoke($0, in: store) }
            }
            for record in records { try Output.record(record) }
        }

        /// A revocation from a file: it must name someone this keyring knows.
        func revoke(_ revocation: Revocation, in store: Keyring) throws -> [String: Any] {
            try store.apply(revocation)
            if let contact = try store.contact(identityKey: revocation.identityKey) { return contact.record }
            if let mine = try store.identities().first(where: { $0.publicKey == revocation.identityKey }) { return mine.record }
            throw SottoError(.notFound, "the revocation names an identity this keyring does not know (fingerprint \(revocation.fingerprint.prefix(16))…)")
        }
    }

    struct Fingerprint: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the safety number of you and a contact.",
            discussion: """
                Both sides compute the same 60 digits. Compare them in person or on a call, then run \
                `sotto-keygen verify CONTACT`. Text on a terminal, a JSON record otherwise (--json forces it).
                """)

        @Argument(help: "The contact.", completion: NameCompletion.contacts)
        var contact: String

        @Option(help: ArgumentHelp("Your identity (default: the default identity).", valueName: "NAME"))
        var identity: String?

        @OptionGroup var keyring: KeyringOptions
        @OptionGroup var presentation: PresentationOptions

        func execute() throws {
            let store = try keyring.open()
            let me = try store.identity(named: identity)
            let them = try store.contact(named: contact)
            guard let card = them.card else { throw SottoError(.usage, "'\(contact)' is a bare age recipient: there is no identity to compare") }
            let number = SottoCore.Fingerprint.safetyNumber(me.publicKey, card.identityKey)
            try presentation.write([
                "type": "safety_number", "identity": me.name, "contact": them.name,
                "safety_number": SottoCore.Fingerprint.display(number).joined(separator: " "),
                "fingerprint": card.fingerprint, "verified": them.verified,
            ])
        }
    }

    struct Verify: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a contact verified after comparing safety numbers.",
            discussion: """
                With --safety-number, the contact is marked only if the number matches (spaces ignored); \
                otherwise exit 1. Without it, the safety number is shown on the terminal and you are asked \
                whether the contact reads the same digits (y/N); with no terminal to ask on, \
                --safety-number is required (64).
                """)

        @Argument(help: "The contact.", completion: NameCompletion.contacts)
        var contact: String

        @Option(help: ArgumentHelp("The number the contact read to you.", valueName: "DIGITS"))
        var safetyNumber: String?

        @Option(help: ArgumentHelp("Your identity (default: the default identity).", valueName: "NAME"))
        var identity: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            let me = try store.identity(named: identity)
            guard let card = try store.contact(named: contact).card else {
                throw SottoError(.usage, "'\(contact)' is a bare age recipient: there is no identity to verify")
            }
            let expected = SottoCore.Fingerprint.safetyNumber(me.publicKey, card.identityKey)
            if let safetyNumber {
                guard safetyNumber.filter(\.isNumber) == expected else {
                    throw SottoError(.refused, "the safety number does not match; '\(contact)' stays unverified")
                }
            } else {
                guard try Terminal.confirm(
                    "Safety number of you and \(contact):\n" + SottoCore.Fingerprint.display(expected).map { "  " + $0 }.joined(separator: "\n")
                        + "\nDoes \(contact) read you the same 60 digits? [y/N] ",
                    noTerminal: SottoError(.usage, "there is no terminal to show the safety number on",
                                           hints: ["compare it with `sotto-keygen fingerprint \(contact)`, then give it with --safety-number"]))
                else {
                    throw SottoError(.refused, "not confirmed; '\(contact)' stays unverified")
                }
            }
            try store.setVerified(contact, true)
            try Output.record(try store.contact(named: contact).record)
        }
    }

    struct Block: SottoCommand {
        static let configuration = CommandConfiguration(abstract: "Block a contact: their messages are dropped by sotto-open.")
        @Argument(help: "The contact.", completion: NameCompletion.contacts) var contact: String
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            try store.setBlocked(contact, true)
            try Output.record(try store.contact(named: contact).record)
        }
    }

    struct Unblock: SottoCommand {
        static let configuration = CommandConfiguration(abstract: "Unblock a contact.")
        @Argument(help: "The contact.", completion: NameCompletion.contacts) var contact: String
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            try store.setBlocked(contact, false)
            try Output.record(try store.contact(named: contact).record)
        }
    }

    struct Group: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Define a named set of recipients, used as @NAME.",
            discussion: "Members are contacts, your identities, age1... keys or other @groups. Redefining a group replaces its members.")

        @Argument(help: "The group's name.") var name: String
        @Argument(help: "The members.", completion: NameCompletion.members) var members: [String]
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            try store.setGroup(name, members: members)
            try Output.record(["type": "group", "name": name, "members": members])
        }
    }

    struct Rename: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a contact or a group another name.",
            discussion: """
                Groups that name the contact (or the group) follow. An identity keeps its name: it is in the \
                card your contacts hold, and they keep their own name for you.
                """)

        @Argument(help: "The contact or @group.", completion: NameCompletion.recipients) var old: String
        @Argument(help: "Its new name.") var new: String
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            let renamed = try store.rename(old, to: new)
            try Output.record(["type": "renamed", "what": renamed.rawValue, "from": old, "name": new])
        }
    }

    struct Remove: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a contact from the keyring; their messages stay.",
            discussion: """
                The contact's card and marks go, and so do their places in groups. Messages from them stay in \
                the inbox and open as from an unknown sender. To remove the messages too, and check that \
                nothing is left, use `sotto-erase --contact NAME`.
                """)

        @Argument(help: "The contact.", completion: NameCompletion.contacts) var contact: String
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            if try store.contact(named: contact).revocation != nil {
                Diagnostics.warnForgettingRevocation(of: contact, "removing")
            }
            let removed = try store.eraseContact(contact)
            try Output.record(["type": "removed", "name": contact, "group_memberships": removed.memberships])
        }
    }
}
