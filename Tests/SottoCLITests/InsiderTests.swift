import Foundation
@testable import SottoCore
import XCTest

/// Attacks by insiders, through the real commands: someone who hands out a
/// card, a sender who is not a contact. Each test fails without the check
/// that stops its attack.
final class InsiderTests: CLITestCase {
    /// A card as mallory can make one: her own identity key signs it, and it
    /// certifies whatever key and names whatever mailbox she likes.
    func forgedCard(name: String, keys: [RecipientKey], mailbox: String) throws -> Data {
        let (identity, signingKey) = try Ed25519.generate()
        let certified = keys.map {
            CertifiedKey.certify(key: $0, notBefore: 1_700_000_000, notAfter: nil, identity: identity, signingKey: signingKey)
        }
        let card = Card.make(name: name, identityKey: identity, mailbox: mailbox, keys: certified, signingKey: signingKey)
        return Data(try JSON.encode(card.record) + [0x0A])
    }

    func card(_ name: String) throws -> Card {
        try Card(fields: JSON.object(Array(try fixtureCard(name)), line: 1))
    }

    /// Misbinding: a card for "mallory2" that certifies alice's key or names
    /// alice's mailbox would route bob's messages for mallory2 to alice, who
    /// would open them as addressed to her. bob's keyring refuses it.
    func testACardClaimingAnotherContactsKeyOrMailboxIsRefused() throws {
        let bob = try fixtureHome("bob")
        let alice = try card("alice")
        let aliceKey = try XCTUnwrap(alice.currentKey?.key)
        let fresh = Hex.encode(Sodium.random(16))
        let contactsBefore = try ok("sotto-keygen", ["list"], home: bob).out
        for (what, forged) in [
            ("encryption key", try forgedCard(name: "mallory2", keys: [aliceKey], mailbox: fresh)),
            ("mailbox", try forgedCard(name: "mallory2", keys: [try DecryptionKey.generate().recipient], mailbox: alice.mailbox)),
        ] {
            let result = try run("sotto-keygen", ["import"], stdin: forged, home: bob)
            assertFailure(result, tool: "sotto-keygen", status: 65, contains: ["claims the \(what) of 'alice'"])
        }
        XCTAssertEqual(try ok("sotto-keygen", ["list"], home: bob).out, contactsBefore, "nothing was stored")
    }

    /// The same against one of my own identities: a card that claims bob's own
    /// key would have his contacts' messages to "mallory2" land with bob.
    func testACardClaimingMyOwnKeyOrMailboxIsRefused() throws {
        let bob = try fixtureHome("bob")
        let mine = try XCTUnwrap(try identityRecord(home: bob)["age_recipient"] as? String)
        let mailbox = try XCTUnwrap(try identityRecord(home: bob)["mailbox"] as? String)
        let byKey = try forgedCard(name: "mallory2", keys: [try RecipientKey(parsing: mine)], mailbox: Hex.encode(Sodium.random(16)))
        assertFailure(try run("sotto-keygen", ["import"], stdin: byKey, home: bob), tool: "sotto-keygen", status: 65,
                      contains: ["claims the encryption key of 'bob'"])
        let byMailbox = try forgedCard(name: "mallory2", keys: [try DecryptionKey.generate().recipient], mailbox: mailbox)
        assertFailure(try run("sotto-keygen", ["import"], stdin: byMailbox, home: bob), tool: "sotto-keygen", status: 65,
                      contains: ["claims the mailbox of 'bob'"])
        XCTAssertNil(try contactRecord("mallory2", home: bob))
    }

    /// Whoever relays a card would retire its current key by moving its end
    /// into the past. Every key is certified with its end, so that breaks the
    /// signatures; and a card that would leave a contact with no valid key is
    /// refused whatever the reason.
    func testARelayedCardThatRetiresTheCurrentKeyIsRefused() throws {
        let bob = try fixtureHome("bob")
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: try fixtureCard("alice")) as? [String: Any])
        var keys = try XCTUnwrap(record["keys"] as? [[String: Any]])
        for index in keys.indices { keys[index]["not_after"] = "1970-01-01T00:00:00Z" }
        record["keys"] = keys
        let result = try run("sotto-keygen", ["import"], stdin: Data((jsonLine(record) + "\n").utf8), home: bob)
        assertFailure(result, tool: "sotto-keygen", status: 65, contains: ["does not verify"])
        // The genuine card, once its key has ended, is refused too.
        let ended = try run("sotto-keygen", ["import"], stdin: try fixtureCard("alice"), home: bob,
                            env: ["SOTTO_TEST_NOW": String(Int(Date().timeIntervalSince1970) + 91 * 86400)])
        assertFailure(ended, tool: "sotto-keygen", status: 65, contains: ["no encryption key valid now"])
        XCTAssertNotNil(try contactRecord("alice", home: bob)?["age_recipient"] as? String, "alice keeps her current key")
    }

    /// A bare age recipient that is someone's sotto key is a second name for
    /// them: messages sealed to it would go to them. Refused like a card.
    func testABareAgeRecipientThatIsAKnownKeyIsRefused() throws {
        let bob = try fixtureHome("bob")
        let aliceKey = try XCTUnwrap(try card("alice").currentKey?.key.string)
        let ownKey = try XCTUnwrap(try identityRecord(home: bob)["age_recipient"] as? String)
        for (key, owner) in [(aliceKey, "alice"), (ownKey, "bob")] {
            let result = try run("sotto-keygen", ["import", "-", "--name", "mallory-age"], stdin: Data((key + "\n").utf8), home: bob)
            assertFailure(result, tool: "sotto-keygen", status: 65, contains: ["is an encryption key of '\(owner)'"])
        }
        XCTAssertNil(try contactRecord("mallory-age", home: bob))
    }

    /// Restoring an identity that a contact's card already claimed would leave
    /// the contact routing to the restored identity's key or mailbox: refused.
    func testRestoringAnIdentityThatAContactClaimsIsRefused() throws {
        let alice = try fixtureHome("alice")
        let env = ["SOTTO_EXPORT_PASSPHRASE": "export passphrase"]
        let backup = path("alice-backup.jsonl")
        try ok("sotto-export", ["--secrets", "-o", backup], home: alice, env: env)
        let aliceCard = try card("alice")
        let dave = home("dave")
        try ok("sotto-keygen", ["new", "dave", "--no-passphrase"], home: dave)
        let forged = try forgedCard(name: "mallory", keys: [try XCTUnwrap(aliceCard.currentKey?.key)], mailbox: aliceCard.mailbox)
        try ok("sotto-keygen", ["import"], stdin: forged, home: dave)
        let restore = try run("sotto-keygen", ["import", backup], home: dave, env: env)
        assertFailure(restore, tool: "sotto-keygen", status: 65, contains: ["'mallory' in this keyring claims the"])
        let names = try ok("sotto-keygen", ["list"], home: dave).records().compactMap { $0["name"] as? String }
        XCTAssertFalse(names.contains("alice"), "nothing of the restore was stored: \(names)")
    }

    /// A mailbox address is written one way only: 32 lowercase hex digits.
    func testACardWithAMailboxThatIsNotAnAddressIsRefused() throws {
        let bob = try fixtureHome("bob")
        let key = try DecryptionKey.generate().recipient
        for mailbox in [Hex.encode(Sodium.random(16)).uppercased(), "../../etc", Hex.encode(Sodium.random(17))] {
            let result = try run("sotto-keygen", ["import"], stdin: try forgedCard(name: "mallory2", keys: [key], mailbox: mailbox), home: bob)
            assertFailure(result, tool: "sotto-keygen", status: 65, contains: ["is not a mailbox address"])
        }
        XCTAssertNil(try contactRecord("mallory2", home: bob))
    }

    /// A sealed, signed envelope record from a sender bob does not know, who
    /// calls themself `name` in the inner header (any bytes: a forged one).
    func envelopeFromStranger(calling name: String, to recipient: String, owner: String) throws -> Data {
        let (identity, signingKey) = try Ed25519.generate()
        let signer = Signer(identityKey: identity, name: name, secretKey: signingKey)
        let sealed = try Envelope.seal(Array("it is me, honest".utf8),
                                       SealParameters(recipients: [Addressee(try RecipientKey(parsing: recipient), identity: owner)],
                                                      signer: signer, expiresAt: nil))
        return Data(try JSON.encode(["type": "envelope", "age": Base64.encode(sealed)]) + [0x0A])
    }

    /// An unknown sender who calls themself "alice" is not shown as alice:
    /// the record carries the claim apart, with no name, and stderr says so.
    func testAStrangerCallingThemselfAliceIsNotShownAsAlice() throws {
        let bob = try fixtureHome("bob")
        let bobKey = try XCTUnwrap(try identityRecord(home: bob)["age_recipient"] as? String)
        let bobFingerprint = try XCTUnwrap(try identityRecord(home: bob)["fingerprint"] as? String)
        let result = try run("sotto-open", stdin: try envelopeFromStranger(calling: "alice", to: bobKey, owner: bobFingerprint), home: bob)
        XCTAssertEqual(result.status, 0, result.summary)
        let from = try XCTUnwrap(result.record("message")["from"] as? [String: Any])
        XCTAssertTrue(from["name"] is NSNull, "no name for an unknown sender: \(from)")
        XCTAssertEqual(from["claimed_name"] as? String, "alice")
        XCTAssertEqual(from["known"] as? Bool, false)
        XCTAssertTrue(result.stderrLines.contains { $0.hasPrefix("sotto-open: notice: ") && $0.contains("unknown sender") && $0.contains("alice") },
                      result.err)
        // The real alice, a contact, opens with her petname as before.
        let alice = try fixtureHome("alice")
        let genuine = try sealEnvelope(["to": ["bob"], "body": "really me"], home: alice)
        XCTAssertEqual((try openMessage(genuine, home: bob)["from"] as? [String: Any])?["name"] as? String, "alice")
    }

    /// Control characters in a message field never reach a terminal raw: not
    /// in the notice on stderr, and not in the record (escaped JSON).
    func testControlCharactersFromAMessageNeverReachTheTerminalRaw() throws {
        let bob = try fixtureHome("bob")
        let bobKey = try XCTUnwrap(try identityRecord(home: bob)["age_recipient"] as? String)
        let bobFingerprint = try XCTUnwrap(try identityRecord(home: bob)["fingerprint"] as? String)
        let name = "\u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}31m\u{202E}ecila"
        let result = try run("sotto-open", stdin: try envelopeFromStranger(calling: name, to: bobKey, owner: bobFingerprint), home: bob)
        XCTAssertEqual(result.status, 0, result.summary)
        for (stream, bytes) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            let text = String(decoding: bytes, as: UTF8.self)
            let raw = text.unicodeScalars.filter { scalar in
                (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
                    || (0x2066...0x2069).contains(scalar.value)
            }
            XCTAssertTrue(raw.isEmpty, "\(stream) carries control characters raw: \(raw.map { String($0.value, radix: 16) })")
        }
        let from = try XCTUnwrap(result.record("message")["from"] as? [String: Any])
        XCTAssertEqual(from["claimed_name"] as? String, name, "the claim is kept whole, escaped in JSON")
    }

    /// KDF downgrade: whoever can write the keyring file (but has no
    /// passphrase) sets kdf to "none" with a check value copied from any
    /// passphrase-less keyring. The next identity would be sealed under the
    /// all-zero key, readable by them. sotto refuses, and stores nothing.
    func testAKeyringSwitchedToNoPassphraseIsRefused() throws {
        let victim = home("victim")
        try ok("sotto-keygen", ["new", "pat"], home: victim, env: ["SOTTO_PASSPHRASE": "correct horse"])
        let donor = try fixtureHome("bob")  // passphrase-less
        let check = try XCTUnwrap(try sqliteRows(donor + "/keyring.db", "SELECT hex(value) FROM meta WHERE key = 'check'").first)
        _ = try sqliteRows(victim + "/keyring.db", "UPDATE meta SET value = CAST('none' AS BLOB) WHERE key = 'kdf'; " +
                           "UPDATE meta SET value = X'\(check)' WHERE key = 'check'")
        let before = try sqliteRows(victim + "/keyring.db", "SELECT name FROM identities")
        let created = try run("sotto-keygen", ["new", "second"], home: victim)
        assertFailure(created, tool: "sotto-keygen", status: 65, contains: ["no passphrase", "sealed without one"])
        XCTAssertEqual(try sqliteRows(victim + "/keyring.db", "SELECT name FROM identities"), before, "nothing was stored")
        let rotated = try run("sotto-keygen", ["rotate"], home: victim)
        assertFailure(rotated, tool: "sotto-keygen", status: 65)
    }

    /// The same, with every secret blob replaced by one sealed under the zero
    /// key: each opens, but none is the secret of its row's public key.
    func testAKeyringSwitchedToNoPassphraseWithForgedSecretsIsRefused() throws {
        let victim = home("victim")
        try ok("sotto-keygen", ["new", "pat"], home: victim, env: ["SOTTO_PASSPHRASE": "correct horse"])
        let db = victim + "/keyring.db"
        let check = try XCTUnwrap(try sqliteRows(try fixtureHome("bob") + "/keyring.db", "SELECT hex(value) FROM meta WHERE key = 'check'").first)
        var sql = "UPDATE meta SET value = CAST('none' AS BLOB) WHERE key = 'kdf'; UPDATE meta SET value = X'\(check)' WHERE key = 'check';"
        let zero = try SecureBytes(count: 32)
        for (table, length) in [("identities", 64), ("encryption_keys", 32)] {
            for hex in try sqliteRows(db, "SELECT hex(public_key) FROM \(table)") {
                let publicKey = Array(Data(hexString: hex))
                var random = Sodium.random(length)
                let blob = SecretBox.seal(try SecureBytes(consuming: &random), key: zero, context: SecretBox.context(publicKey))
                sql += " UPDATE \(table) SET secret = X'\(Hex.encode(blob))' WHERE public_key = X'\(hex)';"
            }
        }
        _ = try sqliteRows(db, sql)
        assertFailure(try run("sotto-keygen", ["new", "second"], home: victim), tool: "sotto-keygen", status: 65,
                      contains: ["no passphrase"])
        assertFailure(try run("sotto-keygen", ["rotate"], home: victim), tool: "sotto-keygen", status: 65)
        XCTAssertEqual(try sqliteRows(db, "SELECT COUNT(*) FROM encryption_keys"), ["2"], "nothing was stored: the first key of each kind")
    }

    /// Deleting the key-derivation settings of a keyring that holds identities
    /// must not let the next command write new ones (no passphrase, or a typo).
    func testAKeyringWhoseSettingsWereDeletedIsRefused() throws {
        let victim = home("victim")
        try ok("sotto-keygen", ["new", "pat"], home: victim, env: ["SOTTO_PASSPHRASE": "correct horse"])
        _ = try sqliteRows(victim + "/keyring.db", "DELETE FROM meta WHERE key = 'kdf'")
        for (args, env) in [(["new", "eve", "--no-passphrase"], [String: String]()), (["new", "eve"], ["SOTTO_PASSPHRASE": "typo"])] {
            assertFailure(try run("sotto-keygen", args, home: victim, env: env), tool: "sotto-keygen", status: 65,
                          contains: ["key-derivation settings are missing"])
        }
        XCTAssertEqual(try sqliteRows(victim + "/keyring.db", "SELECT name FROM identities"), ["pat"])
    }

    /// A passphrase keyring that holds no secret (its identities erased) has
    /// nothing to prove its setting by. Switched to "none", it is refused when
    /// a passphrase is given, as a script or cron job gives it.
    func testAPassphraseGivenToAKeyringThatSaysItHasNoneIsRefused() throws {
        let victim = home("victim")
        let env = ["SOTTO_PASSPHRASE": "correct horse"]
        try ok("sotto-keygen", ["new", "pat"], home: victim, env: env)
        try ok("sotto-erase", ["--identity", "pat", "--yes"], home: victim, env: env)
        let check = try XCTUnwrap(try sqliteRows(try fixtureHome("bob") + "/keyring.db", "SELECT hex(value) FROM meta WHERE key = 'check'").first)
        _ = try sqliteRows(victim + "/keyring.db", "UPDATE meta SET value = CAST('none' AS BLOB) WHERE key = 'kdf'; " +
                           "UPDATE meta SET value = X'\(check)' WHERE key = 'check'")
        assertFailure(try run("sotto-keygen", ["new", "again"], home: victim, env: env), tool: "sotto-keygen", status: 77,
                      contains: ["a passphrase was given, but this keyring has none"])
        XCTAssertEqual(try sqliteRows(victim + "/keyring.db", "SELECT COUNT(*) FROM identities"), ["0"])
    }

    /// A stranger who has bob's key signs times no calendar holds: a sent
    /// time of -2^63, a read-after timer of 2^63-1 seconds. Each is refused as
    /// malformed (1), and --keep-going goes on to the next message.
    func testTimesOutOfRangeAreRefusedNotTrappedOn() throws {
        let bob = try fixtureHome("bob")
        let bobKey = try RecipientKey(parsing: try XCTUnwrap(try identityRecord(home: bob)["age_recipient"] as? String))
        let bobFingerprint = try XCTUnwrap(try identityRecord(home: bob)["fingerprint"] as? String)
        let (identity, signingKey) = try Ed25519.generate()
        let stranger = Signer(identityKey: identity, name: "dave", secretKey: signingKey)
        func line(_ parameters: SealParameters) throws -> String {
            String(decoding: try JSON.line(["type": "envelope", "age": Base64.encode(try Envelope.seal(Array("hi".utf8), parameters))]), as: UTF8.self)
        }
        let to = [Addressee(bobKey, identity: bobFingerprint)]
        let input = try line(SealParameters(recipients: to, signer: stranger, expiresAt: nil, sentAt: Int64.min))
            + line(SealParameters(recipients: to, signer: stranger, expiresAt: nil, ttlAfterRead: Int64.max))
            + line(SealParameters(recipients: to, signer: stranger, expiresAt: nil))
        let result = try run("sotto-open", ["--keep-going"], stdin: Data(input.utf8), home: bob)
        XCTAssertEqual(result.status, 1, result.summary)
        let records = result.records()
        XCTAssertEqual(records.map { $0["type"] as? String }, ["error", "error", "message"])
        XCTAssertTrue((records[0]["message"] as? String)?.contains("sent_at") == true, "\(records[0])")
        XCTAssertTrue((records[1]["message"] as? String)?.contains("ttl_after_read") == true, "\(records[1])")
    }

    /// Another user of a shared mailbox file adds a delivery for bob whose
    /// envelope has no bytes. sotto-recv removes it with a warning (65)
    /// instead of listing it for ever, and bob's real mail still comes.
    func testAMailboxEntryWithNoBytesCannotJamRecv() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let sealed = try ok("sotto-seal", stdin: Data(jsonLine(["to": ["bob"], "body": "real mail"]).utf8), home: alice)
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)
        let address = try XCTUnwrap(try identityRecord(home: bob)["mailbox"] as? String)
        _ = try sqliteRows(mailbox, "INSERT INTO envelopes (id, expires_at, size, stored_at) VALUES ('\(String(repeating: "b", count: 32))', NULL, 100, 1); "
                           + "INSERT INTO deliveries (mailbox, envelope, stored_at) VALUES ('\(address)', last_insert_rowid(), 0)")
        let recv = try run("sotto-recv", ["--mailbox", mailbox], home: bob, wrapper: ["/usr/bin/timeout", "20"])
        XCTAssertEqual(recv.status, 65, recv.summary)
        XCTAssertTrue(recv.err.contains("has no bytes in the mailbox"), recv.err)
        XCTAssertEqual(recv.records().count, 1, "the real envelope is received")
        XCTAssertEqual(try sqliteRows(mailbox, "SELECT COUNT(*) FROM deliveries"), ["0"])
    }

    /// A "card" file from mallory with records around it: a group that adds
    /// her to bob's @team, a contact record that unblocks carol, a retention
    /// setting. Only an authenticated export speaks for bob: mallory's card is
    /// added, and nothing else changes.
    func testACardFileCannotRewriteGroupsMarksOrSettings() throws {
        let bob = try fixtureHome("bob")
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: bob)
        try ok("sotto-keygen", ["block", "carol"], home: bob)
        try ok("sotto-keygen", ["group", "team", "alice", "carol"], home: bob)
        let mallory = String(decoding: try forgedCard(name: "mallory", keys: [try DecryptionKey.generate().recipient],
                                                      mailbox: Hex.encode(Sodium.random(16))), as: UTF8.self)
        let carolCard = try JSONSerialization.jsonObject(with: try fixtureCard("carol"))
        let trojan = mallory + jsonLine(["type": "group", "name": "team", "members": ["alice", "carol", "mallory"]])
            + jsonLine(["type": "contact", "name": "carol", "kind": "sotto", "card": carolCard, "blocked": false, "verified": true])
            + jsonLine(["type": "setting", "name": "retention", "value": "1d"])
        let result = try run("sotto-keygen", ["import"], stdin: Data(trojan.utf8), home: bob)
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertTrue(result.err.contains("groups and settings are not restored"), result.err)
        XCTAssertNotNil(try contactRecord("mallory", home: bob), "the card itself is added")
        XCTAssertEqual(try sqliteRows(bob + "/keyring.db", "SELECT member FROM group_members WHERE name = 'team' ORDER BY position"), ["alice", "carol"])
        XCTAssertEqual(try contactRecord("carol", home: bob)?["blocked"] as? Bool, true)
        XCTAssertEqual(try contactRecord("carol", home: bob)?["verified"] as? Bool, false)
        XCTAssertEqual(try sqliteRows(bob + "/keyring.db", "SELECT COUNT(*) FROM meta WHERE key = 'retention'"), ["0"])
    }

    /// A card may certify a key no one can seal to (a low-order point), or
    /// the same key twice, or a key that ends before it starts: refused, so
    /// a member cannot break every seal to a group they are in.
    func testACardWithAKeyNoOneCanSealToIsRefused() throws {
        let bob = try fixtureHome("bob")
        let lowOrder = try RecipientKey(bytes: [UInt8](repeating: 0, count: 32))
        let result = try run("sotto-keygen", ["import"], stdin: try forgedCard(name: "mallory", keys: [lowOrder], mailbox: Hex.encode(Sodium.random(16))),
                             home: bob)
        assertFailure(result, tool: "sotto-keygen", status: 65, contains: ["it is not a usable public key"])
        let key = try DecryptionKey.generate().recipient
        assertFailure(try run("sotto-keygen", ["import"], stdin: try forgedCard(name: "mallory", keys: [key, key], mailbox: Hex.encode(Sodium.random(16))),
                              home: bob), tool: "sotto-keygen", status: 65, contains: ["twice"])
        XCTAssertNil(try contactRecord("mallory", home: bob))
    }

    /// An envelope record from an export is checked whole before it is stored.
    func testRecvInputChecksARecordBeforeStoringIt() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let envelope = try sealEnvelope(["to": ["bob"], "body": "hi"], home: alice)
        for (key, value) in [("to", ["XYZ"]), ("delete_after", -5), ("received_at", "9999-12-31T00:00:00Z")] as [(String, Any)] {
            var record = envelope
            record[key] = value
            let result = try run("sotto-recv", ["--input", "-"], stdin: Data(jsonLine(record).utf8), home: bob)
            assertFailure(result, tool: "sotto-recv", status: 65)
            if FileManager.default.fileExists(atPath: bob + "/inbox.db") {
                XCTAssertEqual(try sqliteRows(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), ["0"], "\(key): nothing stored")
            }
        }
        assertFailure(try run("sotto-keygen", ["rotate", "--every", "1h"], home: bob), tool: "sotto-keygen", status: 64,
                      contains: ["--every must be between 1d and"])
    }
}

extension Data {
    /// Bytes from hex digits, as sqlite3's hex() prints them.
    init(hexString: String) {
        let digits = Array(hexString.utf8)
        self.init(stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) })
    }
}
