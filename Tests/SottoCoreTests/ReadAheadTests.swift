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

    /// Hands out `open` bytes at once; every read after them blocks until
    /// the test lets it go, then ends the input (writing nothing, so a block
    /// freed under it would not be written to), and notes when it returned.
    final class Gate: ByteSource, @unchecked Sendable {
        let open: Int
        var offset = 0
        let entered = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var log = [String]()
        init(open: Int) { self.open = open }

        func note(_ event: String) { lock.lock(); log.append(event); lock.unlock() }
        var events: [String] { lock.lock(); defer { lock.unlock() }; return log }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            if offset < open {
                let n = min(buffer.count, open - offset)
                UnsafeMutableRawBufferPointer(rebasing: buffer[..<n]).initializeMemory(as: UInt8.self, repeating: 1)
                offset += n
                return n
            }
            entered.signal()
            proceed.wait()
            note("read returned")
            return 0
        }
    }

    /// close() must not free the blocks under a read on the other thread:
    /// it returns only after that read has.
    func testClosingWhileAReadIsUnderWayWaitsForIt() throws {
        let gate = Gate(open: 4096)
        let blocks = ReadAhead(gate, blockSize: 4096)
        XCTAssertEqual(try blocks.next().count, 4096)
        XCTAssertEqual(gate.entered.wait(timeout: .now() + 10), .success, "the next block is being read on another thread")

        let closed = DispatchSemaphore(value: 0)
        Thread {
            blocks.close()
            gate.note("close returned")
            closed.signal()
        }.start()
        let closedEarly = closed.wait(timeout: .now() + 0.5) == .success
        XCTAssertFalse(closedEarly, "close returned while the read was still blocked")
        gate.proceed.signal()
        if !closedEarly {
            XCTAssertEqual(closed.wait(timeout: .now() + 10), .success, "close returns once the read has")
        }
        XCTAssertEqual(gate.events, ["read returned", "close returned"])
        XCTAssertEqual(try blocks.next().count, 0, "closed")
    }
}
