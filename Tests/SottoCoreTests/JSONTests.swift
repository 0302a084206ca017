import Foundation
import XCTest
@testable import SottoCore

/// The record parser and writer: strict RFC 8259, and in agreement with
/// Foundation's JSONSerialization wherever both accept the text.
final class JSONTests: XCTestCase {
    private func parse(_ text: String) throws -> Any {
        try Array(text.utf8).withUnsafeBufferPointer { try JSONParser.parse($0, maxDepth: 32) }
    }

    private func foundation(_ text: String) throws -> NSObject {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as! NSObject
    }

    /// The same value in Foundation's object model (NSNull for null).
    private func bridged(_ value: Any) -> Any {
        switch value {
        case is JSONNull: return NSNull()
        case let array as [Any]: return array.map(bridged)
        case let object as [String: Any]: return object.mapValues(bridged)
        default: return value
        }
    }

    /// Compares through Foundation's object model, where 1 and 1.0 are equal numbers.
    private func assertAgrees(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let mine = try parse(text)
        let bridged = try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: bridged(mine), options: [.fragmentsAllowed]),
                                                       options: [.fragmentsAllowed]) as! NSObject
        XCTAssertEqual(bridged, try foundation(text), text, file: file, line: line)
    }

    func testAgreesWithFoundationOnValidText() throws {
        for text in [
            #"{}"#, #"[]"#, #" { "a" : [ 1 , 2.5 , -3e2 , true , false , null ] } "#, "\t{\r\n\"k\":\"v\"}\n",
            #"{"s":"quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \u20AC \ud83d\ude00 \u0000"}"#,
            #"{"n":[0,-0,1e3,1E-3,12.5e+2,9223372036854775807,-9223372036854775808,9223372036854775808,1e308]}"#,
            #"{"nested":{"a":{"b":{"c":[[[{}]]]}}}}"#, #"{"é":"ü","日本":"語"}"#, #""text""#, "42", "true", "null",
        ] {
            try assertAgrees(text)
        }
    }

    func testIntegersStayExact() throws {
        let object = try XCTUnwrap(try parse(#"{"a":9007199254740993,"b":-0,"c":1.0,"d":1e2}"#) as? [String: Any])
        XCTAssertEqual(object["a"] as? Int64, 9_007_199_254_740_993, "beyond a Double's exact integers")
        XCTAssertEqual(object["b"] as? Int64, 0)
        XCTAssertEqual(object["c"] as? Double, 1.0)
        let fields = Fields(object, line: 1)
        XCTAssertEqual(try fields.int("c"), 1)
        XCTAssertEqual(try fields.int("d"), 100)
        XCTAssertThrowsError(try Fields(["x": 1.5], line: 1).int("x"))
        XCTAssertThrowsError(try Fields(["x": true], line: 1).int("x"), "a boolean is not an integer")
        XCTAssertThrowsError(try Fields(["x": Int64(1)], line: 1).bool("x"), "an integer is not a boolean")
    }

    func testRefusesWhatRFC8259Refuses() {
        for text in [
            "", " ", "{", "}", "{,}", #"{"a":1,}"#, "[1,]", "[,1]", #"{"a" 1}"#, #"{a:1}"#, "{'a':1}", #"{"a":1}x"#,
            #"{"a":1}{}"#, "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "-Infinity", "1e999",
            "-1e999", "tru", "nul", "True", #""\x""#, #""\u12""#, #""\u12G4""#, #""\ud800""#, #""\udc00""#,
            #""\ud800\u0041""#, #""\ud800x""#, "\"a\u{1}b\"", "\"tab\there\"", "\"open", "[\"a\"", "\u{0B}{}", "{}\u{0C}",
        ] {
            XCTAssertThrowsError(try parse(text), text) { XCTAssertEqual($0 as? JSONParser.Failure, .malformed, text) }
        }
    }

    func testDepthAndDuplicatesAreNamed() {
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        XCTAssertThrowsError(try parse(deep)) { XCTAssertEqual($0 as? JSONParser.Failure, .tooDeep) }
        XCTAssertNoThrow(try parse(String(repeating: "[", count: 32) + String(repeating: "]", count: 32)))
        XCTAssertThrowsError(try parse(#"{"b":1,"\u0062":2}"#)) { XCTAssertEqual($0 as? JSONParser.Failure, .duplicateKey("b")) }
        // Canonically equivalent keys would merge in a dictionary: refused as duplicates.
        XCTAssertThrowsError(try parse("{\"\u{E9}\":1,\"e\u{301}\":2}")) {
            XCTAssertEqual($0 as? JSONParser.Failure, .duplicateKey("\u{E9}"))
        }
    }

    func testWriterOutput() throws {
        let record: [String: Any] = [
            "z": 1, "a": "x/y \"q\" \\ \n\r\t\u{8}\u{C}\u{1}\u{1F} é", "m": [true, false, JSONNull(), Int64(-5), "s"],
            "B": ["k": [String]()], "a_b": Int32(7), "ab": 2.5,
        ]
        XCTAssertEqual(String(decoding: try JSON.encode(record), as: UTF8.self),
                       #"{"B":{"k":[]},"a":"x/y \"q\" \\ \n\r\t\b\f\u0001\u001f é","a_b":7,"ab":2.5,"m":[true,false,null,-5,"s"],"z":1}"#)
        XCTAssertEqual(try JSON.line([:]), Array("{}\n".utf8))
        XCTAssertThrowsError(try JSON.encode(["x": Double.nan]))
        XCTAssertThrowsError(try JSON.encode(["x": Date()]), "a type JSON has no word for")
    }

    /// Random records survive writing and parsing unchanged, and Foundation
    /// reads what the writer wrote as the same value.
    func testRoundTripsRandomRecords() throws {
        var generator = SystemRandomNumberGenerator()
        func randomString() -> String {
            let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}"]
            return String(String.UnicodeScalarView((0..<Int.random(in: 0...12, using: &generator)).map { _ in pool.randomElement(using: &generator)! }))
        }
        func randomValue(_ depth: Int) -> Any {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator) {
            case 0: return randomString()
            case 1: return Int64.random(in: Int64.min...Int64.max, using: &generator)
            case 2: return Bool.random(using: &generator)
            case 3: return JSONNull()
            case 4: return Double(Int.random(in: -1000...1000, using: &generator)) / 8 + 0.5
            case 5: return (0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth + 1) }
            default: return randomObject(depth + 1)
            }
        }
        func randomObject(_ depth: Int) -> [String: Any] {
            var object = [String: Any]()
            for _ in 0..<Int.random(in: 0...5, using: &generator) { object[randomString()] = randomValue(depth) }
            return object
        }
        for _ in 0..<500 {
            let record = randomObject(0)
            let bytes = try JSON.encode(record)
            let text = String(decoding: bytes, as: UTF8.self)
            let reparsed = try JSON.object(bytes, line: 1).values
            XCTAssertEqual(try JSON.encode(reparsed), bytes, text)
            let viaFoundation = try JSONSerialization.data(withJSONObject: bridged(reparsed))
            XCTAssertEqual(try foundation(String(decoding: viaFoundation, as: UTF8.self)), try foundation(text), text)
        }
    }

    /// What a terminal would act on is escaped; other non-ASCII text is written as it is.
    func testTerminalControlsAreEscapedAndOtherTextIsNot() throws {
        let text = "a\u{1B}[2J b\u{7F} c\u{9B}31m d\u{202E}e\u{2066} \u{2026}\u{2014}é/"
        let line = String(decoding: try JSON.encode(["t": text]), as: UTF8.self)
        XCTAssertEqual(line, #"{"t":"a\u001b[2J b\u007f c\u009b31m d\u202ee\u2066 …—é/"}"#)
        XCTAssertEqual(try JSON.object(Array(line.utf8), line: 1).values["t"] as? String, text, "the escapes read back as the text")
        XCTAssertEqual(text.printable, "a\\u{1b}[2J b\\u{7f} c\\u{9b}31m d\\u{202e}e\\u{2066} …—é/")
    }
}
