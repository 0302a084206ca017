import Foundation
import XCTest

/// README.md, "Exit codes": "stdout carries data only"; docs/FORMAT.md
/// section 12: JSON Lines, one object per line, each with a `type` field,
/// keys in UTF-8 byte order, times in RFC 3339 UTC.
final class ConventionsTests: CLITestCase {
    /// The keys of every object in a JSON text, in the order written.
    func keyOrders(_ json: String) -> [[String]] {
        var stack = [[String]]()   // keys of the open objects
        var kinds = [Character]()  // "{" or "["
        var done = [[String]]()
        var chars = Array(json)[...]
        while let c = chars.popFirst() {
            switch c {
            case "{": stack.append([]); kinds.append("{")
            case "[": kinds.append("[")
            case "}": done.append(stack.removeLast()); kinds.removeLast()
            case "]": kinds.removeLast()
            case "\"":
                var text = ""
                while let d = chars.popFirst(), d != "\"" {
                    if d == "\\", let escaped = chars.popFirst() { text.append("\\"); text.append(escaped) } else { text.append(d) }
                }
                if kinds.last == "{", chars.first(where: { !$0.isWhitespace }) == ":" { stack[stack.count - 1].append(text) }
            default: break
            }
        }
        return done
    }

    func assertConventions(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(result.stdoutLines.isEmpty, "\(result.command): no records", file: file, line: line)
        XCTAssertTrue(result.out.hasSuffix("\n"), "\(result.command): the last record ends its line", file: file, line: line)
        for text in result.stdoutLines {
            for keys in keyOrders(text) {
                XCTAssertEqual(keys, keys.sorted(), "\(result.command): keys are sorted in \(text.prefix(160))", file: file, line: line)
            }
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            XCTAssertNotNil(object?["type"] as? String, "\(result.command): every record has a type", file: file, line: line)
            for key in ["created_at", "sent_at", "expires_at", "not_before"] {
                if let time = object?[key] as? String { assertMatches(time, Pattern.rfc3339, key, file: file, line: line) }
            }
        }
    }

    func testKeyOrderScannerSeesNestedObjects() {
        XCTAssertEqual(keyOrders(#"{"b":1,"a":{"y":"x:\"}","x":[{"k":2}]}}"#), [["k"], ["y", "x"], ["b", "a"]])
    }

    func testEveryRecordFollowsTheConventions() throws {
        let alice = try fixtureHome("alice")
        let bob = try fixtureHome("bob")
        assertConventions(try ok("sotto-keygen", ["list"], home: alice))
        assertConventions(try ok("sotto-keygen", ["card"], home: alice))
        assertConventions(try ok("sotto-keygen", ["fingerprint", "bob"], home: alice))
        assertConventions(try ok("sotto-keygen", ["group", "g", "bob"], home: alice))
        assertConventions(try verify("bob", home: alice))
        assertConventions(try ok("sotto-keygen", ["new", "second"], home: alice))
        assertConventions(try ok("sotto-keygen", ["default", "second", "--ttl", "1d"], home: alice))
        let sealed = try ok("sotto-seal", ["--as", "alice"], stdin: Data(jsonLine(["to": ["bob"], "body": "x", "thread": "t"]).utf8),
                            home: alice)
        assertConventions(sealed)
        assertConventions(try ok("sotto-open", stdin: sealed.stdout, home: bob))
        let keepGoing = try run("sotto-open", ["--keep-going"], stdin: Data((jsonLine(["age": "AAAA"])).utf8), home: bob)
        XCTAssertEqual(keepGoing.status, 65, keepGoing.summary)
        assertConventions(keepGoing)
    }
}
