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
        spread(count) { work in
            while let i = work.next() { body(i) }
        }
    }

    /// As `forEach`, with state of each worker's own (a cipher context, say),
    /// made once per worker by `makeState`. The first error stops the handing
    /// out of indices and is thrown once every worker has stopped.
    public static func forEach<State>(_ count: Int, state makeState: () throws -> State,
                                      _ body: (Int, inout State) throws -> Void) throws {
        let failure = Mutex<(any Error)?>(nil)
        spread(count) { work in
            do {
                var state = try makeState()
                while let i = work.next() { try body(i, &state) }
            } catch {
                work.stop()
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
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

    /// The indices still to do, handed to whichever worker is free next: a
    /// worker slowed down (a longer record, a busy core) does not hold the others back.
    final class Indices: @unchecked Sendable {
        private let count: Int
        private let counter = Atomic(0)

        init(_ count: Int) { self.count = count }

        func next() -> Int? {
            let i = counter.wrappingAdd(1, ordering: .relaxed).oldValue
            return i < count ? i : nil
        }

        /// No index is handed out any more.
        func stop() { counter.store(count, ordering: .relaxed) }
    }

    /// Runs `worker` on as many threads as there are cores (at most one per
    /// index), each taking indices from one shared `Indices`.
    private static func spread(_ count: Int, _ worker: (Indices) -> Void) {
        let work = Indices(count)
        let threads = min(Self.workers, count)
        guard threads > 1 else { return worker(work) }
        withoutActuallyEscaping(worker) { worker in
            let shared = UncheckedSendable(worker)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in shared.value(work) }
        }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
