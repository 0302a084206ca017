import ArgumentParser
import Foundation
import SottoCLI
import SottoCore

extension KeygenCommand {
    struct Import: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add contacts from cards, or a bare age recipient.",
            discussion: """
                Reads card lines (the output of `sotto-keygen card`) or a line holding an age1... recipient. \
                A card whose signatures do not verify is refused (65) and nothing is stored. Importing a newer \
                card of a known contact picks up its rotated keys.
                """)

        @Argument(help: "A file of cards, or - for stdin.")
        var file: String = "-"

        @Option(help: ArgumentHelp("The petname to give the contact.", valueName: "PETNAME"))
        var name: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            if let name { try Names.validate(name, what: "contact name") }
            let fd = try Files.openForReading(file)
            let bytes = try Files.readAll(fd: fd)
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let store = try keyring.open()
            if text.hasPrefix("age1") {
                guard let name else { throw SottoError(.usage, "a bare age recipient needs a petname: --name PETNAME") }
                try Output.record(try store.importAgeRecipient(X25519Recipient(text), petname: name).record)
                return
            }
            let reader = RecordReader(ByteReader(bytes: bytes))
            var cards = [SottoCore.Card]()
            while let fields = try reader.next() { cards.append(try SottoCore.Card(fields: fields)) }
            guard !cards.isEmpty else { throw SottoError(.malformed, "no card in the input") }
            if name != nil, cards.count > 1 { throw SottoError(.usage, "--name applies to a single card") }
            for card in cards { try card.verify() }
            for card in cards { try Output.record(try store.importCard(card, petname: name).record) }
        }
    }

    struct Fingerprint: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the safety number of you and a contact.",
            discussion: "Both sides compute the same 60 digits. Compare them in person or on a call, then run `sotto-keygen verify CONTACT`.")

        @Argument(help: "The contact.")
        var contact: String

        @Option(help: ArgumentHelp("Your identity (default: the default identity).", valueName: "NAME"))
        var identity: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            let me = try store.identity(named: identity)
            let them = try store.contact(named: contact)
            guard let card = them.card else { throw SottoError(.usage, "'\(contact)' is a bare age recipient: there is no identity to compare") }
            let number = SottoCore.Fingerprint.safetyNumber(me.publicKey, card.identityKey)
            try Output.record([
                "type": "safety_number", "identity": me.name, "contact": them.name,
                "safety_number": SottoCore.Fingerprint.display(number).joined(separator: " "),
                "fingerprint": card.fingerprint, "verified": them.verified,
            ])
        }
    }

    struct Verify: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a contact verified after comparing safety numbers.",
            discussion: "With --safety-number, the contact is marked only if the number matches (spaces ignored); otherwise exit 1.")

        @Argument(help: "The contact.")
        var contact: String

        @Option(help: ArgumentHelp("The number the contact read to you.", valueName: "DIGITS"))
        var safetyNumber: String?

        @Option(help: ArgumentHelp("Your identity (default: the default identity).", valueName: "NAME"))
        var identity: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            if let safetyNumber {
                let me = try store.identity(named: identity)
                guard let card = try store.contact(named: contact).card else {
                    throw SottoError(.usage, "'\(contact)' is a bare age recipient: there is no identity to verify")
                }
                let expected = SottoCore.Fingerprint.safetyNumber(me.publicKey, card.identityKey)
                guard safetyNumber.filter(\.isNumber) == expected else {
                    throw SottoError(.refused, "the safety number does not match; '\(contact)' stays unverified")
                }
            }
            try store.setVerified(contact, true)
            try Output.record(try store.contact(named: contact).record)
        }
    }

    struct Block: SottoCommand {
        static let configuration = CommandConfiguration(abstract: "Block a contact: their messages are dropped by sotto-open.")
        @Argument(help: "The contact.") var contact: String
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            try store.setBlocked(contact, true)
            try Output.record(try store.contact(named: contact).record)
        }
    }

    struct Unblock: SottoCommand {
        static let configuration = CommandConfiguration(abstract: "Unblock a contact.")
        @Argument(help: "The contact.") var contact: String
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
        @Argument(help: "The members.") var members: [String]
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            try store.setGroup(name, members: members)
            try Output.record(["type": "group", "name": name, "members": members])
        }
    }
}
