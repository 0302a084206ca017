import ArgumentParser
import Glibc
import SottoCLI
import SottoCore
import SottoPostgres

@main
struct RecvCommand: SottoCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto-recv",
        abstract: "Fetch my envelopes from the mailbox into the local inbox.",
        discussion: discussion("""
            Fetches the envelopes addressed to the mailbox addresses of my identities, stores them in \
            the local inbox in $SOTTO_HOME (still sealed), and only then removes them from the mailbox. \
            Writes the newly received envelope records to stdout, ready for sotto-open:
              {"type":"envelope","id":...,"to":[...],"expires_at":...,"received_at":...,"age":"<base64>"}
            With --output-dir DIR each envelope is written to DIR/ID.age and the record names it in \
            "file" instead of carrying "age". Envelopes over 64 MiB need it: without it, each gets a \
            notice on stderr instead of a record, stays in the inbox, and the records after it are written.

            Guarantee: no envelope is ever lost and none is stored twice in the inbox. An envelope is \
            removed from the mailbox only after the inbox transaction holding it has committed and its \
            record was written; after a crash at any point, re-running recv converges to the same inbox. \
            Only newly received envelopes are written; a consumer that died after recv, or a recv killed \
            between storing and writing, gets the same envelopes again with --all or --since.
            An envelope this inbox deleted before (it expired, its read-after timer ran out, or it was \
            erased) is not received again: it is dropped with a notice on stderr and leaves the mailbox.

            --input FILE takes envelope records from a file instead (the output of sotto-seal, sotto-recv \
            or sotto-export); the other records of an export are passed over, and each envelope keeps the \
            received_at and opened_at of its record, so `sotto-recv --input backup.jsonl` restores an inbox.

            --follow keeps running and writes envelopes as they arrive, woken by inotify on a mailbox \
            file's directory or by NOTIFY from a PostgreSQL mailbox (typically within milliseconds, at \
            most about a second), until interrupted; then it exits 0. A lost connection to a PostgreSQL \
            mailbox is reported and waited out: it reconnects every second and goes on.
            """),
        version: sottoVersion)

    @Flag(help: "Write every envelope in the inbox that has not expired (after fetching new ones).")
    var all = false

    @Option(help: ArgumentHelp("Write inbox envelopes received after this envelope id or RFC 3339 time.", valueName: "ID|TIME"))
    var since: String?

    @Option(help: ArgumentHelp("Write at most N envelopes.", valueName: "N"))
    var limit: Int?

    @Flag(help: "Keep running and write envelopes as they arrive, until interrupted.")
    var follow = false

    @Option(help: ArgumentHelp("Take envelope records from FILE (or - for stdin) instead of a mailbox; an export restores the inbox.", valueName: "FILE"),
            completion: .file())
    var input: String?

    @Option(help: ArgumentHelp("Write each envelope to DIR/ID.age and name it in the record.", valueName: "DIR"),
            completion: .directory)
    var outputDir: String?

    @OptionGroup var mailbox: MailboxOptions
    @OptionGroup var home: HomeOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if follow && (input != nil || all || since != nil) { throw ValidationError("--follow does not combine with --input, --all or --since") }
        if all && since != nil { throw ValidationError("--all and --since are exclusive") }
    }

    func execute() throws {
        signal(SIGPIPE, SIG_IGN)
        let keyring = try Keyring(home: home.home)
        let addresses = try keyring.identities().map(\.mailbox)
        guard let inbox = try Inbox.open(home.home, create: true) else { return }
        let writer = try EnvelopeRecordWriter(inbox: inbox, outputDir: outputDir, limit: limit)
        if let input {
            try receive(from: input, into: inbox, writer)
            return
        }
        let store = try Mailboxes.open(mailbox.location, home: home.home)
        var corrupt = 0
        (store as? SQLiteMailbox)?.onDamaged = { sequence in
            corrupt += 1
            Diagnostics.warning("removed delivery \(sequence) from the mailbox: its row is damaged")
        }
        var receiver = Receiver(mailbox: store, inbox: inbox, addresses: addresses)
        receiver.onCorrupt = { entry, error in
            corrupt += 1
            Diagnostics.warning("removed envelope \(entry.id) from the mailbox: \(error.message)")
        }
        receiver.onDropped = { entry, outcome in
            // An entry that expired between the listing and its receipt is expiry at work, not news.
            if case .deletedBefore = outcome { Self.noticeDropped(entry.id, outcome) }
        }
        if all || since != nil {
            try receiver.drain { _, _ in }
            let start = try since.map { try position($0, inbox) }
            let now = try inbox.readClock(now: Time.now())
            for envelope in try inbox.list(afterSequence: start?.sequence, receivedAfter: start?.time, unexpiredAt: now, limit: limit) {
                try writer.write(envelope)
            }
            return
        }
        guard follow else {
            try receiver.drain(limit: limit) { try writer.write($0, bytes: $1) }
            if corrupt > 0 {
                throw SottoError(.malformed, "\(corrupt) envelope\(corrupt == 1 ? "" : "s") in the mailbox could not be received (a damaged row, bytes that do not match the id, or no well-formed header) and \(corrupt == 1 ? "was" : "were") removed")
            }
            return
        }
        try follow(receiver, writer)
    }

    /// Receives until SIGINT or SIGTERM. A lost connection (a server
    /// restart) is waited out: what was received is already in the inbox, and
    /// whatever the mailbox still holds is fetched again after reconnecting.
    func follow(_ first: Receiver, _ writer: EnvelopeRecordWriter) throws {
        // Installed before the first catch-up, so an interrupt at any point ends cleanly
        // after the envelope in hand.
        Interrupt.install()
        var receiver: Receiver? = first
        var lost: SottoError?
        while !Interrupt.received {
            do {
                var current: Receiver
                if let receiver { current = receiver } else {
                    current = first
                    current.mailbox = try Mailboxes.open(mailbox.location, home: home.home)
                }
                receiver = current
                if lost != nil {
                    Diagnostics.notice("reconnected to the mailbox")
                    lost = nil
                }
                try current.drain(stop: { Interrupt.received }) { try writer.write($0, bytes: $1) }
                if Interrupt.received { break }
                try current.mailbox.waitForChange(timeout: 1)
            } catch let error as SottoError where error.kind == .temporary || (lost != nil && error.kind == .unavailable) {
                if lost == nil { Diagnostics.warning("\(error.message); reconnecting") }
                lost = error
                receiver = nil
                Interrupt.sleep(seconds: 1)
            }
        }
    }

    /// Says why an envelope was not kept, when it was not.
    static func noticeDropped(_ id: EnvelopeID, _ outcome: InboxOutcome) {
        switch outcome {
        case .deletedBefore:
            Diagnostics.notice("dropped envelope \(id): this inbox deleted it before (it expired, was read or was erased), so it came again as a replay")
        case .expired(let time):
            Diagnostics.notice("dropped envelope \(id): it expired at \(Time.rfc3339(time))")
        case .stored, .alreadyHeld, .mismatch:
            break
        }
    }

    /// --since: an envelope id in the inbox, or a time.
    func position(_ text: String, _ inbox: Inbox) throws -> (sequence: Int64?, time: Int64?) {
        if let time = Time.parse(text) { return (nil, time) }
        guard let id = EnvelopeID(text), let envelope = try inbox.envelope(id: id) else {
            throw SottoError(.notFound, "--since: no envelope \(text) in the inbox and not an RFC 3339 time")
        }
        return (envelope.sequence, nil)
    }

    /// --input: envelope records into the inbox, writing the new ones. The
    /// other records of an export stream are passed over; an envelope keeps
    /// the received_at, opened_at and delete_after its record carries.
    func receive(from path: String, into inbox: Inbox, _ writer: EnvelopeRecordWriter) throws {
        let fd = try Files.openForReading(path)
        var loop = RecordLoop(keepGoing: false)
        try loop.each(RecordReader(fd: fd)) { record in
            if let type = try record.optionalString("type"), type != "envelope" {
                guard ExportFormat.otherRecordTypes.contains(type) else { throw record.badField("type", "must be \"envelope\"") }
                if type == "manifest" { try ExportFormat.checkManifest(record) }
                return
            }
            // Every field is read and checked before anything is stored.
            let envelope = try EnvelopeRecord(record)
            let mailbox = try record.strings("to")?.first
            if let mailbox { try Addresses.validate(mailbox) }
            let now = Time.now()
            let receivedAt = try record.time("received_at") ?? now
            let openedAt = try record.time("opened_at"), deleteAfter = try record.time("delete_after")
            for (key, time) in [("received_at", receivedAt), ("opened_at", openedAt ?? now)] where time > now {
                throw record.badField(key, "is in the future")
            }
            if let openedAt, openedAt < receivedAt { throw record.badField("opened_at", "is before received_at") }
            if let deleteAfter {
                guard let openedAt, deleteAfter >= openedAt else { throw record.badField("delete_after", "needs an opened_at at or before it") }
            }
            let outcome = try inbox.store(envelope.incoming, mailbox: mailbox, now: receivedAt, openedAt: openedAt)
            if case .mismatch(let error) = outcome { throw error }
            Self.noticeDropped(envelope.id, outcome)
            if let deleteAfter { try inbox.restoreDeadline(id: envelope.id, deleteAfter: deleteAfter) }
            if let stored = outcome.stored { try writer.write(stored, bytes: envelope.bytes) }
        }
        try loop.finish()
    }
}
