@testable import SottoCore
import XCTest

final class SecureBytesTests: XCTestCase {
    /// More small secrets than the slab holds: the rest come from sodium_malloc,
    /// and every one keeps its own bytes.
    func testSmallSecretsBeyondTheSlab() throws {
        let secrets = try (0..<(SecureSlab.slotCount + 100)).map { i -> SecureBytes in
            var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 32)
            return try SecureBytes(consuming: &bytes)
        }
        for (i, secret) in secrets.enumerated() {
            XCTAssertTrue(secret.withBytes { $0.allSatisfy { $0 == UInt8(truncatingIfNeeded: i) } }, "secret \(i)")
        }
    }

    func testReleasedSlotsAreWipedAndReused() throws {
        var bytes = [UInt8](repeating: 0xAB, count: 16)
        var secret: SecureBytes? = try SecureBytes(consuming: &bytes)
        XCTAssertEqual(bytes, [UInt8](repeating: 0, count: 16), "the source array is wiped")
        let address = secret?.withBytes { UnsafeRawPointer($0.baseAddress) }
        secret = nil
        let next = try SecureBytes(count: 16)
        XCTAssertEqual(next.withBytes { UnsafeRawPointer($0.baseAddress) }, address, "the slot is reused")
        XCTAssertTrue(next.withBytes { $0.allSatisfy { $0 == 0 } }, "and comes back zeroed")
        let large = try SecureBytes(count: 4096)
        XCTAssertEqual(large.count, 4096)
    }
}
