import Foundation
@testable import SottoCore
import XCTest

final class KeyringTests: XCTestCase {
    var directory: String = ""
    static let fast = Argon2Parameters(memoryKiB: 8 * 1024, iterations: 1, parallelism: 1)

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "sotto-keyring-" + UUID().uuidString
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func secret(_ text: String) throws -> SecureBytes {
        var bytes = Array(text.utf8)
        return try SecureBytes(consuming: &bytes)
    }

    func makeKeyring(_ passphrase: String?, name: String = "alice") throws -> Keyring {
        let keyring = try Keyring(home: Home(path: directory), create: true)
        try keyring.initialize(passphrase: passphrase.map(secret), parameters: Self.fast)
        try keyring.createIdentity(name: name)
        return keyring
    }

    func reopen(_ passphrase: String?) throws -> Keyring {
        try Keyring(home: Home(path: directory), passphrase: passphrase.map { text in { try self.secret(text) } })
    }

    func testFilesArePrivate() throws {
        _ = try makeKeyring(nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        let file = try FileManager.default.attributesOfItem(atPath: directory + "/keyring.db")
        XCTAssertEqual((file[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    /// The keyring is versioned as the inbox and the mailbox are; one made
    /// before it kept a version adopts version 1 as it is, and a newer one is refused.
    func testTheKeyringSchemaIsVersionedLikeTheOtherDatabases() throws {
        let keyring = try makeKeyring(nil)
        XCTAssertEqual(try keyring.db.rows("PRAGMA user_version").first?.int(0), Keyring.migrations.count)
        // As sotto 0.1 left it: the tables of version 1, no version kept.
        try keyring.db.execute("""
            ALTER TABLE identities DROP COLUMN revocation; ALTER TABLE contacts DROP COLUMN revocation;
            ALTER TABLE contacts DROP COLUMN revocation_known_at; PRAGMA user_version = 0
            """)
        XCTAssertEqual(try reopen(nil).identities().map(\.name), ["alice"], "an unversioned keyring adopts version 1")
        try keyring.db.execute("PRAGMA user_version = \(Keyring.migrations.count + 1)")
        XCTAssertThrowsError(try reopen(nil)) { XCTAssertEqual(($0 as? SottoError)?.kind, .unsupported) }
    }

    /// A row with a value where the schema requires one is damage, never read as a default.
    func testADamagedRowIsReportedNotReadAsEmpty() throws {
        let keyring = try makeKeyring(nil)
        try keyring.db.execute("UPDATE identities SET created_at = 'yesterday'")
        XCTAssertThrowsError(try reopen(nil).identities()) { error in
            XCTAssertEqual((error as? SottoError)?.kind, .malformed)
            XCTAssertTrue((error as? SottoError)?.message.contains("keyring is damaged") == true, "\(error)")
        }
    }

    /// Every secret lives behind the secret store: a rekey reaches all of them, a destroyed one is gone.
    func testTheSecretStoreHoldsEverySecret() throws {
        let keyring = try makeKeyring("old")
        try keyring.rotate()
        let held = try keyring.secrets.held(.encryptionKey)
        XCTAssertEqual(held.count, 4, "two rotations' keys, one of each kind in each")
        try keyring.changePassphrase(to: secret("new"), parameters: Self.fast)
        let reopened = try reopen("new")
        XCTAssertEqual(Set(try reopened.decryptionKeys().map(\.key.recipient.bytes)), held)
        // The first key's secret goes a retention after the key's own end, before the second's.
        let first = try XCTUnwrap(try reopened.identity().card.keys.min { $0.notBefore < $1.notBefore }?.notAfter)
        XCTAssertEqual(try reopened.retiredKeysDue(now: first + Keyring.standardRetention - 1).count, 0)
        let retired = try reopened.retiredKeysDue(now: first + Keyring.standardRetention)
        XCTAssertEqual(retired.count, 2, "the first keys of both kinds")
        guard retired.count == 2 else { return }
        try reopened.destroy(retired)
        XCTAssertEqual(try reopened.secrets.held(.encryptionKey).count, 2)
        XCTAssertNil(try reopened.secret(of: retired[0]))
    }

    func testWrongPassphraseIsLocked() throws {
        _ = try makeKeyring("right")
        XCTAssertNoThrow(try reopen("right").unlock())
        XCTAssertThrowsError(try reopen("wrong").unlock()) { XCTAssertEqual(($0 as? SottoError)?.kind, .locked) }
        XCTAssertThrowsError(try reopen(nil).unlock()) { XCTAssertEqual(($0 as? SottoError)?.kind, .locked) }
    }

    func testPassphraseChangeKeepsSecrets() throws {
        let keyring = try makeKeyring("old")
        let before = try keyring.currentAgeIdentity().recipient
        try keyring.changePassphrase(to: secret("new"), parameters: Self.fast)
        XCTAssertThrowsError(try reopen("old").unlock())
        XCTAssertEqual(try reopen("new").currentAgeIdentity().recipient, before)
        try reopen("new").changePassphrase(to: nil, parameters: Self.fast)
        XCTAssertEqual(try reopen(nil).currentAgeIdentity().recipient, before)
    }

    func testTamperedArgon2ParametersAreRefused() throws {
        _ = try makeKeyring("pw")
        for value in ["m=1024,t=1,p=1", "m=99999999,t=3,p=1", "m=65536,t=0,p=1", "m=65536,t=3"] {
            let keyring = try reopen("pw")
            try keyring.setMeta("argon2", Array(value.utf8))
            XCTAssertThrowsError(try reopen("pw").unlock(), value) { XCTAssertEqual(($0 as? SottoError)?.kind, .malformed) }
        }
    }

    func testRotationKeepsOldKeysForOpening() throws {
        let keyring = try makeKeyring(nil)
        let first = try keyring.currentAgeIdentity().recipient
        let identity = try XCTUnwrap(try keyring.rotate(now: Time.now() + 10))
        XCTAssertEqual(identity.card.keys.count, 4)
        XCTAssertNotEqual(identity.card.currentKey.map { try? RecipientKey(bytes: $0.publicKey) }, first)
        XCTAssertNoThrow(try identity.card.verify())
        XCTAssertEqual(Set(try keyring.decryptionKeys().map(\.key.recipient)).count, 4)
        XCTAssertTrue(try keyring.decryptionKeys().contains { $0.key.recipient == first })
    }

    func testCardsVerifyAndRejectTampering() throws {
        let keyring = try makeKeyring(nil)
        let card = try keyring.identity().card
        XCTAssertNoThrow(try card.verify())
        var renamed = card
        renamed.name = "mallory"
        XCTAssertThrowsError(try renamed.verify())
        var moved = card
        moved.mailbox = String(repeating: "0", count: 32)
        XCTAssertThrowsError(try moved.verify())
        var rekeyed = card
        rekeyed.keys[0].key = try DecryptionKey.generate().recipient
        XCTAssertThrowsError(try rekeyed.verify())
        // A JSON round trip keeps it valid.
        let parsed = try Card(fields: JSON.object(try JSON.encode(card.record), line: 1))
        XCTAssertEqual(parsed, card)
    }

    func testContactsGroupsAndResolution() throws {
        let bobHome = directory + "-bob"
        defer { try? FileManager.default.removeItem(atPath: bobHome) }
        let bob = try Keyring(home: Home(path: bobHome), create: true)
        try bob.initialize(passphrase: nil)
        let bobCard = try bob.createIdentity(name: "bob").card
        let keyring = try makeKeyring(nil)
        try keyring.importCard(bobCard)
        let ageKey = try DecryptionKey.generate().recipient
        try keyring.importAgeRecipient(ageKey, petname: "dave")
        try keyring.setGroup("team", members: ["bob", "dave", "alice"])
        let resolved = try keyring.resolve("@team")
        XCTAssertEqual(resolved.map(\.label), ["bob", "dave", "alice"])
        XCTAssertEqual(resolved[0].mailbox, bobCard.mailbox)
        XCTAssertNil(resolved[1].mailbox)
        XCTAssertThrowsError(try keyring.resolve("nobody")) { XCTAssertEqual(($0 as? SottoError)?.kind, .notFound) }
        XCTAssertThrowsError(try keyring.importCard(try keyring.identity().card)) { XCTAssertEqual(($0 as? SottoError)?.kind, .usage) }
        // A rotated card refreshes the contact; the old card is then refused as a rollback.
        let rotated = try XCTUnwrap(try bob.rotate(now: Time.now() + 5)).card
        try keyring.importCard(rotated)
        XCTAssertEqual(try keyring.contact(named: "bob").recipient, rotated.currentKey?.key)
        XCTAssertThrowsError(try keyring.importCard(bobCard)) { XCTAssertEqual(($0 as? SottoError)?.kind, .refused) }
    }

    func testSafetyNumberIsSymmetric() throws {
        let a = try Ed25519.generate().publicKey, b = try Ed25519.generate().publicKey
        let number = Fingerprint.safetyNumber(a, b)
        XCTAssertEqual(number, Fingerprint.safetyNumber(b, a))
        XCTAssertEqual(number.count, 60)
        XCTAssertTrue(number.allSatisfy(\.isNumber))
        XCTAssertNotEqual(number, Fingerprint.safetyNumber(a, try Ed25519.generate().publicKey))
        XCTAssertEqual(Fingerprint.display(number).count, 3)
    }

    /// A contact whose card had a post-quantum key cannot drop it by a newer
    /// card, imported or carried in a message: messages to them would quietly
    /// stop being post-quantum. (A card with only a newer X25519 key, signed
    /// by the contact, as an insider would make one.)
    func testACardThatDropsThePostQuantumKeyIsRefused() throws {
        let mine = try makeKeyring(nil)
        let theirs = try Keyring(home: Home(path: directory + "-bob"), create: true)
        defer { try? FileManager.default.removeItem(atPath: directory + "-bob") }
        try theirs.initialize(passphrase: nil, parameters: Self.fast)
        let bob = try theirs.createIdentity(name: "bob")
        try mine.importCard(bob.card)
        XCTAssertNotNil(try mine.contact(named: "bob").hybridRecipient)

        let now = Time.now()
        let newer = CertifiedKey.certify(key: try DecryptionKey.generate(.classical).recipient, notBefore: now + 10, notAfter: now + 86_400 * 30,
                                         identity: bob.publicKey, signingKey: try theirs.signingKey(for: bob))
        let downgraded = Card.make(name: "bob", identityKey: bob.publicKey, mailbox: bob.mailbox,
                                   keys: bob.card.keys.filter { $0.key.kind == .classical } + [newer], signingKey: try theirs.signingKey(for: bob))
        XCTAssertNoThrow(try downgraded.verify(), "a well-signed card")
        XCTAssertThrowsError(try mine.importCard(downgraded, now: now + 20)) { error in
            XCTAssertEqual((error as? SottoError)?.kind, .refused)
            XCTAssertTrue((error as? SottoError)?.message.contains("no post-quantum key valid now") == true, "\(error)")
        }
        XCTAssertThrowsError(try mine.updateContact(identityKey: bob.publicKey, from: downgraded, now: now + 20))
        XCTAssertNotNil(try mine.contact(named: "bob").hybridRecipient, "still post-quantum")
    }
}
