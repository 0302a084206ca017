import Dispatch
import FoundationEssentials
import Synchronization

/// Work spread over the cores: the chunks of a large payload, the pieces of
/// a signed body, the records of a stream.
public enum Parallel {
    public static let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    /// Runs `body(i)` for every i in 0..<count, spread over the cores, and
    /// returns when all are done. Callers write disjoint parts of shared
    /// buffers, which the type system cannot see.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(Self.workers, count)
        guard workers > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        // Each worker takes the next index when it is free: a worker slowed
        // down (a longer record, a busy core) does not hold the others back.
        let next = Atomic(0)
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if i >= count { return }
                    work.value(i)
                }
            }
        }
    }

    /// `transform` of every element, in order, computed over the cores;
    /// each element's error is kept in its place.
    public static func map<T, R>(_ elements: [T], _ transform: (T) throws -> R) -> [Result<R, any Error>] {
        var results = [Result<R, any Error>?](repeating: nil, count: elements.count)
        results.withUnsafeMutableBufferPointer { out in
            forEach(elements.count) { i in out[i] = Result { try transform(elements[i]) } }
        }
        return results.map { $0 ?? .failure(SottoError(.internal, "a parallel task did not run")) }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
