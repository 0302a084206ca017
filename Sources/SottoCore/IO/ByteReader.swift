import Glibc

/// Where bytes come from: a file descriptor, memory, or a decoder in between.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 means end of input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

public final class FileDescriptorSource: ByteSource {
    let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SottoError(.io, "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

public final class MemorySource: ByteSource {
    public let bytes: [UInt8]
    private var offset = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        let start = offset
        bytes.withUnsafeBytes { src in buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + n)])) }
        offset += n
        return n
    }
}

/// A buffered reader over a ByteSource, with line reading for headers and
/// exact reads for payload chunks.
public final class ByteReader {
    private let source: ByteSource
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var discardingLine = false

    public init(_ source: ByteSource, bufferSize: Int = 256 * 1024) {
        self.source = source
        buffer = [UInt8](unzeroed: bufferSize)
    }

    public convenience init(bytes: [UInt8]) { self.init(MemorySource(bytes), bufferSize: max(1, min(bytes.count, 64 * 1024))) }

    /// Refills so at least one byte is buffered; false at end of input.
    private func fill() throws -> Bool {
        if start < end { return true }
        if atEOF { return false }
        start = 0
        end = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if end == 0 { atEOF = true }
        return end > 0
    }

    /// The next bytes without consuming them (at most what is buffered, at least one unless at EOF).
    public func peek(_ count: Int) throws -> [UInt8] {
        guard try fill() else { return [] }
        if end - start < count, start > 0 {
            let (from, to) = (start, end)
            buffer.withUnsafeMutableBytes { raw in
                if let base = raw.baseAddress { base.copyMemory(from: base + from, byteCount: to - from) }
            }
            end -= start
            start = 0
            while end < count, !atEOF {
                let n = try buffer.withUnsafeMutableBytes { raw in
                    try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
                }
                if n == 0 { atEOF = true } else { end += n }
            }
        }
        return Array(buffer[start..<min(end, start + count)])
    }

    /// One line without its LF. Nil at a clean end of input; throws when the
    /// line exceeds `maxLength` or the input ends mid-line. After a line that
    /// is too long, the next call first skips the rest of it: throwing at once
    /// means input without a newline (/dev/zero) cannot keep a command reading.
    public func readLine(maxLength: Int) throws -> [UInt8]? {
        if discardingLine {
            try skipLine()
            discardingLine = false
        }
        var line = [UInt8]()
        while try fill() {
            if let newline = newlineInWindow() {
                line.append(contentsOf: buffer[start..<newline])
                start = newline + 1
                guard line.count <= maxLength else { throw LineError.tooLong }
                return line
            }
            line.append(contentsOf: buffer[start..<end])
            start = end
            guard line.count <= maxLength else {
                discardingLine = true
                throw LineError.tooLong
            }
        }
        if line.isEmpty { return nil }
        throw LineError.unterminated(line)
    }

    public enum LineError: Error { case tooLong, unterminated([UInt8]) }

    /// Whether `readLine` would return without reading more input: a whole
    /// line is buffered, or the input has ended.
    public var hasBufferedLine: Bool { !discardingLine && (atEOF || newlineInWindow() != nil) }

    /// Discards input up to and including the next LF.
    func skipLine() throws {
        while try fill() {
            if let newline = newlineInWindow() {
                start = newline + 1
                return
            }
            start = end
        }
    }

    /// The index of the first LF in the buffered window (memchr: lines can be hundreds of MiB).
    private func newlineInWindow() -> Int? {
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, end > start, let hit = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// Reads until `into` is full or the input ends; returns the count read.
    public func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < target.count, try fill() {
            let n = min(target.count - filled, end - start)
            let (from, at) = (start, filled)
            buffer.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(rebasing: target[at..<(at + n)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[from..<(from + n)]))
            }
            start += n
            filled += n
        }
        return filled
    }

    public func isAtEnd() throws -> Bool { try !fill() }
}
