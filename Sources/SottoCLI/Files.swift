import FoundationEssentials
import Glibc
import SottoCore

/// Output files: secrets are created O_EXCL 0600, and plaintext goes to a
/// temporary file beside the target that is renamed only when complete.
public enum Files {
    /// Creates `path` exclusively with mode 0600.
    public static func createExclusive(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw SottoError(.outputExists, "\(path) already exists", hints: ["sotto never overwrites; remove it or choose another path"]) }
            throw SottoError(errno == ENOENT ? .notFound : .io, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// A file written under a temporary name and renamed into place by `commit`.
    public final class Pending: ByteSink {
        public let path: String
        let temporary: String
        let fd: Int32
        private var committed = false
        private let sink: FileDescriptorSink

        public init(_ path: String) throws {
            if FileManager.default.fileExists(atPath: path) {
                throw SottoError(.outputExists, "\(path) already exists", hints: ["sotto never overwrites; remove it or choose another path"])
            }
            self.path = path
            temporary = Path.directory(of: path) + "/.\(Path.lastComponent(of: path)).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp"
            fd = try createExclusive(temporary)
            sink = FileDescriptorSink(fd: fd)
        }

        public func write(_ bytes: UnsafeRawBufferPointer) throws { try sink.write(bytes) }

        public func commit() throws {
            guard fsync(fd) == 0 else { throw SottoError(.io, "cannot write \(path): \(String(cString: strerror(errno)))") }
            close(fd)
            // link() refuses to replace: the target cannot appear between check and commit.
            guard link(temporary, path) == 0 else {
                let code = errno
                unlink(temporary)
                committed = true
                if code == EEXIST { throw SottoError(.outputExists, "\(path) already exists") }
                throw SottoError(.io, "cannot create \(path): \(String(cString: strerror(code)))")
            }
            unlink(temporary)
            committed = true
        }

        deinit {
            if !committed {
                close(fd)
                unlink(temporary)
            }
        }
    }

    public static func readAll(fd: Int32) throws -> [UInt8] {
        try readAll(reader: ByteReader(FileDescriptorSource(fd: fd)))
    }

    public static func readAll(reader: ByteReader) throws -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
            if n == 0 { break }
            out += chunk[..<n]
        }
        return out
    }

    public static func openForReading(_ path: String) throws -> Int32 {
        if path == "-" { return 0 }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SottoError(errno == ENOENT ? .notFound : .io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }
}
