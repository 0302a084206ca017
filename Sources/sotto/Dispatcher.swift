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

        Run `sotto <command> --help` for a command's options.
        """

    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 2 else {
            writeError(usage + "\n")
            exit(64)
        }
        switch args[1] {
        case "-h", "--help", "help":
            print(usage)
            exit(0)
        case "--version":
            print(Release.version)
            exit(0)
        default:
            break
        }
        let name = args[1]
        guard commands.contains(where: { $0.0 == name }) else {
            fail("unknown command '\(name)'", hint: "run `sotto --help` for the list of commands", code: 64)
        }
        let program = "sotto-\(name)"
        guard let path = locate(program) else {
            fail("cannot find \(program) beside sotto or on PATH", hint: nil, code: 69)
        }
        let argv = [path] + Array(args.dropFirst(2))
        var cArgs = argv.map { strdup($0) } + [nil]
        execv(path, &cArgs)
        fail("cannot run \(path): \(String(cString: strerror(errno)))", hint: nil, code: 70)
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
