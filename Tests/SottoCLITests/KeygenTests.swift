import Foundation
import XCTest
import SottoCore

final class KeygenTests: CLITestCase {
    func testNewWritesAnIdentityRecordAndTheFirstIsDefault() throws {
        let home = home("new")
        let first = try ok("sotto-keygen", ["new", "alice", "--no-passphrase"], home: home).record("identity")
        XCTAssertEqual(first["name"] as? String, "alice")
        XCTAssertEqual(first["default"] as? Bool, true)
        XCTAssertEqual(first["keys"] as? Int, 2, "a key of each kind: X25519 and post-quantum")
        XCTAssertEqual(first["postquantum"] as? Bool, true)
        XCTAssertEqual(first["default_ttl"] as? String, "604800s")
        assertMatches(first["fingerprint"] as? String, Pattern.hex64, "fingerprint")
        assertMatches(first["mailbox"] as? String, Pattern.hex32, "mailbox")
        assertMatches(first["age_recipient"] as? String, Pattern.ageRecipient, "age_recipient")
        assertMatches(first["created_at"] as? String, Pattern.rfc3339, "created_at")
        XCTAssertEqual(try mode(home), 0o700, "the home directory is private")
        XCTAssertEqual(try mode(home + "/keyring.db"), 0o600, "the keyring file is private")

        let second = try ok("sotto-keygen", ["new", "alice2", "--ttl", "2h"], home: home).record("identity")
        XCTAssertEqual(second["name"] as? String, "alice2")
        XCTAssertEqual(second["default"] as? Bool, false, "only the first identity becomes the default")
        XCTAssertEqual(second["default_ttl"] as? String, "7200s")
        XCTAssertNotEqual(second["fingerprint"] as? String, first["fingerprint"] as? String)
        XCTAssertNotEqual(second["mailbox"] as? String, first["mailbox"] as? String)

        let list = try ok("sotto-keygen", ["list"], home: home).records()
        XCTAssertEqual(list.map { $0["type"] as? String }, ["identity", "identity"])
        XCTAssertEqual(list.map { $0["name"] as? String }, ["alice", "alice2"])
        XCTAssertEqual(list.map { $0["default"] as? Bool }, [true, false])
        XCTAssertEqual(list.first?["fingerprint"] as? String, first["fingerprint"] as? String)
    }

    func testListShowsIdentitiesContactsAndGroups() throws {
        let alice = try fixtureHome("alice")
        let bobIdentity = try identityRecord(home: try fixtureHome("bob"))
        try ok("sotto-keygen", ["group", "pals", "bob"], home: alice)
        let list = try ok("sotto-keygen", ["list"], home: alice).records()
        XCTAssertEqual(list.map { $0["type"] as? String }, ["identity", "contact", "group"])
        XCTAssertEqual(list.map { $0["name"] as? String }, ["alice", "bob", "pals"])
        let contact = list[1]
        XCTAssertEqual(contact["fingerprint"] as? String, bobIdentity["fingerprint"] as? String)
        XCTAssertEqual(contact["mailbox"] as? String, bobIdentity["mailbox"] as? String)
        XCTAssertEqual(contact["age_recipient"] as? String, bobIdentity["age_recipient"] as? String)
        XCTAssertEqual(list[2]["members"] as? [String], ["bob"])
    }

    func testCardIsOneSelfDescribingLine() throws {
        let alice = try fixtureHome("alice")
        let identity = try identityRecord(home: alice)
        let result = try ok("sotto-keygen", ["card"], home: alice)
        XCTAssertEqual(result.out.filter { $0 == "\n" }.count, 1, "a card is exactly one line")
        XCTAssertTrue(result.out.hasSuffix("\n"))
        let card = result.record("card")
        XCTAssertEqual(card["v"] as? Int, 1)
        XCTAssertEqual(card["name"] as? String, "alice")
        XCTAssertEqual(card["mailbox"] as? String, identity["mailbox"] as? String)
        XCTAssertEqual(base64Bytes(card["identity"])?.count, 32, "identity is a 32-byte Ed25519 key")
        XCTAssertEqual(base64Bytes(card["signature"])?.count, 64, "signature is 64 bytes")
        let keys = card["keys"] as? [[String: Any]] ?? []
        XCTAssertEqual(keys.count, 2)
        XCTAssertEqual(keys.first?["age"] as? String, identity["age_recipient"] as? String)
        XCTAssertTrue((keys.last?["age"] as? String)?.hasPrefix("age1pq1") == true, "and the post-quantum key")
        XCTAssertEqual(keys.first?["not_after"] as? String, keys.last?["not_after"] as? String, "certified for the same time")
        assertMatches(keys.first?["not_before"] as? String, Pattern.rfc3339)
        let start = (keys.first?["not_before"] as? String).flatMap(Time.parse), end = (keys.first?["not_after"] as? String).flatMap(Time.parse)
        XCTAssertEqual(end.flatMap { e in start.map { e - $0 } }, 90 * 86400, "a key is certified for 90 days from the start")
        XCTAssertEqual(base64Bytes(keys.first?["cert"])?.count, 64)
        // The card is stable: printing it again gives the same line.
        XCTAssertEqual(try ok("sotto-keygen", ["card", "alice"], home: alice).out, result.out)
    }

    func testImportCardAddsAContact() throws {
        let alice = try fixtureHome("alice")
        let carol = try identityRecord(home: try fixtureHome("carol"))
        let contact = try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: alice).record("contact")
        XCTAssertEqual(contact["name"] as? String, "carol")
        XCTAssertEqual(contact["kind"] as? String, "sotto")
        XCTAssertEqual(contact["fingerprint"] as? String, carol["fingerprint"] as? String)
        XCTAssertEqual(contact["mailbox"] as? String, carol["mailbox"] as? String)
        XCTAssertEqual(contact["age_recipient"] as? String, carol["age_recipient"] as? String)
        XCTAssertEqual(contact["verified"] as? Bool, false, "importing does not verify")
        XCTAssertEqual(contact["blocked"] as? Bool, false)
        XCTAssertNotNil(try contactRecord("carol", home: alice), "the contact is stored")

        // From a file, under a petname.
        let cardFile = try write("carol.card", try fixtureCard("carol"))
        let bob = try fixtureHome("bob")
        let named = try ok("sotto-keygen", ["import", cardFile, "--name", "cee"], home: bob).record("contact")
        XCTAssertEqual(named["name"] as? String, "cee")
        XCTAssertEqual(named["fingerprint"] as? String, carol["fingerprint"] as? String)
        XCTAssertNil(try contactRecord("carol", home: bob))
    }

    func testTamperedCardIsRefusedAndNothingIsStored() throws {
        let alice = try fixtureHome("alice")
        let before = try ok("sotto-keygen", ["list"], home: alice).out
        let original = try fixtureCard("carol")
        var card = try XCTUnwrap(try JSONSerialization.jsonObject(with: original) as? [String: Any])
        let bobKey = try identityRecord(home: try fixtureHome("bob"))["age_recipient"] as? String

        var tampered = [(String, [String: Any])]()
        var renamed = card
        renamed["name"] = "carla"
        tampered.append(("name changed", renamed))
        var rekeyed = card
        var keys = card["keys"] as? [[String: Any]] ?? []
        keys[0]["age"] = bobKey
        rekeyed["keys"] = keys
        tampered.append(("encryption key swapped", rekeyed))
        var resigned = card
        var signature = try XCTUnwrap(base64Bytes(card["signature"]))
        signature[10] ^= 0x01
        resigned["signature"] = signature.base64EncodedString()
        tampered.append(("signature flipped", resigned))
        var remailed = card
        remailed["mailbox"] = String(repeating: "0", count: 32)
        tampered.append(("mailbox changed", remailed))
        card.removeValue(forKey: "identity")
        tampered.append(("identity missing", card))

        for (what, fields) in tampered {
            let result = try run("sotto-keygen", ["import"], stdin: Data(jsonLine(fields).utf8), home: alice)
            assertFailure(result, tool: "sotto-keygen", status: 65)
            XCTAssertEqual(result.status, 65, what)
            XCTAssertEqual(try ok("sotto-keygen", ["list"], home: alice).out, before, "\(what): the keyring is unchanged")
        }
        // A good card followed by a bad one: nothing of either is stored.
        let mixed = original + Data(jsonLine(renamed).utf8)
        assertFailure(try run("sotto-keygen", ["import"], stdin: mixed, home: alice), tool: "sotto-keygen", status: 65)
        XCTAssertEqual(try ok("sotto-keygen", ["list"], home: alice).out, before, "a batch with one bad card stores nothing")
    }

    func testImportBareAgeRecipient() throws {
        let alice = try fixtureHome("alice")
        let recipient = try XCTUnwrap(try identityRecord(home: try fixtureHome("carol"))["age_recipient"] as? String)
        let before = try ok("sotto-keygen", ["list"], home: alice).out

        let unnamed = try run("sotto-keygen", ["import"], stdin: recipient + "\n", home: alice)
        assertFailure(unnamed, tool: "sotto-keygen", status: 64, contains: ["--name"])
        XCTAssertEqual(try ok("sotto-keygen", ["list"], home: alice).out, before)

        let contact = try ok("sotto-keygen", ["import", "--name", "ageuser"], stdin: Data((recipient + "\n").utf8), home: alice)
            .record("contact")
        XCTAssertEqual(contact["name"] as? String, "ageuser")
        XCTAssertEqual(contact["kind"] as? String, "age")
        XCTAssertEqual(contact["age_recipient"] as? String, recipient)
        XCTAssertTrue(contact["fingerprint"] is NSNull)
        XCTAssertTrue(contact["mailbox"] is NSNull)
        XCTAssertNotNil(try contactRecord("ageuser", home: alice))

        // A bare age contact has no identity to compare.
        assertFailure(try run("sotto-keygen", ["fingerprint", "ageuser"], home: alice), tool: "sotto-keygen", status: 64)
    }

    func testFingerprintIsTheSameOnBothSides() throws {
        let alice = try fixtureHome("alice")
        let bob = try fixtureHome("bob")
        let fromAlice = try ok("sotto-keygen", ["fingerprint", "bob"], home: alice).record("safety_number")
        let fromBob = try ok("sotto-keygen", ["fingerprint", "alice"], home: bob).record("safety_number")
        let number = fromAlice["safety_number"] as? String
        assertMatches(number, Pattern.safetyNumber, "60 digits in 12 groups of 5")
        XCTAssertEqual(number, fromBob["safety_number"] as? String, "both sides compute the same number")
        XCTAssertEqual(fromAlice["fingerprint"] as? String, try identityRecord(home: bob)["fingerprint"] as? String)
        XCTAssertEqual(fromBob["fingerprint"] as? String, try identityRecord(home: alice)["fingerprint"] as? String)

        // Another pair has another number.
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: alice)
        let withCarol = try ok("sotto-keygen", ["fingerprint", "carol"], home: alice).record("safety_number")
        assertMatches(withCarol["safety_number"] as? String, Pattern.safetyNumber)
        XCTAssertNotEqual(withCarol["safety_number"] as? String, number)

        assertFailure(try run("sotto-keygen", ["fingerprint", "nosuch"], home: alice), tool: "sotto-keygen", status: 66,
                      contains: ["nosuch"])
    }

    /// verify without --safety-number used to mark the contact at once. On a
    /// terminal it now shows the number and asks; with none to ask on, it is a usage error.
    func testVerifyShowsTheSafetyNumberAndAsks() throws {
        let alice = try fixtureHome("alice")
        let noTerminal = FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") ? ["/usr/bin/setsid", "-w"] : []
        assertFailure(try run("sotto-keygen", ["verify", "bob"], home: alice, wrapper: noTerminal), tool: "sotto-keygen", status: 64,
                      contains: ["no terminal"])
        XCTAssertEqual(try contactRecord("bob", home: alice)?["verified"] as? Bool, false)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) is missing") }
        let number = try XCTUnwrap(try ok("sotto-keygen", ["fingerprint", "bob"], home: alice).record("safety_number")["safety_number"] as? String)
        // script(1) gives the command a terminal of its own, and types our answer at it.
        let onTerminal = { (answer: String) throws -> CommandResult in
            try self.run("/usr/bin/script", ["-qec", "'\(Binaries.path("sotto-keygen"))' verify bob", "/dev/null"],
                         stdin: Data(answer.utf8), home: alice)
        }
        let declined = try onTerminal("n\n")
        XCTAssertNotEqual(declined.status, 0, declined.summary)
        XCTAssertTrue(declined.out.contains(String(number.prefix(11))), "the number is shown: \(declined.out)")
        XCTAssertEqual(try contactRecord("bob", home: alice)?["verified"] as? Bool, false)
        let confirmed = try onTerminal("y\n")
        XCTAssertEqual(confirmed.status, 0, confirmed.summary)
        XCTAssertEqual(try contactRecord("bob", home: alice)?["verified"] as? Bool, true)
    }

    func testVerifyWithTheSafetyNumber() throws {
        let alice = try fixtureHome("alice")
        let bob = try fixtureHome("bob")
        let number = try XCTUnwrap(try ok("sotto-keygen", ["fingerprint", "alice"], home: bob)
            .record("safety_number")["safety_number"] as? String)
        let digits = number.filter(\.isNumber)
        var wrong = Array(digits)
        wrong[59] = wrong[59] == "0" ? "1" : "0"

        let refused = try run("sotto-keygen", ["verify", "bob", "--safety-number", String(wrong)], home: alice)
        assertFailure(refused, tool: "sotto-keygen", status: 1, contains: ["safety number"])
        XCTAssertEqual(try contactRecord("bob", home: alice)?["verified"] as? Bool, false, "a wrong number leaves bob unverified")

        // A message from bob is not verified yet.
        let envelope = try sealEnvelope(["to": ["alice"], "body": "hi"], home: bob)
        let before = try openMessage(envelope, home: alice)
        XCTAssertEqual((before["from"] as? [String: Any])?["verified"] as? Bool, false)

        let verified = try ok("sotto-keygen", ["verify", "bob", "--safety-number", number], home: alice).record("contact")
        XCTAssertEqual(verified["name"] as? String, "bob")
        XCTAssertEqual(verified["verified"] as? Bool, true)
        XCTAssertEqual(try contactRecord("bob", home: alice)?["verified"] as? Bool, true)
        let after = try openMessage(envelope, home: alice)
        XCTAssertEqual((after["from"] as? [String: Any])?["verified"] as? Bool, true, "the verified mark shows on messages")

        assertFailure(try run("sotto-keygen", ["verify", "nosuch"], home: alice), tool: "sotto-keygen", status: 66)
    }

    func fixtureCardKeys(_ name: String) throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: try fixtureCard(name)) as? [String: Any])?["keys"] as? [[String: Any]] ?? []
    }

    func testRotateMakesANewKeyAndOldMessagesStillOpen() throws {
        let alice = try fixtureHome("alice")
        let bob = try fixtureHome("bob")
        let oldRecipient = try XCTUnwrap(try identityRecord(home: alice)["age_recipient"] as? String)
        let beforeRotation = try sealEnvelope(["to": ["alice"], "body": "before"], home: bob, args: ["--no-self"])

        let rotated = try ok("sotto-keygen", ["rotate"], home: alice).record("identity")
        let newRecipient = try XCTUnwrap(rotated["age_recipient"] as? String)
        assertMatches(newRecipient, Pattern.ageRecipient)
        XCTAssertNotEqual(newRecipient, oldRecipient, "rotation makes a new encryption key")
        XCTAssertEqual(rotated["keys"] as? Int, 4, "two of each kind")
        XCTAssertEqual(try ok("sotto-keygen", ["age-recipient"], home: alice).out, newRecipient + "\n")

        // The new card lists both keys; the old one is retired.
        let card = try ok("sotto-keygen", ["card"], home: alice).record("card")
        let keys = (card["keys"] as? [[String: Any]] ?? []).filter { ($0["age"] as? String)?.hasPrefix("age1pq1") == false }
        XCTAssertEqual(keys.compactMap { $0["age"] as? String }, [oldRecipient, newRecipient])
        XCTAssertEqual(keys.first?["not_after"] as? String, (try fixtureCardKeys("alice")).first?["not_after"] as? String,
                       "the old key keeps its end: contacts who have not heard of the new one may still seal to it")
        XCTAssertTrue(keys.last?["not_after"] is String, "the new key is certified with an end")

        // Messages sealed to the old key still open.
        XCTAssertEqual(try openMessage(beforeRotation, home: alice)["body"] as? String, "before")

        // Bob still seals to the old key until he imports the new card...
        XCTAssertEqual(try contactRecord("alice", home: bob)?["age_recipient"] as? String, oldRecipient)
        try verify("alice", home: bob)
        let cardLine = try ok("sotto-keygen", ["card"], home: alice).stdout
        let updated = try ok("sotto-keygen", ["import"], stdin: cardLine, home: bob).record("contact")
        XCTAssertEqual(updated["age_recipient"] as? String, newRecipient)
        XCTAssertEqual(updated["name"] as? String, "alice")
        XCTAssertEqual(updated["verified"] as? Bool, true, "re-importing keeps the verified mark")
        XCTAssertEqual(try contactRecord("alice", home: bob)?["age_recipient"] as? String, newRecipient)
        // The old card cannot roll the contact back to the retired key.
        let rollback = try run("sotto-keygen", ["import"], stdin: try fixtureCard("alice"), home: bob)
        assertFailure(rollback, tool: "sotto-keygen", status: 1, contains: ["older"])
        XCTAssertEqual(try contactRecord("alice", home: bob)?["age_recipient"] as? String, newRecipient)

        // ...and then to the new one: only the new secret opens it.
        let afterRotation = try sealEnvelope(["to": ["alice"], "body": "after"], home: bob, args: ["--no-self"])
        XCTAssertEqual(try openMessage(afterRotation, home: alice)["body"] as? String, "after")
        let newKey = path("alice-new.key")
        try ok("sotto-keygen", ["age-identity", "--pq", "-o", newKey], home: alice, allowStderr: true)
        let nowhere = path("no-keyring")
        XCTAssertEqual(try openMessage(afterRotation, home: nowhere, args: ["-i", newKey])["body"] as? String, "after")
        let old = try run("sotto-open", ["-i", newKey], stdin: Data(jsonLine(beforeRotation).utf8), home: nowhere)
        assertFailure(old, tool: "sotto-open", status: 1)
    }

    func testGroupSealsToEveryMember() throws {
        let alice = try fixtureHome("alice")
        let bob = try fixtureHome("bob")
        let carol = try fixtureHome("carol")
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: alice)
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("alice"), home: carol)
        let group = try ok("sotto-keygen", ["group", "team", "bob", "carol"], home: alice).record("group")
        XCTAssertEqual(group["name"] as? String, "team")
        XCTAssertEqual(group["members"] as? [String], ["bob", "carol"])

        let envelope = try sealEnvelope(["to": ["@team"], "body": "to the team"], home: alice, args: ["--no-self"])
        let mailboxes = try [bob, carol].map { try identityRecord(home: $0)["mailbox"] as? String }
        XCTAssertEqual(Set(envelope["to"] as? [String] ?? []), Set(mailboxes.compactMap { $0 }))
        XCTAssertEqual((envelope["to"] as? [String])?.count, 2)

        for member in [bob, carol] {
            let message = try openMessage(envelope, home: member)
            XCTAssertEqual(message["body"] as? String, "to the team")
            XCTAssertEqual((message["from"] as? [String: Any])?["name"] as? String, "alice")
        }
        // With --no-self, alice holds no key for it.
        assertFailure(try run("sotto-open", stdin: Data(jsonLine(envelope).utf8), home: alice), tool: "sotto-open", status: 1)

        assertFailure(try run("sotto-seal", stdin: jsonLine(["to": ["@nosuch"], "body": "x"]), home: alice),
                      tool: "sotto-seal", status: 66, contains: ["nosuch"])
        assertFailure(try run("sotto-keygen", ["group", "g", "nosuch"], home: alice), tool: "sotto-keygen", status: 66)
    }

    func testBlockDropsMessagesAndUnblockRestoresThem() throws {
        let alice = try fixtureHome("alice")
        let bob = try fixtureHome("bob")
        let envelope = Data(jsonLine(try sealEnvelope(["to": ["bob"], "body": "hello"], home: alice)).utf8)

        let blocked = try ok("sotto-keygen", ["block", "alice"], home: bob).record("contact")
        XCTAssertEqual(blocked["blocked"] as? Bool, true)
        XCTAssertEqual(try contactRecord("alice", home: bob)?["blocked"] as? Bool, true)

        let dropped = try run("sotto-open", stdin: envelope, home: bob)
        XCTAssertEqual(dropped.status, 0, dropped.summary)
        XCTAssertEqual(dropped.out, "", "a blocked sender's message is not released")
        XCTAssertEqual(dropped.stderrLines.count, 1, dropped.err)
        XCTAssertTrue(dropped.stderrLines.first?.hasPrefix("sotto-open: notice: ") ?? false, dropped.err)
        XCTAssertTrue(dropped.err.contains("alice"), dropped.err)

        let unblocked = try ok("sotto-keygen", ["unblock", "alice"], home: bob).record("contact")
        XCTAssertEqual(unblocked["blocked"] as? Bool, false)
        XCTAssertEqual(try openMessage(try JSONSerialization.jsonObject(with: envelope) as! [String: Any], home: bob)["body"] as? String,
                       "hello")

        assertFailure(try run("sotto-keygen", ["block", "nosuch"], home: bob), tool: "sotto-keygen", status: 66)
    }

    func testAgeRecipientPrintsOneLine() throws {
        let alice = try fixtureHome("alice")
        let result = try ok("sotto-keygen", ["age-recipient"], home: alice)
        XCTAssertEqual(result.stdoutLines.count, 1)
        XCTAssertTrue(result.out.hasSuffix("\n"))
        assertMatches(result.stdoutLines.first, Pattern.ageRecipient)
        XCTAssertEqual(result.stdoutLines.first, try identityRecord(home: alice)["age_recipient"] as? String)
        XCTAssertEqual(try ok("sotto-keygen", ["age-recipient", "alice"], home: alice).out, result.out)
        assertFailure(try run("sotto-keygen", ["age-recipient", "nosuch"], home: alice), tool: "sotto-keygen", status: 66)
    }

    func testAgeIdentityWritesAPrivateFileAndNeverOverwrites() throws {
        let alice = try fixtureHome("alice")
        let keyFile = path("alice.key")
        let result = try run("sotto-keygen", ["age-identity", "-o", keyFile], home: alice)
        assertSuccess(result, allowStderr: true)
        XCTAssertEqual(result.out, "", "the secret goes to the file only")
        XCTAssertEqual(try mode(keyFile), 0o600)
        let text = String(decoding: try read(keyFile), as: UTF8.self)
        let secrets = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(secrets.count, 1, text)
        assertMatches(secrets.first.map(String.init), "AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}")
        XCTAssertFalse(result.err.contains("AGE-SECRET-KEY"), "the secret never reaches stderr")

        let again = try run("sotto-keygen", ["age-identity", "-o", keyFile], home: alice)
        assertFailure(again, tool: "sotto-keygen", status: 73, contains: [keyFile])
        XCTAssertEqual(String(decoding: try read(keyFile), as: UTF8.self), text, "the existing file is untouched")

        let decoy = try write("decoy", Data("keep me\n".utf8))
        assertFailure(try run("sotto-keygen", ["age-identity", "-o", decoy], home: alice), tool: "sotto-keygen", status: 73)
        XCTAssertEqual(try read(decoy), Data("keep me\n".utf8))
    }
}
