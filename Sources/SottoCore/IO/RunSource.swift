/// A source that lends its bytes a run at a time, without copying them:
/// the payload decryptor's authenticated plaintext, a signed body. Sources
/// stack, each reading from the one below, as age's `io.Reader`s do.
public protocol RunSource: AnyObject {
    /// Passes the next bytes to `body`, in one run or more, each valid only
    /// during the call; false once the source has ended.
    func nextRun(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool
}

extension RunSource {
    /// Passes every remaining byte to `body`.
    public func forEachRun(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        while try nextRun(body) {}
    }
}

/// Reads exact counts from a run source (a framing's fixed fields), and then
/// the rest run by run, starting with what is left of the last run read.
final class RunReader: RunSource {
    private let source: RunSource
    /// Bytes read from `source` and not yet handed out; wiped, as they may be plaintext.
    private var pending = [UInt8]()
    private var offset = 0
    private var ended = false

    init(_ source: RunSource) { self.source = source }

    deinit { Sodium.wipe(&pending) }

    /// The next `count` bytes; fewer only when the source ends first.
    func read(exactly count: Int) throws -> [UInt8] {
        var out = [UInt8]()
        try read(count, appendingTo: &out)
        return out
    }

    /// Appends the next `count` bytes to `out` (fewer only when the source
    /// ends first), copying each byte once: segments of a MiB pass through here.
    func read(_ count: Int, appendingTo out: inout [UInt8]) throws {
        var needed = count
        while needed > 0 {
            if offset < pending.count {
                let n = min(needed, pending.count - offset)
                out.append(contentsOf: pending[offset..<(offset + n)])
                offset += n
                needed -= n
                continue
            }
            if ended { return }
            Sodium.wipe(&pending)
            pending.removeAll(keepingCapacity: true)
            offset = 0
            if try !source.nextRun({ run in
                let n = min(needed, run.count)
                out.append(contentsOf: run[..<n])
                needed -= n
                pending.append(contentsOf: run[n...])
            }) { ended = true }
        }
    }

    func nextRun(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        if offset < pending.count {
            let start = offset
            offset = pending.count
            try pending.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            return true
        }
        if ended { return false }
        return try source.nextRun(body)
    }
}
