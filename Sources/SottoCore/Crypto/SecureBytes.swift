internal import CSodium

/// Secret bytes in guarded, locked memory from `sodium_malloc` (small ones
/// from a shared slab of it), wiped when the last reference goes. Reach the bytes only through the closure accessors, so
/// no copy escapes into ordinary heap memory by accident.
public final class SecureBytes: @unchecked Sendable {
    private let pointer: UnsafeMutableRawPointer
    public let count: Int

    public init(count: Int) throws {
        try Sodium.check()
        guard let memory = SecureSlab.shared.allocate(count) ?? sodium_malloc(Swift.max(count, 1)) else {
            throw SottoError(.internal, "cannot allocate secure memory")
        }
        pointer = memory
        self.count = count
        sodium_memzero(memory, Swift.max(count, 1))
    }

    /// Fresh random secret bytes.
    public static func random(count: Int) throws -> SecureBytes {
        let secret = try SecureBytes(count: count)
        randombytes_buf(secret.pointer, count)
        return secret
    }

    /// Copies `bytes` into secure memory and wipes the source array.
    public convenience init(consuming bytes: inout [UInt8]) throws {
        try self.init(count: bytes.count)
        let target = pointer
        bytes.withUnsafeBytes { if let base = $0.baseAddress { target.copyMemory(from: base, byteCount: $0.count) } }
        Sodium.wipe(&bytes)
    }

    public convenience init(copying bytes: UnsafeRawBufferPointer) throws {
        try self.init(count: bytes.count)
        if let base = bytes.baseAddress { pointer.copyMemory(from: base, byteCount: bytes.count) }
    }

    deinit { if !SecureSlab.shared.release(pointer) { sodium_free(pointer) } }

    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    var bytePointer: UnsafePointer<UInt8> { UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self)) }
    var mutableBytePointer: UnsafeMutablePointer<UInt8> { pointer.assumingMemoryBound(to: UInt8.self) }

    /// Constant-time equality.
    public func isEqual(to other: SecureBytes) -> Bool {
        count == other.count && sodium_memcmp(pointer, other.pointer, count) == 0
    }
}
