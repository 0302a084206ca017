import Foundation
import XCTest

final class DispatcherTests: CLITestCase {
    static let commands = ["keygen", "seal", "open", "send", "recv", "expire", "export", "erase"]

    func testHelpListsEveryCommand() throws {
        let help = try ok("sotto", ["--help"])
        let listed = help.stdoutLines.compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard line.hasPrefix("  "), let first = words.first else { return nil }
            return String(first)
        }
        XCTAssertEqual(listed, Self.commands, help.out)
        XCTAssertEqual(try ok("sotto", ["help"]).out, help.out)
    }

    func testDispatchesToTheCommand() throws {
        let viaSotto = try ok("sotto", ["seal", "--help"])
        XCTAssertTrue(viaSotto.out.contains("USAGE: sotto-seal"), viaSotto.out)
        XCTAssertEqual(viaSotto.out, try ok("sotto-seal", ["--help"]).out)

        let alice = try fixtureHome("alice")
        let direct = try ok("sotto-keygen", ["age-recipient"], home: alice)
        XCTAssertEqual(try ok("sotto", ["keygen", "age-recipient"], home: alice).out, direct.out)

        // Exit codes and stderr pass through unchanged.
        let failed = try run("sotto", ["keygen", "fingerprint", "nosuch"], home: alice)
        assertFailure(failed, tool: "sotto-keygen", status: 66)
    }

    func testUnknownCommandIs64() throws {
        assertFailure(try run("sotto", ["nosuch"]), tool: "sotto", status: 64, contains: ["nosuch"])
        assertFailure(try run("sotto", ["../sotto-seal"]), tool: "sotto", status: 64)
        let bare = try run("sotto")
        XCTAssertEqual(bare.status, 64, bare.summary)
        XCTAssertEqual(bare.out, "", "usage goes to stderr when no command is given")
        XCTAssertTrue(bare.err.contains("COMMANDS"), bare.err)
    }

    /// The dispatcher and the commands each hold the version: it must be the same everywhere.
    func testEveryCommandAnswersHelpAndVersion() throws {
        let version = try ok("sotto", ["--version"])
        assertMatches(version.out, "[0-9]+\\.[0-9]+\\.[0-9]+\n", "sotto --version")
        for tool in ["sotto"] + Self.commands.map({ "sotto-\($0)" }) {
            XCTAssertEqual(try ok(tool, ["--version"]).out, version.out, "\(tool) --version is sotto --version")
            let help = try ok(tool, ["--help"])
            XCTAssertFalse(help.out.isEmpty, "\(tool) --help writes to stdout")
        }
    }
}
