import Foundation
import XCTest

/// Mistakes a new user makes, and what each gets back: an error that names
/// the real cause and the way out, under the documented exit status.
final class FirstDayTests: CLITestCase {
    /// A name already in the keyring is a refusal (1) with a way out, not
    /// "output file exists" (73).
    func testANameAlreadyTakenIsRefusedWithTheWayOut() throws {
        let alice = try fixtureHome("alice")
        let again = try run("sotto-keygen", ["new", "alice", "--no-passphrase"], home: alice)
        assertFailure(again, tool: "sotto-keygen", status: 1, contains: ["an identity named 'alice' already exists"])
        let other = try fixtureHome("bob")
        try ok("sotto-keygen", ["new", "carol", "--no-passphrase"], home: other)
        let card = try ok("sotto-keygen", ["card", "carol"], home: other).stdout
        try ok("sotto-keygen", ["import", "--name", "carol2"], stdin: try fixtureCard("carol"), home: alice, allowStderr: true)
        let clash = try run("sotto-keygen", ["import", "--name", "carol2"], stdin: card, home: alice)
        assertFailure(clash, tool: "sotto-keygen", status: 1, contains: ["the name 'carol2' is already taken"])
        XCTAssertTrue(clash.err.contains("hint: choose another with --name PETNAME"), clash.err)
    }

    /// "0s" is a duration, just not an allowed one: the error says which.
    func testAZeroDurationSaysItIsZero() throws {
        let alice = try fixtureHome("alice")
        let record = try run("sotto-seal", stdin: jsonLine(["to": ["bob"], "body": "x", "ttl": "0s"]), home: alice)
        assertFailure(record, tool: "sotto-seal", status: 65, contains: ["field \"ttl\" is zero", "at least 1s"])
        let option = try run("sotto-seal", ["--ttl", "0s"], stdin: jsonLine(["to": ["bob"], "body": "x"]), home: alice)
        assertFailure(option, tool: "sotto-seal", status: 64, contains: ["--ttl", "at least 1s"])
    }

    /// -o names a device or a pipe: writing to it overwrites no file, so it
    /// is written; a full device names the file that could not be written.
    func testOutputToADeviceIsWrittenAndAFullOneIsNamed() throws {
        let alice = try fixtureHome("alice")
        let sealed = try ok("sotto-seal", ["--raw", "-r", "alice", "-o", "/dev/null"], stdin: Data("to nowhere".utf8), home: alice)
        XCTAssertEqual(sealed.out, "")
        let envelope = try ok("sotto-seal", ["--raw", "-r", "alice", "--anonymous"], stdin: Data("to a pipe".utf8), home: alice).stdout
        let fifo = path("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let heard = path("heard")
        let reader = try start("/bin/sh", ["-c", "cat \"$0\" > \"$1\"", fifo, heard])
        try ok("sotto-open", ["-o", fifo], stdin: envelope, home: alice)
        XCTAssertEqual(try reader.finish().status, 0)
        XCTAssertEqual(String(decoding: try read(heard), as: UTF8.self), "to a pipe", "the named pipe's reader gets the body")
        let full = try run("sotto-seal", ["--raw", "-r", "alice", "-o", "/dev/full"], stdin: Data("no room".utf8), home: alice)
        assertFailure(full, tool: "sotto-seal", status: 74, contains: ["cannot write /dev/full"])
        let file = path("kept.age")
        try ok("sotto-seal", ["--raw", "-r", "alice", "-o", file], stdin: Data("once".utf8), home: alice)
        assertFailure(try run("sotto-seal", ["--raw", "-r", "alice", "-o", file], stdin: Data("twice".utf8), home: alice),
                      tool: "sotto-seal", status: 73, contains: ["already exists"])
    }

    /// sotto-erase takes --mailbox MAILBOX as every delivery command does;
    /// --pending says to erase from it. The dry run lists the group places
    /// the erasure then removes, and the report counts them as such.
    func testEraseNamesItsMailboxAsTheOtherCommandsDoAndCountsGroupPlaces() throws {
        let alice = try fixtureHome("alice")
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: alice, allowStderr: true)
        try ok("sotto-keygen", ["group", "team", "bob", "carol"], home: alice)
        let mailbox = path("mailbox.db")
        assertFailure(try run("sotto-erase", ["--contact", "carol", "--mailbox", mailbox, "--yes"], home: alice),
                      tool: "sotto-erase", status: 64, contains: ["add --pending"])
        let dry = try ok("sotto-erase", ["--contact", "carol", "--dry-run"], home: alice).records()
        XCTAssertTrue(dry.contains { $0["what"] as? String == "group_membership" && $0["name"] as? String == "team"
                                     && $0["member"] as? String == "carol" }, "\(dry)")
        let report = try ok("sotto-erase", ["--contact", "carol", "--pending", "--mailbox", mailbox, "--yes"], home: alice).record("erasure")
        let removed = try XCTUnwrap(report["removed"] as? [String: Any])
        XCTAssertEqual(removed["contacts"] as? Int, 1)
        XCTAssertEqual(removed["group_memberships"] as? Int, 1)
        XCTAssertEqual(removed["groups"] as? Int, 0, "team still has bob")
        let groups = try ok("sotto-keygen", ["list"], home: alice).records().filter { $0["type"] as? String == "group" }
        XCTAssertEqual(groups.first?["members"] as? [String], ["bob"])
    }
}

extension FirstDayTests {
    /// A script insists on a signer, as `minisign -P` and gpgv allow: --from
    /// admits one contact and refuses anyone else, --require-verified admits
    /// only contacts whose safety number was verified.
    func testOpenInsistsOnASigner() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob"), carol = try fixtureHome("carol")
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: bob, allowStderr: true)
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("bob"), home: carol, allowStderr: true)
        let fromAlice = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "from alice"]).utf8), home: alice).stdout
        let fromCarol = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "from carol"]).utf8), home: carol).stdout
        let anonymous = try ok("sotto-seal", ["--anonymous"], stdin: Data(jsonLine(["to": ["bob"], "body": "from no one"]).utf8),
                               home: alice).stdout

        XCTAssertEqual(try ok("sotto-open", ["--from", "alice"], stdin: fromAlice, home: bob).record("message")["body"] as? String, "from alice")
        assertFailure(try run("sotto-open", ["--from", "alice"], stdin: fromCarol, home: bob), tool: "sotto-open", status: 1,
                      contains: ["'carol'", "--from admits only 'alice'"])
        assertFailure(try run("sotto-open", ["--from", "alice"], stdin: anonymous, home: bob), tool: "sotto-open", status: 1,
                      contains: ["anonymous message refused (--from)"])
        assertFailure(try run("sotto-open", ["--from", "alcie"], stdin: fromAlice, home: bob), tool: "sotto-open", status: 66,
                      contains: ["--from alcie: no contact or identity of that name"])

        assertFailure(try run("sotto-open", ["--require-verified"], stdin: fromAlice, home: bob), tool: "sotto-open", status: 1,
                      contains: ["not verified (--require-verified)"])
        let number = try XCTUnwrap(try ok("sotto-keygen", ["fingerprint", "alice"], home: bob).record("safety_number")["safety_number"] as? String)
        try ok("sotto-keygen", ["verify", "alice", "--safety-number", number], home: bob)
        XCTAssertEqual(try ok("sotto-open", ["--require-verified"], stdin: fromAlice, home: bob).record("message")["body"] as? String,
                       "from alice")
    }
}

extension FirstDayTests {
    /// Petnames and group names are mine to change; groups follow. An
    /// identity's name is in its card and stays. remove drops a contact and
    /// keeps their messages.
    func testRenameAndRemoveKeepGroupsAndMessages() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: bob, allowStderr: true)
        try ok("sotto-keygen", ["group", "team", "alice", "carol"], home: bob)
        try ok("sotto-keygen", ["group", "all", "@team"], home: bob)
        let renamed = try ok("sotto-keygen", ["rename", "alice", "ally"], home: bob).record("renamed")
        XCTAssertEqual(renamed["what"] as? String, "contact")
        try ok("sotto-keygen", ["rename", "@team", "crew"], home: bob)
        let groups = Dictionary(uniqueKeysWithValues: try ok("sotto-keygen", ["list"], home: bob).records()
            .filter { $0["type"] as? String == "group" }.map { ($0["name"] as? String ?? "?", $0["members"] as? [String] ?? []) })
        XCTAssertEqual(groups, ["crew": ["ally", "carol"], "all": ["@crew"]])
        assertFailure(try run("sotto-keygen", ["rename", "bob", "robert"], home: bob), tool: "sotto-keygen", status: 1,
                      contains: ["one of your identities"])
        assertFailure(try run("sotto-keygen", ["rename", "ally", "carol"], home: bob), tool: "sotto-keygen", status: 1,
                      contains: ["already taken"])

        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "kept"]).utf8), home: alice).stdout
        XCTAssertEqual((try ok("sotto-open", stdin: sealed, home: bob).record("message")["from"] as? [String: Any])?["name"] as? String, "ally")
        let removed = try ok("sotto-keygen", ["remove", "ally"], home: bob).record("removed")
        XCTAssertEqual(removed["group_memberships"] as? Int, 1)
        let opened = try run("sotto-open", stdin: sealed, home: bob)
        XCTAssertEqual(opened.status, 0, opened.summary)
        XCTAssertEqual(opened.record("message")["body"] as? String, "kept", "the message stays, from an unknown sender")
        XCTAssertTrue(opened.err.contains("unknown sender"), opened.err)
    }
}

extension FirstDayTests {
    /// --inspect needs no key and no home: what anyone can see of an envelope.
    func testInspectDescribesAnEnvelopeWithoutAKey() throws {
        let alice = try fixtureHome("alice")
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "hi", "ttl": "1d"]).utf8), home: alice)
        let envelope = sealed.record("envelope")
        let inspected = try ok("sotto-open", ["--inspect"], stdin: sealed.stdout, home: home("none")).record("inspection")
        XCTAssertEqual(inspected["id"] as? String, envelope["id"] as? String)
        XCTAssertEqual(inspected["stanzas"] as? [String], ["sotto/v2", "mlkem768x25519", "mlkem768x25519"])
        XCTAssertEqual(inspected["recipients"] as? Int, 2)
        XCTAssertEqual(inspected["postquantum"] as? Bool, true)
        let sotto = try XCTUnwrap(inspected["sotto"] as? [String: Any])
        XCTAssertEqual(sotto["mode"] as? String, "signed")
        XCTAssertEqual(sotto["expires_at"] as? String, envelope["expires_at"] as? String)
        XCTAssertEqual(sotto["expiry_authenticated"] as? Bool, false)
        let sizes = try XCTUnwrap(inspected["sizes"] as? [String: Any])
        XCTAssertEqual(sizes["file"] as? Int, ageBytes(envelope).count)
        XCTAssertGreaterThanOrEqual(sizes["plaintext"] as? Int ?? 0, 4096, "a short signed message pads to at least 4 KiB")

        let file = try write("plain.age", ageBytes(try ok("sotto-seal", ["--anonymous", "-r", "bob"],
                                                          stdin: Data(jsonLine(["body": "abc"]).utf8), home: alice).record("envelope")))
        let plain = try ok("sotto-open", ["--inspect", file]).record("inspection")
        XCTAssertEqual((plain["sotto"] as? [String: Any])?["mode"] as? String, "anonymous")
        XCTAssertEqual((plain["sizes"] as? [String: Any])?["plaintext"] as? Int, 3)
    }
}

extension FirstDayTests {
    /// A person at a terminal reads text; a pipe gets JSON; --json forces it.
    /// What a sender wrote cannot drive the terminal.
    func testATerminalGetsTextAndAPipeJSON() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) is missing") }
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let sealed = try write("sealed.jsonl", try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "hi\u{1B}[2Jthere\n"]).utf8),
                                                      home: alice).stdout)
        let onTerminal = { (command: String) throws -> String in
            let result = try self.run("/usr/bin/script", ["-qec", command, "/dev/null"], stdin: Data(), home: bob)
            XCTAssertEqual(result.status, 0, result.summary)
            return result.out
        }
        let bin = { (tool: String) in "'\(Binaries.path(tool))'" }
        let message = try onTerminal("\(bin("sotto-open")) '\(sealed)'")
        XCTAssertTrue(message.contains("From:    alice (not verified)"), message)
        XCTAssertTrue(message.contains("hi\\u{1b}[2Jthere"), "the escape is shown, not obeyed: \(message)")
        XCTAssertFalse(message.contains("\u{1B}[2J"), message)
        let list = try onTerminal("\(bin("sotto-keygen")) list")
        XCTAssertTrue(list.contains("identity bob (default)") && list.contains("contact alice (not verified)"), list)
        let number = try onTerminal("\(bin("sotto-keygen")) fingerprint alice")
        XCTAssertTrue(number.contains("safety number of bob and alice (not verified):"), number)
        XCTAssertTrue(try onTerminal("\(bin("sotto-keygen")) list --json").hasPrefix("{"))
        // A pipe sees records, as before.
        XCTAssertEqual(try ok("sotto-keygen", ["list"], home: bob).records().first?["type"] as? String, "identity")
    }
}

extension FirstDayTests {
    /// With no mailbox named, a send to someone else would land in this
    /// home's own mailbox, where they never look: refused, with the way out.
    /// A send to my own address still goes there.
    func testSendWithNoMailboxNamedRefusesOthersAddresses() throws {
        let alice = try fixtureHome("alice")
        let toBob = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "hi"]).utf8), home: alice).stdout
        let refused = try run("sotto-send", stdin: toBob, home: alice)
        assertFailure(refused, tool: "sotto-send", status: 64, contains: ["no mailbox is named", "its owner would never see it"])
        XCTAssertTrue(refused.err.contains("hint: name the mailbox you share with them: SOTTO_MAILBOX or --mailbox"), refused.err)
        let toMe = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["alice"], "body": "note to self"]).utf8), home: alice).stdout
        XCTAssertEqual(try ok("sotto-send", stdin: toMe, home: alice).record("receipt")["status"] as? String, "stored")
        XCTAssertEqual(try ok("sotto-send", stdin: toBob, home: alice, env: ["SOTTO_MAILBOX": path("shared.db")]).record("receipt")["status"] as? String,
                       "stored")
    }
}

extension FirstDayTests {
    /// Pipeline stages in the wrong order, or one missing, are named as such.
    func testPipelineMistakesSayWhatIsMissing() throws {
        let alice = try fixtureHome("alice")
        let plain = try run("sotto-seal", ["-r", "bob"], stdin: Data("hello\n".utf8), home: alice)
        assertFailure(plain, tool: "sotto-seal", status: 65, contains: ["not valid JSON"])
        XCTAssertTrue(plain.err.contains("hint: sotto-seal reads message records") && plain.err.contains("--raw"), plain.err)
        let message = Data(jsonLine(["to": ["bob"], "body": "x"]).utf8)
        for tool in ["sotto-send", "sotto-open"] {
            let unsealed = try run(tool, ["--mailbox", path("mailbox.db")].filter { _ in tool == "sotto-send" }, stdin: message, home: alice)
            assertFailure(unsealed, tool: tool, status: 65, contains: ["this is a message record, not sealed yet"])
            XCTAssertTrue(unsealed.err.contains("hint: seal it first"), unsealed.err)
        }
        let sealed = try ok("sotto-seal", stdin: message, home: alice).stdout
        assertFailure(try run("sotto-seal", stdin: sealed, home: alice), tool: "sotto-seal", status: 64,
                      contains: ["this is an envelope record: it is sealed already"])
        // An empty stdin (a failed export before it, say) still seals, with a warning.
        let empty = try run("sotto-seal", ["--raw", "-r", "bob", "-o", path("backup.age")], stdin: Data(), home: alice)
        XCTAssertEqual(empty.status, 0, empty.summary)
        XCTAssertTrue(empty.err.contains("warning: standard input was empty"), empty.err)
    }
}

extension FirstDayTests {
    /// What a second new-user trial ran into: `-o -`, an age user's text,
    /// a large age file opened into a record, a send with no home.
    func testSmallThingsANewUserTrips() throws {
        let alice = try fixtureHome("alice")
        let recipient = try ok("sotto-keygen", ["age-recipient"], home: alice).out.trimmingCharacters(in: .newlines)
        let fromAge = try age(["-r", recipient], stdin: Data("hi\n".utf8)).stdout
        let file = try write("hi.age", fromAge)
        XCTAssertEqual(try ok("sotto-open", [file, "-o", "-"], home: alice).out, "hi\n", "-o - is standard output")
        XCTAssertFalse(exists(path("-")))
        XCTAssertEqual(try ok("sotto-open", [file], home: alice).record("message")["body"] as? String, "hi\n",
                       "an age user's UTF-8 text is a body, not base64")

        let large = try write("large.bin", Data(count: (64 << 20) + 1))
        let sealed = path("large.age")
        try ok("sotto-seal", ["--file", large, "--anonymous", "-r", "alice", "-o", sealed], home: alice)
        assertFailure(try run("sotto-open", [sealed], home: alice), tool: "sotto-open", status: 64, contains: ["over 64 MiB"])

        let nowhere = home("typo")
        let envelope = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "x"]).utf8), home: alice).stdout
        assertFailure(try run("sotto-send", stdin: envelope, home: nowhere), tool: "sotto-send", status: 66, contains: ["no sotto home"])
        XCTAssertFalse(exists(nowhere), "nothing created")
        let typo = try run("sotto", ["sael"])
        XCTAssertTrue(typo.err.contains("did you mean `sotto seal`?"), typo.err)
    }
}

extension FirstDayTests {
    /// A mistyped name gets "did you mean", a group named without @ says so.
    func testMistypedNamesGetASuggestion() throws {
        let alice = try fixtureHome("alice")
        try ok("sotto-keygen", ["group", "team", "bob"], home: alice)
        for (name, hint) in [("bbo", "did you mean bob?"), ("team", "'team' is a group: write @team"), ("@taem", "did you mean @team?")] {
            let result = try run("sotto-seal", stdin: Data(jsonLine(["to": [name], "body": "x"]).utf8), home: alice)
            assertFailure(result, tool: "sotto-seal", status: 66)
            XCTAssertTrue(result.err.contains("hint: \(hint)"), "\(name): \(result.err)")
        }
        let fingerprint = try run("sotto-keygen", ["fingerprint", "bbo"], home: alice)
        assertFailure(fingerprint, tool: "sotto-keygen", status: 66, contains: ["no contact named 'bbo'"])
        XCTAssertTrue(fingerprint.err.contains("hint: did you mean bob?"), fingerprint.err)
    }
}

extension FirstDayTests {
    /// `sotto-send --to` takes a contact's name as well as an address.
    func testSendToANameDeliversToItsMailbox() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let bobAddress = try XCTUnwrap(try identityRecord(home: bob)["mailbox"] as? String)
        let file = try write("note.age", ageBytes(try ok("sotto-seal", ["--anonymous", "-r", "bob"],
                                                          stdin: Data(jsonLine(["body": "by name"]).utf8), home: alice).record("envelope")))
        let sent = try ok("sotto-send", ["--mailbox", path("mailbox.db"), "--file", file, "--to", "bob"], home: alice)
        XCTAssertEqual(sent.record("receipt")["mailbox"] as? String, bobAddress)
        let typo = try run("sotto-send", ["--mailbox", path("mailbox.db"), "--file", file, "--to", "bbo"], home: alice)
        assertFailure(typo, tool: "sotto-send", status: 66, contains: ["unknown recipient 'bbo'"])
        assertFailure(try run("sotto-send", ["--mailbox", path("mailbox.db"), "--file", file, "--to", "ABCDEF0123456789ABCD"], home: alice),
                      tool: "sotto-send", status: 65, contains: ["not a mailbox address"])
    }
}

extension FirstDayTests {
    /// Two sources for one passphrase are a usage error, not one silently
    /// preferred; answering no to sotto-erase's question erases nothing and
    /// is not an error; sotto-open waiting on a terminal says what for.
    func testAmbiguousPassphrasesDeclinedErasuresAndAWaitingOpen() throws {
        let alice = try fixtureHome("alice")
        let file = try write("pw", Data("x\n".utf8))
        for (tool, args) in [("sotto-keygen", ["list", "--passphrase-fd", "0", "--passphrase-file", file]),
                             ("sotto-export", ["--secrets", "--export-passphrase-fd", "0", "--export-passphrase-file", file]),
                             ("sotto-open", ["--age-passphrase-fd", "0", "--age-passphrase-file", file])] {
            assertFailure(try run(tool, args, stdin: Data(), home: alice), tool: tool, status: 64, contains: ["are exclusive: give one"])
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) is missing") }
        // script(1) gives the command a terminal of its own, and types our answer at it.
        let declined = try run("/usr/bin/script", ["-qec", "'\(Binaries.path("sotto-erase"))' --contact bob", "/dev/null"],
                               stdin: Data("n\n".utf8), home: alice)
        XCTAssertEqual(declined.status, 0, declined.summary)
        XCTAssertTrue(declined.out.contains("sotto-erase: notice: nothing erased"), declined.out)
        XCTAssertNotNil(try contactRecord("bob", home: alice), "bob is still a contact")
        let waiting = try run("/usr/bin/script", ["-qec", "'\(Binaries.path("sotto-open"))'", "/dev/null"], stdin: Data([4]), home: alice)
        XCTAssertEqual(waiting.status, 0, waiting.summary)
        XCTAssertTrue(waiting.out.contains("reading envelope records or an age file from the terminal; end with Ctrl-D"), waiting.out)
    }
}

extension FirstDayTests {
    /// A mistyped field of a message record is an error, not a default: "tll"
    /// would otherwise make a message meant to vanish in a minute last a week.
    /// An opened message record piped back in is not sealed again.
    func testAMistypedRecordFieldOrAnOpenedMessageIsNotSealed() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let typo = try run("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "gone in a minute", "tll": "1m"]).utf8), home: alice)
        assertFailure(typo, tool: "sotto-seal", status: 65, contains: ["field \"tll\" is not a field of a message record"])
        XCTAssertTrue(typo.err.contains("did you mean \"ttl\"?"), typo.err)
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "hi"]).utf8), home: alice)
        let opened = try ok("sotto-open", stdin: sealed.stdout, home: bob)
        assertFailure(try run("sotto-seal", stdin: opened.stdout, home: bob), tool: "sotto-seal", status: 64,
                      contains: ["this is an opened message record"])
    }
}

extension FirstDayTests {
    /// --thread and --content-type apply to records that name none, as --ttl
    /// does: dropping them without a word lost a thread.
    func testThreadAndContentTypeOptionsApplyToRecords() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let records = Data((jsonLine(["to": ["bob"], "body": "second"]) + jsonLine(["to": ["bob"], "body": "own", "thread": "other"])).utf8)
        let sealed = try ok("sotto-seal", ["--thread", "standup", "--content-type", "text/markdown"], stdin: records, home: alice)
        let opened = try ok("sotto-open", ["--json"], stdin: sealed.stdout, home: bob).records()
        XCTAssertEqual(opened.map { $0["thread"] as? String }, ["standup", "other"])
        XCTAssertEqual(opened.first?["content_type"] as? String, "text/markdown")
    }
}

extension FirstDayTests {
    /// Envelope records given to import (meant for sotto-recv) import nothing: an error, not a success.
    func testImportingEnvelopesSaysThereIsNothingToImport() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "hi"]).utf8), home: alice)
        let result = try run("sotto-keygen", ["import"], stdin: sealed.stdout, home: bob)
        assertFailure(result, tool: "sotto-keygen", status: 65, contains: ["nothing to import"])
        XCTAssertTrue(result.err.contains("sotto-recv --input"), result.err)
    }
}
