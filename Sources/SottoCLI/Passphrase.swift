import ArgumentParser
import FoundationEssentials
import Glibc
import SottoCore

/// Where the keyring passphrase comes from, in order: --passphrase-fd,
/// --passphrase-file, SOTTO_PASSPHRASE, a prompt on the terminal. Never argv.
public struct PassphraseOptions: ParsableArguments {
    @Option(name: .customLong("passphrase-fd"), help: ArgumentHelp("Read the passphrase from file descriptor N.", valueName: "N"))
    public var fd: Int32?

    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp("Read the passphrase from the first line of FILE.", valueName: "FILE"),
            completion: .file())
    public var file: String?

    public init() {}

    public func validate() throws {
        if fd != nil, file != nil { throw ValidationError("--passphrase-fd and --passphrase-file are exclusive: give one") }
        try Self.checkOpen(fd, option: "--passphrase-fd")
    }

    /// A descriptor given for a passphrase must have been open when the
    /// command started: checked while parsing, before the command opens
    /// anything, so that a descriptor the caller never opened cannot turn
    /// out to be one of sotto's own files (the keyring) and be read as the passphrase.
    public static func checkOpen(_ fd: Int32?, option: String) throws {
        guard let fd, fcntl(fd, F_GETFD) == -1 else { return }
        throw ValidationError("\(option) \(fd): descriptor \(fd) is not open (give it to the command, as in `\(fd)< FILE`)")
    }

    /// Whether a passphrase was given: an option or the environment.
    public var isOffered: Bool { fd != nil || file != nil || ProcessInfo.processInfo.environment[Self.variable] != nil }

    /// Whether a passphrase can be had without failing: an option, the
    /// environment, or a terminal to ask on.
    public var isAvailable: Bool {
        fd != nil || file != nil || ProcessInfo.processInfo.environment[Self.variable] != nil || isatty(0) == 1
    }

    public static let variable = "SOTTO_PASSPHRASE"

    /// Whether the passphrase will be typed on the terminal: no option or
    /// variable gives it.
    public var isTyped: Bool { !isOffered }

    /// How many passphrases a keyring tries before "wrong passphrase": a
    /// person gets three, as sudo and ssh give; a script's one is final.
    public var tries: Int { isTyped ? 3 : 1 }

    /// A source for the existing passphrase of the keyring in `home`; the
    /// prompt names it, and says so when the last one was wrong.
    public func source(for home: Home) -> Keyring.PassphraseSource {
        var asked = 0
        return {
            asked += 1
            let prompt = (asked > 1 ? "wrong passphrase, try again\n" : "") + "passphrase for the keyring in \(home.path): "
            return try self.read(prompt: prompt, confirm: false)
        }
    }

    /// Reads a new passphrase, asking twice when it comes from a terminal.
    /// `variable` names the environment variable to take it from (nil: none).
    public func newPassphrase(variable: String? = Self.variable) throws -> SecureBytes {
        try read(prompt: "new passphrase: ", confirm: true, variable: variable)
    }

    func read(prompt: String, confirm: Bool, variable: String? = Self.variable) throws -> SecureBytes {
        let noTerminal = confirm
            ? SottoError(.locked, "a new keyring passphrase is needed and there is no terminal to ask for it",
                         hints: ["give it with --passphrase-fd N, --passphrase-file FILE or \(variable ?? Self.variable), or use --no-passphrase"])
            : SottoError(.locked, "the keyring is locked and there is no terminal to ask for the passphrase",
                         hints: ["use --passphrase-fd N, --passphrase-file FILE or SOTTO_PASSPHRASE"])
        return try Self.read(fd: fd, fdOption: "--passphrase-fd", file: file, variable: variable, prompt: prompt,
                             repeatPrompt: confirm ? "repeat passphrase: " : nil, noTerminal: noTerminal)
    }

    /// Reads a passphrase from the first source given: a file descriptor, a
    /// file, an environment variable, else the terminal (asked twice with
    /// `repeatPrompt`). `noTerminal` is thrown when there is none to ask.
    static func read(fd: Int32?, fdOption: String, file: String?, variable: String?, prompt: String, repeatPrompt: String?,
                     noTerminal: SottoError) throws -> SecureBytes {
        if let fd { return try readLine(fd: fd, what: "\(fdOption) \(fd)") }
        if let file {
            let handle = open(file, O_RDONLY | O_CLOEXEC)
            guard handle >= 0 else {
                throw SottoError(.notFound, "cannot read passphrase file \(file): \(String(cString: strerror(errno)))")
            }
            defer { close(handle) }
            return try readLine(fd: handle, what: file)
        }
        if let variable, let value = ProcessInfo.processInfo.environment[variable] {
            var bytes = Array(value.utf8)
            guard !bytes.isEmpty else { throw SottoError(.locked, "\(variable) is empty") }
            return try SecureBytes(consuming: &bytes)
        }
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else { throw noTerminal }
        defer { close(tty) }
        guard let repeatPrompt else { return try Self.prompt(tty: tty, prompt) }
        // A new passphrase is typed twice; a mismatch asks again, three times in all.
        for attempt in 1...3 {
            let first = try Self.prompt(tty: tty, attempt > 1 ? "the passphrases do not match, try again\n" + prompt : prompt)
            if first.isEqual(to: try Self.prompt(tty: tty, repeatPrompt)) { return first }
        }
        throw SottoError(.usage, "the passphrases do not match")
    }

    /// Reads up to the first newline into secure memory.
    static func readLine(fd: Int32, what: String) throws -> SecureBytes {
        let buffer = try SecureBytes(count: 4096)
        var count = 0
        var byte: UInt8 = 0
        while count < buffer.count {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 {
                if errno == EINTR { continue }
                throw SottoError(.io, "cannot read the passphrase from \(what): \(String(cString: strerror(errno)))")
            }
            if n == 0 || byte == 0x0A { break }
            buffer.withMutableBytes { $0[count] = byte }
            count += 1
        }
        byte = 0
        if count > 0, buffer.withBytes({ $0[count - 1] }) == 0x0D { count -= 1 }
        guard count > 0 else { throw SottoError(.locked, "the passphrase from \(what) is empty") }
        return try buffer.withBytes { try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    static func prompt(tty: Int32, _ text: String) throws -> SecureBytes {
        var original = termios()
        let isTerminal = tcgetattr(tty, &original) == 0
        if isTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(tty, TCSADRAIN, &silent)
        }
        defer {
            if isTerminal { tcsetattr(tty, TCSADRAIN, &original) }
            _ = Glibc.write(tty, "\n", 1)
        }
        _ = text.withCString { Glibc.write(tty, $0, strlen($0)) }
        return try readLine(fd: tty, what: "the terminal")
    }
}

public struct HomeOptions: ParsableArguments {
    @Option(name: .customLong("home"), help: ArgumentHelp("The sotto home directory (default: $SOTTO_HOME).", valueName: "DIR"),
            completion: .directory)
    public var path: String?

    public init() {}

    public var home: Home { Home.resolve(path) }
}
