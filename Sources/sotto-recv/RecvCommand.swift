import ArgumentParser
import SottoCLI

@main
struct RecvCommand: SottoMain {
    static let configuration = CommandConfiguration(
        commandName: "sotto-recv",
        abstract: "Fetch my envelopes from the mailbox into the local inbox (not built yet).",
        discussion: discussion("This command is planned and not built yet: it exits with status 70 and writes nothing to stdout."),
        version: sottoVersion)

    func run() throws { try NotBuiltYet.fail("sotto-recv") }
}
