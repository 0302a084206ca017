import Foundation
import XCTest

/// sotto-expire and sotto-erase killed with SIGKILL at random moments
/// (0–300 ms), each time from the same starting state: after every kill the
/// databases are intact and nothing outside the command's job is gone, and a
/// re-run finishes the job. SOTTO_CRASH_KILLS sets the kills per command
/// (`make crash`: 1,000; `make test`: 30).
final class CrashTests: CLITestCase {
    static var kills: Int { ProcessInfo.processInfo.environment["SOTTO_CRASH_KILLS"].flatMap(Int.init) ?? 30 }

    /// How many kills must land while send or recv is writing its output (10). Sanitizer
    /// builds run several times slower, and recv then rarely writes within the 300 ms:
    /// `make test-sanitize` asks for fewer (SOTTO_CRASH_MID_OUTPUT).
    static var midOutputKills: Int { ProcessInfo.processInfo.environment["SOTTO_CRASH_MID_OUTPUT"].flatMap(Int.init) ?? 10 }

    private var t0 = Int(Date().timeIntervalSince1970)
    private var shortLived = Set<String>(), longLived = Set<String>()

    func testExpireKilledAtRandomMomentsConverges() throws {
        let (bob, mailbox) = try makeTemplate()
        let later = ["SOTTO_TEST_NOW": "\(t0 + 7200)"]
        try killRepeatedly("sotto-expire", ["--mailbox", "MAILBOX"], env: later, template: (bob, mailbox)) { home, mailbox in
            let left = try self.ids(home: home, mailbox: mailbox)
            XCTAssertEqual(self.longLived.subtracting(left), [], "expire removed envelopes that had not expired")
            return left.intersection(self.shortLived).isEmpty
        }
    }

    func testEraseKilledAtRandomMomentsConverges() throws {
        let (bob, mailbox) = try makeTemplate()
        // The short-lived envelopes already in the inbox are the ones to erase.
        let inbox = try sqlite(bob + "/inbox.db", "SELECT id FROM envelopes")
        let targets = shortLived.intersection(inbox)
        let list = try write("erase.jsonl", Data(targets.map { jsonLine(["id": $0]) }.joined().utf8))
        try killRepeatedly("sotto-erase", ["--message", "-", "--yes"], stdinFile: list, template: (bob, mailbox)) { home, mailbox in
            let left = try self.ids(home: home, mailbox: mailbox)
            XCTAssertEqual(self.longLived.union(self.shortLived).subtracting(targets).subtracting(left), [],
                           "erase removed envelopes it was not asked to")
            return left.intersection(targets).isEmpty
        }
    }

    /// Bob's home with 400 envelopes in the inbox and 200 waiting in the
    /// mailbox, half of each expiring after an hour, half after 30 days.
    private func makeTemplate() throws -> (String, String) {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let env = ["SOTTO_MAILBOX": mailbox]
        let input = (0..<600).map { jsonLine(["to": ["bob"], "body": "crash \($0)", "ttl": $0 % 2 == 0 ? "1h" : "30d"]) }
        let sealed = try ok("sotto-seal", stdin: Data(input.joined().utf8), home: alice).stdoutLines
        XCTAssertEqual(sealed.count, 600)
        for (index, line) in sealed.enumerated() {
            let id = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String ?? "?"
            if index % 2 == 0 { shortLived.insert(id) } else { longLived.insert(id) }
        }
        try ok("sotto-send", stdin: Data((sealed[..<400].joined(separator: "\n") + "\n").utf8), home: alice, env: env)
        try ok("sotto-recv", home: bob, env: env)
        try ok("sotto-send", stdin: Data((sealed[400...].joined(separator: "\n") + "\n").utf8), home: alice, env: env)
        return (bob, mailbox)
    }

    /// Runs `tool` from a fresh copy of the template until it was killed
    /// `kills` times; `check` looks at the state after each round (and after
    /// the re-run, when it must say the job is done).
    private func killRepeatedly(_ tool: String, _ args: [String], stdinFile: String? = nil, env: [String: String] = [:],
                                template: (String, String), check: (String, String) throws -> Bool) throws {
        let seed = ProcessInfo.processInfo.environment["SOTTO_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        let work = path("work"), home = work + "/bob", mailbox = work + "/mailbox.db"
        var kills = 0, rounds = 0, finished = 0
        let started = Date()
        // Up to ten rounds per kill: a quick command often finishes before its kill (expire: 3 in 4).
        while kills < Self.kills && rounds < Self.kills * 10 {
            rounds += 1
            try? FileManager.default.removeItem(atPath: work)
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: template.0, toPath: home)
            try FileManager.default.copyItem(atPath: template.1, toPath: mailbox)
            let arguments = args.map { $0 == "MAILBOX" ? mailbox : $0 }
            let process = try start(tool, arguments, stdinFile: stdinFile, home: home, env: env)
            Thread.sleep(forTimeInterval: max(0, Double.random(in: 0...0.3, using: &rng) - Date().timeIntervalSince(process.startedAt)))
            if process.isRunning { process.signal(SIGKILL) }
            let result = try process.finish()
            if process.killedBy == SIGKILL { kills += 1 } else {
                finished += 1
                XCTAssertEqual(result.status, 0, "round \(rounds) (seed \(seed)): \(result.summary)")
            }
            for database in [home + "/inbox.db", home + "/keyring.db", mailbox] {
                XCTAssertEqual(try sqlite(database, "PRAGMA integrity_check"), ["ok"], "round \(rounds) (seed \(seed)): \(database)")
            }
            _ = try check(home, mailbox)
            let rerun = try run(tool, arguments, stdin: try stdinFile.map { try read($0) }, home: home, env: env)
            XCTAssertEqual(rerun.status, 0, "round \(rounds) (seed \(seed)): the re-run\n\(rerun.summary)")
            XCTAssertTrue(try check(home, mailbox), "round \(rounds) (seed \(seed)): the re-run did not finish the job")
            if (testRun?.totalFailureCount ?? 0) > 0 { return }  // reported; more rounds would repeat it
        }
        XCTAssertGreaterThanOrEqual(kills, Self.kills, "seed \(seed)")
        print("crash (\(tool)): \(kills) kills in \(rounds) rounds (\(finished) finished first) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s, seed \(seed)")
    }

    /// The envelope ids in a home's inbox and the mailbox.
    private func ids(home: String, mailbox: String) throws -> Set<String> {
        Set(try sqlite(home + "/inbox.db", "SELECT id FROM envelopes") + sqlite(mailbox, "SELECT id FROM envelopes"))
    }

    private func sqlite(_ database: String, _ sql: String) throws -> [String] {
        let result = try run("/usr/bin/sqlite3", ["-batch", "-cmd", ".timeout 10000", database, sql])
        XCTAssertEqual(result.status, 0, result.summary)
        return result.stdoutLines
    }
}
