import SottoCore

extension SottoError.Kind {
    /// The stable, sysexits-style exit code of each error kind.
    public var exitCode: Int32 {
        switch self {
        case .refused: return 1
        case .usage: return 64
        case .malformed: return 65
        case .notFound: return 66
        case .unavailable: return 69
        case .internal, .unsupported: return 70
        case .outputExists: return 73
        case .io: return 74
        case .temporary: return 75
        case .locked: return 77
        }
    }
}

/// The exit-code table that every command's --help and man page carries.
public let exitCodeDiscussion = """
    EXIT STATUS
      0   success
      1   refused: bad signature, no matching key, expired, a sender the
          policy refuses (--require-known, --from), a name already taken
      64  usage error
      65  malformed input (the error names the line and field)
      66  input file or named item not found
      69  mailbox unavailable
      70  internal error, or an unsupported format or schema version
      73  output file exists
      74  I/O error
      75  temporary failure, safe to retry
      77  wrong passphrase (of the keyring, an export or an age -p file)
          or locked keyring
    """

/// The environment every command reads.
public let environmentDiscussion = """
    ENVIRONMENT
      SOTTO_HOME        keyring and inbox directory (default
                        $XDG_DATA_HOME/sotto or ~/.local/share/sotto)
      SOTTO_PASSPHRASE  keyring passphrase, for scripts (prefer
                        --passphrase-fd or --passphrase-file)
      SOTTO_NEW_PASSPHRASE  the new keyring passphrase (sotto-keygen passwd)
      SOTTO_EXPORT_PASSPHRASE  seals and opens the secrets of an export
      SOTTO_AGE_PASSPHRASE  the passphrase of an age -p file sotto-open
                        opens (prefer --age-passphrase-fd or -file)
      SOTTO_MAILBOX     the mailbox: a SQLite file path, sqlite:PATH or
                        postgres://USER@HOST/DB; PG* variables and
                        ~/.pgpass fill in the URL (default: mailbox.db in
                        SOTTO_HOME, which sotto-send uses only for my own
                        addresses)
      NO_COLOR          disables colour on stderr
    """
