import XCTest
@testable import SottoCore

final class PathAndTextTests: XCTestCase {
    /// The same answers as dirname(1) and basename(1).
    func testPathComponents() {
        let cases: [(String, String, String)] = [
            ("a/b", "a", "b"), ("b", ".", "b"), ("/b", "/", "b"), ("/", "/", "/"), ("a/b/", "a", "b"),
            ("/x/y//z", "/x/y", "z"), ("./f", ".", "f"), ("dir//", ".", "dir"), ("//", "/", "/"),
        ]
        for (path, directory, last) in cases {
            XCTAssertEqual(Path.directory(of: path), directory, path)
            XCTAssertEqual(Path.lastComponent(of: path), last, path)
        }
    }

    func testTrimmed() {
        XCTAssertEqual(" \t age1x \r".trimmed, "age1x")
        XCTAssertEqual("\r\n\u{0B}\u{0C}a b\n".trimmed, "a b")
        XCTAssertEqual(" \n ".trimmed, "")
        XCTAssertEqual("é\u{A0}".trimmed, "é\u{A0}", "only ASCII whitespace is trimmed")
        XCTAssertEqual("x y"[...].trimmed, "x y")
    }
}
