import Foundation
import XCTest

/// The passphrase paths. Each unlock of a passphrase keyring runs Argon2id
/// (about 0.3 s), so these tests keep their unlocks few.
final class PassphraseTests: CLITestCase {
    /// Runs without a controlling terminal even when the test runner has one
    /// (Process keeps the session; a prompt on /dev/tty would then block).
    var noTerminal: [String] {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") ? ["/usr/bin/setsid", "-w"] : []
    }

    func makeKeyring(_ passphrase: String) throws -> String {
        let home = home("pass")
        let identity = try ok("sotto-keygen", ["new", "pat"], home: home, env: ["SOTTO_PASSPHRASE": passphrase]).record("identity")
        XCTAssertEqual(identity["name"] as? String, "pat")
        return home
    }

    func seal(_ home: String, env: [String: String] = [:], args: [String] = [], wrapper: [String] = []) throws -> CommandResult {
        try run("sotto-seal", args, stdin: Data(jsonLine(["to": ["pat"], "body": "secret"]).utf8), home: home, env: env,
                wrapper: wrapper)
    }

    func testOnlyTheRightPassphraseUnlocks() throws {
        let home = try makeKeyring("correct horse")
        let sealed = try seal(home, env: ["SOTTO_PASSPHRASE": "correct horse"])
        assertSuccess(sealed)
        let envelopeFile = try write("envelope.jsonl", sealed.stdout)

        assertFailure(try seal(home, env: ["SOTTO_PASSPHRASE": "wrong horse"]), tool: "sotto-seal", status: 77,
                      contains: ["wrong passphrase"])
        assertFailure(try seal(home, env: ["SOTTO_PASSPHRASE": ""]), tool: "sotto-seal", status: 77)

        // --passphrase-file: the first line, without its newline; it wins over the environment.
        let good = try write("good.pass", Data("correct horse\nignored second line\n".utf8))
        let bad = try write("bad.pass", Data("correct horse \n".utf8))
        let opened = try run("sotto-open", [envelopeFile, "--passphrase-file", good], home: home,
                             env: ["SOTTO_PASSPHRASE": "wrong horse"])
        assertSuccess(opened)
        XCTAssertEqual(opened.record("message")["body"] as? String, "secret")
        assertFailure(try run("sotto-open", [envelopeFile, "--passphrase-file", bad], home: home), tool: "sotto-open", status: 77)
        assertFailure(try run("sotto-open", [envelopeFile, "--passphrase-file", path("missing.pass")], home: home),
                      tool: "sotto-open", status: 66)

        // --passphrase-fd: from stdin, and from an inherited descriptor 3.
        let fromStdin = try run("sotto-open", [envelopeFile, "--passphrase-fd", "0"], stdin: Data("correct horse\r\n".utf8), home: home)
        assertSuccess(fromStdin)
        XCTAssertEqual(fromStdin.record("message")["body"] as? String, "secret")
        let fromFD3 = try run("sotto-open", [envelopeFile, "--passphrase-fd", "3"], home: home, env: ["PASSFILE": good],
                              wrapper: ["/bin/sh", "-c", "exec \"$@\" 3<\"$PASSFILE\"", "sh"])
        assertSuccess(fromFD3)
        XCTAssertEqual(fromFD3.record("message")["body"] as? String, "secret")
    }

    /// A descriptor the caller never opened used to be sotto's own keyring
    /// file by the time the passphrase was read: `new` then sealed the secrets
    /// under bytes of the database, and the keyring could never be unlocked.
    /// Any passphrase descriptor not open at start is a usage error, and nothing is stored.
    func testAPassphraseDescriptorThatWasNeverOpenedIsAUsageError() throws {
        let pass = try write("pw.txt", Data("correct horse\n".utf8))
        let fresh = home("never-opened")
        let created = try run("sotto-keygen", ["new", "alice", "--passphrase-fd", "3"], home: fresh,
                              wrapper: ["/bin/sh", "-c", "exec \"$@\" < \"$0\"", pass])
        assertFailure(created, tool: "sotto-keygen", status: 64, contains: ["--passphrase-fd 3", "not open"])
        XCTAssertFalse(exists(fresh + "/keyring.db"), "nothing was created")

        let home = try makeKeyring("one-one")
        let passwd = try run("sotto-keygen", ["passwd", "--new-passphrase-fd", "5"], home: home, env: ["SOTTO_PASSPHRASE": "one-one"])
        assertFailure(passwd, tool: "sotto-keygen", status: 64, contains: ["--new-passphrase-fd 5"])
        assertSuccess(try seal(home, env: ["SOTTO_PASSPHRASE": "one-one"]), allowStderr: true)
        let export = try run("sotto-export", ["--secrets", "--export-passphrase-fd", "7", "-o", path("x.jsonl")], home: home,
                             env: ["SOTTO_PASSPHRASE": "one-one"])
        assertFailure(export, tool: "sotto-export", status: 64, contains: ["--export-passphrase-fd 7"])
        XCTAssertFalse(exists(path("x.jsonl")))
    }

    /// The README's first command, run with no terminal and no passphrase:
    /// the error says what is missing (a new passphrase, or --no-passphrase),
    /// and nothing is created.
    func testANewKeyringWithoutAPassphraseSaysSoAndCreatesNothing() throws {
        let fresh = home("first-day")
        let result = try run("sotto-keygen", ["new", "alice"], home: fresh, wrapper: noTerminal)
        assertFailure(result, tool: "sotto-keygen", status: 77, contains: ["a new keyring passphrase is needed"])
        XCTAssertTrue(result.err.contains("--no-passphrase"), result.err)
        XCTAssertFalse(exists(fresh), "no home is left behind")
    }

    func testLockedKeyringWithoutPassphraseOrTerminalIs77() throws {
        let home = try makeKeyring("hunter22")
        let locked = try seal(home, wrapper: noTerminal)
        assertFailure(locked, tool: "sotto-seal", status: 77)
        XCTAssertTrue(locked.err.contains("--passphrase-fd") || locked.err.contains("SOTTO_PASSPHRASE"),
                      "a hint names the passphrase sources: \(locked.err)")
        assertFailure(try run("sotto-keygen", ["rotate"], home: home, wrapper: noTerminal), tool: "sotto-keygen", status: 77)
        let key = path("pat.key")
        assertFailure(try run("sotto-keygen", ["age-identity", "-o", key], home: home, wrapper: noTerminal),
                      tool: "sotto-keygen", status: 77)
        XCTAssertFalse(exists(key), "a locked keyring exports nothing")
        // A keyring made with --no-passphrase needs no source at all.
        let open = try fixtureHome("alice")
        assertSuccess(try run("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "x"]).utf8), home: open, wrapper: noTerminal))
    }

    func testPasswdChangesThePassphrase() throws {
        let home = try makeKeyring("one-one")
        let sealed = try seal(home, env: ["SOTTO_PASSPHRASE": "one-one"])
        assertSuccess(sealed)

        let changed = try run("sotto-keygen", ["passwd"], home: home,
                              env: ["SOTTO_PASSPHRASE": "one-one", "SOTTO_NEW_PASSPHRASE": "two-two"])
        XCTAssertEqual(changed.status, 0, changed.summary)
        XCTAssertEqual(changed.out, "")
        XCTAssertFalse(changed.err.contains("error"), changed.err)
        assertFailure(try seal(home, env: ["SOTTO_PASSPHRASE": "one-one"]), tool: "sotto-seal", status: 77, contains: ["wrong passphrase"])
        assertSuccess(try seal(home, env: ["SOTTO_PASSPHRASE": "two-two"]))

        // The current passphrase must be right to change it.
        let refused = try run("sotto-keygen", ["passwd"], home: home,
                              env: ["SOTTO_PASSPHRASE": "one-one", "SOTTO_NEW_PASSPHRASE": "evil"])
        assertFailure(refused, tool: "sotto-keygen", status: 77)

        let newFile = try write("new.pass", Data("three-three\n".utf8))
        let again = try run("sotto-keygen", ["passwd", "--new-passphrase-file", newFile], home: home,
                            env: ["SOTTO_PASSPHRASE": "two-two"])
        XCTAssertEqual(again.status, 0, again.summary)
        XCTAssertEqual(again.out, "")
        assertFailure(try seal(home, env: ["SOTTO_PASSPHRASE": "two-two"]), tool: "sotto-seal", status: 77)
        assertFailure(try seal(home, env: ["SOTTO_PASSPHRASE": "evil"]), tool: "sotto-seal", status: 77)

        // Secrets were re-encrypted, not replaced: the first message still opens.
        let opened = try run("sotto-open", ["--passphrase-file", newFile], stdin: sealed.stdout, home: home)
        assertSuccess(opened)
        XCTAssertEqual(opened.record("message")["body"] as? String, "secret")

        // Removing the passphrase: no source is needed afterwards.
        let removed = try run("sotto-keygen", ["passwd", "--no-passphrase"], home: home, env: ["SOTTO_PASSPHRASE": "three-three"])
        XCTAssertEqual(removed.status, 0, removed.summary)
        assertSuccess(try seal(home, wrapper: noTerminal))
    }

    /// On a terminal a person gets three tries, as sudo and ssh give: a wrong
    /// passphrase asks again, and so does a new one typed differently twice.
    /// The prompt names the keyring. script(1) gives the command a terminal.
    func testATerminalAsksAgainAfterAMistake() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) is missing") }
        let home = try makeKeyring("correct horse")
        let onTerminal = { (typed: [String]) throws -> CommandResult in
            try self.run("/usr/bin/script", ["-qec", "'\(Binaries.path("sotto-keygen"))' passwd", "/dev/null"],
                         stdin: Data(typed.map { $0 + "\n" }.joined().utf8), home: home)
        }
        let wrongThrice = try onTerminal(["one", "two", "three"])
        XCTAssertEqual(wrongThrice.status, 77, wrongThrice.summary)
        XCTAssertEqual(wrongThrice.out.components(separatedBy: "wrong passphrase, try again").count - 1, 2, wrongThrice.out)
        XCTAssertTrue(wrongThrice.out.contains("passphrase for the keyring in \(home): "), wrongThrice.out)

        let changed = try onTerminal(["wrong", "correct horse", "new one", "new two", "new one", "new one"])
        XCTAssertEqual(changed.status, 0, changed.summary)
        XCTAssertTrue(changed.out.contains("the passphrases do not match, try again"), changed.out)
        assertSuccess(try seal(home, env: ["SOTTO_PASSPHRASE": "new one"]))
        assertFailure(try seal(home, env: ["SOTTO_PASSPHRASE": "correct horse"]), tool: "sotto-seal", status: 77)
    }

    /// `sotto-keygen unlock` keeps the key in the kernel's session keyring:
    /// commands of that session need no passphrase; another session, `lock`
    /// and `passwd` end that; and `passwd` itself still needs the passphrase,
    /// so a program of the session cannot change or remove it. Each run is
    /// its own session (keyctl session -).
    func testUnlockKeepsTheKeyForTheSessionOnly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/keyctl") else {
            return XCTFail("keyctl (Debian's keyutils) is missing: make test installs it")
        }
        let home = try makeKeyring("correct horse")
        let message = try write("message.json", Data(jsonLine(["to": ["pat"], "body": "secret"]).utf8))
        let bin = URL(fileURLWithPath: Binaries.path("sotto-seal")).deletingLastPathComponent().path
        // Prints each step's exit status; a seal without a passphrase and without a terminal.
        let script = """
            seal() { setsid -w sotto-seal < "$MESSAGE" > /dev/null 2>&1; echo "$1 $?"; }
            SOTTO_PASSPHRASE='correct horse' sotto-keygen unlock --for 5m > /dev/null; echo "unlock $?"
            seal kept
            keyctl session - sh -c 'setsid -w sotto-seal < "$MESSAGE" > /dev/null 2>&1; echo "other-session $?"'
            sotto-keygen lock | grep -q '"was_unlocked":true'; echo "lock $?"
            seal locked
            SOTTO_PASSPHRASE='correct horse' sotto-keygen unlock > /dev/null; echo "unlock-again $?"
            setsid -w sotto-keygen passwd --no-passphrase > /dev/null 2>&1; echo "remove-unproven $?"
            SOTTO_NEW_PASSPHRASE='x' setsid -w sotto-keygen passwd > /dev/null 2>&1; echo "change-unproven $?"
            SOTTO_PASSPHRASE='correct horse' SOTTO_NEW_PASSPHRASE='battery staple' sotto-keygen passwd > /dev/null; echo "passwd $?"
            seal after-passwd
            """
        let result = try run("/usr/bin/keyctl", ["session", "-", "/bin/sh", "-c", script], home: home,
                             env: ["PATH": bin + ":/usr/bin:/bin", "MESSAGE": message])
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertEqual(result.stdoutLines.filter { !$0.isEmpty }, [
            "unlock 0", "kept 0", "other-session 77", "lock 0", "locked 77", "unlock-again 0",
            "remove-unproven 77", "change-unproven 77", "passwd 0", "after-passwd 77",
        ], result.summary)
    }
}

extension PassphraseTests {
    /// A login without a session keyring of its own (no pam_keyinit: cron,
    /// this test's runner) keeps the key in the user-session keyring, where
    /// the next command finds it: `unlock` never says "unlocked" for a key
    /// that went into a keyring of its own process alone.
    func testUnlockWithoutASessionKeyringOfItsOwn() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/keyctl") else {
            return XCTFail("keyctl (Debian's keyutils) is missing: make test installs it")
        }
        let home = try makeKeyring("correct horse")
        let message = try write("message.json", Data(jsonLine(["to": ["pat"], "body": "kept"]).utf8))
        let bin = URL(fileURLWithPath: Binaries.path("sotto-seal")).deletingLastPathComponent().path
        // A new process with no session keyring: the kernel's user-session keyring stands in.
        let script = """
            SOTTO_PASSPHRASE='correct horse' sotto-keygen unlock --for 1m > /dev/null; echo "unlock $?"
            setsid -w sotto-seal < "$MESSAGE" > /dev/null 2>&1; echo "kept $?"
            sotto-keygen lock | grep -q '"was_unlocked":true'; echo "lock $?"
            setsid -w sotto-seal < "$MESSAGE" > /dev/null 2>&1; echo "locked $?"
            """
        let result = try run("/bin/sh", ["-c", script], home: home, env: ["PATH": bin + ":/usr/bin:/bin", "MESSAGE": message])
        XCTAssertEqual(result.stdoutLines.filter { !$0.isEmpty }, ["unlock 0", "kept 0", "lock 0", "locked 77"], result.summary)
    }
}
