internal import CLinux
import FoundationEssentials
import Glibc

/// An output file that appears at its path only when complete: it is written
/// unlinked (O_TMPFILE) in the target's directory and linked into place by
/// `commit`, so a process killed half way, even by SIGKILL, leaves nothing
/// behind, not even unverified plaintext under a temporary name. Where the
/// file system has no O_TMPFILE, a hidden name beside the target is used
/// and removed unless committed. Created with mode 0600; never overwrites.
/// A path that names a device, FIFO or socket (`/dev/null`, `/dev/stdout`, a
/// named pipe) is written in place: that overwrites no file; so is `-`,
/// standard output.
public final class PendingFile: ByteSink {
    public let path: String
    private let fd: Int32
    /// The hidden name, when the file system could not give an unlinked file.
    private let temporary: String?
    /// Written in place: the path is a device, FIFO or socket.
    private let inPlace: Bool
    private let sink: FileDescriptorSink
    private var committed = false

    public init(_ path: String) throws {
        self.path = path
        var status = stat()
        if path == "-" || (stat(path, &status) == 0 && !Self.isFileOrDirectory(status.st_mode)) {
            fd = path == "-" ? dup(1) : open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Self.cannotCreate(path, errno) }
            temporary = nil
            inPlace = true
            sink = FileDescriptorSink(fd: fd, name: path == "-" ? "standard output" : path)
            return
        }
        inPlace = false
        if FileManager.default.fileExists(atPath: path) { throw Self.exists(path) }
        let directory = Path.directory(of: path)
        let unlinked = sotto_open_unlinked(directory, 0o600)
        if unlinked >= 0 {
            fd = unlinked
            temporary = nil
        } else if [EOPNOTSUPP, EISDIR, EINVAL].contains(errno) {
            let name = directory + "/.\(Path.lastComponent(of: path)).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp"
            fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw Self.cannotCreate(path, errno) }
            temporary = name
        } else {
            throw Self.cannotCreate(path, errno)
        }
        sink = FileDescriptorSink(fd: fd, name: path)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws { try sink.write(bytes) }

    /// Makes the file durable and gives it its name; link(2) refuses to
    /// replace, so a file that appeared meanwhile is not overwritten.
    public func commit() throws {
        if inPlace {
            committed = true
            guard close(fd) == 0 else { throw SottoError(.io, "cannot write \(path): \(String(cString: strerror(errno)))") }
            return
        }
        guard fsync(fd) == 0 else { throw SottoError(.io, "cannot write \(path): \(String(cString: strerror(errno)))") }
        let status = temporary.map { link($0, path) } ?? linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, path, AT_SYMLINK_FOLLOW)
        let code = errno
        close(fd)
        if let temporary { unlink(temporary) }
        committed = true
        guard status == 0 else {
            if code == EEXIST { throw Self.exists(path) }
            throw Self.cannotCreate(path, code)
        }
    }

    deinit {
        guard !committed else { return }
        close(fd)
        if let temporary { unlink(temporary) }
    }

    private static func isFileOrDirectory(_ mode: mode_t) -> Bool {
        let type = mode & S_IFMT
        return type == S_IFREG || type == S_IFDIR
    }

    static func exists(_ path: String) -> SottoError {
        SottoError(.outputExists, "\(path) already exists", hints: ["sotto never overwrites; remove it or choose another path"])
    }

    static func cannotCreate(_ path: String, _ code: Int32) -> SottoError {
        SottoError(code == ENOENT ? .notFound : .io, "cannot create \(path): \(String(cString: strerror(code)))")
    }
}
