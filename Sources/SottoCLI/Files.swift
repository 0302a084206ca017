import FoundationEssentials
import Glibc
import SottoCore

/// Output files: secrets are created O_EXCL 0600, and plaintext is written
/// unlinked and linked into place only when complete.
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

    /// Plaintext output, which appears only when complete (see `PendingFile`).
    public typealias Pending = PendingFile

    public static func readAll(fd: Int32) throws -> [UInt8] {
        try readAll(reader: ByteReader(FileDescriptorSource(fd: fd)))
    }

    /// Everything `reader` holds; past `limit` bytes, `tooLarge` is thrown.
    public static func readAll(reader: ByteReader, limit: Int = .max, tooLarge: @autoclosure () -> SottoError = SottoError(.usage, "too large")) throws -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
            if n == 0 { break }
            out += chunk[..<n]
            if out.count > limit { throw tooLarge() }
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
