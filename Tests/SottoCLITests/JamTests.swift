import Foundation
@testable import SottoCore
import XCTest

/// Anyone who knows a public key or a mailbox address can send something:
/// what they send must not stop a command from doing its job for everything
/// else, nor tell one sender from another by its size.
final class JamTests: CLITestCase {
    /// An age file sealed to `recipient` under a sotto stanza of a version
    /// this sotto does not read: stored as it is, for a reader that knows it.
    func laterVersionEnvelope(to recipient: String) throws -> Data {
        let fileKey = try SecureBytes.random(count: 16)
        let header = try Header(stanzas: [Stanza(type: "sotto/v3", arguments: ["signed", "4102444800"], body: Sodium.random(16))]
                                + RecipientKey(parsing: recipient).wrap(fileKey: fileKey), fileKey: fileKey)
        let sink = MemorySink()
        try sink.write(header.bytes)
        let payload = try PayloadEncryptor(fileKey: fileKey, sink: sink)
        try payload.write(Array("from the future".utf8))
        try payload.close()
        return Data(sink.bytes)
    }

    func testAnEnvelopeOfALaterVersionDoesNotStopErasureOrExport() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "hello", "thread": "x"]).utf8), home: alice)
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)
        let bobKey = try ok("sotto-keygen", ["age-recipient"], home: bob).out.trimmingCharacters(in: .newlines)
        let bobAddress = try XCTUnwrap(try identityRecord(home: bob)["mailbox"] as? String)
        let later = try write("later.age", try laterVersionEnvelope(to: bobKey))
        try ok("sotto-send", ["--mailbox", mailbox, "--file", later, "--to", bobAddress], home: alice)
        XCTAssertEqual(try ok("sotto-recv", ["--mailbox", mailbox], home: bob).records().count, 2)

        let export = try run("sotto-export", ["--decrypt"], home: bob)
        XCTAssertEqual(export.status, 0, export.summary)
        XCTAssertEqual(export.records().filter { $0["type"] as? String == "message" }.map { $0["body"] as? String }, ["hello"])
        XCTAssertTrue(export.err.contains("did not open"), export.err)
        // A mistyped thread erases nothing and says so (66), with the thread it may have meant.
        let mistyped = try run("sotto-erase", ["--thread", "xy", "--yes"], home: bob)
        assertFailure(mistyped, tool: "sotto-erase", status: 66, contains: ["no message in the inbox is in thread 'xy'"])
        XCTAssertTrue(mistyped.err.contains("did you mean x?"), mistyped.err)
        let threadErased = try ok("sotto-erase", ["--thread", "x", "--yes"], home: bob).record("erasure")
        XCTAssertEqual((threadErased["removed"] as? [String: Any])?["envelopes"] as? Int, 1)
        let contactErased = try ok("sotto-erase", ["--contact", "alice", "--yes"], home: bob, allowStderr: true).record("erasure")
        XCTAssertEqual((contactErased["removed"] as? [String: Any])?["contacts"] as? Int, 1)
    }

    /// An envelope too large for a record gets a notice, and the records
    /// after it are written, by the run that receives them.
    func testALargeEnvelopeDoesNotSwallowTheMessagesAfterIt() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let bobAddress = try XCTUnwrap(try identityRecord(home: bob)["mailbox"] as? String)
        let large = path("large.age")
        let body = try write("large.bin", Data(count: (64 << 20) + 1))
        try ok("sotto-seal", ["--file", body, "--anonymous", "-r", "bob", "-o", large], home: alice)
        try ok("sotto-send", ["--mailbox", mailbox, "--file", large, "--to", bobAddress], home: alice)
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "after the large one"]).utf8), home: alice)
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)

        let received = try run("sotto-recv", ["--mailbox", mailbox], home: bob)
        XCTAssertEqual(received.status, 0, received.summary)
        XCTAssertTrue(received.err.contains("too large for a record"), received.err)
        XCTAssertEqual(try ok("sotto-open", stdin: received.stdout, home: bob).record("message")["body"] as? String, "after the large one")
        let files = path("files")
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        XCTAssertEqual(try ok("sotto-recv", ["--all", "--output-dir", files], home: bob).records().count, 2)
    }

    /// The size of a short signed message is the same whoever sends it and
    /// whatever it says: the sender's card (with its post-quantum key), name
    /// and revocations are inside the padded payload, which has room for them
    /// at their largest (a 64-byte name, 4 revocations carried) and for 3 KiB
    /// of body, thread and content type. So is a short message to a large
    /// group: each recipient's entry gets its room.
    func testShortMessagesHaveOneSizeWhoeverSendsThem() throws {
        let group = home("group")
        var cards = Data()
        for i in 1...22 {
            try ok("sotto-keygen", ["new", "r\(i)", "--no-passphrase"], home: group)
            cards += try ok("sotto-keygen", ["card", "r\(i)"], home: group).stdout
        }
        let members = (1...22).map { "r\($0)" }
        var sizes = [Int: Set<Int>]()
        let longName = String(repeating: "n", count: 64), thread = String(repeating: "t", count: 60)
        // The longest body that fits with the thread and the default content type in 3 KiB.
        let longest = String(repeating: "b", count: 3072 - thread.utf8.count - "text/plain; charset=utf-8".utf8.count)
        for (index, (name, revoked)) in [("a", 0), (longName, 0), ("b", 10)].enumerated() {
            let home = home("sender-\(index)")
            for old in 0..<revoked {
                try ok("sotto-keygen", ["new", "old\(old)", "--no-passphrase"], home: home)
                try ok("sotto-keygen", ["revoke", "old\(old)", "--yes"], home: home, allowStderr: true)
            }
            try ok("sotto-keygen", ["new", name, "--no-passphrase"], home: home, allowStderr: true)
            try ok("sotto-keygen", ["default", name], home: home)
            try ok("sotto-keygen", ["import"], stdin: cards, home: home, allowStderr: true)
            for to in [["r1"], members] {
                for message: [String: Any] in [["to": to, "body": ""], ["to": to, "body": longest, "thread": thread]] {
                    let envelope = try ok("sotto-seal", ["--no-self", "--as", name], stdin: Data(jsonLine(message).utf8), home: home)
                        .record("envelope")
                    sizes[to.count, default: []].insert(ageBytes(envelope).count)
                }
            }
        }
        XCTAssertEqual(sizes[1]?.count, 1, "one recipient: \(sizes)")
        XCTAssertEqual(sizes[22]?.count, 1, "22 recipients: \(sizes)")
    }

    /// A member of a shared mailbox file writes a row that cannot be read
    /// for bob: his recv removes it, says so, and receives the rest.
    func testADamagedMailboxRowDoesNotStopReceipt() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "still here"]).utf8), home: alice)
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)
        let bobAddress = try XCTUnwrap(try identityRecord(home: bob)["mailbox"] as? String)
        let jam = try run("/usr/bin/sqlite3", [mailbox, """
            INSERT INTO envelopes (id, expires_at, size, stored_at) VALUES ('not-an-id', NULL, 3, 0);
            INSERT INTO deliveries (mailbox, envelope, stored_at) VALUES ('\(bobAddress)', last_insert_rowid(), 0);
            """])
        XCTAssertEqual(jam.status, 0, jam.summary)
        let received = try run("sotto-recv", ["--mailbox", mailbox], home: bob)
        XCTAssertEqual(received.status, 65, received.summary)
        XCTAssertTrue(received.err.contains("its row is damaged"), received.err)
        XCTAssertEqual(try ok("sotto-open", stdin: received.stdout, home: bob).record("message")["body"] as? String, "still here")
        XCTAssertEqual(try ok("sotto-recv", ["--mailbox", mailbox], home: bob).out, "", "the damaged row is gone")
    }
}

extension JamTests {
    /// One user's clock ran a day ahead once: their home remembers that
    /// time against a clock set back, but others' mail in a shared mailbox
    /// goes by the real clock, and is not deleted early.
    func testOneUsersClockJumpDeletesNoOneElsesMail() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob"), carol = try fixtureHome("carol")
        let now = Int(Date().timeIntervalSince1970)
        let shared = path("shared.db"), own = path("own.db")
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["alice"], "body": "in two hours", "ttl": "2h"]).utf8), home: bob,
                            env: ["SOTTO_TEST_NOW": String(now)])
        try ok("sotto-send", ["--mailbox", shared], stdin: sealed.stdout, home: bob)
        try ok("sotto-recv", ["--mailbox", own], home: carol)
        try ok("sotto-expire", ["--mailbox", own, "--quiet"], home: carol, env: ["SOTTO_TEST_NOW": String(now + 86_400)])
        let expired = try ok("sotto-expire", ["--mailbox", shared], home: carol, env: ["SOTTO_TEST_NOW": String(now)]).records()
        XCTAssertEqual(expired.last?["mailbox"] as? Int, 0, "\(expired)")
        let received = try ok("sotto-recv", ["--mailbox", shared], home: alice, env: ["SOTTO_TEST_NOW": String(now)])
        XCTAssertEqual(try ok("sotto-open", stdin: received.stdout, home: alice, env: ["SOTTO_TEST_NOW": String(now)])
            .record("message")["body"] as? String, "in two hours")
    }
}

extension JamTests {
    /// The sharing recipe works as written: in a directory its group shares
    /// (setgid), the first send makes the mailbox group-writable; elsewhere
    /// a new mailbox stays private.
    func testANewMailboxInASharedDirectoryIsTheGroups() throws {
        let alice = try fixtureHome("alice")
        let shared = path("shared"), own = path("own")
        for directory in [shared, own] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false) }
        chmod(shared, 0o2770)
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "for the group"]).utf8), home: alice)
        try ok("sotto-send", ["--mailbox", shared + "/mailbox.db"], stdin: sealed.stdout, home: alice)
        try ok("sotto-send", ["--mailbox", own + "/mailbox.db"], stdin: sealed.stdout, home: alice)
        XCTAssertEqual(try mode(shared + "/mailbox.db") & 0o777, 0o660)
        XCTAssertEqual(try mode(own + "/mailbox.db") & 0o777, 0o600)
    }
}
