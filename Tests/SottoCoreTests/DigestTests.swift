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

    /// Known answers, computed independently (Python's hashlib) from FORMAT.md
    /// section 7: the empty file, a short one, exactly one chunk, and two and a half.
    func testEnvelopeIDsMatchTheirDefinition() {
        let pattern = { (count: Int) in (0..<count).map { UInt8($0 % 251) } }
        XCTAssertEqual(EnvelopeID.of([]).hex, "40b5c1ed1f7ce2de68af715b8a16c880")
        XCTAssertEqual(EnvelopeID.of(Array("age".utf8)).hex, "2a83e618f82d9137478d625a002b326d")
        XCTAssertEqual(EnvelopeID.of(pattern(1 << 20)).hex, "343d6c5b6be8a67091cdea4639c04c37")
        XCTAssertEqual(EnvelopeID.of(pattern(5 << 19)).hex, "08842ce64315c35281f2b284deff4fd0")
    }

    /// However the bytes arrive, the id is the same: pieces that straddle
    /// chunk boundaries, whole chunks in place, and a mix.
    func testEnvelopeIDsDoNotDependOnHowTheBytesArrive() {
        let bytes = (0..<(5 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let whole = EnvelopeID.of(bytes)
        for pieces in [[1, 999_999, 48_577], [1 << 20, 3, 1 << 20], [700_000, 1 << 21]] {
            let hasher = EnvelopeIDHasher()
            var offset = 0
            bytes.withUnsafeBytes { all in
                for size in pieces + [bytes.count] where offset < bytes.count {
                    let end = min(bytes.count, offset + size)
                    hasher.update(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                    offset = end
                }
            }
            XCTAssertEqual(hasher.finalize(), whole, "pieces \(pieces)")
        }
    }

    /// Once a process has hashed a megabyte in small pieces, libcrypto takes
    /// inputs from 1 KiB: the digests are the same either way.
    func testSHA256GivesTheSameDigestsOnceWarm() {
        let input = (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let before = SHA256.hash(input)
        let piece = [UInt8](repeating: 7, count: 1000)
        for _ in 0..<(SHA256.warmth / piece.count + 1) { _ = SHA256.hash(piece) }
        XCTAssertEqual(SHA256.hash(input), before)
        let incremental = SHA256()
        incremental.update(input)
        XCTAssertEqual(incremental.finalize(), before)
    }
}
