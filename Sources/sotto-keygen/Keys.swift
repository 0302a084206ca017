import ArgumentParser
import FoundationEssentials
import Glibc
import SottoCLI
import SottoCore

extension KeygenCommand {
    struct Rotate: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new certified encryption key; older ones stay for opening.",
            discussion: """
                Contacts pick up the new key when they import your newer card. Retired secrets are destroyed \
                by sotto-expire once the retention has passed (default 31 days: the longest expected TTL, \
                30 days, and a day of grace); messages sealed to a destroyed key can no longer be opened. \
                With --every, nothing rotates now: the schedule is stored and sotto-expire applies it.
                """)

        @Argument(help: "The identity (default: the default identity).") var name: String?

        @Option(help: ArgumentHelp("Rotate on this schedule from now on, applied by sotto-expire (or never).", valueName: "DURATION"))
        var every: String?

        @Option(help: ArgumentHelp("Keep retired secrets this long before sotto-expire destroys them (whole keyring).", valueName: "DURATION"))
        var retain: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            let identity = try store.identity(named: name)
            // Both are checked before either is stored.
            let retention = try retain.map { text in
                guard let seconds = try Time.duration(text, option: "--retain") else { throw SottoError(.usage, "--retain takes a duration, not never") }
                try SettingBounds.check(seconds, SettingBounds.retention, "--retain")
                return seconds
            }
            let interval = try every.map { try Time.duration($0, option: "--every") }
            if let seconds = interval ?? nil { try SettingBounds.check(seconds, SettingBounds.rotation, "--every") }
            if let retention { try store.setRetention(retention) }
            if let interval {
                try store.setRotationInterval(identity.name, every: interval)
                var record = identity.record
                record["rotate_every"] = try store.rotationInterval(identity.name).map { "\($0)s" } ?? "never"
                record["retain"] = "\(try store.retention())s"
                return try Output.record(record)
            }
            if retain != nil, every == nil { return try Output.record(identity.record) }
            try store.unlock()
            if let rotated = try store.rotate(identity.name) { try Output.record(rotated.record) }
        }
    }

    struct Passwd: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change or add the keyring passphrase.",
            discussion: """
                The current passphrase comes from the usual sources; the new one from --new-passphrase-fd, \
                --new-passphrase-file, SOTTO_NEW_PASSPHRASE or a terminal prompt (asked twice).
                """)

        @Flag(help: "Remove the passphrase (the keyring is then protected by file permissions only).")
        var noPassphrase = false

        @Option(name: .customLong("new-passphrase-fd"), help: ArgumentHelp("Read the new passphrase from file descriptor N.", valueName: "N"))
        var newFD: Int32?

        @Option(name: .customLong("new-passphrase-file"), help: ArgumentHelp("Read the new passphrase from FILE.", valueName: "FILE"))
        var newFile: String?

        @OptionGroup var keyring: KeyringOptions

        func validate() throws { try PassphraseOptions.checkOpen(newFD, option: "--new-passphrase-fd") }

        func execute() throws {
            let store = try keyring.open()
            try store.unlock()
            var fresh: SecureBytes?
            if !noPassphrase {
                var source = PassphraseOptions()
                source.fd = newFD
                source.file = newFile
                fresh = try source.newPassphrase(variable: "SOTTO_NEW_PASSPHRASE")
            }
            try store.changePassphrase(to: fresh)
            Diagnostics.notice(noPassphrase ? "the keyring no longer has a passphrase" : "passphrase changed")
        }
    }

    struct AgeRecipient: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an identity's current encryption key as an age1... recipient.",
            discussion: "Like `age-keygen -y`: age users can encrypt to you with `age -r`.")

        @Argument(help: "The identity (default: the default identity).") var name: String?
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let identity = try keyring.open().identity(named: name)
            guard let key = identity.card.currentKey else { throw SottoError(.notFound, "'\(identity.name)' has no current key") }
            try Output.stdout.write(key.ageRecipient + "\n")
        }
    }

    struct AgeIdentity: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the current encryption secret as an AGE-SECRET-KEY-1... file.",
            discussion: "The file is created exclusively with mode 0600. It is never written to a terminal. Anyone holding it can read your messages sealed to that key.")

        @Argument(help: "The identity (default: the default identity).") var name: String?

        @Option(name: .shortAndLong, help: ArgumentHelp("The file to create (- for stdout when it is not a terminal).", valueName: "FILE"))
        var output: String

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            if output == "-", isatty(1) == 1 { throw SottoError(.usage, "refusing to write a secret key to a terminal") }
            let store = try keyring.open()
            let identity = try store.identity(named: name)
            let secret = try store.currentAgeIdentity(identity.name)
            let fd = output == "-" ? 1 : try Files.createExclusive(output)
            defer { if fd != 1 { close(fd) } }
            let text = "# sotto identity \(identity.name), exported \(Time.rfc3339(Time.now()))\n# public key: \(secret.recipient.string)\n\(secret.ageSecretKey)\n"
            try FileDescriptorSink(fd: fd).write(text)
            Diagnostics.warning("wrote the secret key of '\(identity.name)' to \(output == "-" ? "stdout" : output): keep it safe, anyone holding it can read messages sealed to this key")
        }
    }
}
