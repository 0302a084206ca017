import ArgumentParser
import SottoCLI

@main
struct SendCommand: SottoMain {
    static let configuration = CommandConfiguration(
        commandName: "sotto-send",
        abstract: "Deliver envelope records to each recipient's mailbox (not built yet).",
        discussion: discussion("This command is planned and not built yet: it exits with status 70 and writes nothing to stdout."),
        version: sottoVersion)

    func run() throws { try NotBuiltYet.fail("sotto-send") }
}
