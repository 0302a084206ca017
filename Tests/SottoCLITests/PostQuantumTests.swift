import Foundation
@testable import SottoCore
import XCTest

/// Post-quantum by default: messages between sotto identities are sealed with
/// age's mlkem768x25519 stanzas (ML-KEM-768 with X25519) and no X25519 stanza.
final class PostQuantumTests: CLITestCase {
    func stanzaTypes(_ envelope: [String: Any]) -> [String] {
        ageHeaderLines(ageBytes(envelope)).filter { $0.hasPrefix("-> ") }.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
    }

    func testMessagesBetweenSottoUsersArePostQuantum() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let envelope = try sealEnvelope(["to": ["bob"], "body": "harvest this"], home: alice)
        XCTAssertEqual(stanzaTypes(envelope).filter { !$0.hasPrefix("sotto/") }, ["mlkem768x25519", "mlkem768x25519"],
                       "bob and alice's own copy, hybrid only")
        let message = try openMessage(envelope, home: bob)
        XCTAssertEqual(message["body"] as? String, "harvest this")
        XCTAssertEqual(message["postquantum"] as? Bool, true)
        XCTAssertEqual(try openMessage(envelope, home: alice)["postquantum"] as? Bool, true, "the sender's copy")
        let inspected = try ok("sotto-open", ["--inspect"], stdin: Data(jsonLine(envelope).utf8)).record("inspection")
        XCTAssertEqual(inspected["postquantum"] as? Bool, true)
        XCTAssertEqual(try identityRecord(home: alice)["postquantum"] as? Bool, true)
        let contact = try ok("sotto-keygen", ["list"], home: alice).records().first { $0["type"] as? String == "contact" }
        XCTAssertEqual(contact?["postquantum"] as? Bool, true)

        // An age user without a post-quantum key makes a file to both classical, and the sender hears of it.
        let ageUser = try DecryptionKey.generate(.classical).recipient.string
        let mixed = try run("sotto-seal", ["--anonymous", "--raw", "-r", "bob", "-r", ageUser], stdin: Data("x".utf8), home: alice)
        XCTAssertEqual(mixed.status, 0, mixed.summary)
        XCTAssertTrue(mixed.err.contains("sealed with X25519 alone, not post-quantum: '\(ageUser)' has no post-quantum key"), mixed.err)
    }

    /// For age users: the classical key by default (as age-keygen), the
    /// hybrid one with --pq; both open what was sealed to them.
    func testAgeRecipientAndIdentityGiveTheHybridKeyWithPQ() throws {
        let alice = try fixtureHome("alice")
        let classical = try ok("sotto-keygen", ["age-recipient"], home: alice).out.trimmed
        let hybrid = try ok("sotto-keygen", ["age-recipient", "--pq"], home: alice).out.trimmed
        XCTAssertTrue(classical.hasPrefix("age1") && !classical.hasPrefix("age1pq1"), classical)
        XCTAssertTrue(hybrid.hasPrefix("age1pq1"), hybrid)
        XCTAssertEqual(hybrid.count, 1959, "the 1,216-byte X-Wing key in Bech32")
        let sealed = try ok("sotto-seal", ["--anonymous", "--raw", "-r", hybrid], stdin: Data("for a pq age user".utf8), home: alice)
        XCTAssertTrue(ageHeaderLines(sealed.stdout).contains { $0.hasPrefix("-> mlkem768x25519 ") })
        XCTAssertEqual(try ok("sotto-open", ["--raw"], stdin: sealed.stdout, home: alice).stdout, Data("for a pq age user".utf8))
        let identityFile = path("pq.key")
        try ok("sotto-keygen", ["age-identity", "--pq", "-o", identityFile], home: alice, allowStderr: true)
        XCTAssertTrue(try String(contentsOfFile: identityFile, encoding: .utf8).contains("AGE-SECRET-KEY-PQ-1"))
        XCTAssertEqual(try ok("sotto-open", ["--raw", "-i", identityFile], stdin: sealed.stdout, home: path("nowhere"), allowStderr: true).stdout,
                       Data("for a pq age user".utf8))
    }

    /// A rotation certifies a key of each kind, and sotto-expire destroys
    /// the retired secrets of both once the retention has passed.
    func testRotationAndDestructionCoverBothKinds() throws {
        let alice = try fixtureHome("alice")
        let now = Int(Date().timeIntervalSince1970)
        try ok("sotto-keygen", ["rotate"], home: alice, allowStderr: true)
        let card = try ok("sotto-keygen", ["card"], home: alice).record("card")
        let keys = try XCTUnwrap(card["keys"] as? [[String: Any]]).compactMap { $0["age"] as? String }
        XCTAssertEqual(keys.filter { $0.hasPrefix("age1pq1") }.count, 2, "two hybrid keys: the first and the new one")
        XCTAssertEqual(keys.count, 4)
        // 200 days on, the keys of both rotations have ended and their retention passed.
        let later = String(now + 200 * 86_400)
        let expired = try ok("sotto-expire", [], home: alice, env: ["SOTTO_TEST_NOW": later]).records()
        let destroyed = expired.filter { $0["type"] as? String == "key_destroyed" }.compactMap { $0["age_recipient"] as? String }
        XCTAssertEqual(destroyed.filter { $0.hasPrefix("age1pq1") }.count, 2, "\(expired)")
        XCTAssertEqual(destroyed.count, 4, "\(expired)")
        let left = try ok("sotto-keygen", ["age-identity", "--pq", "-o", "-"], home: alice, env: ["SOTTO_TEST_NOW": later], allowStderr: true)
        XCTAssertTrue(left.out.contains("AGE-SECRET-KEY-PQ-1"), "the current hybrid key, made by that run, is kept")
    }
}

/// An older home, whose cards certify X25519 keys only.
extension FixtureHomeTests {
    /// A contact whose card has no post-quantum key makes the whole message
    /// classical (age never mixes the kinds), with a notice naming them, or a
    /// refusal under --require-pq. The older home gains post-quantum keys the
    /// first time it signs; its card travels in that message, and from then
    /// on messages to it are post-quantum. Its X25519 key still opens what
    /// was sealed to it before.
    func testAnOlderCardMakesMessagesClassicalUntilItsOwnerSigns() throws {
        let plain = try copyHome("plain")
        // The card as 0.1.0 stored it (`sotto-keygen card` would give alice a post-quantum key first).
        let oldCard = Data((try XCTUnwrap(try sqliteRows(plain + "/keyring.db", "SELECT card FROM identities WHERE name = 'alice'").first)
                            + "\n").utf8)
        XCTAssertFalse(String(decoding: oldCard, as: UTF8.self).contains("age1pq1"), "a 0.1.0 card")
        let dave = home("dave")
        try ok("sotto-keygen", ["new", "dave", "--no-passphrase"], home: dave)
        try ok("sotto-keygen", ["import"], stdin: oldCard, home: dave, allowStderr: true)

        let message = Data(jsonLine(["to": ["alice"], "body": "before the upgrade"]).utf8)
        let refused = try run("sotto-seal", ["--require-pq"], stdin: message, home: dave)
        assertFailure(refused, tool: "sotto-seal", status: 1, contains: ["'alice' has no post-quantum key"])
        let classical = try run("sotto-seal", stdin: message, home: dave)
        XCTAssertEqual(classical.status, 0, classical.summary)
        XCTAssertTrue(classical.err.contains("sealed with X25519 alone, not post-quantum: 'alice' has no post-quantum key"), classical.err)
        let envelope = classical.record("envelope")
        XCTAssertEqual(ageHeaderLines(ageBytes(envelope)).filter { $0.hasPrefix("-> ") && !$0.hasPrefix("-> sotto/") }.map { $0.split(separator: " ")[1] },
                       ["X25519", "X25519"], "alice and dave's own copy, classical only")
        XCTAssertEqual(try openMessage(envelope, home: dave)["postquantum"] as? Bool, false)

        // alice signs for the first time with this version: new keys, a hybrid one among them.
        try ok("sotto-keygen", ["import"], stdin: try ok("sotto-keygen", ["card"], home: dave).stdout, home: plain, allowStderr: true)
        let reply = try run("sotto-seal", stdin: Data(jsonLine(["to": ["dave"], "body": "upgraded"]).utf8), home: plain)
        XCTAssertEqual(reply.status, 0, reply.summary)
        XCTAssertTrue(reply.err.contains("gave 'alice' new encryption keys, a post-quantum one among them"), reply.err)
        let opened = try openMessage(reply.record("envelope"), home: dave)
        XCTAssertEqual(opened["postquantum"] as? Bool, true)
        // Its card came with it: dave's next message to alice is post-quantum, without a word.
        let next = try run("sotto-seal", ["--require-pq"], stdin: Data(jsonLine(["to": ["alice"], "body": "now hybrid"]).utf8), home: dave)
        XCTAssertEqual(next.status, 0, next.summary)
        XCTAssertEqual(next.err, "")
        XCTAssertEqual(try openMessage(next.record("envelope"), home: plain)["body"] as? String, "now hybrid")
        // What dave sealed to alice's X25519 key before still opens.
        XCTAssertEqual(try openMessage(envelope, home: plain)["body"] as? String, "before the upgrade")

        // bob, the other identity of that home, gets a post-quantum key as his card is handed out.
        let card = try run("sotto-keygen", ["card", "bob"], home: plain)
        XCTAssertEqual(card.status, 0, card.summary)
        XCTAssertEqual(card.err, "sotto-keygen: notice: gave 'bob' new encryption keys, a post-quantum one among them\n")
        XCTAssertTrue(card.out.contains("age1pq1"), "the card handed out has a post-quantum key")
    }
}

extension PostQuantumTests {
    /// Every held key is tried on every post-quantum stanza, a decapsulation
    /// each: a header may hold at most 128 of them, when sealing and opening.
    func testAHeaderHoldsAtMost128PostQuantumStanzas() throws {
        let keys = try (0...128).map { _ in try DecryptionKey.generate(.mlkem768x25519) }
        let recipients = try write("many.txt", Data(keys.map { $0.recipient.string + "\n" }.joined().utf8))
        assertFailure(try run("sotto-seal", ["--anonymous", "--raw", "-R", recipients], stdin: Data("x".utf8), home: path("nowhere")),
                      tool: "sotto-seal", status: 64, contains: ["129 post-quantum recipients: one file takes at most 128"])
        // A header of 129, as a stranger could write one.
        let fileKey = try SecureBytes.random(count: 16)
        let stanzas = try keys.flatMap { try $0.recipient.wrap(fileKey: fileKey) }
        let file = try write("many.age", Data(try Header(stanzas: stanzas, fileKey: fileKey).bytes))
        let identity = try write("key.txt", Data((keys[0].ageSecretKey + "\n").utf8))
        let started = Date()
        assertFailure(try run("sotto-open", ["--raw", "-i", identity, file], home: path("nowhere")), tool: "sotto-open", status: 65,
                      contains: ["more than 128 mlkem768x25519 stanzas"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "refused before any decapsulation")
    }
}
