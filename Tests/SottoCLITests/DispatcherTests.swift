import Foundation
import XCTest

final class DispatcherTests: CLITestCase {
    /// The commands Package.swift builds (`sotto-NAME`), in its order: the
    /// dispatcher's list, its man page and its completions must say the same.
    static let commands: [String] = {
        let manifest = (try? String(contentsOf: Binaries.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)) ?? ""
        guard let start = manifest.range(of: "let commands = ["),
              let end = manifest[start.upperBound...].firstIndex(of: "]") else { return [] }
        return manifest[start.upperBound..<end].split(separator: "\"").compactMap { part in
            part.hasPrefix("sotto-") ? String(part.dropFirst("sotto-".count)) : nil
        }
    }()

    func testTheManifestListsTheCommands() {
        XCTAssertEqual(Self.commands.count, 8, "Package.swift's command list was read")
    }

    /// The man page and the completions are made from the dispatcher's own list.
    func testManPageAndCompletionsNameEveryCommand() throws {
        let page = try String(contentsOf: Binaries.packageRoot.appendingPathComponent("man/sotto.1"), encoding: .utf8)
        let paged = page.split(separator: "\n").compactMap { $0.hasPrefix(".B ") && !$0.contains("sotto") ? String($0.dropFirst(3)) : nil }
        XCTAssertEqual(paged, Self.commands)
        let bash = try String(contentsOf: Binaries.packageRoot.appendingPathComponent("completions/bash/sotto"), encoding: .utf8)
        XCTAssertTrue(bash.contains(Self.commands.joined(separator: " ")), bash)
    }

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

    /// `sotto help seal` is sotto-seal's help; a near miss gets a suggestion.
    func testHelpNamesACommandAndTyposGetASuggestion() throws {
        XCTAssertEqual(try ok("sotto", ["help", "seal"]).out, try ok("sotto-seal", ["--help"]).out)
        XCTAssertEqual(try ok("sotto", ["help", "keygen", "new"]).out, try ok("sotto-keygen", ["new", "--help"]).out)
        let typo = try run("sotto", ["seel"])
        assertFailure(typo, tool: "sotto", status: 64, contains: ["unknown command 'seel'"])
        XCTAssertTrue(typo.err.contains("hint: did you mean `sotto seal`?"), typo.err)
    }

    /// Bash completion, as bash runs it on TAB: through `sotto` and directly,
    /// options and names from the keyring.
    func testBashCompletesThroughTheDispatcherAndDirectly() throws {
        let alice = try fixtureHome("alice")
        try ok("sotto-keygen", ["group", "team", "bob"], home: alice)
        func complete(_ line: String) throws -> [String] {
            let completions = Binaries.packageRoot.appendingPathComponent("completions/bash").path
            let script = """
                source \(completions)/sotto-seal; source \(completions)/sotto-keygen; source \(completions)/sotto
                COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
                read -r -a COMP_WORDS <<< "$COMP_LINE"
                case "$COMP_LINE" in *" ") COMP_WORDS+=("");; esac
                COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
                cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD - 1]}"
                spec=$(complete -p "${COMP_WORDS[0]}"); function="${spec#*-F }"; function="${function%% *}"
                "$function" "${COMP_WORDS[0]}" "$cur" "$prev"
                printf '%s\n' "${COMPREPLY[@]}"
                """
            let bin = URL(fileURLWithPath: Binaries.path("sotto")).deletingLastPathComponent().path
            let result = try run("/bin/bash", ["-c", script, "bash", line], home: alice,
                                 env: ["PATH": bin + ":/usr/bin:/bin"])
            XCTAssertEqual(result.status, 0, result.summary)
            return result.stdoutLines.filter { !$0.isEmpty }
        }
        XCTAssertEqual(try complete("sotto se"), ["seal", "send"])
        XCTAssertEqual(try complete("sotto help op"), ["open"])
        XCTAssertEqual(try complete("sotto seal --ar"), ["--armor"])
        XCTAssertEqual(try complete("sotto-seal --ar"), ["--armor"])
        XCTAssertEqual(try complete("sotto seal -r "), ["@team", "alice", "bob"])
        XCTAssertEqual(try complete("sotto-seal --to @t"), ["@team"])
        XCTAssertEqual(try complete("sotto keygen verify b"), ["bob"])
        XCTAssertEqual(try complete("sotto-keygen fingerprint "), ["bob"])
    }

    /// zsh completes the same, typed at an interactive zsh in a pseudo-terminal.
    func testZshCompletesThroughTheDispatcherAndDirectly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh") else {
            return XCTFail("zsh is missing: make test installs it")
        }
        let alice = try fixtureHome("alice")
        let bin = URL(fileURLWithPath: Binaries.path("sotto")).deletingLastPathComponent().path
        let script = Binaries.packageRoot.appendingPathComponent("scripts/zsh-complete.zsh").path
        let completions = Binaries.packageRoot.appendingPathComponent("completions/zsh").path
        for (typed, completed) in [("sotto seal --ar", "sotto seal --armor"), ("sotto-seal --ar", "sotto-seal --armor"),
                                   ("sotto-seal -r bo", "sotto-seal -r bob"), ("sotto keygen verify bo", "sotto keygen verify bob"),
                                   ("sotto help op", "sotto help open")] {
            let result = try run("/usr/bin/zsh", ["-f", script, completions, typed, completed], home: alice,
                                 env: ["PATH": bin + ":/usr/bin:/bin"])
            XCTAssertEqual(result.status, 0, result.summary)
            XCTAssertTrue(result.out.contains(completed), "\(typed): \(result.out.debugDescription)")
        }
    }
}
