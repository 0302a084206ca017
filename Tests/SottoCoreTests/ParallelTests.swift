@testable import SottoCore
import Synchronization
import XCTest

final class ParallelTests: XCTestCase {
    /// Each worker makes its state once and keeps it for every index it takes.
    func testEveryIndexRunsOnceWithStateOfItsWorker() throws {
        let made = Atomic(0)
        var seen = [Int](repeating: 0, count: 1000)
        try seen.withUnsafeMutableBufferPointer { out in
            try Parallel.forEach(out.count, state: { () -> Int in
                made.wrappingAdd(1, ordering: .relaxed)
                return 0
            }) { i, uses in
                uses += 1
                out[i] += 1
            }
        }
        XCTAssertEqual(seen, [Int](repeating: 1, count: 1000))
        XCTAssertLessThanOrEqual(made.load(ordering: .relaxed), Parallel.workers, "one state per worker, not per index")
    }

    /// The first error stops the work and reaches the caller; no index runs after it is seen.
    func testAnErrorStopsTheWorkAndIsThrown() {
        struct Stop: Error {}
        let ran = Atomic(0)
        XCTAssertThrowsError(try Parallel.forEach(100_000, state: { () }) { i, _ in
            ran.wrappingAdd(1, ordering: .relaxed)
            if i == 10 { throw Stop() }
        }) { XCTAssertTrue($0 is Stop) }
        XCTAssertLessThan(ran.load(ordering: .relaxed), 100_000)
        XCTAssertThrowsError(try Parallel.forEach(4, state: { () throws -> Int in throw Stop() }) { _, _ in XCTFail("no state, no work") })
    }
}
