import ArgumentParser
import SottoCLI

@main
struct ExpireCommand: SottoMain {
    static let configuration = CommandConfiguration(
        commandName: "sotto-expire",
        abstract: "Delete expired envelopes and destroy retired keys (not built yet).",
        discussion: discussion("This command is planned and not built yet: it exits with status 70 and writes nothing to stdout."),
        version: sottoVersion)

    func run() throws { try NotBuiltYet.fail("sotto-expire") }
}
