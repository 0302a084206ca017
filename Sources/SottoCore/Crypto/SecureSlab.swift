import CSodium
import Synchronization

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
    /// Indices of the free slots.
    private let free: Mutex<[Int]>

    private init() {
        _ = Sodium.ready
        base = sodium_malloc(Self.slotSize * Self.slotCount)
        free = Mutex(base == nil ? [] : Array((0..<Self.slotCount).reversed()))
    }

    /// A zeroed slot, or nil when the secret is too large or the slab is full.
    func allocate(_ count: Int) -> UnsafeMutableRawPointer? {
        guard count <= Self.slotSize, let base else { return nil }
        guard let slot = free.withLock({ $0.popLast() }) else { return nil }
        return base + slot * Self.slotSize
    }

    /// Takes the slot back, wiped; false when `pointer` is not one of ours.
    func release(_ pointer: UnsafeMutableRawPointer) -> Bool {
        guard let base, pointer >= base, pointer < base + Self.slotSize * Self.slotCount else { return false }
        sodium_memzero(pointer, Self.slotSize)
        free.withLock { $0.append((pointer - base) / Self.slotSize) }
        return true
    }
}
