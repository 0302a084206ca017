import SottoCore

/// Opens the mailbox a command names, on whichever backend its location says.
public enum Mailboxes {
    public static func open(_ explicit: String?, home: Home) throws -> Mailbox {
        switch try MailboxLocation.resolve(explicit, home: home) {
        case .sqlite(let path): return try SQLiteMailbox(path: path)
        case .postgres(let url): return try PostgresMailbox(url: url)
        }
    }
}
