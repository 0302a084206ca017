import Foundation
@testable import SottoCore
import XCTest

final class EncodingTests: XCTestCase {
    func testBase64RejectsNonCanonical() {
        XCTAssertEqual(Base64.decode("aGk=", padded: true), Array("hi".utf8))
        XCTAssertEqual(Base64.decode("aGk", padded: false), Array("hi".utf8))
        XCTAssertNil(Base64.decode("aGl=", padded: true), "non-zero trailing bits")
        XCTAssertNil(Base64.decode("aGk=", padded: false), "padding where none is allowed")
        XCTAssertNil(Base64.decode("aGk", padded: true), "missing padding")
        XCTAssertNil(Base64.decode("a", padded: false))
        XCTAssertNil(Base64.decode("a-k", padded: false))
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37) }
            XCTAssertEqual(Base64.decode(Base64.encode(bytes), padded: true), bytes)
            XCTAssertEqual(Base64.decode(Base64.encode(bytes, padded: false), padded: false), bytes)
            let reference = Data(bytes).base64EncodedString()
            XCTAssertEqual(Base64.encode(bytes), reference)
            XCTAssertEqual(Base64.encode(bytes[...]), reference, "a slice")
            XCTAssertEqual(Base64.encode(bytes, padded: false), String(reference.prefix { $0 != "=" }))
            XCTAssertEqual(Base64.encode(Set(bytes.prefix(1))), Data(bytes.prefix(1)).base64EncodedString(), "not contiguous")
        }
    }

    /// Every string of up to 6 characters over values with different low bits, padding and a
    /// character outside the alphabet decodes as Foundation decodes it, when it is canonical.
    func testBase64DecodesEveryShortStringLikeFoundation() {
        let chars = Array("ABQg/=-")
        var strings = [""]
        for _ in 0..<6 {
            strings += strings.filter { $0.count == strings.last!.count }.flatMap { s in chars.map { s + String($0) } }
        }
        XCTAssertEqual(strings.count, (0...6).reduce(0) { $0 + Int(pow(7.0, Double($1))) })
        for text in strings {
            let padded = Data(base64Encoded: text).map { [UInt8]($0) }.flatMap { Base64.encode($0) == text ? $0 : nil }
            XCTAssertEqual(Base64.decode(text, padded: true), padded, "padded \(text)")
            let filled = text.count % 4 == 0 ? text : text + String(repeating: "=", count: 4 - text.count % 4)
            let bare = text.contains("=") ? nil : Data(base64Encoded: filled).map { [UInt8]($0) }
                .flatMap { Base64.encode($0, padded: false) == text ? $0 : nil }
            XCTAssertEqual(Base64.decode(text, padded: false), bare, "unpadded \(text)")
        }
    }

    func testBech32RoundTripAndCase() throws {
        let key = try DecryptionKey.generate()
        let text = key.recipient.string
        XCTAssertTrue(text.hasPrefix("age1"))
        XCTAssertEqual(try RecipientKey(parsing: text), key.recipient)
        XCTAssertEqual(try RecipientKey(parsing: text.uppercased()), key.recipient)
        var broken = Array(text)
        broken[10] = broken[10] == "q" ? "p" : "q"
        XCTAssertThrowsError(try RecipientKey(parsing: String(broken)), "checksum")
        XCTAssertNil(Bech32.decode("Age1" + text.dropFirst(4)), "mixed case")
        XCTAssertEqual(try DecryptionKey.parse(key.ageSecretKey)?.recipient, key.recipient)
    }

    func testOneParseEntryForEveryRecipientString() throws {
        let key = try DecryptionKey.generate()
        XCTAssertEqual(try RecipientKey(bytes: key.recipient.bytes), key.recipient, "a stored key's length tells its kind")
        XCTAssertThrowsError(try RecipientKey(bytes: [UInt8](repeating: 9, count: 31)))
        // A post-quantum recipient is its own kind, told apart by its prefix and its length.
        let pq = try DecryptionKey.generate(.mlkem768x25519)
        XCTAssertEqual(try RecipientKey(parsing: pq.recipient.string).kind, .mlkem768x25519)
        XCTAssertEqual(try RecipientKey(bytes: pq.recipient.bytes).kind, .mlkem768x25519)
        XCTAssertEqual(try DecryptionKey.parse(pq.ageSecretKey)?.recipient, pq.recipient)
        XCTAssertThrowsError(try DecryptionKey.parse("AGE-SECRET-KEY-PQ-1QQQQ"), "a post-quantum identity that is not one")
        XCTAssertNil(try DecryptionKey.parse("AGE-PLUGIN-YUBIKEY-1QQQQ"), "kinds sotto does not know are skipped")
        XCTAssertThrowsError(try DecryptionKey(secret: try DecryptionKey.generate().secret, of: key.recipient), "secret and public key differ")
    }

    /// age's labels: a recipient that carries labels cannot share a file with one that does not.
    func testRecipientsWhoseLabelsDifferCannotShareAFile() throws {
        struct Labelled: AgeRecipient {
            let labels: Set<String> = ["postquantum"]
            func wrap(fileKey: SecureBytes) throws -> [Stanza] { [Stanza(type: "test", arguments: [], body: [])] }
        }
        let classical = try DecryptionKey.generate().recipient
        XCTAssertThrowsError(try AgeFile.encrypt(to: [classical, Labelled()], sink: MemorySink()))
        XCTAssertNoThrow(try AgeFile.encrypt(to: [classical, try DecryptionKey.generate().recipient], sink: MemorySink()))
    }

    func testArmorRoundTrip() throws {
        for size in [0, 1, 47, 48, 49, 1000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            let sink = MemorySink()
            let encoder = try ArmorEncoder(sink)
            try encoder.write(bytes)
            try encoder.finish()
            XCTAssertTrue(Armor.detect(Array(sink.bytes.prefix(40))))
            let decoded = ByteReader(ArmorDecoder(ByteReader(bytes: sink.bytes)))
            var out = [UInt8](repeating: 0, count: size + 10)
            let n = try out.withUnsafeMutableBytes { try decoded.read(into: $0) }
            XCTAssertEqual(Array(out[..<n]), bytes, "size \(size)")
        }
    }

    func testDurations() throws {
        XCTAssertEqual(try Time.duration("90s"), 90)
        XCTAssertEqual(try Time.duration("2d"), 172_800)
        XCTAssertNil(try Time.duration("never"))
        for bad in ["", "d", "0d", "-1d", "1y", "1.5h", "99999999999999999999d"] {
            XCTAssertThrowsError(try Time.duration(bad), bad)
        }
        XCTAssertEqual(Time.parse("2026-11-25T17:00:00Z"), 1_795_626_000)
        XCTAssertEqual(Time.rfc3339(1_795_626_000), "2026-11-25T17:00:00Z")
    }

    /// The hand-written RFC 3339 code agrees with Foundation's formatter.
    func testRFC3339AgreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seconds: Int64 = -2_208_988_800  // 1900
        while seconds < 4_102_444_800 {  // 2100
            let text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            XCTAssertEqual(Time.rfc3339(seconds), text)
            XCTAssertEqual(Time.parse(text), seconds, text)
            seconds += 86_399 * 37 + 12_345
        }
        XCTAssertEqual(Time.parse("2024-02-29T12:00:00.123+01:30"), Time.parse("2024-02-29T10:30:00Z"))
        XCTAssertEqual(Time.parse("2024-02-29t10:30:00z"), Time.parse("2024-02-29T10:30:00Z"))
        for bad in ["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T24:00:00Z",
                    "2024-01-01T00:00:00", "2024-01-01T00:00:00+0100", "2024-01-01T00:00:00.Z", "x", ""] {
            XCTAssertNil(Time.parse(bad), bad)
        }
    }

    func testJSONNestingAndEncodingLimits() throws {
        let deep = Array(("{\"a\":" + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}").utf8)
        XCTAssertThrowsError(try JSON.object(deep, line: 3)) { error in
            XCTAssertEqual((error as? SottoError)?.kind, .malformed)
            XCTAssertTrue((error as? SottoError)?.message.hasPrefix("line 3: JSON nested") ?? false)
        }
        let brackets = Array(#"{"body":"[[[[{{{{\"]]]]"}"#.utf8)
        XCTAssertEqual(try JSON.object(brackets, line: 1).optionalString("body"), #"[[[[{{{{"]]]]"#, "brackets in strings do not count")
        XCTAssertThrowsError(try JSON.object([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], line: 1), "invalid UTF-8")
        XCTAssertThrowsError(try JSON.object(Array(#"{"a":"x\#u{0}y"}"#.utf8) + [0xC0], line: 1), "invalid UTF-8 after a NUL")
    }

    /// A key twice in one object is refused however it is spelled; the same
    /// key in different objects, or inside a string, is not a duplicate.
    func testDuplicateKeysAreRefused() throws {
        for bad in [#"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"x":{"b":1,"b":1}}"#, #"{"x":[{"c":1},{"c":1,"c":2}]}"#] {
            XCTAssertThrowsError(try JSON.object(Array(bad.utf8), line: 2), bad) { error in
                XCTAssertTrue((error as? SottoError)?.message.hasPrefix("line 2: duplicate key") ?? false, "\(error)")
            }
        }
        for good in [#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#, #"{"a":"\"a\":1,\"a\":2","b":1}"#, #"{"a":1,"A":2}"#] {
            XCTAssertNoThrow(try JSON.object(Array(good.utf8), line: 1), good)
        }
        // A scan of malformed text must not trap: the parser reports it.
        for malformed in ["}}}", "{\"a", "{\"a\":1,,\"a\"", "[\"", "{\"\\"] {
            XCTAssertThrowsError(try JSON.object(Array(malformed.utf8), line: 1), malformed)
        }
    }

    /// After an over-long line, reading resumes at the next line, whether the
    /// long line fits the reader's buffer or spans several fills.
    func testReadingResumesAfterAnOverlongLine() throws {
        for length in [100, 300_000] {
            let reader = ByteReader(bytes: Array((String(repeating: "x", count: length) + "\nnext\n").utf8))
            XCTAssertThrowsError(try reader.readLine(maxLength: 10))
            XCTAssertEqual(try reader.readLine(maxLength: 10), Array("next".utf8), "length \(length)")
            XCTAssertNil(try reader.readLine(maxLength: 10))
        }
    }

    func testHeaderLimitsRefuseHugeHeadersQuickly() throws {
        var text = "age-encryption.org/v1\n"
        for _ in 0..<4000 { text += "-> X25519 " + Base64.encode([UInt8](repeating: 9, count: 32), padded: false) + "\n" + Base64.encode([UInt8](repeating: 1, count: 32), padded: false) + "\n" }
        text += "--- " + Base64.encode([UInt8](repeating: 0, count: 32), padded: false) + "\n"
        let start = Date()
        XCTAssertThrowsError(try AgeFile.decrypt(ByteReader(bytes: Array(text.utf8)), identities: [try DecryptionKey.generate()])) {
            XCTAssertEqual($0 as? AgeError, .header("more than 1024 stanzas"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
    }
}
