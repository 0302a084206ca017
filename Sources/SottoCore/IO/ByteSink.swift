import Glibc

/// Where bytes go: a file descriptor or memory.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// A sink that must be told where the bytes end: an encryptor seals its
/// last chunk, a signed body appends its signature. Sinks stack, each
/// writing into the next, as age's `io.WriteCloser`s do.
public protocol ClosingSink: ByteSink {
    func close() throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
    public func write(_ text: String) throws { try write(Array(text.utf8)) }
}

public final class FileDescriptorSink: ByteSink, Sendable {
    public let fd: Int32
    /// What errors call it: a path, or the standard stream.
    public let name: String
    public init(fd: Int32, name: String? = nil) {
        self.fd = fd
        self.name = name ?? [1: "standard output", 2: "standard error"][fd] ?? "file descriptor \(fd)"
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = Glibc.write(fd, base, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                throw SottoError(.io, "cannot write \(name): \(String(cString: strerror(errno)))")
            }
            remaining -= n
            base += n
        }
    }
}

public final class MemorySink: ByteSink {
    public private(set) var bytes = [UInt8]()
    public init() {}
    public func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes.append(contentsOf: bytes) }
}
