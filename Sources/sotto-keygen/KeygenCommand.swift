import ArgumentParser
import SottoCLI

@main
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sotto-keygen", version: sottoVersion)
    func run() throws { try NotBuiltYet.fail("sotto-keygen") }
}
