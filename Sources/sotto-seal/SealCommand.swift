import ArgumentParser
import Glibc
import SottoCLI
import SottoCore

@main
struct SealCommand: SottoCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto-seal",
        abstract: "Encrypt and sign messages to contacts, groups and age recipients.",
        discussion: discussion("""
            Reads message records on stdin, one JSON object per line:
              {"to":["bob","@team","age1..."],"body":"hi","ttl":"2d","thread":"x"}
            ("body_base64" for bytes; "expires_at" instead of "ttl") and writes one envelope record each:
              {"type":"envelope","id":...,"to":[mailbox addresses],"expires_at":...,"age":"<base64 age file>"}
            Records without "to" go to the -r/-R recipients; a record with "to" while -r or -R is given is \
            a usage error (64), as one of the two would be ignored. Other fields are ignored, but one a \
            letter or two from these ("tll") is an error (65) naming the field it may have meant; an opened \
            message record (sotto-open's output) is refused (64). Unknown recipients are an error (66) before \
            anything is written for that record.

            With --file PATH (or --raw for stdin) the bytes are sealed in bounded memory to an age file on \
            stdout or -o PATH; --armor writes age's ASCII armor. A seal that lasts over a second shows a \
            progress meter on stderr when stderr is a terminal (and stdout is not the same terminal).

            Envelopes are signed by the sender (sealed inside, so only recipients learn who sent them) and a \
            copy is sealed to the sender's own key unless --no-self. A signed envelope names, for each key, \
            the identity it is for, and carries the sender's card, so contacts follow a rotation. \
            --anonymous writes a plain age file with the body alone.

            Recipient kinds:
              sotto contact or identity   signed; anonymous with --anonymous
              age1... key or age contact  --anonymous only: age would show its user the signed
                                          framing, not their file, so a signed seal is refused (64)
              @group                      each member as above
              age1pq1... key              --anonymous only; post-quantum (ML-KEM-768 with X25519),
                                          never in one file with classical recipients (64)

            Messages are post-quantum (age's mlkem768x25519 stanzas, ML-KEM-768 with X25519) when every \
            recipient, the sender's own copy included, has a post-quantum key: every identity made or \
            rotated by this sotto does. As age requires, one file never mixes the two kinds, so when a \
            contact's card has no post-quantum key (sotto 0.2 or older) the whole message is sealed with \
            X25519 and a notice names them; --require-pq refuses instead (1).

            The default time to live is the identity's (7 days unless changed); "never" turns \
            expiry off. --ttl-after-read (or "ttl_after_read") asks the recipient's \
            sotto-expire to delete the message that long after it was first opened; the hard expiry \
            still applies.
            """),
        version: sottoVersion)

    @Option(name: [.customShort("r"), .customLong("to")], help: ArgumentHelp("A recipient: contact, @group, identity or age1... key (repeatable).", valueName: "NAME"),
            completion: NameCompletion.recipients)
    var to: [String] = []

    @Option(name: .customShort("R"), help: ArgumentHelp("A file of age1... recipients, one per line (repeatable).", valueName: "FILE"),
            completion: .file())
    var recipientsFile: [String] = []

    @Option(help: ArgumentHelp("Seal this file's bytes to an age file.", valueName: "PATH"), completion: .file())
    var file: String?

    @Flag(help: "Seal the raw bytes of stdin to an age file.")
    var raw = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the age file here (created; never overwritten; - for stdout).", valueName: "PATH"),
            completion: .file())
    var output: String?

    @Flag(name: .shortAndLong, help: "Write age's ASCII armor.")
    var armor = false

    @Option(name: .customLong("as"), help: ArgumentHelp("The sending identity (default: the default identity).", valueName: "NAME"),
            completion: NameCompletion.identities)
    var sender: String?

    @Flag(help: "Write a plain age file with no sender and no signature.")
    var anonymous = false

    @Flag(help: "Do not seal a copy to the sender's own key.")
    var noSelf = false

    @Flag(name: .customLong("require-pq"), help: "Refuse (1) rather than seal with X25519 alone when a recipient has no post-quantum key.")
    var requirePostQuantum = false

    @Option(help: ArgumentHelp("Time to live: 30s, 15m, 2h, 7d, 2w or never.", valueName: "DURATION"))
    var ttl: String?

    @Option(help: ArgumentHelp("Disappear this long after the recipient first opens it (signed messages).", valueName: "DURATION"))
    var ttlAfterRead: String?

    @Option(help: ArgumentHelp("Thread name: of the raw bytes, and of records that name none.", valueName: "NAME"))
    var thread: String?

    @Option(help: ArgumentHelp("Content type: of the raw bytes, and of records that name none.", valueName: "TYPE"))
    var contentType: String?

    @Flag(help: "On a bad record, write an error record and go on (the exit status still reports it).")
    var keepGoing = false

    @OptionGroup var keyring: KeyringOptions

    func validate() throws {
        if file != nil && raw { throw ValidationError("--file and --raw are exclusive") }
        if output != nil && file == nil && !raw { throw ValidationError("-o applies to --file or --raw") }
        if armor && file == nil && !raw { throw ValidationError("--armor applies to --file or --raw") }
    }

    func execute() throws {
        let cliTTL = try ttl.map { try Time.duration($0, option: "--ttl") }
        let store = keyring.home.home.exists ? try keyring.open() : nil
        let readAfter = try ttlAfterRead.map { text -> Int64 in
            guard let seconds = try Time.duration(text, option: "--ttl-after-read") else { throw SottoError(.usage, "--ttl-after-read takes a duration, not never") }
            return seconds
        }
        let sealer = try Sealer(keyring: store, senderName: sender, anonymous: anonymous, includeSelf: !noSelf,
                                defaultRecipients: to + recipientsFile.flatMap(RecipientFiles.read), ttl: cliTTL,
                                ttlAfterRead: readAfter, requirePostQuantum: requirePostQuantum)
        sealer.defaultThread = thread
        sealer.defaultContentType = contentType
        if file != nil || raw {
            try sealRaw(sealer)
        } else {
            var loop = RecordLoop(keepGoing: keepGoing)
            let records = RecordReader(fd: 0)
            records.hint = "sotto-seal reads message records, one JSON object per line; to seal raw bytes, use --raw or --file PATH"
            try loop.each(records, weight: \.body.count, prepare: sealer.job, work: sealer.seal, emit: Output.record)
            try loop.finish()
        }
    }

    func sealRaw(_ sealer: Sealer) throws {
        if output == nil || output == "-", !armor, isatty(1) == 1 {
            throw SottoError(.usage, "refusing to write binary ciphertext to a terminal", hints: ["use -o FILE, --armor, or redirect stdout"])
        }
        let input = try Files.openForReading(file ?? "-")
        let pending = try output.map(Files.Pending.init)
        let target: ByteSink = pending ?? Output.stdout
        let armored = armor ? try ArmorEncoder(target) : nil
        let writer = try sealer.writer(recipients: nil, expiresAt: sealer.expiry(record: nil), thread: thread,
                                       contentType: contentType ?? "application/octet-stream", ttlAfterRead: sealer.ttlAfterRead,
                                       sink: armored ?? target)
        let reader = ProgressSource(fd: input)
        reader.visible = output != nil || isatty(1) == 0
        defer { reader.finish() }
        let blocks = ReadAhead(reader)
        defer { blocks.close() }
        var sealed = 0
        while true {
            let block = try blocks.next()
            if block.isEmpty { break }
            sealed += block.count
            try writer.write(block)
        }
        if sealed == 0, file == nil {
            // `sotto-export | sotto-seal --raw -o backup.age` after a failed export: an empty backup.
            Diagnostics.warning("standard input was empty: the sealed body is empty (did the command before this one fail?)")
        }
        try writer.finish()
        try armored?.finish()
        try pending?.commit()
    }
}
