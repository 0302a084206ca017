import Foundation
@testable import SottoCore
import XCTest

/// sotto-export, and restoring its output with sotto-keygen import and
/// sotto-recv --input. Each --secrets export or restore runs Argon2id once.
final class ExportTests: CLITestCase {
    let passphrase = "correct horse battery"
    var exportEnv: [String: String] { ["SOTTO_EXPORT_PASSPHRASE": passphrase] }

    /// Runs without a controlling terminal, so a prompt fails instead of blocking.
    var noTerminal: [String] {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") ? ["/usr/bin/setsid", "-w"] : []
    }

    /// Alice's home with something of everything: a verified contact, a
    /// blocked bare age contact, a group, a default TTL, a rotation schedule,
    /// a retention, a retired key still held, and two envelopes in the inbox
    /// (one from bob sealed to her retired key and opened, one note to self).
    func populatedAlice(file: StaticString = #filePath, line: UInt = #line) throws -> (alice: String, bob: String) {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob"), carol = home("carol-age")
        // An age user alice knows by key alone (not the fixture's carol, whose card alice holds:
        // a second name for a contact's key is refused).
        try ok("sotto-keygen", ["new", "carol", "--no-passphrase"], home: carol)
        let carolKey = try ok("sotto-keygen", ["age-recipient"], home: carol).out.trimmingCharacters(in: .whitespacesAndNewlines)
        try verify("bob", home: alice)
        try ok("sotto-keygen", ["import", "--name", "carol-age"], stdin: Data((carolKey + "\n").utf8), home: alice)
        try ok("sotto-keygen", ["block", "carol-age"], home: alice)
        try ok("sotto-keygen", ["group", "team", "bob", "carol-age"], home: alice)
        try ok("sotto-keygen", ["default", "alice", "--ttl", "2d"], home: alice)
        try ok("sotto-keygen", ["rotate", "--every", "7d", "--retain", "10d"], home: alice)
        try ok("sotto-keygen", ["rotate"], home: alice)
        let fromBob = try sealEnvelope(["to": ["alice"], "body": "hello from bob", "thread": "lunch"], home: bob)
        let toSelf = try sealEnvelope(["to": ["alice"], "body": "note to self", "ttl": "30d"], home: alice)
        let received = try ok("sotto-recv", ["--input", "-"], stdin: Data((jsonLine(fromBob) + jsonLine(toSelf)).utf8), home: alice)
        XCTAssertEqual(received.stdoutLines.count, 2, file: file, line: line)
        try ok("sotto-open", stdin: Data((received.stdoutLines.first ?? "").utf8 + [0x0A]), home: alice)
        return (alice, bob)
    }

    func records(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try String(decoding: read(path), as: UTF8.self).split(separator: "\n").map { text in
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            XCTAssertNotNil(object, "not a JSON object: \(text.prefix(200))", file: file, line: line)
            return object ?? [:]
        }
    }

    /// The secrets of an identity record, opened with the export passphrase.
    func openSecrets(_ record: [String: Any]) throws -> IdentitySecrets? {
        guard let box = record["secrets"] as? [String: Any], let card = record["card"] as? [String: Any],
              let key = base64Bytes(card["identity"]) else { return nil }
        let unsealer = ExportUnsealer { var bytes = Array(self.passphrase.utf8); return try SecureBytes(consuming: &bytes) }
        return try unsealer.open(Fields(box, line: 0), identityKey: Array(key), name: record["name"] as? String ?? "")
    }

    /// An export's records with what may differ between two exports of the
    /// same data replaced: the manifest's time, and sealed secrets by what
    /// they hold.
    func comparable(_ records: [[String: Any]]) throws -> [String] {
        try records.map { record in
            var record = record
            if record["type"] as? String == "manifest" { record["created_at"] = "T" }
            // The authentication is under each export's own salt.
            if record["type"] as? String == "authentication" { record["salt"] = "S"; record["mac"] = "M" }
            if record["secrets"] != nil, let secrets = try openSecrets(record) {
                record["secrets"] = [
                    "signing_key": secrets.signingKey.withBytes { Data($0).base64EncodedString() },
                    "encryption_keys": secrets.encryptionKeys.map { key, secret in
                        Data(key).base64EncodedString() + ":" + secret.withBytes { Data($0).base64EncodedString() }
                    }.sorted(),
                ]
            }
            return String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    /// Restoring into a home in use keeps its default identity: the next seal
    /// without --as signs as before, not as the restored identity.
    func testRestoringIntoAHomeInUseKeepsItsDefaultIdentity() throws {
        let alice = try fixtureHome("alice")
        let backup = path("alice.jsonl")
        try ok("sotto-export", ["--secrets", "-o", backup], home: alice, env: exportEnv)
        let work = home("work")
        try ok("sotto-keygen", ["new", "work", "--no-passphrase"], home: work)
        try ok("sotto-keygen", ["import", backup], home: work, env: exportEnv)
        let identities = try ok("sotto-keygen", ["list"], home: work).records().filter { $0["type"] as? String == "identity" }
        XCTAssertEqual(identities.filter { $0["default"] as? Bool == true }.compactMap { $0["name"] as? String }, ["work"])
        XCTAssertEqual(identities.count, 2)
    }

    func testRoundTripRestoresEverythingIntoAnEmptyHome() throws {
        let (alice, bob) = try populatedAlice()
        let backup = path("backup.jsonl")
        try ok("sotto-export", ["--secrets", "-o", backup], home: alice, env: exportEnv)

        let restored = home("restored")
        let imported = try ok("sotto-keygen", ["import", backup, "--no-passphrase"], home: restored, env: exportEnv).records()
        XCTAssertEqual(imported.map { $0["type"] as? String ?? "" }, ["identity", "contact", "contact", "group", "setting", "setting"])
        let envelopes = try ok("sotto-recv", ["--input", backup], home: restored).records()
        XCTAssertEqual(envelopes.count, 2)

        let again = path("again.jsonl")
        try ok("sotto-export", ["--secrets", "-o", again], home: restored, env: exportEnv)
        let first = try records(backup), second = try records(again)
        XCTAssertEqual(try comparable(first), try comparable(second), "a restored home exports the same records")
        XCTAssertNotEqual((first[1]["secrets"] as? [String: Any])?["salt"] as? String,
                          (second[1]["secrets"] as? [String: Any])?["salt"] as? String, "each export seals under a fresh salt")
        let secrets = try XCTUnwrap(try openSecrets(first[1]))
        XCTAssertEqual(secrets.encryptionKeys.count, 4, "the retired keys still held travel with the current ones, two of each kind")

        // The restored home opens the old messages as the original does...
        let before = try ok("sotto-export", ["--decrypt"], home: alice).records().filter { $0["type"] as? String == "message" }
        let after = try ok("sotto-export", ["--decrypt"], home: restored).records().filter { $0["type"] as? String == "message" }
        XCTAssertEqual(before.count, 2)
        XCTAssertEqual(before.map { jsonLine($0) }, after.map { jsonLine($0) })
        // ...and signs as the same identity.
        let aliceFingerprint = try identityRecord(home: alice)["fingerprint"] as? String
        let message = try openMessage(try sealEnvelope(["to": ["bob"], "body": "still me"], home: restored), home: bob)
        let from = message["from"] as? [String: Any]
        XCTAssertEqual(from?["fingerprint"] as? String, aliceFingerprint)
        XCTAssertEqual(from?["known"] as? Bool, true)
        // Settings, marks and schedules came back.
        let carolAge = try XCTUnwrap(try contactRecord("carol-age", home: restored))
        XCTAssertEqual(carolAge["blocked"] as? Bool, true)
        XCTAssertEqual(try contactRecord("bob", home: restored)?["verified"] as? Bool, true)
        XCTAssertEqual(try identityRecord(home: restored)["default_ttl"] as? String, "172800s")
    }

    func testDecryptedExportIsValidJSONLinesWithAuthors() throws {
        let (alice, _) = try populatedAlice()
        let result = try ok("sotto-export", ["--decrypt"], home: alice)
        var parsed = [[String: Any]]()
        for line in result.stdoutLines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object?["type"] as? String, "every line is an object with a type: \(line.prefix(120))")
            let canonical = try object.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .withoutEscapingSlashes]) }
            XCTAssertEqual(canonical.map { String(decoding: $0, as: UTF8.self) }, line, "keys sorted at every level, one compact line")
            parsed.append(object ?? [:])
        }
        XCTAssertEqual(parsed.map { $0["type"] as? String ?? "" },
                       ["manifest", "identity", "contact", "contact", "group", "setting", "setting",
                        "envelope", "message", "envelope", "message"])
        let manifest = parsed[0]
        XCTAssertEqual(manifest["format"] as? String, "sotto-export")
        XCTAssertEqual(manifest["version"] as? Int, 2)
        XCTAssertEqual(manifest["decrypted"] as? Bool, true)
        XCTAssertEqual(manifest["secrets"] as? Bool, false)
        assertMatches(manifest["created_at"] as? String, Pattern.rfc3339)
        XCTAssertEqual(manifest["counts"] as? [String: Int], ["identities": 1, "contacts": 2, "groups": 1, "envelopes": 2])

        let identity = parsed[1]
        XCTAssertEqual(identity["owner"] as? String, "me")
        XCTAssertNil(identity["secrets"], "no secrets without --secrets")
        XCTAssertEqual((identity["card"] as? [String: Any])?["type"] as? String, "card")
        XCTAssertEqual(identity["rotate_every"] as? String, "604800s")
        XCTAssertEqual(parsed[2]["owner"] as? String, "them")
        XCTAssertEqual(parsed[3]["kind"] as? String, "age")

        let envelopes = parsed.filter { $0["type"] as? String == "envelope" }
        assertMatches(envelopes[0]["opened_at"] as? String, Pattern.rfc3339, "the envelope opened before keeps when")
        XCTAssertTrue(envelopes[1]["opened_at"] is NSNull)
        for envelope in envelopes { assertMatches(envelope["received_at"] as? String, Pattern.rfc3339) }
        let messages = parsed.filter { $0["type"] as? String == "message" }
        XCTAssertEqual(messages.map { $0["body"] as? String ?? "" }, ["hello from bob", "note to self"])
        XCTAssertEqual(messages.map { $0["author"] as? String ?? "" }, ["them", "me"])
        XCTAssertEqual(messages.map { $0["id"] as? String ?? "" }, envelopes.map { $0["id"] as? String ?? "" })

        if FileManager.default.isExecutableFile(atPath: "/usr/bin/jq") {
            let jq = try run("/usr/bin/jq", ["-e", "-r", ".type"], stdin: result.stdout)
            XCTAssertEqual(jq.status, 0, jq.summary)
            XCTAssertEqual(jq.stdoutLines.count, parsed.count)
        }
    }

    func testExpiredEnvelopesAreNotExported() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let t0 = Int(Date().timeIntervalSince1970)
        let at0 = ["SOTTO_TEST_NOW": "\(t0)"]
        let short = try sealEnvelope(["to": ["alice"], "body": "gone soon", "ttl": "1m"], home: bob, env: at0)
        let long = try sealEnvelope(["to": ["alice"], "body": "stays", "ttl": "1d"], home: bob, env: at0)
        let readOnce = try sealEnvelope(["to": ["alice"], "body": "burn after reading", "ttl": "1d", "ttl_after_read": "1m"],
                                        home: bob, env: at0)
        let input = Data([short, long, readOnce].map { jsonLine($0) }.joined().utf8)
        let received = try ok("sotto-recv", ["--input", "-"], stdin: input, home: alice, env: at0)
        try ok("sotto-open", stdin: Data((received.stdoutLines.last ?? "").utf8 + [0x0A]), home: alice, env: at0)

        let later = ["SOTTO_TEST_NOW": "\(t0 + 120)"]
        let exported = try ok("sotto-export", ["--decrypt"], home: alice, env: later).records()
        let envelopes = exported.filter { $0["type"] as? String == "envelope" }
        XCTAssertEqual(envelopes.map { $0["id"] as? String ?? "" }, [long["id"] as? String ?? "?"],
                       "past its expiry or its read-after deadline, nothing is exported")
        XCTAssertEqual((exported.first?["counts"] as? [String: Int])?["envelopes"], 1)
        XCTAssertEqual(exported.filter { $0["type"] as? String == "message" }.map { $0["body"] as? String ?? "" }, ["stays"])

        // Before the deadline, the read-after deadline travels with the envelope and is restored.
        let backup = path("backup.jsonl")
        try ok("sotto-export", ["-o", backup], home: alice, env: at0)
        let restored = try fixtureHome("carol")
        try ok("sotto-recv", ["--input", backup], home: restored, env: at0)
        let restoredEnvelopes = try ok("sotto-export", home: restored, env: later).records().filter { $0["type"] as? String == "envelope" }
        XCTAssertEqual(restoredEnvelopes.map { $0["id"] as? String ?? "" }, [long["id"] as? String ?? "?"])
    }

    func testOutputFileIsExclusiveMode0600AndNeverHalfWritten() throws {
        let alice = try fixtureHome("alice")
        let taken = try write("taken.jsonl", Data("keep\n".utf8))
        assertFailure(try run("sotto-export", ["-o", taken], home: alice), tool: "sotto-export", status: 73, contains: ["exists"])
        XCTAssertEqual(try read(taken), Data("keep\n".utf8))

        let fresh = path("fresh.jsonl")
        let result = try ok("sotto-export", ["-o", fresh], home: alice)
        XCTAssertTrue(result.stdout.isEmpty, "with -o nothing goes to stdout")
        XCTAssertEqual(try mode(fresh), 0o600)
        XCTAssertEqual(try records(fresh).first?["type"] as? String, "manifest")

        // --secrets with no export passphrase and no terminal fails before writing, and leaves nothing.
        let failed = path("failed.jsonl")
        let refused = try run("sotto-export", ["--secrets", "-o", failed], home: alice, wrapper: noTerminal)
        assertFailure(refused, tool: "sotto-export", status: 77, contains: ["export passphrase"])
        XCTAssertFalse(exists(failed))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.contains("failed.jsonl") }
        XCTAssertEqual(leftovers, [], "no temporary file is left behind")
    }

    func testWrongExportPassphraseStoresNothing() throws {
        let (alice, _) = try populatedAlice()
        let backup = path("backup.jsonl")
        try ok("sotto-export", ["--secrets", "-o", backup], home: alice, env: exportEnv)

        let empty = home("empty")
        let wrong = try run("sotto-keygen", ["import", backup, "--no-passphrase"], home: empty,
                            env: ["SOTTO_EXPORT_PASSPHRASE": "wrong horse"])
        assertFailure(wrong, tool: "sotto-keygen", status: 77, contains: ["wrong export passphrase"])
        XCTAssertFalse(exists(empty), "an empty home stays empty")

        let carol = try fixtureHome("carol")
        let listBefore = try ok("sotto-keygen", ["list"], home: carol).out
        let passFile = try write("wrong.pass", Data("wrong horse\n".utf8))
        assertFailure(try run("sotto-keygen", ["import", backup, "--export-passphrase-file", passFile], home: carol),
                      tool: "sotto-keygen", status: 77)
        XCTAssertEqual(try ok("sotto-keygen", ["list"], home: carol).out, listBefore, "an existing keyring is unchanged")

        let rightFile = try write("right.pass", Data((passphrase + "\n").utf8))
        let restored = try ok("sotto-keygen", ["import", backup, "--export-passphrase-file", rightFile], home: carol).records()
        XCTAssertEqual(restored.first?["name"] as? String, "alice", "the right passphrase from a file restores")
    }

    /// A restore that fails on a late record, after its keyring was created,
    /// leaves no keyring and no home behind.
    func testFailedRestoreIntoANewHomeLeavesNothing() throws {
        let alice = try fixtureHome("alice")
        let backup = path("backup.jsonl")
        try ok("sotto-export", ["--secrets", "-o", backup], home: alice, env: exportEnv)
        // Whoever knows the export passphrase can write a valid export that fails late.
        let lateFailure = try reauthenticated(try read(backup)) { lines in
            lines + [Array(#"{"type":"setting","name":"default_identity","value":"nobody"}"#.utf8)]
        }
        let empty = home("empty")
        let failed = try run("sotto-keygen", ["import", "-", "--no-passphrase"], stdin: lateFailure, home: empty, env: exportEnv)
        assertFailure(failed, tool: "sotto-keygen", status: 66, contains: ["nobody"])
        XCTAssertFalse(exists(empty), "the home the restore created is gone")

        let existingHome = home("existing")
        try FileManager.default.createDirectory(atPath: existingHome, withIntermediateDirectories: true)
        assertFailure(try run("sotto-keygen", ["import", "-", "--no-passphrase"], stdin: lateFailure, home: existingHome, env: exportEnv),
                      tool: "sotto-keygen", status: 66)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: existingHome), [], "a home that existed stays, empty")
    }

    /// The lines of an export, edited, and authenticated again under the
    /// export passphrase: what only its holder can do.
    func reauthenticated(_ export: Data, _ edit: ([[UInt8]]) -> [[UInt8]]) throws -> Data {
        var lines = [UInt8](export).split(separator: 0x0A).map(Array.init)
        let trailer = try JSON.object(try XCTUnwrap(lines.popLast()), line: 0)
        var passphrase = Array(self.passphrase.utf8)
        let key = try ExportUnsealer { try SecureBytes(consuming: &passphrase) }.key(for: trailer, what: "test")
        let transcript = ExportTranscript()
        lines = edit(lines)
        lines.forEach(transcript.absorb)
        return Data((lines + [try JSON.line(ExportAuthentication.record(key: key, transcript: transcript)).dropLast()]).joined(separator: [0x0A]) + [0x0A])
    }

    /// Whoever holds a backup can edit it: swap a contact's card for their
    /// own and mark it verified, stretch the retention, drop, add or move a
    /// record, or cut the end off. Restore refuses every such export (65)
    /// and stores nothing.
    func testAnAlteredExportIsRefusedWhole() throws {
        let (alice, _) = try populatedAlice()
        let backup = path("backup.jsonl")
        try ok("sotto-export", ["--secrets", "-o", backup], home: alice, env: exportEnv)
        let lines = String(decoding: try read(backup), as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any] == nil, false)
        XCTAssertTrue(lines.last?.contains("\"type\":\"authentication\"") ?? false, "the last record authenticates the export")
        let contactAt = try XCTUnwrap(lines.firstIndex { $0.contains("\"type\":\"contact\"") && $0.contains("\"name\":\"bob\"") })
        let bobCard = String(decoding: try fixtureCard("bob"), as: UTF8.self).trimmingCharacters(in: .newlines)
        let carolCard = String(decoding: try fixtureCard("carol"), as: UTF8.self).trimmingCharacters(in: .newlines)
        var cases = [(String, [String])]()
        cases.append(("a contact's card swapped", lines.enumerated().map { $0.offset == contactAt ? $0.element.replacingOccurrences(of: bobCard, with: carolCard) : $0.element }))
        XCTAssertNotEqual(cases[0].1, lines, "the swap changed the contact record")
        cases.append(("the retention changed", lines.map { $0.replacingOccurrences(of: "\"value\":\"864000s\"", with: "\"value\":\"86400s\"") }))
        XCTAssertNotEqual(cases[1].1, lines, "the retention setting is exported")
        cases.append(("a record dropped", lines.enumerated().filter { $0.offset != contactAt }.map(\.element)))
        var moved = lines
        moved.swapAt(contactAt, contactAt + 1)
        cases.append(("two records swapped", moved))
        cases.append(("a record added", Array(lines.dropLast()) + [carolCard, lines[lines.count - 1]]))
        cases.append(("the authentication cut off", Array(lines.dropLast())))
        cases.append(("a record after the authentication", lines + [carolCard]))
        for (what, edited) in cases {
            let empty = home("empty-\(cases.firstIndex { $0.0 == what } ?? 0)")
            let result = try run("sotto-keygen", ["import", "-", "--no-passphrase"], stdin: Data((edited.joined(separator: "\n") + "\n").utf8),
                                 home: empty, env: exportEnv)
            assertFailure(result, tool: "sotto-keygen", status: 65)
            XCTAssertFalse(exists(empty), "\(what): nothing stored")
        }
        // The untouched export restores.
        XCTAssertEqual(try ok("sotto-keygen", ["import", backup, "--no-passphrase"], home: home("restored"), env: exportEnv).records().first?["name"] as? String,
                       "alice")
    }

    /// Settings are held to the command line's bounds, wherever they come
    /// from; and an export without secrets, which nothing authenticates,
    /// brings its contacts in unverified.
    func testRestoredSettingsKeepTheirBoundsAndUnauthenticatedMarksAreDropped() throws {
        let alice = try fixtureHome("alice")
        assertFailure(try run("sotto-keygen", ["rotate", "--retain", "10000w"], home: alice), tool: "sotto-keygen", status: 64,
                      contains: ["--retain must be between 1h and"])
        assertFailure(try run("sotto-keygen", ["rotate", "--every", "30s"], home: alice), tool: "sotto-keygen", status: 64)
        try verify("bob", home: alice)
        // An authenticated export that stretches the retention, as only the passphrase's holder can write.
        let backup = path("backup.jsonl")
        try ok("sotto-export", ["--secrets", "-o", backup], home: alice, env: exportEnv)
        let stretched = try reauthenticated(try read(backup)) { $0 + [Array(#"{"type":"setting","name":"retention","value":"6048000000s"}"#.utf8)] }
        assertFailure(try run("sotto-keygen", ["import", "-", "--no-passphrase"], stdin: stretched, home: home("stretched"), env: exportEnv),
                      tool: "sotto-keygen", status: 65, contains: ["retention must be between"])
        XCTAssertFalse(exists(home("stretched")), "nothing stored")
        // An export without secrets is not authenticated: its contacts come in unverified, its settings not at all.
        let publicOnly = String(decoding: try ok("sotto-export", home: alice).stdout, as: UTF8.self)
            .split(separator: "\n").filter { !$0.contains("\"type\":\"identity\"") }.map(String.init)
            + [#"{"type":"setting","name":"retention","value":"1d"}"#]
        let carol = try fixtureHome("carol")
        let restored = try run("sotto-keygen", ["import", "-"], stdin: Data((publicOnly.joined(separator: "\n") + "\n").utf8), home: carol)
        XCTAssertEqual(restored.status, 0, restored.summary)
        XCTAssertTrue(restored.err.contains("not authenticated"), restored.err)
        XCTAssertEqual(try contactRecord("bob", home: carol)?["verified"] as? Bool, false, "a mark from an unauthenticated export is not taken")
        let retention = try run("/usr/bin/sqlite3", [carol + "/keyring.db", "SELECT COUNT(*) FROM meta WHERE key = 'retention'"])
        XCTAssertEqual(retention.out.trimmingCharacters(in: .whitespacesAndNewlines), "0", "nor a setting")
    }

    func testIdentityWithoutSecretsIsRefused() throws {
        let alice = try fixtureHome("alice")
        let publicOnly = path("public.jsonl")
        try ok("sotto-export", ["-o", publicOnly], home: alice)
        let empty = home("empty")
        let refused = try run("sotto-keygen", ["import", publicOnly, "--no-passphrase"], home: empty)
        assertFailure(refused, tool: "sotto-keygen", status: 65, contains: ["secrets", "public card"])
        XCTAssertFalse(exists(empty))
        // Plain cards still import as before.
        let carol = try fixtureHome("carol")
        XCTAssertEqual(try ok("sotto-keygen", ["import"], stdin: try fixtureCard("alice"), home: carol).record("contact")["name"] as? String,
                       "alice")
    }

    func testRecvInputRejectsUnknownRecordTypes() throws {
        let alice = try fixtureHome("alice")
        let bogus = Data(jsonLine(["type": "mystery"]).utf8)
        assertFailure(try run("sotto-recv", ["--input", "-"], stdin: bogus, home: alice), tool: "sotto-recv", status: 65,
                      contains: ["line 1", "type"])
        let future = Data(jsonLine(["type": "manifest", "format": "sotto-export", "version": 3]).utf8)
        assertFailure(try run("sotto-recv", ["--input", "-"], stdin: future, home: alice), tool: "sotto-recv", status: 70,
                      contains: ["version 3"])
    }

    /// The recipes in `sotto-export --help` are run as written, with sh.
    func testDocumentedRestoreCommandsWork() throws {
        let (alice, bob) = try populatedAlice()
        let help = try ok("sotto-export", ["--help"]).out
        let plain = recipe(help, after: "Back up, then restore into an empty home:")
        let sealed = recipe(help, after: "An encrypted backup, sealed to an age key kept apart from the home:")
        let unsealing = recipe(help, after: "And to restore it, before the commands above:")
        XCTAssertEqual(plain.count, 3, help)
        XCTAssertFalse(sealed.isEmpty, help)
        XCTAssertEqual(unsealing.count, 1, help)
        let env = ["PATH": Binaries.directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                   "SOTTO_EXPORT_PASSPHRASE": passphrase, "SOTTO_PASSPHRASE": "new keyring passphrase"]
        func sh(_ lines: [String], home: String) throws {
            let result = try run("/bin/sh", ["-ec", lines.joined(separator: "\n")], home: home, env: env)
            XCTAssertEqual(result.status, 0, result.summary)
        }

        if Binaries.age != nil, FileManager.default.isExecutableFile(atPath: "/usr/bin/age-keygen") {
            try sh(sealed, home: alice)
            try sh(unsealing, home: home("unused"))
        } else {
            try sh([plain[0]], home: alice)
        }
        let restored = home("restored")
        try sh(Array(plain.dropFirst()), home: restored)
        let messages = try ok("sotto-export", ["--decrypt"], home: restored, env: ["SOTTO_PASSPHRASE": "new keyring passphrase"])
            .records().filter { $0["type"] as? String == "message" }
        XCTAssertEqual(messages.map { $0["body"] as? String ?? "" }, ["hello from bob", "note to self"])
        let envelope = try sealEnvelope(["to": ["bob"], "body": "restored"], home: restored, env: ["SOTTO_PASSPHRASE": "new keyring passphrase"])
        XCTAssertEqual(try openMessage(envelope, home: bob)["body"] as? String, "restored")
    }

    /// The indented command lines that follow a heading in help text.
    func recipe(_ help: String, after heading: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: heading) else { return [] }
        var commands = [String]()
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("  ") else { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    "), let last = commands.popLast() { commands.append(last + " " + text) } else { commands.append(text) }
        }
        return commands
    }
}
