import FoundationEssentials
import Glibc
import SottoRelease

/// `sotto NAME ARGS...` runs `sotto-NAME ARGS...`, found beside this executable
/// first and then on PATH, the way git finds its subcommands.
@main
enum Dispatcher {
    static let commands = Release.commands

    static let usage = """
        USAGE: sotto <command> [<arguments>...]

        sotto is a toolkit of small commands for end-to-end encrypted messaging.
        Each command is also its own executable, sotto-<command>.

        COMMANDS:
        \(commands.map { "  " + $0.0 + String(repeating: " ", count: 9 - $0.0.count) + $0.1 }.joined(separator: "\n"))

        Run `sotto help <command>` (or `sotto <command> --help`) for a command's options.
        """

    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 2 else {
            writeError(usage + "\n")
            exit(64)
        }
        var forwarded = Array(args.dropFirst(2))
        var name = args[1]
        switch name {
        case "help" where args.count >= 3:
            // `sotto help seal` and `sotto help keygen new` show that command's help.
            name = args[2]
            forwarded = Array(args.dropFirst(3)) + ["--help"]
        case "-h", "--help", "help":
            print(usage)
            exit(0)
        case "--version":
            print(Release.version)
            exit(0)
        default:
            break
        }
        guard commands.contains(where: { $0.0 == name }) else {
            let hint = suggestion(for: name).map { "did you mean `sotto \($0)`?" } ?? "run `sotto --help` for the list of commands"
            fail("unknown command '\(name)'", hint: hint, code: 64)
        }
        let program = "sotto-\(name)"
        guard let path = locate(program) else {
            fail("cannot find \(program) beside sotto or on PATH", hint: nil, code: 69)
        }
        let argv = [path] + forwarded
        var cArgs = argv.map { strdup($0) } + [nil]
        execv(path, &cArgs)
        fail("cannot run \(path): \(String(cString: strerror(errno)))", hint: nil, code: 70)
    }

    /// The command a mistyped name most likely meant: one edit away, or two
    /// for longer names.
    static func suggestion(for name: String) -> String? {
        let scored = commands.map { ($0.0, distance(Array(name), Array($0.0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= (name.count >= 4 ? 2 : 1) else { return nil }
        return best.0
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    static func locate(_ program: String) -> String? {
        var candidates = [String]()
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(own[..<(own.lastIndex(of: "/") ?? own.startIndex)] + "/" + program)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        candidates += path.split(separator: ":").map { "\($0)/\(program)" }
        return candidates.first { access($0, X_OK) == 0 }
    }

    static func fail(_ message: String, hint: String?, code: Int32) -> Never {
        var text = "sotto: error: \(message)\n"
        if let hint { text += "sotto: hint: \(hint)\n" }
        writeError(text)
        exit(code)
    }

    static func writeError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
