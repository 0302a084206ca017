import ArgumentParser
import SottoCLI
import SottoCore

@main
struct ExportCommand: SottoCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto-export",
        abstract: "Write everything this home holds as JSON Lines, for portability and backup.",
        discussion: discussion("""
            Writes, one record per line, a manifest first:
              {"type":"manifest","format":"sotto-export","version":2,
               "created_at":...,"counts":{...},"secrets":...,"decrypted":...,"authenticated":...}

            Then my identities ("owner":"me", with the card; with --secrets the secret keys, sealed under an \
            export passphrase with Argon2id and XChaCha20-Poly1305), my contacts ("owner":"them": card or age \
            key, petname, verified and blocked marks), groups, settings, and the envelopes of the local inbox, \
            still sealed, with when each arrived and was first opened. --decrypt adds a message record after \
            each envelope that opens, with "author":"me" or "them". Nothing already expired is exported. \
            The export streams: memory holds one envelope at a time, whatever the size of the inbox. With \
            --secrets the last record authenticates the whole export under the export passphrase: a restore \
            refuses an export with any record changed, dropped, added or moved, and stores nothing.

            The export passphrase (--secrets) comes from --export-passphrase-fd N, --export-passphrase-file FILE, \
            SOTTO_EXPORT_PASSPHRASE or the terminal (asked twice); the keyring passphrase, needed by --secrets \
            and --decrypt, from the usual sources. -o FILE is created with mode 0600 and never overwritten (73); \
            a failed export leaves no file behind. With --decrypt the records hold plaintext: keep them as \
            safe as the home.

            Back up, then restore into an empty home:
              sotto-export --secrets -o backup.jsonl
              sotto-keygen import backup.jsonl
              sotto-recv --input backup.jsonl >/dev/null

            sotto-keygen import restores identities (asking for the export passphrase and a new keyring \
            passphrase, or --no-passphrase), contacts, groups and settings; sotto-recv --input restores the \
            envelopes with their received and opened times.

            An encrypted backup, sealed to an age key kept apart from the home:
              age-keygen -o backup-key.txt && age-keygen -y backup-key.txt >backup.pub
              sotto-export --secrets |
                sotto-seal --raw --anonymous --ttl never -R backup.pub -o backup.age

            And to restore it, before the commands above:
              sotto-open -i backup-key.txt backup.age -o backup.jsonl

            Exit status: 66 when there is no keyring, 73 when FILE exists, 77 for a wrong keyring passphrase \
            or when a passphrase is needed and none is given.
            """),
        version: sottoVersion)

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the export to FILE (created with mode 0600; never overwritten).", valueName: "FILE"),
            completion: .file())
    var output: String?

    @Flag(help: "Include the secret keys, sealed under an export passphrase, so the export can be restored.")
    var secrets = false

    @Flag(help: "Also write the plaintext of each envelope that opens, as a message record.")
    var decrypt = false

    @OptionGroup var exportPassphrase: ExportPassphraseOptions
    @OptionGroup var keyring: KeyringOptions

    func execute() throws {
        let pending = try output.map(Files.Pending.init)
        let now = Time.now()
        let store = try keyring.open()
        if secrets || decrypt { try store.unlock() }
        let key = secrets ? try ExportKey(passphrase: exportPassphrase.newPassphrase()) : nil
        let held = try KeyringExport(keyring: store, key: key)
        let inbox = try Inbox.open(keyring.home.home, create: false)
        let out = RecordSink(pending ?? Output.stdout, authenticated: key != nil)
        let write = {
            let envelopes = try inbox?.countUnexpired(now: now) ?? 0
            try out.record(ExportFormat.manifest(createdAt: now, counts: held.counts.merging(["envelopes": envelopes]) { $1 },
                                                 secrets: secrets, decrypted: decrypt))
            try held.write(to: out)
            if let inbox {
                // The records already say who is unknown; one notice per message would drown the warning that matters.
                let opener = decrypt ? try Opener(keyring: store, inbox: inbox) { notice in
                    if case .blockedSender = notice { Diagnostics.notice(notice.description) }
                } : nil
                try InboxExport(inbox: inbox, opener: opener, now: now).write(to: out)
            }
        }
        if let inbox { try inbox.snapshot(write) } else { try write() }
        if let key { try out.authenticate(with: key) }
        try pending?.commit()
    }
}

/// Writes records, one JSON line each, to stdout or the pending output file;
/// for an authenticated export, hashing each line as it goes.
final class RecordSink {
    let sink: ByteSink
    private let transcript: ExportTranscript?

    init(_ sink: ByteSink, authenticated: Bool) {
        self.sink = sink
        transcript = authenticated ? ExportTranscript() : nil
    }

    func record(_ object: [String: Any]) throws { try write(JSON.line(object)) }

    /// Writes part of the stream: a line, or a piece of one that streams.
    func write(_ bytes: [UInt8]) throws {
        transcript?.update(bytes)
        try sink.write(bytes)
    }

    func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// The last record: the MAC of every line before it.
    func authenticate(with key: ExportKey) throws {
        guard let transcript else { return }
        try sink.write(JSON.line(ExportAuthentication.record(key: key, transcript: transcript)))
    }
}
