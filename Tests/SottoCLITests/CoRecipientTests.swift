import Foundation
@testable import SottoCore
import XCTest

/// Attacks from inside a conversation, through the real commands: a card
/// that passes someone's key off as another's, a co-recipient who holds the
/// file key and writes under the sender's header, and contacts who follow a
/// rotation without exchanging cards again.
final class CoRecipientTests: CLITestCase {
    let now = Int(Date().timeIntervalSince1970) + 60

    /// Alice writes to bob and carol; each receives from their own mailbox.
    func homes() throws -> (alice: String, bob: String, carol: String) {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob"), carol = try fixtureHome("carol")
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: alice)
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("alice"), home: carol)
        return (alice, bob, carol)
    }

    /// carol's current post-quantum key (what messages between sotto users
    /// are sealed to), as the age identity she can export.
    func secretKey(of home: String) throws -> DecryptionKey {
        let file = path("key-\(UUID().uuidString.prefix(6))")
        try ok("sotto-keygen", ["age-identity", "--pq", "-o", file], home: home, allowStderr: true)
        let line = String(decoding: try read(file), as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("AGE-SECRET-KEY-PQ-1") }
        return try XCTUnwrap(try DecryptionKey.parse(String(line ?? "")))
    }

    /// What a co-recipient can do with an envelope: recover the file key and
    /// the signed plaintext, and write a new payload under the same header.
    struct Opened {
        let header: Header
        let fileKey: SecureBytes
        let plaintext: [UInt8]

        init(_ age: Data, with key: DecryptionKey) throws {
            let bytes = [UInt8](age)
            header = try Header.parse(ByteReader(bytes: bytes))
            fileKey = try XCTUnwrap(try key.unwrap(header.stanzas))
            var plaintext = [UInt8]()
            try PayloadDecryptor(fileKey: fileKey, reader: ByteReader(bytes: Array(bytes[header.bytes.count...]))).forEachRun { plaintext += $0 }
            self.plaintext = plaintext
        }

        var innerHeader: [UInt8] {
            let length = Int(Wire.readU32(plaintext[InnerHeader.magic.count...]))
            return Array(plaintext[(InnerHeader.magic.count + 4)..<(InnerHeader.magic.count + 4 + length)])
        }

        /// The header again, over a new payload (a fresh STREAM nonce).
        func reseal(_ payload: [UInt8]) throws -> Data {
            let sink = MemorySink()
            try sink.write(header.bytes)
            let encryptor = try PayloadEncryptor(fileKey: fileKey, sink: sink)
            try encryptor.write(payload)
            try encryptor.close()
            return Data(sink.bytes)
        }

        /// A new body under the sender's header and inner header, signed by `forger`.
        func forge(_ body: [UInt8], signer forger: Signer) throws -> Data {
            let sink = MemorySink()
            try sink.write(header.bytes)
            let encryptor = try PayloadEncryptor(fileKey: fileKey, sink: sink)
            let writer = try SignedBodyWriter(inner: innerHeader, header: header, signer: forger, payload: encryptor)
            try writer.write(body)
            try writer.close()
            return Data(sink.bytes)
        }
    }

    /// Seals as `sealEnvelope` does, allowing the notice of a key renewed on the way.
    func seal(_ message: [String: Any], home: String, env: [String: String]) throws -> [String: Any] {
        try ok("sotto-seal", stdin: Data(jsonLine(message).utf8), home: home, env: env, allowStderr: true).record("envelope")
    }

    /// Opens as `openMessage` does, allowing the notice of a contact's keys taken from their message.
    func open(_ envelope: [String: Any], home: String, env: [String: String]) throws -> [String: Any] {
        try ok("sotto-open", stdin: Data(jsonLine(envelope).utf8), home: home, env: env, allowStderr: true).record("message")
    }

    func envelopeLine(_ age: Data) -> Data { Data(jsonLine(["type": "envelope", "age": age.base64EncodedString()]).utf8) }

    /// A card for "mallory2" that certifies alice's key and names alice's
    /// mailbox, imported by carol, who does not know alice: carol's message to
    /// mallory2 lands in alice's mailbox, sealed to her key. alice refuses
    /// it: the signed inner header says it was sealed for mallory2.
    func testAMessageSealedToMyKeyForSomeoneElseIsRefused() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("carol")
        let aliceCard = try Card(fields: JSON.object([UInt8](try fixtureCard("alice")), line: 1))
        let (identity, signingKey) = try Ed25519.generate()
        let current = aliceCard.currentKeys(at: Time.now())
        XCTAssertEqual(current.count, 2, "a key of each kind")
        let certified = current.map {
            CertifiedKey.certify(key: $0.key, notBefore: $0.notBefore, notAfter: nil, identity: identity, signingKey: signingKey)
        }
        let forged = Card.make(name: "mallory2", identityKey: identity, mailbox: aliceCard.mailbox, keys: certified, signingKey: signingKey)
        try ok("sotto-keygen", ["import"], stdin: Data(try JSON.encode(forged.record) + [0x0A]), home: bob)

        let mailbox = path("mailbox.db")
        let sealed = try ok("sotto-seal", [], stdin: Data(jsonLine(["to": ["mallory2"], "body": "for mallory2's eyes"]).utf8), home: bob)
        XCTAssertEqual(sealed.record("envelope")["to"] as? [String], [aliceCard.mailbox], "the forged card routes to alice's mailbox")
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: bob)
        let received = try ok("sotto-recv", ["--mailbox", mailbox], home: alice)
        XCTAssertEqual(received.records().count, 1)
        let opened = try run("sotto-open", stdin: received.stdout, home: alice)
        assertFailure(opened, tool: "sotto-open", status: 1, contains: ["sealed for another identity"])
        XCTAssertEqual(opened.out, "")
    }

    /// carol, a co-recipient, writes a new body under alice's header, naming
    /// alice and signed with a key of carol's: nothing of it is released,
    /// however large, whether to stdout with --raw or to a file with -o.
    func testACoRecipientsForgeryReleasesNothing() throws {
        let (alice, bob, carol) = try homes()
        let sealed = try sealEnvelope(["to": ["bob", "carol"], "body": "pay bob 10"], home: alice)
        let stolen = try Opened(ageBytes(sealed), with: try secretKey(of: carol))
        let (forgerKey, forgerSecret) = try Ed25519.generate()
        let forged = try stolen.forge([UInt8](repeating: 0x41, count: 3 << 20), signer: Signer(identityKey: forgerKey, name: "carol", secretKey: forgerSecret))
        let file = try write("forged.age", forged)

        let raw = try run("sotto-open", ["--raw", file], home: bob)
        assertFailure(raw, tool: "sotto-open", status: 1, contains: ["bad signature"])
        XCTAssertEqual(raw.stdout.count, 0, "not one byte of the forgery reaches stdout")
        let output = path("out.bin")
        assertFailure(try run("sotto-open", [file, "-o", output], home: bob), tool: "sotto-open", status: 1)
        XCTAssertFalse(exists(output))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix(".out.bin") }, [])
        // The genuine message still opens for bob, as alice's.
        let genuine = try openMessage(sealed, home: bob)
        XCTAssertEqual(genuine["body"] as? String, "pay bob 10")
        XCTAssertEqual(genuine["message_id"] as? String, try MessageID.of([UInt8](forged)).hex, "one message id for both: the header's")
    }

    /// After bob erased alice's message, carol re-encrypts its signed
    /// plaintext under the same header: new bytes, a new envelope id, still
    /// alice's valid signatures. bob's inbox knows the message id and drops it.
    func testAReencryptionOfAnErasedMessageIsDropped() throws {
        let (alice, bob, carol) = try homes()
        let mailbox = path("mailbox.db")
        let sealed = try ok("sotto-seal", [], stdin: Data(jsonLine(["to": ["bob", "carol"], "body": "erase me for good"]).utf8), home: alice)
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)
        let received = try ok("sotto-recv", ["--mailbox", mailbox], home: bob).record("envelope")
        let message = try openMessage(received, home: bob)
        let messageID = try XCTUnwrap(message["message_id"] as? String)
        XCTAssertEqual(try ok("sotto-erase", ["--message", messageID, "--yes"], home: bob).record("erasure")["remnants"] as? Int, 0)

        let stolen = try Opened(ageBytes(sealed.record("envelope")), with: try secretKey(of: carol))
        let replay = try stolen.reseal(stolen.plaintext)
        XCTAssertNotEqual(replay, ageBytes(sealed.record("envelope")))
        XCTAssertEqual(try openMessage(["type": "envelope", "age": replay.base64EncodedString()], home: try fixtureHome("carol"))["body"] as? String,
                       "erase me for good", "the re-encryption still verifies as alice's")
        let bobMailbox = try XCTUnwrap(try identityRecord(home: bob)["mailbox"] as? String)
        try ok("sotto-send", ["--mailbox", mailbox, "--to", bobMailbox], stdin: envelopeLine(replay), home: carol)
        let recv = try run("sotto-recv", ["--mailbox", mailbox], home: bob)
        XCTAssertEqual(recv.status, 0, recv.summary)
        XCTAssertEqual(recv.out, "", "the re-encrypted message never reaches sotto-open")
        XCTAssertTrue(recv.stderrLines.contains { $0.hasPrefix("sotto-recv: notice: ") && $0.contains("replay") }, recv.err)
    }

    /// Anyone who saw a header (the mailbox's operator, a co-recipient) can
    /// store a copy of it over other bytes: a second envelope carrying the
    /// same message. Erasing either erases both, and the scan finds nothing.
    func testErasingAnEnvelopeErasesEveryCopyOfItsMessage() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "once"]).utf8), home: alice)
        let original = ageBytes(sealed.record("envelope"))
        let header = try Header.parse(ByteReader(bytes: [UInt8](original)))
        let copy = Data(header.bytes + Sodium.random(200))
        let address = try XCTUnwrap(try identityRecord(home: bob)["mailbox"] as? String)
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)
        try ok("sotto-send", ["--mailbox", mailbox, "--to", address], stdin: envelopeLine(copy), home: alice)
        let received = try ok("sotto-recv", ["--mailbox", mailbox], home: bob).records()
        XCTAssertEqual(received.count, 2, "two envelopes, one message")
        let id = try XCTUnwrap(received[0]["id"] as? String)
        let report = try ok("sotto-erase", ["--message", id, "--yes"], home: bob).record("erasure")
        XCTAssertEqual(report["remnants"] as? Int, 0)
        XCTAssertEqual((report["removed"] as? [String: Any])?["envelopes"] as? Int, 2)
        let mac = try XCTUnwrap(ageHeaderLines(original).last?.dropFirst(4))
        XCTAssertNil(try read(bob + "/inbox.db").range(of: Data(mac.utf8)), "the header is gone from the inbox")
    }

    /// alice rotates weekly on a schedule (sotto-expire from cron, which also
    /// destroys her old secrets two days after their keys end); bob never
    /// fetches a new card. Traffic pattern: once a week alice writes to bob and
    /// bob answers. Each of alice's messages carries her card, so bob seals to
    /// her current key; without that, his answers would go to her first key,
    /// and be refused once it ended (90 days). Fourteen weeks, no card exchange.
    func testContactsFollowWeeklyRotationThroughMessages() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let week = 7 * 86400
        try ok("sotto-keygen", ["rotate", "--every", "7d", "--retain", "2d"], home: alice, env: ["SOTTO_TEST_NOW": String(now)])
        for n in 1...14 {
            let time = now + n * week
            let env = ["SOTTO_TEST_NOW": String(time)]
            XCTAssertEqual(try expire(alice, at: time).last?["keys_rotated"] as? Int, 1, "week \(n): the schedule rotates")
            let sealed = try seal(["to": ["bob"], "body": "week \(n)"], home: alice, env: env)
            let opened = try run("sotto-open", stdin: Data(jsonLine(sealed).utf8), home: bob, env: env)
            XCTAssertEqual(opened.status, 0, opened.summary)
            XCTAssertTrue(opened.stderrLines.contains { $0.contains("notice: updated the keys of contact 'alice'") }, opened.err)
            let answer = try seal(["to": ["alice"], "body": "got week \(n)"], home: bob, env: env)
            XCTAssertEqual(try open(answer, home: alice, env: ["SOTTO_TEST_NOW": String(time + 60)])["body"] as? String,
                           "got week \(n)", "bob sealed to alice's current key")
        }
    }

    /// Traffic one way for longer than a key's lifetime: alice rotates weekly
    /// (sotto-expire from cron, every day) and never writes to bob, who writes
    /// to her every week from the card he imported once. Every message he
    /// seals opens for her; once the key his card names has ended, his seal is
    /// refused with a hint, never sealed to a key that is gone; a fresh card
    /// sets it right.
    func testOneWayTrafficEndsInARefusalNotALoss() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        try ok("sotto-keygen", ["rotate", "--every", "7d", "--retain", "2d"], home: alice, env: ["SOTTO_TEST_NOW": String(now)])
        let card = try Card(fields: JSON.object([UInt8](try fixtureCard("alice")), line: 1))
        let end = Int(try XCTUnwrap(card.currentKey?.notAfter))
        var day = 1
        while now + day * 86400 < end {
            let time = now + day * 86400
            _ = try expire(alice, at: time)
            if day % 7 == 0 {
                let env = ["SOTTO_TEST_NOW": String(time)]
                let sealed = try seal(["to": ["alice"], "body": "day \(day)", "ttl": "30d"], home: bob, env: env)
                XCTAssertEqual(try open(sealed, home: alice, env: env)["body"] as? String, "day \(day)")
            }
            day += 1
        }
        XCTAssertGreaterThan(day, 80, "the first key's lifetime is 90 days")
        let late = ["SOTTO_TEST_NOW": String(end + 1)]
        let refused = try run("sotto-seal", stdin: Data(jsonLine(["to": ["alice"], "body": "too late"]).utf8), home: bob, env: late)
        assertFailure(refused, tool: "sotto-seal", status: 1, contains: ["keys of contact 'alice' expired"])
        XCTAssertTrue(refused.err.contains("fresh card"), refused.err)
        let fresh = try ok("sotto-keygen", ["card"], home: alice, env: late).stdout
        try ok("sotto-keygen", ["import"], stdin: fresh, home: bob, env: late)
        let sealed = try seal(["to": ["alice"], "body": "with the fresh card"], home: bob, env: late)
        XCTAssertEqual(try open(sealed, home: alice, env: late)["body"] as? String, "with the fresh card")
    }

    /// alice's laptop, with her keyring and passphrase, is stolen. From her
    /// backup she revokes the identity and makes a new one, alice2, whose
    /// message to bob carries the revocation. From then on bob seals nothing
    /// to alice and refuses what the thief signs as alice; what reached him
    /// before stays readable.
    func testARevokedIdentityIsNeitherSealedToNorBelieved() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let before = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "before the theft"]).utf8), home: alice)
        try ok("sotto-send", ["--mailbox", mailbox], stdin: before.stdout, home: alice)
        let thief = path("stolen")
        try FileManager.default.copyItem(atPath: alice, toPath: thief)
        let early = try ok("sotto-recv", ["--mailbox", mailbox], home: bob, env: ["SOTTO_TEST_NOW": String(now)]).stdout
        let learned = ["SOTTO_TEST_NOW": String(now + 10)], after = ["SOTTO_TEST_NOW": String(now + 20)]

        assertFailure(try run("sotto-keygen", ["revoke", "alice"], home: alice), tool: "sotto-keygen", status: 64, contains: ["--yes"])
        let revocation = try ok("sotto-keygen", ["revoke", "alice", "--yes"], home: alice).record("revocation")
        XCTAssertNotNil(revocation["signature"] as? String)
        assertFailure(try run("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "x"]).utf8), home: alice), tool: "sotto-seal",
                      status: 1, contains: ["signs nothing more"])
        try ok("sotto-keygen", ["new", "alice2"], home: alice, allowStderr: true)
        try ok("sotto-keygen", ["import"], stdin: try ok("sotto-keygen", ["card", "alice2"], home: alice).stdout, home: bob)
        let carrier = try ok("sotto-seal", ["--as", "alice2"], stdin: Data(jsonLine(["to": ["bob"], "body": "new identity"]).utf8), home: alice)
        let opened = try run("sotto-open", stdin: carrier.stdout, home: bob, env: learned)
        XCTAssertEqual(opened.status, 0, opened.summary)
        XCTAssertTrue(opened.stderrLines.contains { $0.contains("warning: 'alice' revoked their identity") }, opened.err)

        let refused = try run("sotto-seal", stdin: Data(jsonLine(["to": ["alice"], "body": "to the old one"]).utf8), home: bob)
        assertFailure(refused, tool: "sotto-seal", status: 1, contains: ["'alice' revoked this identity"])
        let forged = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "send money"]).utf8), home: thief)
        try ok("sotto-send", ["--mailbox", mailbox], stdin: forged.stdout, home: thief)
        let late = try ok("sotto-recv", ["--mailbox", mailbox], home: bob, env: after).stdout
        assertFailure(try run("sotto-open", stdin: late, home: bob, env: after), tool: "sotto-open", status: 1, contains: ["revoked this identity"])
        XCTAssertEqual(try ok("sotto-open", stdin: early, home: bob, env: after).record("message")["body"] as? String, "before the theft",
                       "what reached bob before he knew stays readable")
        // The thief's message, taken in again from a record that claims it arrived long ago: the
        // inbox judges by when it took the envelope in, not by what a record says.
        var backdated = try XCTUnwrap(String(decoding: late, as: UTF8.self).split(separator: "\n").first)
            .replacingOccurrences(of: "\"received_at\":\"", with: "\"received_at\":\"2001-01-01T00:00:00Z\",\"x\":\"")
        let other = home("bob-again")
        try FileManager.default.copyItem(atPath: bob, toPath: other)
        try? FileManager.default.removeItem(atPath: other + "/inbox.db")
        backdated += "\n"
        let again = try ok("sotto-recv", ["--input", "-"], stdin: Data(backdated.utf8), home: other, env: after).stdout
        assertFailure(try run("sotto-open", stdin: again, home: other, env: after), tool: "sotto-open", status: 1, contains: ["revoked this identity"])
        // Nor is anything sealed to the revoked identity's key written out, or certified anew.
        let key = try XCTUnwrap(try fixtureCard("alice").split(separator: 0x0A).first.flatMap {
            try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }?["keys"] as? [[String: Any]])
        let bare = try XCTUnwrap(key.first?["age"] as? String)
        assertFailure(try run("sotto-seal", ["--anonymous", "--raw", "-r", bare], stdin: Data("x".utf8), home: bob, env: after),
                      tool: "sotto-seal", status: 1, contains: ["revoked this identity"])
        assertFailure(try run("sotto-keygen", ["rotate", "alice"], home: alice), tool: "sotto-keygen", status: 1, contains: ["no new key"])
        XCTAssertEqual(try contactRecord("alice", home: bob)?["revoked_at"] as? String, revocation["revoked_at"] as? String)
    }

    /// A revocation is a file too, and only its identity can sign one.
    func testARevocationFileIsImportedAndAForgedOneRefused() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let file = path("revocation.json")
        try ok("sotto-keygen", ["revoke", "alice", "--yes", "-o", file], home: alice)
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: try read(file)) as? [String: Any])
        record["revoked_at"] = "2030-01-01T00:00:00Z"
        assertFailure(try run("sotto-keygen", ["import"], stdin: Data(jsonLine(record).utf8), home: bob), tool: "sotto-keygen",
                      status: 65, contains: ["revocation signature does not verify"])
        XCTAssertNil(try contactRecord("alice", home: bob)?["revoked_at"])
        let imported = try ok("sotto-keygen", ["import", file], home: bob).record("contact")
        XCTAssertNotNil(imported["revoked_at"] as? String)
        assertFailure(try run("sotto-keygen", ["import"], stdin: try fixtureCard("alice"), home: bob), tool: "sotto-keygen", status: 1,
                      contains: ["was revoked"])
        assertFailure(try run("sotto-keygen", ["rotate", "alice", "--every", "7d"], home: alice), tool: "sotto-keygen", status: 1,
                      contains: ["rotates no more"])
        // Erasing the contact forgets the revocation: sotto-erase says so.
        let erased = try ok("sotto-erase", ["--contact", "alice", "--yes"], home: bob, allowStderr: true)
        XCTAssertTrue(erased.err.contains("warning: 'alice' revoked their identity; erasing the contact forgets that"), erased.err)
    }

    func expire(_ home: String, at time: Int) throws -> [[String: Any]] {
        try ok("sotto-expire", [], home: home, env: ["SOTTO_TEST_NOW": String(time)]).records()
    }
}
