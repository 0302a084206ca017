import ArgumentParser
import SottoCLI

@main
struct EraseCommand: SottoMain {
    static let configuration = CommandConfiguration(
        commandName: "sotto-erase",
        abstract: "Remove data for good and verify that it is gone (not built yet).",
        discussion: discussion("This command is planned and not built yet: it exits with status 70 and writes nothing to stdout."),
        version: sottoVersion)

    func run() throws { try NotBuiltYet.fail("sotto-erase") }
}
