import ArgumentParser
import SottoCore

/// Where the export passphrase (which seals the secrets in an export) comes
/// from, in order: --export-passphrase-fd, --export-passphrase-file,
/// SOTTO_EXPORT_PASSPHRASE, a prompt on the terminal. Never argv.
public struct ExportPassphraseOptions: ParsableArguments {
    @Option(name: .customLong("export-passphrase-fd"),
            help: ArgumentHelp("Read the export passphrase from file descriptor N.", valueName: "N"))
    public var fd: Int32?

    @Option(name: .customLong("export-passphrase-file"),
            help: ArgumentHelp("Read the export passphrase from the first line of FILE.", valueName: "FILE"))
    public var file: String?

    public init() {}

    public func validate() throws {
        if fd != nil, file != nil { throw ValidationError("--export-passphrase-fd and --export-passphrase-file are exclusive: give one") }
        try PassphraseOptions.checkOpen(fd, option: "--export-passphrase-fd")
    }

    /// A new export passphrase, for writing: asked twice on a terminal.
    public func newPassphrase() throws -> SecureBytes {
        try read(prompt: "export passphrase: ", repeatPrompt: "repeat export passphrase: ")
    }

    /// The export passphrase, for reading an export.
    public var source: () throws -> SecureBytes {
        { try self.read(prompt: "export passphrase: ", repeatPrompt: nil) }
    }

    func read(prompt: String, repeatPrompt: String?) throws -> SecureBytes {
        try PassphraseOptions.read(
            fd: fd, fdOption: "--export-passphrase-fd", file: file, variable: "SOTTO_EXPORT_PASSPHRASE", prompt: prompt,
            repeatPrompt: repeatPrompt,
            noTerminal: SottoError(.locked, "the export passphrase is needed and there is no terminal to ask for it",
                                   hints: ["use --export-passphrase-fd N, --export-passphrase-file FILE or SOTTO_EXPORT_PASSPHRASE"]))
    }
}
