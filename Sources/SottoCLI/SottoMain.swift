import ArgumentParser
import FoundationEssentials
import Glibc
import SottoCore

/// The entry point of every sotto executable: parses with ArgumentParser but
/// reports usage errors in sotto's own voice (`tool: error: …`, exit 64).
public protocol SottoMain: ParsableCommand {}

extension SottoMain {
    public static func main() {
        Diagnostics.tool = CommandLine.arguments.first.map { Path.lastComponent(of: $0) } ?? "sotto"
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Glibc.exit(0)
            }
            if !message.isEmpty {
                // ArgumentParser's text is "Error: what\nUsage: …"; keep the first line.
                var line = message.split(separator: "\n").first.map(String.init) ?? message
                if line.hasPrefix("Error: ") { line.removeFirst("Error: ".count) }
                if let first = line.first { line = first.lowercased() + line.dropFirst() }
                if line.hasSuffix(".") { line.removeLast() }
                Diagnostics.error(line)
                Diagnostics.hint("see '\(Diagnostics.tool) --help'")
            }
            Glibc.exit(code.rawValue)
        }
    }
}
