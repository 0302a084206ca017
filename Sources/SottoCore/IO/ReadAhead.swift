internal import CSodium
import Dispatch

/// Reads a source in blocks, each next block on another thread while the
/// caller works on the last one: sealing a large file overlaps reading it
/// with encrypting it. The blocks hold plaintext and are wiped on close.
///
/// The two blocks are handed between threads only through `reading`: the
/// reader thread touches a block and `result` only between `async` and the
/// group's `wait`, hence the unchecked Sendable.
public final class ReadAhead: @unchecked Sendable {
    private let source: ByteSource
    private var blocks: [UnsafeMutableRawBufferPointer]
    /// How much of each block ever held input, even when a read failed half
    /// way: what close() wipes. Written by whichever thread reads the block.
    private var used = [0, 0]
    private var current = 0
    private let reading = DispatchGroup()
    private var isReading = false
    private var result: Result<Int, any Error> = .success(0)
    private var ended = false

    public init(_ source: ByteSource, blockSize: Int = 1 << 20) {
        self.source = source
        blocks = (0..<2).map { _ in .allocate(byteCount: blockSize, alignment: 64) }
    }

    deinit { close() }

    /// The next block, empty at the end of input; valid until the next call.
    public func next() throws -> UnsafeRawBufferPointer {
        if isReading {
            reading.wait()
            isReading = false
        } else if ended || blocks.isEmpty {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        } else {
            // The first block: nothing to overlap with yet, and a short input
            // (one message) never starts a thread.
            read(into: current)
        }
        let count = try result.get()
        let filled = current
        if count < blocks[filled].count { ended = true }
        current ^= 1
        // The other block was the caller's until this call: now it can be refilled.
        if !ended { startReading() }
        return UnsafeRawBufferPointer(rebasing: blocks[filled][..<count])
    }

    /// Waits for a read under way, then wipes and frees the blocks.
    public func close() {
        if isReading {
            reading.wait()
            isReading = false
        }
        for (block, count) in zip(blocks, used) {
            if let base = block.baseAddress { sodium_memzero(base, count) }
            block.deallocate()
        }
        blocks = []
    }

    /// Fills blocks[current] on another thread.
    private func startReading() {
        isReading = true
        let index = current
        DispatchQueue.global().async(group: reading) { [self] in read(into: index) }
    }

    /// Fills a block up to its end or the input's.
    private func read(into index: Int) {
        let block = blocks[index]
        var filled = 0
        defer { used[index] = max(used[index], filled) }
        result = Result {
            while filled < block.count {
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: block[filled...]))
                if n == 0 { break }
                filled += n
            }
            return filled
        }
    }
}
