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
                Every key is certified for a lifetime: twice the rotation interval, or 90 days without one. \
                Contacts pick up the new key from the card each of your signed messages carries, or when \
                they import your newer card; the previous key stays valid to its end for those who have not. \
                A key's secret is destroyed by sotto-expire once its end and then the retention have passed \
                (default 31 days: the longest expected TTL, 30 days, and a day of grace); messages sealed to a \
                destroyed key can no longer be opened. sotto-expire also rotates a key past half its lifetime. \
                With --every, nothing rotates now: the schedule is stored and sotto-expire applies it.
                """)

        @Argument(help: "The identity (default: the default identity).", completion: NameCompletion.identities) var name: String?

        @Option(help: ArgumentHelp("Rotate on this schedule from now on, applied by sotto-expire: 1d to 366d, or never.", valueName: "DURATION"))
        var every: String?

        @Option(help: ArgumentHelp("Keep retired secrets this long before sotto-expire destroys them (whole keyring): 1h to 366d.", valueName: "DURATION"))
        var retain: String?

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let store = try keyring.open()
            let identity = try store.identity(named: name)
            if let revocation = identity.revocation, every != nil {
                throw SottoError(.refused, "identity '\(identity.name)' was revoked at \(Time.rfc3339(revocation.revokedAt)): it rotates no more")
            }
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

    struct Revoke: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an identity whose key was lost or stolen: it signs nothing more.",
            discussion: """
                Writes a revocation record, signed by the identity, to stdout or -o FILE. Hand it to your \
                contacts (`sotto-keygen import FILE`); it also travels in every message your other \
                identities sign. A contact who has it seals nothing more to the identity and refuses what \
                it signs from then on (what reached them before stays readable). It cannot be undone: make a \
                new identity (sotto-keygen new) and give contacts its card.
                """)

        @Argument(help: "The identity to revoke.", completion: NameCompletion.identities) var name: String

        @Option(name: .shortAndLong, help: ArgumentHelp("Write the revocation to FILE (never overwritten).", valueName: "FILE"))
        var output: String?

        @Flag(help: "Revoke: the revocation cannot be undone.") var yes = false

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let pending = try output.map(Files.Pending.init)
            let store = try keyring.open()
            _ = try store.identity(named: name)
            guard yes else { throw SottoError(.usage, "revoking '\(name)' cannot be undone: add --yes") }
            let revocation = try store.revoke(name)
            let sink: ByteSink = pending ?? Output.stdout
            try sink.write(JSON.line(revocation.record))
            try pending?.commit()
        }
    }

    struct Passwd: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change or add the keyring passphrase.",
            discussion: """
                The current passphrase comes from the usual sources, even while the keyring is kept unlocked \
                (`sotto-keygen unlock`): a program running in the session cannot change or remove it. The new \
                one comes from --new-passphrase-fd, --new-passphrase-file, SOTTO_NEW_PASSPHRASE or a terminal \
                prompt (asked twice).
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
            try store.unlock(provingPassphrase: true)
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

    /// Why the classical key is the default for age users, as age-keygen's is.
    static let ageKindDiscussion = """
        Every identity holds two current keys: X25519, and a post-quantum hybrid (ML-KEM-768 with \
        X25519, age's mlkem768x25519). Like age-keygen, this gives the X25519 form unless --pq is \
        given: age before 1.3 (Debian's age 1.1.1 among them) cannot use a post-quantum key, and \
        age never mixes the two kinds in one file. Give --pq to age 1.3 or later users: what they \
        seal to it stays private against a later quantum computer. Messages between sotto users are \
        sealed to the post-quantum key: the X25519 secret does not open them, the --pq one does \
        (with age 1.3 or later).
        """

    struct AgeRecipient: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an identity's current encryption key as an age1... recipient.",
            discussion: "Like `age-keygen -y`: age users can encrypt to you with `age -r`.\n\n" + ageKindDiscussion)

        @Argument(help: "The identity (default: the default identity).", completion: NameCompletion.identities) var name: String?
        @Flag(name: .customLong("pq"), help: "The post-quantum key, as an age1pq1... recipient (age 1.3 or later).") var postQuantum = false
        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            let identity = try keyring.open().identity(named: name)
            guard let key = postQuantum ? identity.card.currentHybridKey : identity.card.currentKey else {
                throw SottoError(.notFound, "'\(identity.name)' has no current \(postQuantum ? "post-quantum " : "")key",
                                 hints: ["give it one: sotto-keygen rotate \(identity.name)"])
            }
            try Output.stdout.write(key.ageRecipient + "\n")
        }
    }

    struct AgeIdentity: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the current encryption secret as an AGE-SECRET-KEY-1... file.",
            discussion: "The file is created exclusively with mode 0600. It is never written to a terminal. Anyone holding it can read your messages sealed to that key.\n\n"
                + ageKindDiscussion)

        @Argument(help: "The identity (default: the default identity).", completion: NameCompletion.identities) var name: String?
        @Flag(name: .customLong("pq"), help: "The post-quantum secret, as an AGE-SECRET-KEY-PQ-1... line (age 1.3 or later).") var postQuantum = false

        @Option(name: .shortAndLong, help: ArgumentHelp("The file to create (- for stdout when it is not a terminal).", valueName: "FILE"))
        var output: String

        @OptionGroup var keyring: KeyringOptions

        func execute() throws {
            if output == "-", isatty(1) == 1 { throw SottoError(.usage, "refusing to write a secret key to a terminal") }
            let store = try keyring.open()
            let identity = try store.identity(named: name)
            let secret = try store.currentAgeIdentity(identity.name, kind: postQuantum ? .postQuantum : .classical)
            let fd = output == "-" ? 1 : try Files.createExclusive(output)
            defer { if fd != 1 { close(fd) } }
            let text = "# sotto identity \(identity.name), exported \(Time.rfc3339(Time.now()))\n# public key: \(secret.recipient.string)\n\(secret.ageSecretKey)\n"
            try FileDescriptorSink(fd: fd, name: output == "-" ? nil : output).write(text)
            Diagnostics.warning("wrote the secret key of '\(identity.name)' to \(output == "-" ? "stdout" : output): keep it safe, anyone holding it can read messages sealed to this key")
        }
    }

    struct Unlock: SottoCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep the keyring unlocked for a while, so commands do not ask for the passphrase.",
            discussion: """
                Asks for the passphrase once (or takes it from the usual sources) and keeps the derived key \
                in the kernel's session keyring (keyrings(7)) for --for (default 15m, at most 24h): every \
                command of this login session uses it, and it expires by itself. No daemon, no file, nothing \
                in the environment. It is bound to this keyring (its home and salt): `passwd` and \
                `sotto-erase --identity/--all` forget it, and `sotto-keygen lock` does at once. Jobs outside \
                the session (cron, systemd units) do not see it, when the login has a session keyring of its \
                own (pam_keyinit; `keyctl show @s` tells); where it has none, the kernel gives every process \
                of the user one shared session keyring, and they all see it.
                """)

        @Option(name: .customLong("for"), help: ArgumentHelp("How long (e.g. 15m, 2h; at most 24h).", valueName: "DURATION"))
        var duration = "15m"

        @OptionGroup var keyring: KeyringOptions

        func validate() throws {
            guard let seconds = try Time.duration(duration, option: "--for"), seconds <= 86_400 else {
                throw ValidationError("--for takes a duration of at most 24h")
            }
            _ = seconds
        }

        func execute() throws {
            let seconds = try Time.duration(duration, option: "--for") ?? 900
            let store = try keyring.open()
            try store.keepUnlocked(seconds: Int(seconds))
            try Output.record(["type": "unlocked", "home": store.home.path, "until": Time.rfc3339(Time.now() + seconds)])
        }
    }

    struct Lock: SottoCommand {
        static let configuration = CommandConfiguration(abstract: "Forget the key `sotto-keygen unlock` kept: commands ask for the passphrase again.")

        @OptionGroup var home: HomeOptions

        func execute() throws {
            let store = try Keyring(home: home.home)
            try Output.record(["type": "locked", "home": store.home.path, "was_unlocked": try store.forgetUnlocked()])
        }
    }
}
