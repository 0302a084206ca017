internal import CSodium
import Glibc

/// Small secrets (keys, shared secrets: at most 64 bytes) come from slots of
/// one sodium_malloc region, allocated once: guarded and locked like any
/// sodium_malloc memory, but without the half-dozen system calls that a
/// sodium_malloc and sodium_free pair cost for each key of each message.
/// Slots are wiped when returned.
final class SecureSlab: @unchecked Sendable {
    static let slotSize = 64
    static let slotCount = 1024
    static let shared = SecureSlab()

    private let base: UnsafeMutableRawPointer?
    /// Indices of the free slots, under `lock`: records are opened and
    /// sealed on several threads at once.
    private var free: [Int]
    /// A pthread mutex rather than Synchronization's Mutex, which
    /// ThreadSanitizer cannot see (that module is not instrumented), so
    /// every parallel open was reported as a race. Never freed: the slab
    /// lives as long as the process.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>

    private init() {
        _ = Sodium.ready
        base = sodium_malloc(Self.slotSize * Self.slotCount)
        free = base == nil ? [] : Array((0..<Self.slotCount).reversed())
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    private func withLock<R>(_ body: (inout [Int]) -> R) -> R {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body(&free)
    }

    /// A zeroed slot, or nil when the secret is too large or the slab is full.
    func allocate(_ count: Int) -> UnsafeMutableRawPointer? {
        guard count <= Self.slotSize, let base else { return nil }
        guard let slot = withLock({ $0.popLast() }) else { return nil }
        return base + slot * Self.slotSize
    }

    /// Takes the slot back, wiped; false when `pointer` is not one of ours.
    func release(_ pointer: UnsafeMutableRawPointer) -> Bool {
        guard let base, pointer >= base, pointer < base + Self.slotSize * Self.slotCount else { return false }
        sodium_memzero(pointer, Self.slotSize)
        withLock { $0.append((pointer - base) / Self.slotSize) }
        return true
    }
}
