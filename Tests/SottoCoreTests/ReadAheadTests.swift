@testable import SottoCore
import XCTest

final class ReadAheadTests: XCTestCase {
    /// Hands out at most `piece` bytes a read, like a pipe, and fails at `failAt` bytes if set.
    final class Trickle: ByteSource {
        let bytes: [UInt8]
        let piece: Int
        let failAt: Int?
        var offset = 0
        init(_ bytes: [UInt8], piece: Int, failAt: Int? = nil) { (self.bytes, self.piece, self.failAt) = (bytes, piece, failAt) }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            if let failAt, offset >= failAt { throw SottoError(.io, "read failed") }
            let n = min(buffer.count, piece, bytes.count - offset)
            bytes[offset..<offset + n].withUnsafeBytes { buffer.copyMemory(from: $0) }
            offset += n
            return n
        }
    }

    func testBlocksAreFullAndInOrderWhateverTheReadSizes() throws {
        for (count, piece) in [(0, 7), (1, 1), (4096, 4096), (4097, 1000), (3 * 4096, 4096), (10_000, 333)] {
            let input = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
            let blocks = ReadAhead(Trickle(input, piece: piece), blockSize: 4096)
            var output = [UInt8]()
            var sizes = [Int]()
            while true {
                let block = try blocks.next()
                if block.isEmpty { break }
                sizes.append(block.count)
                output += block
            }
            XCTAssertTrue(output == input, "\(count) bytes read \(piece) at a time come out as they went in")
            XCTAssertTrue(sizes.dropLast().allSatisfy { $0 == 4096 }, "only the last block is short: \(sizes)")
            XCTAssertEqual(try blocks.next().count, 0, "the end stays the end")
        }
    }

    func testAReadErrorReachesTheCallerAfterTheBlocksBeforeIt() throws {
        let input = [UInt8](repeating: 7, count: 20_000)
        let blocks = ReadAhead(Trickle(input, piece: 4096, failAt: 8192), blockSize: 4096)
        XCTAssertEqual(try blocks.next().count, 4096)
        XCTAssertEqual(try blocks.next().count, 4096)
        XCTAssertThrowsError(try blocks.next()) { XCTAssertEqual(($0 as? SottoError)?.kind, .io) }
    }

    func testClosingWhileAReadIsUnderWayWaitsForIt() throws {
        let blocks = ReadAhead(Trickle([UInt8](repeating: 1, count: 1 << 20), piece: 1), blockSize: 64 * 1024)
        XCTAssertEqual(try blocks.next().count, 64 * 1024)
        blocks.close()  // the second block is being read a byte at a time
        XCTAssertEqual(try blocks.next().count, 0, "closed")
    }
}
