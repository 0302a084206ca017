internal import CSodium

/// libsodium must be initialised once before use; every entry point that
/// touches it goes through `Sodium.ready` first.
enum Sodium {
    static let ready: Bool = sodium_init() >= 0

    static func check() throws {
        guard ready else { throw SottoError(.internal, "libsodium failed to initialise") }
    }

    static func random(_ count: Int) -> [UInt8] {
        _ = ready
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// Constant-time comparison of two equal-length byte strings.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && sodium_memcmp(a, b, a.count) == 0
    }

    static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return sodium_is_zero(base.assumingMemoryBound(to: UInt8.self), bytes.count) == 1
    }

    static func wipe(_ bytes: inout [UInt8]) { wipe(&bytes, count: bytes.count) }

    /// Wipes the first `count` bytes: the part of a buffer that was used.
    static func wipe(_ bytes: inout [UInt8], count: Int) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { sodium_memzero(base, min(count, buffer.count)) }
        }
    }
}
