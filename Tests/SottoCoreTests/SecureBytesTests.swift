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

    /// A slot is wiped when its secret goes, not only when it is handed out
    /// again (SecureBytes zeroes what it allocates too, so the next secret's
    /// bytes could not tell): the slot is read right after the release, while
    /// it is free. The slab stays mapped for the life of the process, so the
    /// read is of memory still ours.
    func testReleasedSlotsAreWipedAndReused() throws {
        let zeros = [UInt8](repeating: 0, count: SecureSlab.slotSize)
        var bytes = [UInt8](repeating: 0xAB, count: SecureSlab.slotSize)
        var secret: SecureBytes? = try SecureBytes(consuming: &bytes)
        XCTAssertEqual(bytes, zeros, "the source array is wiped")
        let address = try XCTUnwrap(secret?.withBytes { UnsafeRawPointer($0.baseAddress) })
        XCTAssertEqual(Array(UnsafeRawBufferPointer(start: address, count: SecureSlab.slotSize)),
                       [UInt8](repeating: 0xAB, count: SecureSlab.slotSize), "the secret is in its slot")
        secret = nil
        XCTAssertEqual(Array(UnsafeRawBufferPointer(start: address, count: SecureSlab.slotSize)), zeros,
                       "the released slot is wiped before anyone takes it again")
        let next = try SecureBytes(count: 16)
        XCTAssertEqual(next.withBytes { UnsafeRawPointer($0.baseAddress) }, address, "the slot is reused")
        XCTAssertTrue(next.withBytes { $0.allSatisfy { $0 == 0 } }, "and comes back zeroed")
        let large = try SecureBytes(count: 4096)
        XCTAssertEqual(large.count, 4096)
    }

    /// The slab alone: release wipes the whole slot, whatever was written to it.
    func testTheSlabWipesAWholeSlotOnRelease() throws {
        let slot = try XCTUnwrap(SecureSlab.shared.allocate(1), "the slab has a free slot")
        slot.initializeMemory(as: UInt8.self, repeating: 0xCD, count: SecureSlab.slotSize)
        XCTAssertTrue(SecureSlab.shared.release(slot), "the slot is the slab's")
        XCTAssertEqual(Array(UnsafeRawBufferPointer(start: slot, count: SecureSlab.slotSize)),
                       [UInt8](repeating: 0, count: SecureSlab.slotSize))
    }
}
