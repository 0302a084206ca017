import ArgumentParser
import FoundationEssentials
import Glibc
import SottoCore

/// The passphrase of a file made with `age -p` (scrypt), from, in order:
/// --age-passphrase-fd, --age-passphrase-file, SOTTO_AGE_PASSPHRASE, a
/// prompt on the terminal. Read only when a file has an scrypt stanza.
public struct AgePassphraseOptions: ParsableArguments {
    @Option(name: .customLong("age-passphrase-fd"),
            help: ArgumentHelp("Read the passphrase of age -p files from file descriptor N.", valueName: "N"))
    public var fd: Int32?

    @Option(name: .customLong("age-passphrase-file"),
            help: ArgumentHelp("Read the passphrase of age -p files from the first line of FILE.", valueName: "FILE"), completion: .file())
    public var file: String?

    public init() {}

    public func validate() throws {
        if fd != nil, file != nil { throw ValidationError("--age-passphrase-fd and --age-passphrase-file are exclusive: give one") }
        try PassphraseOptions.checkOpen(fd, option: "--age-passphrase-fd")
    }

    static let variable = "SOTTO_AGE_PASSPHRASE"

    /// Whether a passphrase was given, so that no keyring is needed to open with it.
    public var isOffered: Bool { fd != nil || file != nil || ProcessInfo.processInfo.environment[Self.variable] != nil }

    /// The identity that opens `age -p` files, asking for the passphrase when one does.
    public var identity: ScryptIdentity {
        let (fd, file) = (fd, file)
        return ScryptIdentity {
            try PassphraseOptions.read(
                fd: fd, fdOption: "--age-passphrase-fd", file: file, variable: Self.variable, prompt: "passphrase for the age file: ",
                repeatPrompt: nil,
                noTerminal: SottoError(.locked, "this age file is sealed with a passphrase and there is no terminal to ask for it",
                                       hints: ["use --age-passphrase-fd N, --age-passphrase-file FILE or \(Self.variable)"]))
        }
    }
}
