import ArgumentParser
import FoundationEssentials
import Glibc
import SottoCLI
import SottoCore
import SottoPostgres

@main
struct ExpireCommand: SottoCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto-expire",
        abstract: "Delete expired envelopes and destroy retired keys.",
        discussion: discussion("""
            Meant for cron or a systemd timer. In one run it:
              1. deletes from the local inbox every envelope past its expiry, or past its
                 read-after timer (set by the sender with --ttl-after-read, counted from the
                 first sotto-open);
              2. deletes from the mailbox every envelope past its expiry;
              3. rotates the encryption keys of identities with a schedule (sotto-keygen rotate
                 --every), and any key past half its lifetime (90 days without a schedule);
              4. destroys the secrets of keys that ended longer ago than the retention
                 (sotto-keygen rotate --retain; default 31 days), so messages sealed to them
                 can no longer be opened by anyone.

            It writes {"type":"expired",...}, {"type":"rotated",...} and {"type":"key_destroyed",...} \
            records and one {"type":"summary",...}; --quiet writes nothing; --dry-run changes nothing. \
            Idempotent and safe to run concurrently with itself, sotto-send and sotto-recv; exit 0 when \
            there is nothing to do, 66 when there is no home (cron has a bare environment: set SOTTO_HOME \
            if the home is not ~/.local/share/sotto) unless a mailbox is named, to expire that mailbox alone. Deletion from the inbox uses the later of the clock and the previous \
            run's clock, so a clock set backwards brings nothing back; the mailbox, which others share, goes by \
            the clock alone.

            Steps 3 and 4 need the keyring's secrets for rotating and for marking inbox envelopes whose \
            key is destroyed; without a passphrase source (and no terminal) rotation is skipped with a notice.

            Examples, shipped in contrib/:
              */10 * * * * sotto-expire --quiet
              systemd: contrib/sotto-expire.service and contrib/sotto-expire.timer (every 10 minutes)
            """),
        version: sottoVersion)

    @Flag(help: "Write no records (errors still go to stderr).")
    var quiet = false

    @Flag(help: "Show what would be deleted, destroyed or rotated; change nothing.")
    var dryRun = false

    @OptionGroup var mailbox: MailboxOptions
    @OptionGroup var keyring: KeyringOptions

    func emit(_ record: [String: Any]) throws { if !quiet { try Output.record(record) } }

    func execute() throws {
        let home = keyring.home.home
        // From cron, a home that is not there (a typo in SOTTO_HOME) would expire nothing, silently.
        // Without one, only an administrator's run over a named mailbox makes sense.
        let named = mailbox.location ?? ProcessInfo.processInfo.environment["SOTTO_MAILBOX"]
        guard home.exists || !(named ?? "").isEmpty else {
            throw SottoError(.notFound, "no sotto home at \(home.path)",
                             hints: ["set SOTTO_HOME to your home, or name a mailbox (--mailbox) to expire only that"])
        }
        let now = Time.now()
        let inbox = home.exists ? try Inbox.open(home, create: false) : nil
        let clock = try dryRun ? now : inbox?.expiryClock(now: now) ?? now
        var summary = ["inbox": 0, "mailbox": 0, "keys_rotated": 0, "keys_destroyed": 0]

        if let inbox {
            let due = try inbox.due(now: clock)
            if !dryRun {
                try inbox.delete(ids: due.map(\.envelope.id))
                try inbox.pruneTombstones(now: clock)
            }
            for (envelope, reason) in due {
                try emit(["type": "expired", "id": envelope.id, "where": "inbox", "reason": reason,
                          "expires_at": envelope.expiresAt.map(Time.rfc3339).orNull])
            }
            summary["inbox"] = due.count
        }
        // A shared mailbox is others' to break (a lock held, the file replaced): its failure
        // must not keep this home's keys from rotating or retired secrets from going.
        var mailboxFailure: (any Error)?
        do {
            if let store = try openMailbox(home) {
                // The mailbox is others' too: their mail goes by the real clock, never by the
                // high-water mark this home keeps against its own clock being set back.
                let gone = try dryRun ? store.expired(now: now) : store.removeExpired(now: now)
                for envelope in gone {
                    try emit(["type": "expired", "id": envelope.id, "where": "mailbox", "reason": "expired",
                              "mailbox": envelope.mailbox.orNull, "expires_at": envelope.expiresAt.map(Time.rfc3339).orNull])
                }
                summary["mailbox"] = gone.count
            }
        } catch let error as SottoError where home.exists && [.unavailable, .temporary, .io, .malformed].contains(error.kind) {
            mailboxFailure = error
        }
        if home.exists {
            let store = try keyring.open()
            let unlocked = try !dryRun && unlock(store, now: clock)
            summary["keys_rotated"] = try rotate(store, unlocked: unlocked, now: clock)
            summary["keys_destroyed"] = try destroy(store, inbox: inbox, unlocked: unlocked, now: clock)
        }
        try inbox?.checkpoint()
        if let mailboxFailure { throw mailboxFailure }
        var record: [String: Any] = ["type": "summary", "dry_run": dryRun, "clock": Time.rfc3339(clock)]
        for (key, value) in summary { record[key] = value }
        record["expired"] = (summary["inbox"] ?? 0) + (summary["mailbox"] ?? 0)
        try emit(record)
    }

    /// The mailbox named by --mailbox or SOTTO_MAILBOX, or the home's own if it exists.
    func openMailbox(_ home: Home) throws -> Mailbox? {
        let named = mailbox.location ?? ProcessInfo.processInfo.environment["SOTTO_MAILBOX"]
        if named == nil || named == "", !FileManager.default.fileExists(atPath: home.mailboxPath) { return nil }
        return try Mailboxes.open(mailbox.location, home: home)
    }

    /// Unlocks when a passphrase is at hand; a cron job without one still
    /// expires messages and destroys keys, and skips what needs secrets.
    func unlock(_ store: Keyring, now: Int64) throws -> Bool {
        guard !store.isProtected || keyring.passphrase.isAvailable else { return false }
        let work = try !store.rotationsDue(now: now).isEmpty || !store.retiredKeysDue(now: now).isEmpty
        guard work else { return false }
        try store.unlock()
        return true
    }

    func rotate(_ store: Keyring, unlocked: Bool, now: Int64) throws -> Int {
        var count = 0
        for identity in try store.rotationsDue(now: now) {
            if dryRun {
                try emit(["type": "rotated", "identity": identity.name, "dry_run": true])
                count += 1
                continue
            }
            guard unlocked else {
                Diagnostics.notice("the key rotation of '\(identity.name)' is due and needs the passphrase")
                continue
            }
            guard let rotated = try store.rotate(identity.name, now: now, onlyIfDue: true) else { continue }
            try emit(["type": "rotated", "identity": rotated.name, "age_recipient": rotated.card.currentKey?.ageRecipient ?? JSONNull()])
            count += 1
        }
        return count
    }

    func destroy(_ store: Keyring, inbox: Inbox?, unlocked: Bool, now: Int64) throws -> Int {
        let due = try store.retiredKeysDue(now: now)
        guard !due.isEmpty else {
            if !dryRun { try store.destroy([]) }
            return 0
        }
        if !dryRun {
            if unlocked, let inbox { try markLostEnvelopes(due, store: store, inbox: inbox, now: now) }
            try store.destroy(due)
        }
        for key in due {
            try emit(["type": "key_destroyed", "identity": key.identity, "age_recipient": key.recipient,
                      "retired_at": Time.rfc3339(key.retiredAt), "dry_run": dryRun])
        }
        return due.count
    }

    /// Before a key goes, note which inbox envelopes only it could open, so
    /// sotto-open can say why they no longer open.
    func markLostEnvelopes(_ keys: [RetiredKey], store: Keyring, inbox: Inbox, now: Int64) throws {
        let secrets = try keys.compactMap { try store.secret(of: $0) }
        var lost = [EnvelopeID]()
        for envelope in try inbox.list() {
            // An envelope whose header does not parse opens with no key; reading the inbox must not fail.
            let source = try inbox.source(for: envelope)
            guard let header = try? Header.parse(ByteReader(source)) else { continue }
            if secrets.contains(where: { (try? $0.unwrap(header.stanzas)) != nil }) { lost.append(envelope.id) }
        }
        try inbox.markKeyDestroyed(ids: lost, at: now)
    }
}
