import ArgumentParser
import Glibc
import SottoCLI
import SottoCore

@main
struct OpenCommand: SottoCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto-open",
        abstract: "Decrypt envelopes and age files, verify the sender, refuse expired messages.",
        discussion: discussion("""
            Reads envelope records (the output of sotto-seal or sotto-recv) or one age file, binary or \
            armored, detected from the first bytes. Empty standard input holds no records: nothing is \
            written and the exit status is 0, so `sotto-recv | sotto-open` works when there is no new mail. Tries every retained key of the keyring and the -i \
            identity files; with only -i, no keyring is needed. A file made with `age -p`, given as the \
            input (never an envelope record), opens with its passphrase, asked for on the terminal, or given \
            with --age-passphrase-fd N, --age-passphrase-file FILE or SOTTO_AGE_PASSPHRASE; no key opens such \
            a file, so the keyring is not unlocked. A wrong one exits 77. Writes one message record per envelope:
              {"type":"message","id":...,"from":{"name":...,"fingerprint":...,"known":...,"verified":...},
               "to":[...],"sent_at":...,"expires_at":...,"thread":...,"postquantum":...,"body":...}
            ("body_base64" when the body is not UTF-8; "from" is null for anonymous messages and plain age \
            files; "postquantum" is true when only post-quantum stanzas (mlkem768x25519) wrap its file key).
            "from.name" is your name for the sender (a petname, or one of your identities); a sender who is \
            neither has "name": null and the name they chose for themself in "claimed_name", and a notice \
            on stderr says the message is from an unknown sender.

            Refused with exit 1: a message past its expiry, a bad or missing signature, a header or payload \
            that fails authentication, no matching key, a message not addressed to the key that opened it \
            or sealed to it for another identity; with --require-known a sender who is not a contact, with \
            --require-verified one whose safety number you have not verified, and with --from NAME anyone \
            but NAME (as minisign -P and gpgv let a script insist on a signer; anonymous messages too). \
            Messages from blocked contacts are dropped with a notice on stderr. An envelope of another \
            format version (sotto 0.1 wrote sotto/v1) is refused with exit 70 and a hint.

            No unverified plaintext is ever released. The sender signs the body in segments of 1 MiB, and \
            each segment is released only once its signature verifies. A record is written once the whole \
            message verified; -o FILE goes to an unlinked file in FILE's directory that is linked as FILE \
            only then (a kill, even SIGKILL, leaves nothing behind); --raw streams a single age file's body \
            to stdout a verified segment at a time, and exits 1 if a later segment fails (what was written \
            is the sender's, but incomplete). Opening an age file to -o FILE or with --raw to a pipe shows a \
            progress meter on stderr after a second when stderr is a terminal.

            A message from a contact carries their card: when it holds a newer key (they rotated), the \
            contact is updated, with a notice, so replies are sealed to their current key.

            --inspect decrypts nothing and needs no key: for each envelope it writes what anyone can see, as \
            age-inspect does (the expiry is the stanza's claim, which only the file key can check):
              {"type":"inspection","id":...,"message_id":...,"stanzas":["sotto/v2","mlkem768x25519",...],"recipients":n,
               "postquantum":...,"sotto":{"mode":"signed","expires_at":...,"expiry_authenticated":false},
               "sizes":{"header":...,"payload":...,"plaintext":...,"file":...}}
            """),
        version: sottoVersion)

    @Argument(help: "An age file or a file of envelope records (default: stdin).", completion: .file())
    var input: String = "-"

    @Option(name: .shortAndLong, help: ArgumentHelp("An age identity file: AGE-SECRET-KEY-1... or AGE-SECRET-KEY-PQ-1... lines, # comments (repeatable).", valueName: "FILE"),
            completion: .file())
    var identity: [String] = []

    @Flag(help: "Write the body alone to stdout.")
    var raw = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the body to this file (created; never overwritten; - for stdout).", valueName: "PATH"),
            completion: .file())
    var output: String?

    @Flag(help: "Refuse messages whose sender is not a contact.")
    var requireKnown = false

    @Flag(help: "Refuse messages whose sender is not a contact whose safety number you verified.")
    var requireVerified = false

    @Option(help: ArgumentHelp("Accept messages from this contact or identity only; refuse anyone else (repeatable).", valueName: "NAME"),
            completion: NameCompletion.members)
    var from: [String] = []

    @Flag(help: "On a bad record, write an error record and go on (the exit status still reports it).")
    var keepGoing = false

    @Flag(help: "Decrypt nothing: describe each envelope as anyone can see it, without a key.")
    var inspect = false

    @OptionGroup var keyring: KeyringOptions
    @OptionGroup var agePassphrase: AgePassphraseOptions
    @OptionGroup var presentation: PresentationOptions

    func validate() throws {
        if raw && output != nil { throw ValidationError("--raw and -o are exclusive") }
        if agePassphrase.fd == 0, input == "-" { throw ValidationError("--age-passphrase-fd 0 is the input: give the passphrase on another descriptor") }
        if inspect && (raw || output != nil || !identity.isEmpty) { throw ValidationError("--inspect uses no key and writes records only") }
    }

    func execute() throws {
        // Without a file, on a terminal: say what is awaited rather than wait in silence.
        if input == "-", isatty(0) == 1 {
            Diagnostics.notice("reading envelope records or an age file from the terminal; end with Ctrl-D")
        }
        let fd = try Files.openForReading(input)
        let progress = ProgressSource(fd: fd)
        defer { progress.finish() }
        let source = ByteReader(progress)
        let first = try source.peek(128)
        let isRecords = first.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }).first == UInt8(ascii: "{")
        if inspect { return try inspect(source, isRecords: isRecords) }
        let policy = SenderPolicy(requireKnown: requireKnown, requireVerified: requireVerified, from: from)
        // Passphrases open files given to this command, never envelopes from a mailbox: a stranger's
        // age -p envelope would otherwise cost a prompt, or seconds and gigabytes of scrypt, each.
        let opener: Opener
        do {
            opener = try Opener.forCommand(keyring: keyring, identityFiles: identity, agePassphrase: isRecords ? nil : agePassphrase,
                                           keyringNeeded: isRecords || !AgeFile.isPassphraseFile(prefix: first), policy: policy)
        } catch var error as SottoError where error.kind == .locked && isRecords {
            // From cron, `sotto-recv | sotto-open` with a locked keyring: the envelopes are in the inbox.
            error.hints.append("what sotto-recv took in stays in the inbox: `sotto-recv --all` writes it again once the keyring opens")
            throw error
        }
        if isRecords {
            try openRecords(RecordReader(source), opener)
        } else if first.starts(with: Array("age-encryption.org/".utf8)) || Armor.detect(first) {
            // A meter for an age file streamed to a file or a pipe; never between records.
            progress.visible = output != nil || (raw && isatty(1) == 0)
            try openFile(try AgeFile.reader(detecting: source), opener)
        } else if first.isEmpty {
            // `sotto-recv | sotto-open` with no new mail: no records, nothing to open.
            guard input != "-" else { return }
            throw SottoError(.malformed, "the input is empty")
        } else {
            throw SottoError(.malformed, "the input is neither envelope records nor an age file")
        }
    }

    /// --inspect: one record per envelope, from what its bytes show without a key.
    func inspect(_ source: ByteReader, isRecords: Bool) throws {
        guard isRecords else {
            let prefix = try source.peek(64)
            guard !prefix.isEmpty else { return }
            return try Output.record(Inspection(try AgeFile.reader(detecting: source), armored: Armor.detect(prefix)).record)
        }
        var loop = RecordLoop(keepGoing: keepGoing)
        try loop.each(RecordReader(source)) { record in
            let bytes = try envelopeBytes(record)
            try Output.record(Inspection(ByteReader(bytes: bytes), armored: false).record)
        }
        try loop.finish()
    }

    /// Envelopes are decrypted several at a time; the sender policy, the
    /// inbox and the output take them in input order.
    func openRecords(_ reader: RecordReader, _ opener: Opener) throws {
        var loop = RecordLoop(keepGoing: keepGoing)
        var written = 0
        try loop.each(reader, weight: \.count, prepare: envelopeBytes, work: opener.decrypt) { decrypted in
            guard let message = try opener.accept(decrypted) else { return }
            try opener.markOpened(message)
            try emit(message, index: written)
            written += 1
        }
        try loop.finish()
    }

    func envelopeBytes(_ record: Fields) throws -> [UInt8] {
        guard try record.optionalString("type") == "envelope" || !record.has("type") else {
            throw record.badField("type", "must be \"envelope\"")
        }
        try EnvelopeRecord.requireSealed(record)
        if let path = try record.optionalString("file"), !record.has("age") {
            let fd = try Files.openForReading(path)
            defer { close(fd) }
            return try Files.readAll(fd: fd)
        }
        return try record.base64("age")
    }

    func openFile(_ reader: ByteReader, _ opener: Opener) throws {
        if raw {
            // Streams: each chunk is authenticated under the file key before it is written.
            _ = try opener.open(reader: reader, stream: { try Output.stdout.write($0) })
            return
        }
        if let output {
            let pending = try Files.Pending(output)
            guard try opener.open(reader: reader, stream: { try pending.write($0) }) != nil else { return }
            try pending.commit()
            return
        }
        // A record holds the whole body, several times over while it is encoded: large files stream.
        let bytes = try Files.readAll(reader: reader, limit: 64 << 20, tooLarge: SottoError(
            .usage, "the age file is over 64 MiB: a message record would hold all of it in memory",
            hints: ["write the body to a file with -o FILE, or stream it with --raw"]))
        guard let message = try opener.open(bytes: bytes) else { return }
        try emit(message, index: 0)
    }

    func emit(_ message: OpenedMessage, index: Int) throws {
        if raw { return try Output.stdout.write(message.body) }
        if let output {
            guard index == 0 else { throw SottoError(.usage, "-o takes one message; the input holds more") }
            let pending = try Files.Pending(output)
            try pending.write(message.body)
            try pending.commit()
            return
        }
        try presentation.write(message.record)
    }
}
