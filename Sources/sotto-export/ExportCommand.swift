import ArgumentParser
import SottoCLI

@main
struct ExportCommand: SottoMain {
    static let configuration = CommandConfiguration(
        commandName: "sotto-export",
        abstract: "Write everything this home holds as JSON Lines (not built yet).",
        discussion: discussion("This command is planned and not built yet: it exits with status 70 and writes nothing to stdout."),
        version: sottoVersion)

    func run() throws { try NotBuiltYet.fail("sotto-export") }
}
