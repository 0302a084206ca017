import FoundationEssentials
import Glibc
import SottoCore

/// Reads through to `source` and keeps a one-line meter on stderr: only when
/// the command asks for it (its stdout is not the same terminal), stderr is a
/// terminal, and the work has lasted a second, so short runs, pipes, logs and
/// cron mail never see it.
public final class ProgressSource: ByteSource {
    private let source: ByteSource
    private let total: Int64?
    private var done: Int64 = 0
    private let started = ProgressSource.clock()
    private var nextDraw: UInt64
    private var drawn = false
    /// Whether the meter may be drawn; stays false unless stderr is a terminal.
    public var visible = false {
        didSet { visible = visible && isatty(2) == 1 }
    }

    #if DEBUG
    /// Tests set SOTTO_TEST_PROGRESS_AFTER=0 to see the meter on a small input.
    private static let delay = ProcessInfo.processInfo.environment["SOTTO_TEST_PROGRESS_AFTER"].flatMap(UInt64.init) ?? 1_000_000_000
    #else
    private static let delay: UInt64 = 1_000_000_000
    #endif

    /// The meter for reading `fd`; the total is known when it is a regular file.
    public init(fd: Int32) {
        source = FileDescriptorSource(fd: fd)
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
            total = Int64(info.st_size) - max(0, Int64(lseek(fd, 0, SEEK_CUR)))
        } else {
            total = nil
        }
        nextDraw = started + Self.delay
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try source.read(into: buffer)
        guard visible else { return n }
        done += Int64(n)
        let now = Self.clock()
        if now >= nextDraw {
            nextDraw = now + 200_000_000
            draw(elapsed: now - started)
        }
        return n
    }

    /// Clears the meter's line, leaving stderr as it was for what follows.
    public func finish() {
        guard drawn else { return }
        drawn = false
        try? FileDescriptorSink(fd: 2).write("\r\u{1B}[K")
    }

    deinit { finish() }

    private func draw(elapsed: UInt64) {
        var line = "\r\(Diagnostics.tool): \(Self.size(done))"
        if let total, total > 0 {
            line += " of \(Self.size(total)) (\(min(100, Int(Double(done) * 100 / Double(total))))%)"
        }
        if elapsed > 0 {
            line += ", \(Self.size(Int64(Double(done) / (Double(elapsed) / 1e9))))/s"
        }
        try? FileDescriptorSink(fd: 2).write(line + "\u{1B}[K")
        drawn = true
    }

    /// 123.4 MiB, one decimal, binary units.
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int64((value * 10).rounded(.down))
        return unit == 0 ? "\(bytes) B" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    private static func clock() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
