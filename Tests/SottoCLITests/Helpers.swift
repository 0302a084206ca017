import Foundation
import XCTest

/// Message flows the tests share.
extension CLITestCase {
    /// Seals one message record with sotto-seal and returns the envelope
    /// record, requiring success.
    func sealEnvelope(_ message: [String: Any], home: String, args: [String] = [], env: [String: String] = [:],
                      file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try run("sotto-seal", args, stdin: Data(jsonLine(message).utf8), home: home, env: env)
        assertSuccess(result, file: file, line: line)
        return result.record("envelope", file: file, line: line)
    }

    /// Opens envelope records with sotto-open, requiring success, and
    /// returns the single message record.
    func openMessage(_ envelope: [String: Any], home: String?, args: [String] = [], env: [String: String] = [:],
                     file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try run("sotto-open", args, stdin: Data(jsonLine(envelope).utf8), home: home, env: env)
        // Notices (an unknown sender) may accompany a message; an error may not.
        assertSuccess(result, allowStderr: true, file: file, line: line)
        return result.record("message", file: file, line: line)
    }

    /// Marks a contact verified the way a script does: with the safety number it compared.
    @discardableResult
    func verify(_ contact: String, home: String, file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        let number = try ok("sotto-keygen", ["fingerprint", contact], home: home, file: file, line: line)
            .record("safety_number", file: file, line: line)["safety_number"] as? String ?? ""
        return try ok("sotto-keygen", ["verify", contact, "--safety-number", number], home: home, file: file, line: line)
    }

    /// The identity record of a home's default identity.
    func identityRecord(home: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let list = try ok("sotto-keygen", ["list"], home: home, file: file, line: line).records(file: file, line: line)
        let identity = list.first { $0["type"] as? String == "identity" && $0["default"] as? Bool == true }
        XCTAssertNotNil(identity, "no default identity in \(list)", file: file, line: line)
        return identity ?? [:]
    }

    /// The contact record named `name` in a home's list, if any.
    func contactRecord(_ name: String, home: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any]? {
        try ok("sotto-keygen", ["list"], home: home, file: file, line: line).records(file: file, line: line)
            .first { $0["type"] as? String == "contact" && $0["name"] as? String == name }
    }

    /// The binary age file inside an envelope record.
    func ageBytes(_ envelope: [String: Any], file: StaticString = #filePath, line: UInt = #line) -> Data {
        let bytes = base64Bytes(envelope["age"])
        XCTAssertNotNil(bytes, "envelope.age is not base64", file: file, line: line)
        return bytes ?? Data()
    }

    /// The header lines of a binary age file, up to and including the MAC line.
    func ageHeaderLines(_ age: Data) -> [String] {
        var lines = [String]()
        var start = age.startIndex
        while let newline = age[start...].firstIndex(of: 0x0A) {
            let text = String(decoding: age[start..<newline], as: UTF8.self)
            lines.append(text)
            start = newline + 1
            if text.hasPrefix("--- ") { break }
        }
        return lines
    }

    /// The offset of the first payload byte (just after the MAC line).
    func payloadOffset(_ age: Data) -> Int {
        var offset = age.startIndex
        for text in ageHeaderLines(age) { offset += text.utf8.count + 1 }
        return offset
    }

    /// Runs Debian's age; fails the test when it is not installed.
    func age(_ args: [String], stdin: Data? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        guard let age = Binaries.age else {
            XCTFail("the age binary is not installed (apt-get install age)", file: file, line: line)
            throw XCTSkip("age missing")
        }
        return try run(age, args, stdin: stdin)
    }
}

extension CLITestCase {
    /// The rows sqlite3 prints for `sql` on `database`, one line each.
    func sqliteRows(_ database: String, _ sql: String) throws -> [String] {
        let result = try run("/usr/bin/sqlite3", ["-batch", database, sql])
        XCTAssertEqual(result.status, 0, result.summary)
        return result.stdoutLines
    }
}
