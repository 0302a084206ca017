import ArgumentParser
import FoundationEssentials
import Glibc
import SottoCLI
import SottoCore
import SottoPostgres

@main
struct SendCommand: SottoCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto-send",
        abstract: "Deliver envelopes to each recipient's mailbox.",
        discussion: discussion("""
            Reads envelope records (the output of sotto-seal) on stdin and stores one mailbox entry per \
            address in "to", then writes one receipt per address:
              {"type":"receipt","id":...,"mailbox":...,"status":"stored"|"duplicate"}
            A receipt is written only after its entry is committed. Sending the same envelope again \
            stores nothing and says "duplicate". Records are stored in batches, each in one transaction.

            --file PATH --to ADDRESS... sends an age file of any size in bounded memory.

            A malformed record, or one whose id does not match its bytes, is refused (65) and nothing \
            of it is stored. The mailbox holds per envelope only the recipient address, the id, the \
            expiry, the size, when it was stored and the sealed bytes: never the sender, never plaintext.

            SHARING A MAILBOX: the users of one host share a SQLite mailbox through a directory of a \
            group they are all in, with mode 2770 (setgid: new files take the group). In such a directory \
            the first sotto-send creates the file with mode 660, and SQLite gives its -wal and -shm files \
            the same. Elsewhere a new mailbox is private (600). Every member can send to any address and \
            read every pending envelope's metadata; the PostgreSQL mailbox separates users (docs/postgres.md).
              install -d -m 2770 -g sotto /srv/sotto && export SOTTO_MAILBOX=/srv/sotto/mailbox.db
            """),
        version: sottoVersion)

    @Option(help: ArgumentHelp("Send this age file instead of records.", valueName: "PATH"), completion: .file())
    var file: String?

    @Option(name: .customLong("to"), help: ArgumentHelp("A mailbox address, or a contact, identity or @group whose addresses to deliver to (repeatable; with --file, or for records without \"to\").", valueName: "ADDRESS|NAME"),
            completion: NameCompletion.recipients)
    var to: [String] = []

    @Option(help: ArgumentHelp("Records per transaction.", valueName: "N"))
    var batch = 1000

    @Flag(help: "On a bad record, write an error record and go on (the exit status still reports it).")
    var keepGoing = false

    @OptionGroup var mailbox: MailboxOptions
    @OptionGroup var home: HomeOptions

    func validate() throws {
        if file != nil && to.isEmpty { throw ValidationError("--file needs at least one --to ADDRESS") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func execute() throws {
        // Opened once, for names and for my own addresses, and only when there is one.
        let keyring = FileManager.default.fileExists(atPath: home.home.keyringPath) ? try Keyring(home: home.home) : nil
        let addresses = try resolveAddresses(to, keyring: keyring)
        let own = try ownAddressesIfNoMailboxIsNamed(keyring: keyring)
        let store = try Mailboxes.open(mailbox.location, home: home.home)
        if let file { return try sendFile(file, to: addresses, store, own: own) }
        var pending = [Delivery]()
        var pendingBytes = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            let now = Time.now()
            let deposited = try store.deposit(pending, now: now)
            guard deposited.count == pending.count else {
                throw SottoError(.internal, "the mailbox answered \(deposited.count) receipts for \(pending.count) envelopes")
            }
            let receipts = zip(pending, deposited).flatMap { delivery, receipt in
                zip(delivery.addresses, receipt.statuses).map { ["type": "receipt", "id": receipt.id, "mailbox": $0, "status": $1.rawValue] as [String: Any] }
            }
            pending.removeAll()
            pendingBytes = 0
            for receipt in receipts { try Output.record(receipt) }
        }
        var loop = RecordLoop(keepGoing: keepGoing)
        do {
            try loop.each(RecordReader(fd: 0)) { record in
                let (envelope, to, size) = try parse(record, defaults: addresses)
                for address in to { try checkDeliverable(address, own: own) }
                pending.append(Delivery(envelope, to: to))
                pendingBytes += size
                if pending.count >= batch || pendingBytes >= 64 << 20 { try flush() }
            }
        } catch {
            // The good records before the bad one are delivered, as if sent one by one.
            try? flush()
            throw error
        }
        try flush()
        try loop.finish()
    }

    /// Addresses as given; names (contacts, identities, @groups) become their mailbox addresses.
    func resolveAddresses(_ given: [String], keyring: Keyring?) throws -> [String] {
        // A long run of hex digits is meant as an address, and checked as one; "ada" is a name.
        let names = given.filter { !($0.count >= 16 && $0.allSatisfy(\.isHexDigit)) }
        for address in given where !names.contains(address) { try Addresses.validate(address) }
        guard !names.isEmpty else { return given }
        guard let keyring else {
            throw SottoError(.notFound, "--to \(names[0]): names need a keyring, and there is none in \(home.home.path)",
                             hints: ["give a mailbox address (32 hex digits), or set SOTTO_HOME"])
        }
        return try given.flatMap { value -> [String] in
            guard names.contains(value) else { return [value] }
            return try keyring.resolve(value).map { recipient in
                guard let mailbox = recipient.mailbox else {
                    throw SottoError(.usage, "--to \(value): \(recipient.label) is a bare age recipient, with no mailbox")
                }
                return mailbox
            }
        }
    }

    /// With no mailbox named (no --mailbox, no SOTTO_MAILBOX), the home's own
    /// mailbox.db is used: right for my own addresses, and a place where no
    /// one else ever looks. Nil when a mailbox is named.
    func ownAddressesIfNoMailboxIsNamed(keyring: Keyring?) throws -> Set<String>? {
        let named = [mailbox.location, ProcessInfo.processInfo.environment["SOTTO_MAILBOX"]].contains { !($0 ?? "").isEmpty }
        guard !named else { return nil }
        guard home.home.exists else {
            throw SottoError(.notFound, "no mailbox is named, and there is no sotto home at \(home.home.path)",
                             hints: ["name the mailbox you share: SOTTO_MAILBOX or --mailbox", "or set SOTTO_HOME to your home"])
        }
        return Set(try keyring?.identities().map(\.mailbox) ?? [])
    }

    func checkDeliverable(_ address: String, own: Set<String>?) throws {
        guard let own, !own.contains(address) else { return }
        throw SottoError(.usage, "no mailbox is named, and \(address) is not one of this home's: in this home's own mailbox "
                         + "its owner would never see it",
                         hints: ["name the mailbox you share with them: SOTTO_MAILBOX or --mailbox (a SQLite file you can both write, or a postgres:// URL)",
                                 "to use this home's own mailbox anyway, name it: --mailbox \(home.home.mailboxPath)"])
    }

    /// Checks a record completely before anything of it is stored.
    func parse(_ record: Fields, defaults addresses: [String]) throws -> (IncomingEnvelope, [String], Int) {
        if let type = try record.optionalString("type"), type != "envelope" {
            throw record.badField("type", "must be \"envelope\"")
        }
        let envelope = try EnvelopeRecord(record)
        let to = try record.strings("to").flatMap { $0.isEmpty ? nil : $0 } ?? addresses
        guard !to.isEmpty else { throw record.badField("to", "names no mailbox address (give --to ADDRESS)") }
        for address in to { try Addresses.validate(address) }
        return (envelope.incoming, to, envelope.bytes.count)
    }

    func sendFile(_ path: String, to addresses: [String], _ store: Mailbox, own: Set<String>?) throws {
        let fd = try Files.openForReading(path)
        defer { if fd != 0 { close(fd) } }
        let expiresAt: Int64?
        do {
            expiresAt = try Envelope.expiry(reading: ByteReader(FileDescriptorSource(fd: fd)))
        } catch let error as AgeError {
            throw SottoError(.malformed, "\(path) is not a binary age file: \(error.description)")
        }
        // Two passes: the id first, then the bytes, which the mailbox checks against it.
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw SottoError(.usage, "--file needs a regular file, not a pipe") }
        let source = FileDescriptorSource(fd: fd)
        let envelopeID = try EnvelopeID.of(reading: source)
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw SottoError(.io, "cannot read \(path) again") }
        for address in addresses { try checkDeliverable(address, own: own) }
        let incoming = IncomingEnvelope(id: envelopeID, expiresAt: expiresAt, source: source)
        let receipt = try store.deposit(incoming, to: addresses, now: Time.now())
        for (address, status) in zip(addresses, receipt.statuses) {
            try Output.record(["type": "receipt", "id": receipt.id, "mailbox": address, "status": status.rawValue])
        }
    }
}
