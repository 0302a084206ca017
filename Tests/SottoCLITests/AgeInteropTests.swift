import Foundation
@testable import SottoCore
import XCTest

/// Both directions against Debian's age (/usr/bin/age).
final class AgeInteropTests: CLITestCase {
    func testSottoOpensWhatAgeEncrypts() throws {
        let bob = try fixtureHome("bob")
        let recipient = try ok("sotto-keygen", ["age-recipient"], home: bob).out.trimmingCharacters(in: .newlines)
        let input = binaryBytes(100_000) + Data("tail\n".utf8)
        let inputFile = try write("input.bin", input)
        let binary = path("from-age.age")
        let armored = path("from-age-armored.age")
        assertSuccess(try age(["-r", recipient, "-o", binary, inputFile]))
        assertSuccess(try age(["-a", "-r", recipient, "-o", armored, inputFile]))

        let record = try ok("sotto-open", [binary], home: bob).record("message")
        XCTAssertTrue(record["from"] is NSNull, "a plain age file has no sender")
        XCTAssertTrue(record["sent_at"] is NSNull)
        XCTAssertTrue(record["expires_at"] is NSNull)
        XCTAssertEqual(record["to"] as? [String], [])
        assertMatches(record["id"] as? String, Pattern.hex32)
        XCTAssertEqual(messageBody(record), input)

        XCTAssertEqual(try ok("sotto-open", ["--raw", binary], home: bob).stdout, input, "--raw gives the exact bytes")
        XCTAssertEqual(try ok("sotto-open", ["--raw"], stdin: try read(armored), home: bob).stdout, input, "armored age input")

        // A short text file, the common case.
        let text = try age(["-r", recipient], stdin: Data("hello from age\n".utf8))
        assertSuccess(text)
        let message = try ok("sotto-open", stdin: text.stdout, home: bob).record("message")
        XCTAssertEqual(messageBody(message), Data("hello from age\n".utf8))
        XCTAssertTrue(message["from"] is NSNull)

        // Not for me: refused, nothing released.
        let carol = try fixtureHome("carol")
        assertFailure(try run("sotto-open", ["--raw", binary], home: carol), tool: "sotto-open", status: 1)
    }

    func testAgeDecryptsAnAnonymousSottoFile() throws {
        let bob = try fixtureHome("bob")
        let carol = try fixtureHome("carol")
        let keyFile = path("bob.key")
        try ok("sotto-keygen", ["age-identity", "-o", keyFile], home: bob, allowStderr: true)
        let bobKey = try ok("sotto-keygen", ["age-recipient"], home: bob).out.trimmingCharacters(in: .newlines)
        let input = binaryBytes(150_000)
        let inputFile = try write("input.bin", input)

        // With the default expiry: an unknown sotto/v2 stanza that age ignores.
        let expiring = path("expiring.age")
        try ok("sotto-seal", ["--anonymous", "--file", inputFile, "-r", bobKey, "-o", expiring], home: carol)
        XCTAssertTrue(ageHeaderLines(try read(expiring)).contains { $0.hasPrefix("-> sotto/v2 anonymous ") })
        let decrypted = try age(["-d", "-i", keyFile, expiring])
        assertSuccess(decrypted)
        XCTAssertEqual(decrypted.stdout, input, "age gets the exact plaintext back")

        // Never expiring, armored.
        let plain = path("plain.age")
        try ok("sotto-seal", ["--anonymous", "--ttl", "never", "--armor", "--file", inputFile, "-r", bobKey, "-o", plain], home: carol)
        let decryptedPlain = try age(["-d", "-i", keyFile, plain])
        assertSuccess(decryptedPlain)
        XCTAssertEqual(decryptedPlain.stdout, input)

        // age refuses it with a key it was not sealed to.
        let otherKey = path("carol.key")
        try ok("sotto-keygen", ["age-identity", "-o", otherKey], home: carol, allowStderr: true)
        let refused = try age(["-d", "-i", otherKey, expiring])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(refused.out, "")
    }

    func testASecondAgeImplementationDecryptsASignedEnvelopeToTheSignedPayload() throws {
        let alice = try fixtureHome("alice")
        let bob = try fixtureHome("bob")
        let keyFile = path("bob.key")
        try ok("sotto-keygen", ["age-identity", "--pq", "-o", keyFile], home: bob, allowStderr: true)
        let aliceCard = try ok("sotto-keygen", ["card"], home: alice).record("card")
        let body = "signed and sealed"
        let envelope = try sealEnvelope(["to": ["bob"], "body": body, "thread": "t1"], home: alice)
        let file = try write("envelope.age", ageBytes(envelope))
        // Post-quantum, as every signed envelope between sotto users: Debian's age (1.1.1)
        // cannot open it, so the second implementation of the stanza does.
        guard let python = try python() else { return }
        let decrypted = try run(python, [Self.agePQ, "open", keyFile], stdin: ageBytes(envelope))
        assertSuccess(decrypted)
        let payload = decrypted.stdout
        XCTAssertTrue(payload.starts(with: Data("sotto/2\n".utf8)), "the signed payload starts with the magic")
        let bytes = [UInt8](payload)
        func number(_ range: Range<Int>) -> Int { range.upperBound <= bytes.count ? bytes[range].reduce(0) { $0 << 8 | Int($1) } : -1 }
        let length = number(8..<12)
        XCTAssertGreaterThan(length, 0)
        guard length > 0, 12 + length + 13 + 64 <= bytes.count else { return XCTFail("payload too short: \(bytes.count)") }
        let inner = payload.subdata(in: 12..<(12 + length))
        let header = try XCTUnwrap(try JSONSerialization.jsonObject(with: inner) as? [String: Any])
        XCTAssertEqual(header["v"] as? Int, 2)
        XCTAssertEqual(header["from"] as? String, aliceCard["identity"] as? String)
        XCTAssertEqual(header["name"] as? String, "alice")
        XCTAssertEqual(header["thread"] as? String, "t1")
        let to = header["to"] as? [[String: Any]] ?? []
        XCTAssertEqual(to.count, 2, "bob and the self copy")
        XCTAssertEqual(Set(to.compactMap { $0["identity"] as? String }),
                       Set([aliceCard, try ok("sotto-keygen", ["card"], home: bob).record("card")].compactMap { card in
                           (card["identity"] as? String).flatMap { Data(base64Encoded: $0) }.map { Fingerprint.of([UInt8]($0)) }
                       }), "each key is named with the identity it is for")
        XCTAssertEqual((header["card"] as? [String: Any])?["identity"] as? String, aliceCard["identity"] as? String, "the sender's card travels along")
        // One last segment: final flag, body length, padding length, body, zeros, signature.
        let frame = 12 + length
        XCTAssertEqual(bytes[frame], 1, "the only segment is the last")
        XCTAssertEqual(number((frame + 1)..<(frame + 5)), body.utf8.count)
        let padding = number((frame + 5)..<(frame + 13))
        XCTAssertEqual(Array(bytes[(frame + 13)..<(frame + 13 + body.utf8.count)]), Array(body.utf8))
        XCTAssertEqual(frame + 13 + body.utf8.count + padding + 64, bytes.count, "padding and signature end the payload")
        XCTAssertGreaterThanOrEqual(bytes.count, 1024, "short payloads are padded to at least 1 KiB")

        // The same file still opens with sotto, from an identity file alone.
        let message = try ok("sotto-open", ["-i", keyFile, file], home: path("nowhere"), allowStderr: true).record("message")
        XCTAssertEqual(message["body"] as? String, body)
    }

    func testOpenWithIdentityFileNeedsNoKeyring() throws {
        let alice = try fixtureHome("alice")
        let bob = try fixtureHome("bob")
        let keyFile = path("bob.key")
        try ok("sotto-keygen", ["age-identity", "--pq", "-o", keyFile], home: bob, allowStderr: true)
        let aliceFingerprint = try identityRecord(home: alice)["fingerprint"] as? String
        let envelope = Data(jsonLine(try sealEnvelope(["to": ["bob"], "body": "no keyring here"], home: alice)).utf8)
        let nowhere = path("empty-home")

        let message = try ok("sotto-open", ["-i", keyFile], stdin: envelope, home: nowhere, allowStderr: true).record("message")
        XCTAssertEqual(message["body"] as? String, "no keyring here")
        let from = try XCTUnwrap(message["from"] as? [String: Any])
        XCTAssertEqual(from["claimed_name"] as? String, "alice", "without a keyring, a name is only claimed")
        XCTAssertEqual(from["fingerprint"] as? String, aliceFingerprint)
        XCTAssertEqual(from["known"] as? Bool, false, "without a keyring nobody is known")
        XCTAssertFalse(exists(nowhere), "opening with -i creates no home")

        // Without -i and without a keyring there is nothing to open with.
        assertFailure(try run("sotto-open", stdin: envelope, home: nowhere), tool: "sotto-open", status: 66)
        XCTAssertFalse(exists(nowhere))
        // A file that holds no identity is malformed.
        let junk = try write("junk.key", Data("# only a comment\nnot a key\n".utf8))
        assertFailure(try run("sotto-open", ["-i", junk], stdin: envelope, home: nowhere), tool: "sotto-open", status: 65)
        assertFailure(try run("sotto-open", ["-i", path("missing.key")], stdin: envelope, home: nowhere), tool: "sotto-open", status: 66)
    }

    func testSealWithoutKeyringToAgeRecipients() throws {
        let bob = try fixtureHome("bob")
        let bobKey = try ok("sotto-keygen", ["age-recipient"], home: bob).out.trimmingCharacters(in: .newlines)
        let nowhere = path("empty-home")
        let sealed = try ok("sotto-seal", ["--anonymous", "--raw", "-r", bobKey], stdin: Data("keyless".utf8), home: nowhere)
        XCTAssertEqual(try ok("sotto-open", ["--raw"], stdin: sealed.stdout, home: bob).stdout, Data("keyless".utf8))
        XCTAssertFalse(exists(nowhere), "anonymous sealing creates no home")
        // Signing needs an identity.
        assertFailure(try run("sotto-seal", ["--raw", "-r", bobKey], stdin: Data("x".utf8), home: nowhere), tool: "sotto-seal",
                      status: 66)
    }

    /// age's post-quantum hybrid recipients (age1pq1…, ML-KEM-768 + X25519):
    /// sealed to anonymously, opened with an identity file, never mixed with
    /// a classical recipient; and a hybrid vector of the age test kit opens
    /// through the command as it does through the library.
    func testPostQuantumAgeRecipientsSealAndOpen() throws {
        let carol = try fixtureHome("carol")
        let key = try DecryptionKey.generate(.mlkem768x25519)
        let identityFile = try write("pq.key", Data((key.ageSecretKey + "\n").utf8))
        XCTAssertTrue(key.recipient.string.hasPrefix("age1pq1"))
        let sealed = try ok("sotto-seal", ["--anonymous", "--raw", "-r", key.recipient.string], stdin: Data("quantum-safe".utf8), home: carol)
        XCTAssertTrue(ageHeaderLines(sealed.stdout).contains { $0.hasPrefix("-> mlkem768x25519 ") }, "a hybrid stanza")
        XCTAssertEqual(try ok("sotto-open", ["--raw", "-i", identityFile], stdin: sealed.stdout, home: path("nowhere"), allowStderr: true).stdout,
                       Data("quantum-safe".utf8))
        let classical = try XCTUnwrap(try identityRecord(home: carol)["age_recipient"] as? String)
        let mixed = try run("sotto-seal", ["--anonymous", "--raw", "-r", key.recipient.string, "-r", classical], stdin: Data("x".utf8), home: carol)
        assertFailure(mixed, tool: "sotto-seal", status: 64, contains: ["post-quantum recipient cannot share a file with classical ones"])
        assertFailure(try run("sotto-seal", ["--raw", "-r", key.recipient.string], stdin: Data("x".utf8), home: carol), tool: "sotto-seal",
                      status: 64, contains: ["not a sotto contact"])

        guard let (headers, body) = try kitVector("hybrid") else { return }
        let identity = try XCTUnwrap(headers["identity"]), payload = try XCTUnwrap(headers["payload"])
        let kitIdentity = try write("kit.key", Data((identity + "\n").utf8))
        let file = try write("hybrid.age", body)
        let opened = try ok("sotto-open", ["--raw", "-i", kitIdentity, file], home: path("nowhere"), allowStderr: true)
        XCTAssertEqual(Hex.encode(SHA256.hash([UInt8](opened.stdout))), String(payload))
    }

    /// A file made with `age -p` (the kit's scrypt vector) opens with its
    /// passphrase from a file, a descriptor or the environment, and no home;
    /// a wrong one is named as such, and without a terminal none is asked for.
    func testAnAgePassphraseFileOpensWithItsPassphrase() throws {
        guard let (headers, body) = try kitVector("scrypt") else { return }
        let passphrase = try XCTUnwrap(headers["passphrase"]), payload = try XCTUnwrap(headers["payload"])
        let file = try write("scrypt.age", body)
        let passphraseFile = try write("passphrase", Data((passphrase + "\n").utf8))
        let nowhere = path("nowhere")

        let fromFile = try ok("sotto-open", ["--raw", "--age-passphrase-file", passphraseFile, file], home: nowhere)
        XCTAssertEqual(Hex.encode(SHA256.hash([UInt8](fromFile.stdout))), String(payload))
        let fromFD = try ok("/bin/sh", ["-c", "exec \"$0\" --raw --age-passphrase-fd 3 \"$1\" 3< \"$2\"", Binaries.path("sotto-open"), file, passphraseFile],
                            home: nowhere)
        XCTAssertEqual(fromFD.stdout, fromFile.stdout)
        let fromEnvironment = try ok("sotto-open", ["--raw", file], home: nowhere, env: ["SOTTO_AGE_PASSPHRASE": String(passphrase)])
        XCTAssertEqual(fromEnvironment.stdout, fromFile.stdout)
        XCTAssertFalse(exists(nowhere), "no home is made")

        let wrong = try run("sotto-open", ["--raw", file], home: nowhere, env: ["SOTTO_AGE_PASSPHRASE": "not it"])
        assertFailure(wrong, tool: "sotto-open", status: 77, contains: ["no passphrase given opens this age -p file"])
        assertFailure(try run("sotto-open", ["--raw", "--age-passphrase-fd", "0"], stdin: try read(file), home: nowhere), tool: "sotto-open",
                      status: 64, contains: ["--age-passphrase-fd 0 is the input"])
        // No key opens such a file: a locked keyring is not asked for its passphrase.
        let locked = home("locked")
        try ok("sotto-keygen", ["new", "pat"], home: locked, env: ["SOTTO_PASSPHRASE": "keyring passphrase"])
        let unlockedNothing = try run("sotto-open", ["--raw", file], home: locked, env: ["SOTTO_AGE_PASSPHRASE": String(passphrase)],
                                      wrapper: ["/usr/bin/setsid", "-w"])
        XCTAssertEqual(unlockedNothing.status, 0, unlockedNothing.summary)
        XCTAssertEqual(unlockedNothing.stdout, fromFile.stdout)
        // Nor is an age -p envelope among records opened with it: a stranger's would cost scrypt's seconds and gigabytes.
        let record = Data(jsonLine(["type": "envelope", "age": try read(file).base64EncodedString()]).utf8)
        let inRecords = try run("sotto-open", [], stdin: record, home: try fixtureHome("alice"), env: ["SOTTO_AGE_PASSPHRASE": String(passphrase)])
        assertFailure(inRecords, tool: "sotto-open", status: 77, contains: ["no passphrase given opens this age -p file"])
        XCTAssertTrue(inRecords.err.contains("an age -p file opens only as the input (sotto-open FILE)"), inRecords.err)
        let unasked = try run("sotto-open", ["--raw", file], home: try fixtureHome("alice"), wrapper: ["/usr/bin/setsid", "-w"])
        assertFailure(unasked, tool: "sotto-open", status: 77, contains: ["sealed with a passphrase and there is no terminal"])
        XCTAssertTrue(unasked.err.contains("SOTTO_AGE_PASSPHRASE"), unasked.err)
    }
}

extension AgeInteropTests {
    /// A vector of the age test kit (where AgeVectorTests finds it): its
    /// headers and its file; nil after failing the test when the kit is missing.
    func kitVector(_ name: String) throws -> (headers: [String: String], file: Data)? {
        let candidates = [ProcessInfo.processInfo.environment["SOTTO_AGE_TESTKIT"]].compactMap { $0 }
            + [Binaries.packageRoot.appendingPathComponent("../shared/testkit/age").standardized.path, "/work/shared/testkit/age"]
        guard let kit = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + name) }) else {
            XCTFail("the age test kit is missing: set SOTTO_AGE_TESTKIT or place it at ../shared/testkit/age")
            return nil
        }
        let vector = try read(kit + "/" + name)
        let split = try XCTUnwrap(vector.range(of: Data("\n\n".utf8)))
        var headers = [String: String]()
        for line in String(decoding: vector[..<split.lowerBound], as: UTF8.self).split(separator: "\n") {
            // The first of a repeated header (an identity given twice) is the one kept.
            guard let colon = line.range(of: ": "), headers[String(line[..<colon.lowerBound])] == nil else { continue }
            headers[String(line[..<colon.lowerBound])] = String(line[colon.upperBound...])
        }
        return (headers, vector[split.upperBound...])
    }
}
