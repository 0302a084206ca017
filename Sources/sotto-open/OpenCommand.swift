import ArgumentParser
import SottoCLI

@main
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sotto-open", version: sottoVersion)
    func run() throws { try NotBuiltYet.fail("sotto-open") }
}
