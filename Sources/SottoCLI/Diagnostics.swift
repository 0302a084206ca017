import FoundationEssentials
import Glibc
import SottoCore

/// The one place that writes to people: `tool: error: message`, then hints.
public enum Diagnostics {
    nonisolated(unsafe) public static var tool = "sotto"

    private static var colour: Bool {
        isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    private static func emit(_ label: String, _ code: String, _ message: String) {
        let tag = colour ? "\u{1B}[\(code)m\(label)\u{1B}[0m" : label
        // Messages quote input (names, fields, paths): controls in it are shown, never acted on.
        try? FileDescriptorSink(fd: 2).write("\(tool): \(tag): \(message.printable)\n")
    }

    public static func error(_ message: String) { emit("error", "1;31", message) }
    public static func warning(_ message: String) { emit("warning", "1;33", message) }
    public static func hint(_ message: String) { emit("hint", "2", message) }
    public static func notice(_ message: String) { emit("notice", "1;34", message) }

    /// Before a contact who revoked their identity goes (`verb`: "erasing",
    /// "removing"): the keyring forgets the revocation with them.
    public static func warnForgettingRevocation(of name: String, _ verb: String) {
        warning("'\(name)' revoked their identity; \(verb) the contact forgets that: a card of it imported later "
                + "is taken as new, and what it signs is believed again")
    }

    public static func report(_ error: SottoError) {
        self.error(error.message)
        for line in error.hints { hint(line) }
    }
}
