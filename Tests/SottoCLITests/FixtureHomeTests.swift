import Foundation
import SottoCore
import XCTest

/// Homes written by an older version: Tests/Fixtures/home-v1, made by
/// scripts/make-fixture-home.sh with the 0.1.0 commands (its README lists
/// what they hold). The current commands must open them as they are, or
/// migrate them: list their keys, hand back and open their envelopes as the
/// old commands did, seal with them and unlock them. Each test works on a
/// copy; the committed files are never opened in place.
final class FixtureHomeTests: CLITestCase {
    static let directory = Binaries.packageRoot.appendingPathComponent("Tests/Fixtures/home-v1")
    static let passphrase = "fixture passphrase"
    var unlock: [String: String] { ["SOTTO_PASSPHRASE": Self.passphrase] }

    override func setUpWithError() throws {
        try super.setUpWithError()
        for tool in ["sotto-send", "sotto-recv", "sotto-export"] where !FileManager.default.isExecutableFile(atPath: Binaries.path(tool)) {
            XCTFail("\(Binaries.path(tool)) is missing: run `swift build` first, or set SOTTO_BIN")
            throw XCTSkip("binaries not built")
        }
    }

    // MARK: the fixture

    /// A copy of a fixture home in this test's directory, with the modes sotto
    /// gives a home (git keeps none): the directory 0700, its files 0600.
    func copyHome(_ name: String, leaving left: Set<String> = []) throws -> String {
        let source = Self.directory.appendingPathComponent(name)
        let target = path("home-v1-" + name)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path).sorted() where !left.contains(file) {
            try FileManager.default.copyItem(atPath: source.appendingPathComponent(file).path, toPath: target + "/" + file)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target + "/" + file)
        }
        return target
    }

    /// The records of one of the fixture's .jsonl files.
    func recorded(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(name + ".jsonl"), encoding: .utf8)
        let records = try text.split(separator: "\n").map { text in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(name).jsonl",
                          file: file, line: line)
        }
        XCTAssertFalse(records.isEmpty, "\(name).jsonl is empty", file: file, line: line)
        return records
    }

    /// JSON text of a value, keys sorted, for comparing values of any type.
    func canonical(_ value: Any) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .fragmentsAllowed])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }

    /// Every field the old version wrote is still written, with the same
    /// value; a later version may add fields, inside objects too.
    func assertKeeps(_ old: [String: Any], _ new: [String: Any], _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        for (key, value) in old {
            guard let now = new[key] else {
                XCTFail("\(what): field \(key) is gone; now: \(canonical(new))", file: file, line: line)
                continue
            }
            if let oldObject = value as? [String: Any], let newObject = now as? [String: Any] {
                assertKeeps(oldObject, newObject, "\(what).\(key)", file: file, line: line)
            } else {
                XCTAssertEqual(canonical(now), canonical(value), "\(what): field \(key)", file: file, line: line)
            }
        }
    }

    /// The ids of the records' envelopes as this version computes them: the
    /// recorded ids were made by 0.1.0, which hashed envelopes differently, and
    /// the stores re-key what they hold.
    func ids(_ records: [[String: Any]]) -> [String] {
        records.map { record in
            (record["age"] as? String).flatMap { Data(base64Encoded: $0) }.map { EnvelopeID.of(Array($0)).hex } ?? "?"
        }
    }

    /// The inbox's envelopes as sotto-export lists them, by id.
    func inboxEntries(home: String, env: [String: String] = [:], file: StaticString = #filePath,
                      line: UInt = #line) throws -> [String: [String: Any]] {
        let export = try ok("sotto-export", home: home, env: env, file: file, line: line).records(file: file, line: line)
        var entries = [String: [String: Any]]()
        for record in export where record["type"] as? String == "envelope" { entries[record["id"] as? String ?? "?"] = record }
        return entries
    }

    func testTheCommittedHomesHoldOnlyTheirDatabases() throws {
        // A command run in place would leave -wal, -shm or -journal files beside them.
        let expected = ["plain": ["inbox.db", "keyring.db", "mailbox.db"], "locked": ["inbox.db", "keyring.db"]]
        for (home, files) in expected {
            let directory = Self.directory.appendingPathComponent(home)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), files, home)
            for file in files {
                let header = try Data(contentsOf: directory.appendingPathComponent(file)).prefix(16)
                XCTAssertEqual(header, Data("SQLite format 3\0".utf8), "\(home)/\(file) is a SQLite database")
            }
        }
    }

    // MARK: plain: no passphrase

    func testPlainHomeListsItsIdentitiesContactAndGroup() throws {
        let home = try copyHome("plain")
        let list = try ok("sotto-keygen", ["list"], home: home).records()
        let old = try recorded("plain-list")
        func key(_ record: [String: Any]) -> String { "\(record["type"] ?? "?") \(record["name"] ?? "?")" }
        XCTAssertEqual(list.map(key), old.map(key))
        for (now, then) in zip(list, old) { assertKeeps(then, now, key(then)) }

        let byName = Dictionary(list.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byName["identity alice"]?["default"] as? Bool, true)
        XCTAssertEqual(byName["identity bob"]?["keys"] as? Int, 2, "bob's retired key is still held")
        XCTAssertEqual(byName["contact carol"]?["verified"] as? Bool, true)
        XCTAssertEqual(byName["group team"]?["members"] as? [String], ["bob", "carol"])

        // bob's card as 0.1.0 stored it: the retired key, then the current one, without an end.
        let stored = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(
            try sqliteRows(home + "/keyring.db", "SELECT card FROM identities WHERE name = 'bob'").first).utf8)) as? [String: Any])
        let keys = try XCTUnwrap(stored["keys"] as? [[String: Any]])
        XCTAssertEqual(keys.count, 2)
        assertMatches(keys.first?["not_after"] as? String, Pattern.rfc3339, "the first key is retired")
        XCTAssertTrue(keys.last?["not_after"] is NSNull, "the last key is current")
        XCTAssertEqual(keys.last?["age"] as? String, byName["identity bob"]?["age_recipient"] as? String)
        // Handed out now, it first gains a post-quantum key (a rotation: the keys without an end get one).
        let card = try run("sotto-keygen", ["card", "bob"], home: home)
        XCTAssertEqual(card.status, 0, card.summary)
        let handedOut = try XCTUnwrap(card.record("card")["keys"] as? [[String: Any]])
        XCTAssertEqual(handedOut.count, 4)
        XCTAssertEqual(handedOut.filter { ($0["age"] as? String)?.hasPrefix("age1pq1") == true }.count, 1)
        XCTAssertTrue(handedOut.allSatisfy { $0["not_after"] is String }, "every key has an end now")
    }

    func testPlainInboxIsWrittenAgainAndItsEnvelopesAreRefusedAsAnEarlierFormat() throws {
        // Without its mailbox: `recv --all` fetches nothing new and writes the inbox alone.
        let home = try copyHome("plain", leaving: ["mailbox.db"])
        let sealed = try recorded("plain-inbox")
        let expected = Array(try recorded("plain-messages").prefix(sealed.count))
        let list = try ok("sotto-keygen", ["list"], home: home).records()
        let address = { (name: String) in list.first { $0["type"] as? String == "identity" && $0["name"] as? String == name }?["mailbox"] as? String }

        // Carol's envelope to bob's retired key was opened once; hers to alice never.
        let before = try inboxEntries(home: home)
        XCTAssertEqual(Set(before.keys), Set(ids(sealed)))
        let firstOpened = before[ids(sealed)[0]]?["opened_at"] as? String
        assertMatches(firstOpened, Pattern.rfc3339, "the opened envelope keeps when it was opened")
        XCTAssertTrue(before[ids(sealed)[1]]?["opened_at"] is NSNull, "the other was never opened")

        let received = try ok("sotto-recv", ["--all"], home: home)
        let records = received.records()
        XCTAssertEqual(ids(records), ids(sealed), "the inbox's envelopes, oldest first")
        XCTAssertEqual(records.map { $0["id"] as? String ?? "?" }, ids(sealed), "the inbox re-keyed them by their current ids")
        for (record, seal) in zip(records, sealed) {
            XCTAssertEqual(record["type"] as? String, "envelope")
            XCTAssertEqual(record["age"] as? String, seal["age"] as? String, "the sealed bytes come back unchanged")
            XCTAssertTrue(record["expires_at"] is NSNull, "sealed with ttl never")
            assertMatches(record["received_at"] as? String, Pattern.rfc3339)
        }
        XCTAssertEqual(records.first?["to"] as? [String], [address("bob")].compactMap { $0 })
        XCTAssertEqual(records.last?["to"] as? [String], [address("alice")].compactMap { $0 })

        try assertRefusedAsEarlierFormat(try run("sotto-open", stdin: received.stdout, home: home))
        let after = try inboxEntries(home: home)
        XCTAssertEqual(after[ids(sealed)[0]]?["opened_at"] as? String, firstOpened, "the inbox keeps when it was opened")
        XCTAssertTrue(after[ids(sealed)[1]]?["opened_at"] is NSNull, "a refused envelope is not marked opened")
        _ = expected
    }

    /// An envelope of the earlier format is refused as such (70), with a hint,
    /// and never as a bad signature; it stays where it is.
    func assertRefusedAsEarlierFormat(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) throws {
        assertFailure(result, tool: "sotto-open", status: 70, contains: ["unsupported format version", "sotto/v1"], file: file, line: line)
        XCTAssertTrue(result.err.contains("hint: it was sealed by sotto 0.1"), result.err, file: file, line: line)
        XCTAssertEqual(result.out, "", file: file, line: line)
    }

    func testPlainMailboxIsReceivedAndItsEnvelopesAreRefusedAsAnEarlierFormat() throws {
        let home = try copyHome("plain")
        let inbox = try recorded("plain-inbox")
        let sealed = try recorded("plain-mailbox")
        let expected = Array(try recorded("plain-messages").dropFirst(inbox.count))

        let received = try ok("sotto-recv", home: home)
        let records = received.records()
        XCTAssertEqual(ids(records), ids(sealed), "only the mailbox's envelopes are new; the one to alice and bob comes once")
        XCTAssertEqual(records.map { $0["id"] as? String ?? "?" }, ids(sealed), "the mailbox re-keyed them by their current ids")
        for (record, seal) in zip(records, sealed) {
            XCTAssertEqual(record["age"] as? String, seal["age"] as? String, "the sealed bytes come back unchanged")
        }

        try assertRefusedAsEarlierFormat(try run("sotto-open", stdin: received.stdout, home: home))
        _ = expected

        // The mailbox is empty now; the inbox holds all four.
        let again = try ok("sotto-recv", home: home)
        XCTAssertEqual(again.out, "")
        XCTAssertEqual(ids(try ok("sotto-recv", ["--all"], home: home).records()), ids(inbox) + ids(sealed))
    }

    func testPlainHomeSealsToBobsCurrentKeyAndToTheGroup() throws {
        let plain = try copyHome("plain")
        let list = try recorded("plain-list")
        let alice = try XCTUnwrap(list.first { $0["name"] as? String == "alice" })
        let bob = try XCTUnwrap(list.first { $0["name"] as? String == "bob" && $0["type"] as? String == "identity" })

        // alice to bob, in the same home: sealed to bob's current key, signed by alice. alice
        // gains post-quantum keys as she signs; bob has none yet, so the message is classical.
        let sealed = try run("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "after the upgrade", "ttl": "never"]).utf8), home: plain)
        XCTAssertEqual(sealed.status, 0, sealed.summary)
        XCTAssertEqual(sealed.err, """
            sotto-seal: notice: gave 'alice' new encryption keys, a post-quantum one among them
            sotto-seal: notice: sealed with X25519 alone, not post-quantum: 'bob' has no post-quantum key

            """)
        let envelope = sealed.record("envelope")
        XCTAssertTrue(envelope["expires_at"] is NSNull)
        let message = try openMessage(envelope, home: plain)
        XCTAssertEqual(message["body"] as? String, "after the upgrade")
        XCTAssertEqual(message["to"] as? [String], ["bob", "alice"])
        XCTAssertEqual((message["from"] as? [String: Any])?["fingerprint"] as? String, alice["fingerprint"] as? String)
        // bob's current secret alone, outside the keyring, opens it: sealed to the current key.
        let identityFile = path("bob.key")
        let exported = try ok("sotto-keygen", ["age-identity", "bob", "-o", identityFile], home: plain, allowStderr: true)
        XCTAssertTrue(exported.err.hasPrefix("sotto-keygen: warning: "), exported.summary)
        let withKey = try openMessage(envelope, home: nil, args: ["-i", identityFile])
        XCTAssertEqual(withKey["body"] as? String, "after the upgrade")
        XCTAssertEqual((withKey["from"] as? [String: Any])?["known"] as? Bool, false, "no keyring: the sender is not known")

        // bob to @team (bob and carol): carol opens it in the locked home, bob's signature verifies.
        let locked = try copyHome("locked")
        let teamSeal = try run("sotto-seal", ["--as", "bob"], stdin: Data(jsonLine(["to": ["@team"], "body": "team news"]).utf8), home: plain)
        XCTAssertEqual(teamSeal.status, 0, teamSeal.summary)
        XCTAssertTrue(teamSeal.err.contains("'carol' has no post-quantum key"), teamSeal.err)
        let team = teamSeal.record("envelope")
        let opened = try openMessage(team, home: locked, env: unlock)
        XCTAssertEqual(opened["body"] as? String, "team news")
        let from = try XCTUnwrap(opened["from"] as? [String: Any])
        XCTAssertEqual(from["name"] as? String, "bob")
        XCTAssertEqual(from["fingerprint"] as? String, bob["fingerprint"] as? String)
        XCTAssertEqual(from["known"] as? Bool, true)
        XCTAssertEqual(try openMessage(team, home: plain)["body"] as? String, "team news", "and bob's own copy opens")
    }

    // MARK: locked: under a passphrase

    func testLockedHomeOpensOnlyWithItsPassphrase() throws {
        let home = try copyHome("locked")
        let sealed = try recorded("locked-inbox")
        let expected = try recorded("locked-messages")

        let list = try ok("sotto-keygen", ["list"], home: home, env: unlock).records()
        let old = try recorded("locked-list")
        XCTAssertEqual(list.count, old.count)
        for (now, then) in zip(list, old) { assertKeeps(then, now, "\(then["type"] ?? "?") \(then["name"] ?? "?")") }

        let received = try ok("sotto-recv", ["--all"], home: home)
        XCTAssertEqual(ids(received.records()), ids(sealed))
        XCTAssertEqual(received.records().first?["age"] as? String, sealed.first?["age"] as? String)

        assertFailure(try run("sotto-open", stdin: received.stdout, home: home, env: ["SOTTO_PASSPHRASE": "fixture passphrasE"]),
                      tool: "sotto-open", status: 77, contains: ["wrong passphrase"])
        let noTerminal = FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") ? ["/usr/bin/setsid", "-w"] : []
        assertFailure(try run("sotto-open", stdin: received.stdout, home: home, wrapper: noTerminal),
                      tool: "sotto-open", status: 77)

        try assertRefusedAsEarlierFormat(try run("sotto-open", stdin: received.stdout, home: home, env: unlock))
        _ = expected
    }
}
