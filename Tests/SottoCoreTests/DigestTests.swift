@testable import SottoCore
import XCTest

final class DigestTests: XCTestCase {
    /// A copy finishes the transcript so far; the original goes on unchanged.
    func testABLAKE2bCopyCheckpointsTheRunningHash() {
        let running = BLAKE2b(length: 32)
        running.update("first part, ")
        let checkpoint = running.copy()
        running.update("second part")
        XCTAssertEqual(checkpoint.finalize(), BLAKE2b.hash(Array("first part, ".utf8), length: 32))
        XCTAssertEqual(running.finalize(), BLAKE2b.hash(Array("first part, second part".utf8), length: 32))
    }
}
