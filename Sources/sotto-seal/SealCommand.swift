import ArgumentParser
import SottoCLI

@main
struct SealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sotto-seal", version: sottoVersion)
    func run() throws { try NotBuiltYet.fail("sotto-seal") }
}
