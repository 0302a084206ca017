import ArgumentParser
import Glibc
import SottoCLI
import SottoCore
import SottoPostgres

@main
struct EraseCommand: SottoCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto-erase",
        abstract: "Remove data for good and verify that it is gone.",
        discussion: discussion("""
            Selectors (at least one): --message ID (a message or envelope id, repeatable; - reads message or \
            envelope records on stdin; every envelope that carries the message goes, copies under its header \
            too), --contact NAME (their messages and their card), --thread NAME, --before TIME (received \
            before), --identity NAME (crypto-shredding: every secret key of that identity is destroyed, so \
            every copy of every message sealed to it, on any machine, stays unreadable), --all (everything \
            in the home). --pending also removes my pending envelopes from the mailbox (--mailbox names it). \
            --contact and --thread look inside each envelope, so they pass over one this sotto cannot open \
            (a later format version, or not for my keys); --message, --before and --all reach it. A \
            --thread no message is in is an error (66), with the nearest thread as a hint.

            Each erasure deletes in one transaction with secure_delete on, truncates the write-ahead log, \
            vacuums, then scans the database, -wal, -shm and -journal files for the erased ids, envelope \
            bytes and key bytes, and reports
              {"type":"erasure","removed":{...},"files_scanned":[...],"remnants":0}
            Remnants found exit 1. Interrupted at any moment, a re-run finishes the job. --dry-run shows \
            what would go. Without --yes, it asks on a terminal (no erases nothing, exit 0) and refuses \
            elsewhere (64): scripts pass --yes.

            What erasure cannot reach: copies held by recipients or senders, exports and backups, file \
            system snapshots, copy-on-write file systems, and flash wear levelling, which can keep old \
            blocks the database no longer uses. Messages sealed to an erased identity stay unreadable \
            wherever they are; other data is gone only from this home's files.
            """),
        version: sottoVersion)

    @Option(name: .customLong("message"), help: ArgumentHelp("An envelope or message id (repeatable; - reads records on stdin).", valueName: "ID"))
    var messages: [String] = []

    @Option(help: ArgumentHelp("A contact: their messages and their card.", valueName: "NAME"))
    var contact: String?

    @Option(help: ArgumentHelp("Messages of this thread.", valueName: "NAME"))
    var thread: String?

    @Option(help: ArgumentHelp("Messages received before this RFC 3339 time.", valueName: "TIME"))
    var before: String?

    @Option(help: ArgumentHelp("An identity: all its secret keys (crypto-shredding) and its messages.", valueName: "NAME"))
    var identity: String?

    @Flag(help: "Everything in the home.")
    var all = false

    @Flag(help: "Also remove my pending envelopes from the mailbox.")
    var pending = false

    @Flag(help: "Show what would be erased; change nothing.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var mailbox: MailboxOptions

    @OptionGroup var keyring: KeyringOptions

    func validate() throws {
        if messages.isEmpty && contact == nil && thread == nil && before == nil && identity == nil && !all {
            throw ValidationError("say what to erase: --message, --contact, --thread, --before, --identity or --all")
        }
        if mailbox.location != nil, !pending {
            throw ValidationError("--mailbox names the mailbox that --pending erases from: add --pending")
        }
        if let before, Time.parse(before) == nil { throw ValidationError("--before takes an RFC 3339 time, not '\(before.prefix(40))'") }
        for id in messages where id != "-" && EnvelopeID(id) == nil {
            throw ValidationError("--message takes a message or envelope id (32 lowercase hex digits), not '\(id.prefix(70))'")
        }
    }

    func execute() throws {
        let home = keyring.home.home
        guard home.exists else { throw SottoError(.notFound, "no sotto home at \(home.path)") }
        let store = try keyring.open()
        let inbox = try Inbox.open(home, create: false)
        var plan = try ErasurePlan.make(self, keyring: store, inbox: inbox)
        let mailbox = pending ? try Mailboxes.open(self.mailbox.location, home: home) : nil
        if let mailbox { try plan.addPending(from: mailbox, keyring: store) }

        if dryRun {
            for id in plan.envelopeIDs.sorted() { try Output.record(["type": "erasure_candidate", "what": "envelope", "id": id]) }
            for name in plan.describeKeyring() { try Output.record(["type": "erasure_candidate", "what": name.0, "name": name.1]) }
            for place in plan.memberships {
                try Output.record(["type": "erasure_candidate", "what": "group_membership", "name": place.group, "member": place.member])
            }
            for entry in plan.pending { try Output.record(["type": "erasure_candidate", "what": "mailbox_entry", "id": entry.id, "mailbox": entry.mailbox.orNull]) }
            return
        }
        guard try confirm(plan) else {
            // Declining is an answer, not an error: nothing happened, as asked.
            return Diagnostics.notice("nothing erased")
        }
        for name in plan.contacts where try store.contact(named: name).revocation != nil {
            Diagnostics.warnForgettingRevocation(of: name, "erasing")
        }
        for name in plan.identities where try store.identity(named: name).revocation != nil {
            Diagnostics.warning("the revocation of '\(name)' goes with it: your other identities' messages no longer carry it; "
                                + "hand out the revocation (sotto-keygen revoke prints it) before erasing, if contacts may not have it")
        }
        // An identity's erasure, or everything's, ends any session's kept key for this keyring.
        if identity != nil || all { try store.forgetUnlocked() }
        let report = try plan.execute(keyring: store, inbox: inbox, mailbox: mailbox)
        try Output.record(report.record)
        if report.remnants > 0 {
            throw SottoError(.refused, "erasure incomplete: \(report.remnants) remnant(s) found in \(report.filesWithRemnants.joined(separator: ", "))")
        }
        if all { try removeHomeFiles(home) }
    }

    /// Whether to go on: --yes, or a yes on the terminal.
    func confirm(_ plan: ErasurePlan) throws -> Bool {
        guard !yes else { return true }
        guard isatty(0) == 1, isatty(2) == 1 else {
            throw SottoError(.usage, "refusing to erase without confirmation: pass --yes", hints: ["--dry-run shows what would go"])
        }
        try? FileDescriptorSink(fd: 2).write("erase \(plan.summary)? [y/N] ")
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmed.lowercased())
    }

    /// --all: once verified clean, the emptied databases themselves go.
    func removeHomeFiles(_ home: Home) throws {
        for base in [home.keyringPath, Inbox.path(home)] {
            for file in Database.files(of: base) { unlink(file) }
        }
    }
}
