import Foundation
import XCTest

/// Commands that hold secrets leave no core file behind when they crash.
final class HardeningTests: CLITestCase {
    func testAbortWhileOpeningLeavesNoCoreFile() throws {
        let home = try fixtureHome("bob")
        let fifo = path("stdin.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Held open for writing, so sotto-open blocks reading its stdin instead of seeing the end.
        let writer = open(fifo, O_RDWR)
        defer { close(writer) }
        // The child inherits an unlimited core size: only its own hardening can stop the dump.
        var saved = rlimit()
        getrlimit(Int32(RLIMIT_CORE.rawValue), &saved)
        var unlimited = rlimit(rlim_cur: rlim_t.max, rlim_max: rlim_t.max)  // RLIM_INFINITY
        XCTAssertEqual(setrlimit(Int32(RLIMIT_CORE.rawValue), &unlimited), 0)
        defer { setrlimit(Int32(RLIMIT_CORE.rawValue), &saved) }

        let command = try start("sotto-open", [], stdinFile: fifo, home: home)
        let deadline = Date().addingTimeInterval(10)
        var limits = ""
        while Date() < deadline {
            limits = (try? String(contentsOfFile: "/proc/\(command.pid)/limits", encoding: .utf8)) ?? ""
            if coreLimit(limits) == "0 0" { break }
            usleep(10_000)
        }
        XCTAssertEqual(coreLimit(limits), "0 0", "sotto-open should set its core size limit to 0:\n\(limits)")
        usleep(100_000)  // past the rest of the hardening, blocked in read(2)
        command.signal(SIGABRT)
        _ = try command.finish()
        XCTAssertEqual(command.killedBy, SIGABRT)
        let cores = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("core") }
        XCTAssertEqual(cores, [], "a core file was written")
    }

    /// `sotto-open -o FILE` of a signed file writes the body before the
    /// signature at its end is checked. Killed half way (SIGKILL: no cleanup
    /// runs), it leaves nothing in the directory: the output was unlinked
    /// until complete, so no unverified plaintext survives under any name.
    func testKilledWhileWritingOutputLeavesNothing() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let body = Data((0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let sealed = try ok("sotto-seal", ["--raw", "-r", "bob"], stdin: body, home: alice).stdout
        let out = path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let fifo = path("sealed.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = open(fifo, O_RDWR)
        defer { close(writer) }
        let command = try start("sotto-open", ["-o", out + "/plain.bin"], stdinFile: fifo, home: bob)
        // Half the file, and the writer held open: sotto-open writes what it has and waits for more.
        let half = sealed.prefix(sealed.count / 2)
        XCTAssertEqual(half.withUnsafeBytes { Glibc.write(writer, $0.baseAddress, $0.count) }, half.count)
        var writing = false
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !writing {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(command.pid)/fd")) ?? []
            writing = fds.contains { fd in
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(command.pid)/fd/\(fd)")) ?? ""
                return target.hasPrefix(out + "/") && Self.size(of: "/proc/\(command.pid)/fd/\(fd)") > 1 << 20
            }
            usleep(20_000)
        }
        XCTAssertTrue(writing, "sotto-open was writing the body into the output directory")
        command.signal(SIGKILL)
        _ = try command.finish()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "nothing is left behind")
    }

    static func size(of path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The soft and hard "Max core file size" of a /proc/PID/limits text.
    private func coreLimit(_ limits: String) -> String? {
        guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max core file size") }) else { return nil }
        let fields = line.dropFirst("Max core file size".count).split(separator: " ")
        return fields.count >= 2 ? "\(fields[0]) \(fields[1])" : nil
    }
}
