import ArgumentParser
import SottoCore

/// --mailbox, shared by the delivery commands.
public struct MailboxOptions: ParsableArguments {
    @Option(name: .customLong("mailbox"), help: ArgumentHelp(
        "The mailbox: a SQLite file path, sqlite:PATH or a postgres:// URL (default: $SOTTO_MAILBOX, else mailbox.db in the home).",
        valueName: "MAILBOX"))
    public var location: String?

    public init() {}
}

public enum Addresses {
    /// Mailbox addresses are 32 lowercase hex characters.
    public static func validate(_ address: String) throws {
        guard Hex.isLowercase(address, digits: 32) else {
            throw SottoError(.malformed, "'\(address.prefix(40))' is not a mailbox address (32 lowercase hex characters)")
        }
    }
}
