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

    /// The soft and hard "Max core file size" of a /proc/PID/limits text.
    private func coreLimit(_ limits: String) -> String? {
        guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max core file size") }) else { return nil }
        let fields = line.dropFirst("Max core file size".count).split(separator: " ")
        return fields.count >= 2 ? "\(fields[0]) \(fields[1])" : nil
    }
}
