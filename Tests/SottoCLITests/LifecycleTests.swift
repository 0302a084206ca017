import Foundation
import XCTest

/// sotto-expire and sotto-erase through the real binaries: disappearing
/// messages, read-after timers, forward secrecy, and verified erasure.
final class LifecycleTests: CLITestCase {
    let now = Int(Date().timeIntervalSince1970) + 60

    /// Alice seals `messages` to bob, sends them through `mailbox`, and bob receives them.
    func deliver(_ messages: [[String: Any]], mailbox: String, alice: String, bob: String) throws -> [[String: Any]] {
        let input = Data(messages.map(jsonLine).joined().utf8)
        let sealed = try ok("sotto-seal", [], stdin: input, home: alice, env: ["SOTTO_TEST_NOW": String(now)])
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)
        return try ok("sotto-recv", ["--mailbox", mailbox], home: bob, env: ["SOTTO_TEST_NOW": String(now)]).records()
    }

    func sqlite(_ database: String, _ sql: String) throws -> String {
        let result = try run("/usr/bin/sqlite3", [database, sql])
        XCTAssertEqual(result.status, 0, result.summary)
        return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func expire(_ home: String, at time: Int, _ args: [String] = []) throws -> [[String: Any]] {
        try ok("sotto-expire", args, home: home, env: ["SOTTO_TEST_NOW": String(time)]).records()
    }

    /// Whether any of the database's files (with -wal, -shm, -journal) holds `needle`.
    func filesContain(_ database: String, _ needle: Data) throws -> Bool {
        try [database, database + "-wal", database + "-shm", database + "-journal"].filter(exists).contains {
            try read($0).range(of: needle) != nil
        }
    }

    func testShortTTLDisappearsFromInboxAndMailbox() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let received = try deliver([["to": ["bob"], "body": "one minute", "ttl": "1m"]], mailbox: mailbox, alice: alice, bob: bob)
        XCTAssertEqual(received.count, 1)
        // A second one waits in the mailbox, never received.
        let pending = try ok("sotto-seal", [], stdin: Data(jsonLine(["to": ["bob"], "body": "waiting", "ttl": "1m"]).utf8),
                             home: alice, env: ["SOTTO_TEST_NOW": String(now)])
        try ok("sotto-send", ["--mailbox", mailbox], stdin: pending.stdout, home: alice)

        // sotto-open refuses it once the clock passes, before expire runs.
        let late = try run("sotto-open", [], stdin: Data(jsonLine(received[0]).utf8), home: bob, env: ["SOTTO_TEST_NOW": String(now + 61)])
        assertFailure(late, tool: "sotto-open", status: 1, contains: ["expired"])

        XCTAssertEqual(try expire(bob, at: now + 30, ["--mailbox", mailbox]).last?["expired"] as? Int, 0, "nothing before its time")
        let records = try expire(bob, at: now + 61, ["--mailbox", mailbox])
        let expired = records.filter { $0["type"] as? String == "expired" }
        XCTAssertEqual(Set(expired.compactMap { $0["where"] as? String }), ["inbox", "mailbox"])
        XCTAssertEqual(records.last?["type"] as? String, "summary")
        XCTAssertEqual(records.last?["expired"] as? Int, 2)
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "0")
        XCTAssertEqual(try sqlite(mailbox, "SELECT COUNT(*) FROM envelopes"), "0")
        XCTAssertEqual(try expire(bob, at: now + 62, ["--mailbox", mailbox]).last?["expired"] as? Int, 0, "idempotent")
        XCTAssertEqual(try ok("sotto-expire", ["--quiet", "--mailbox", mailbox], home: bob).out, "", "--quiet writes nothing")
    }

    /// From cron, a home that is not there (a typo in SOTTO_HOME) would
    /// expire nothing for ever: it is an error (66). An administrator's run
    /// over a named mailbox needs no home.
    func testExpireWithoutAHomeFailsUnlessAMailboxIsNamed() throws {
        let missing = home("typo")
        assertFailure(try run("sotto-expire", ["--quiet"], home: missing), tool: "sotto-expire", status: 66, contains: ["no sotto home"])
        XCTAssertFalse(exists(missing), "nothing created")
        let alice = try fixtureHome("alice")
        let mailbox = path("mailbox.db")
        let sealed = try ok("sotto-seal", [], stdin: Data(jsonLine(["to": ["bob"], "body": "soon gone", "ttl": "1m"]).utf8), home: alice,
                            env: ["SOTTO_TEST_NOW": String(now)])
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)
        let records = try ok("sotto-expire", ["--mailbox", mailbox], home: missing, env: ["SOTTO_TEST_NOW": String(now + 120)]).records()
        XCTAssertEqual(records.last?["mailbox"] as? Int, 1, "the mailbox alone is expired")
        XCTAssertFalse(exists(missing))
    }

    func testReadAfterTimerCountsFromFirstOpen() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let received = try deliver([["to": ["bob"], "body": "burn after reading", "ttl_after_read": "30s"]],
                                   mailbox: path("mailbox.db"), alice: alice, bob: bob)
        XCTAssertEqual(try expire(bob, at: now + 50).last?["expired"] as? Int, 0, "an unread message waits for its reader")
        let message = try openMessage(received[0], home: bob, env: ["SOTTO_TEST_NOW": String(now + 100)])
        XCTAssertEqual(message["ttl_after_read"] as? String, "30s")
        XCTAssertNotEqual(try sqlite(bob + "/inbox.db", "SELECT opened_at FROM envelopes"), "")
        XCTAssertEqual(try expire(bob, at: now + 120).last?["expired"] as? Int, 0)
        let records = try expire(bob, at: now + 131)
        XCTAssertEqual(records.first?["reason"] as? String, "read")
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "0")
    }

    /// Replay: whoever can write the mailbox (its operator, any sender) sends
    /// the same bytes again after they disappeared. recv drops them with a
    /// notice, so sotto-open never sees the message again.
    func testAReplayAfterAReadAfterTimerIsDropped() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let received = try deliver([["to": ["bob"], "body": "burn after reading", "ttl_after_read": "30s"]],
                                   mailbox: mailbox, alice: alice, bob: bob)
        _ = try openMessage(received[0], home: bob, env: ["SOTTO_TEST_NOW": String(now + 10)])
        XCTAssertEqual(try expire(bob, at: now + 41).first?["reason"] as? String, "read")
        try assertReplayIsDropped(received[0], mailbox: mailbox, bob: bob, at: now + 42)
    }

    func testAReplayAfterAnErasureIsDropped() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let received = try deliver([["to": ["bob"], "body": "erase me for good"]], mailbox: mailbox, alice: alice, bob: bob)
        let id = try XCTUnwrap(received[0]["id"] as? String)
        XCTAssertEqual(try ok("sotto-erase", ["--message", id, "--yes"], home: bob).record("erasure")["remnants"] as? Int, 0)
        try assertReplayIsDropped(received[0], mailbox: mailbox, bob: bob, at: now + 1)
        // What the inbox remembers is not a remnant: a second erasure's scan still finds nothing.
        XCTAssertFalse(try filesContain(bob + "/inbox.db", Data(id.utf8)))
    }

    /// Whoever can write the mailbox file can set an envelope's expiry to
    /// NULL; the inbox takes the expiry from the envelope's own bytes, so the
    /// message still disappears on time.
    func testTheInboxTakesTheExpiryFromTheEnvelopeNotTheMailboxRow() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let sealed = try ok("sotto-seal", [], stdin: Data(jsonLine(["to": ["bob"], "body": "gone within the hour", "ttl": "1h"]).utf8),
                            home: alice, env: ["SOTTO_TEST_NOW": String(now)])
        try ok("sotto-send", ["--mailbox", mailbox], stdin: sealed.stdout, home: alice)
        _ = try sqlite(mailbox, "UPDATE envelopes SET expires_at = NULL")
        let received = try ok("sotto-recv", ["--mailbox", mailbox], home: bob, env: ["SOTTO_TEST_NOW": String(now)]).record("envelope")
        XCTAssertEqual(received["expires_at"] as? String, sealed.record("envelope")["expires_at"] as? String)
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT expires_at FROM envelopes"), String(now + 3600))
        XCTAssertEqual(try expire(bob, at: now + 3601).first?["reason"] as? String, "expired")
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "0")
    }

    /// An envelope whose own stanza says it has expired is not received, from
    /// a mailbox or from an old export: it never reaches sotto-open.
    func testAnExpiredEnvelopeIsNotReceivedFromAnOldExport() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let sealed = try ok("sotto-seal", [], stdin: Data(jsonLine(["to": ["bob"], "body": "gone in a minute", "ttl": "1m"]).utf8),
                            home: alice, env: ["SOTTO_TEST_NOW": String(now)])
        let old = try write("old-export.jsonl", sealed.stdout)
        let recv = try run("sotto-recv", ["--input", old], home: bob, env: ["SOTTO_TEST_NOW": String(now + 120)])
        XCTAssertEqual(recv.status, 0, recv.summary)
        XCTAssertEqual(recv.out, "", "nothing for sotto-open")
        XCTAssertTrue(recv.stderrLines.contains { $0.contains("notice: dropped envelope") && $0.contains("expired") }, recv.err)
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "0")
    }

    /// Whoever can write the mailbox can rewrite an envelope's expiry stanza
    /// to "never" (and its id to match): recv cannot check the header MAC,
    /// holding no unlocked key. sotto-open can: the altered envelope is
    /// removed from the inbox with a notice, so it cannot stay for ever.
    func testAnEnvelopeWithAnAlteredExpiryLeavesTheInboxWhenOpened() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let sealed = try sealEnvelope(["to": ["bob"], "body": "an hour only", "ttl": "1h"], home: alice, env: ["SOTTO_TEST_NOW": String(now)])
        let original = String(decoding: ageBytes(sealed), as: UTF8.self)
        let stanza = try XCTUnwrap(original.split(separator: "\n").first { $0.hasPrefix("-> sotto/v2 signed ") })
        let altered = original.replacingOccurrences(of: String(stanza), with: "-> sotto/v2 signed never")
        XCTAssertNotEqual(altered, original)
        let record = ["type": "envelope", "age": Data(altered.utf8).base64EncodedString()]
        let stored = try ok("sotto-recv", ["--input", "-"], stdin: Data(jsonLine(record).utf8), home: bob).record("envelope")
        XCTAssertTrue(stored["expires_at"] is NSNull, "the inbox took the altered stanza's 'never'")
        let opened = try run("sotto-open", stdin: Data(jsonLine(stored).utf8), home: bob)
        assertFailure(opened, tool: "sotto-open", status: 1, contains: ["header failed authentication"])
        XCTAssertTrue(opened.stderrLines.contains { $0.contains("hint: envelope") && $0.contains("removed from the inbox") }, opened.err)
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "0")
        // And it does not come back.
        XCTAssertEqual(try ok("sotto-recv", ["--input", "-"], stdin: Data(jsonLine(record).utf8), home: bob, allowStderr: true).out, "")
    }

    /// Sends `record` to bob again and checks that recv drops it.
    func assertReplayIsDropped(_ record: [String: Any], mailbox: String, bob: String, at time: Int) throws {
        var replay = record
        replay.removeValue(forKey: "received_at")
        let id = try XCTUnwrap(record["id"] as? String)
        let resent = try ok("sotto-send", ["--mailbox", mailbox], stdin: Data(jsonLine(replay).utf8), home: bob)
        XCTAssertEqual(resent.record("receipt")["status"] as? String, "stored", "the mailbox took the replay")
        let recv = try run("sotto-recv", ["--mailbox", mailbox], home: bob, env: ["SOTTO_TEST_NOW": String(time)])
        XCTAssertEqual(recv.status, 0, recv.summary)
        XCTAssertEqual(recv.out, "", "no envelope record for a replay")
        XCTAssertTrue(recv.stderrLines.contains { $0.hasPrefix("sotto-recv: notice: ") && $0.contains(id) && $0.contains("replay") }, recv.err)
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "0", "the inbox does not hold it again")
        XCTAssertEqual(try sqlite(mailbox, "SELECT COUNT(*) FROM deliveries"), "0", "and the mailbox no longer offers it")
        XCTAssertEqual(try ok("sotto-recv", ["--mailbox", mailbox, "--all"], home: bob).out, "")
    }

    func testConcurrentRunsAndABackwardClock() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let messages = (0..<40).map { ["to": ["bob"], "body": "m\($0)", "ttl": "1m"] as [String: Any] }
        XCTAssertEqual(try deliver(messages, mailbox: mailbox, alice: alice, bob: bob).count, 40)
        let env = ["SOTTO_TEST_NOW": String(now + 61)]
        let runs = try (0..<2).map { _ in try start("sotto-expire", ["--mailbox", mailbox], home: bob, env: env) }
        for run in runs {
            let result = try run.finish()
            XCTAssertEqual(result.status, 0, result.summary)
            XCTAssertFalse(result.err.contains("locked"), result.err)
        }
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "0")
        // The clock goes back: nothing comes back, and nothing fails.
        XCTAssertEqual(try expire(bob, at: now).last?["expired"] as? Int, 0)
        XCTAssertEqual(try ok("sotto-recv", ["--all", "--mailbox", mailbox], home: bob).out, "")
    }

    func testRetiredKeyIsDestroyedAfterItsRetention() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let received = try deliver([["to": ["bob"], "body": "sealed to the old key", "ttl": "never"]],
                                   mailbox: path("mailbox.db"), alice: alice, bob: bob)
        try ok("sotto-keygen", ["rotate"], home: bob)
        try ok("sotto-keygen", ["rotate", "--retain", "1h"], home: bob)
        // The first key stays valid to the end of its lifetime (contacts may not have heard of the
        // new one), and its secret is kept for the retention after that.
        let blob = try sqlite(bob + "/keyring.db", "SELECT hex(secret) FROM encryption_keys ORDER BY not_before LIMIT 1")
        XCTAssertEqual(blob.count, 2 * (24 + 32 + 16), "the first key's secret blob")
        let secret = Data((0..<(blob.count / 2)).map { i in
            UInt8(blob[blob.index(blob.startIndex, offsetBy: 2 * i)..<blob.index(blob.startIndex, offsetBy: 2 * i + 2)], radix: 16) ?? 0
        })
        XCTAssertTrue(try filesContain(bob + "/keyring.db", secret))
        // Still readable within the retention.
        XCTAssertEqual(try openMessage(received[0], home: bob)["body"] as? String, "sealed to the old key")
        XCTAssertEqual(try expire(bob, at: now + 1800).last?["keys_destroyed"] as? Int, 0)
        let lifetime = 90 * 86400
        XCTAssertEqual(try expire(bob, at: now + lifetime - 60).last?["keys_destroyed"] as? Int, 0, "valid until its end")

        let records = try expire(bob, at: now + lifetime + 7200)
        XCTAssertEqual(records.first { $0["type"] as? String == "key_destroyed" }?["identity"] as? String, "bob")
        XCTAssertFalse(try filesContain(bob + "/keyring.db", secret), "the retired secret's bytes are gone from the keyring files")
        let result = try run("sotto-open", [], stdin: Data(jsonLine(received[0]).utf8), home: bob)
        assertFailure(result, tool: "sotto-open", status: 1, contains: ["destroyed"])
    }

    func testEraseMessageLeavesNoRemnantAndDryRunChangesNothing() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let received = try deliver([["to": ["bob"], "body": "erase me"], ["to": ["bob"], "body": "keep me"]],
                                   mailbox: path("mailbox.db"), alice: alice, bob: bob)
        let id = try XCTUnwrap(received[0]["id"] as? String)
        let mac = try XCTUnwrap(ageHeaderLines(ageBytes(received[0])).last?.dropFirst(4))

        let dry = try ok("sotto-erase", ["--message", id, "--dry-run"], home: bob).records()
        XCTAssertEqual(dry.first?["id"] as? String, id)
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "2")

        assertFailure(try run("sotto-erase", ["--message", id], home: bob), tool: "sotto-erase", status: 64, contains: ["--yes"])
        let report = try ok("sotto-erase", ["--message", id, "--yes"], home: bob).record("erasure")
        XCTAssertEqual(report["remnants"] as? Int, 0)
        XCTAssertEqual((report["removed"] as? [String: Any])?["envelopes"] as? Int, 1)
        XCTAssertFalse(try filesContain(bob + "/inbox.db", Data(id.utf8)))
        XCTAssertFalse(try filesContain(bob + "/inbox.db", Data(mac.utf8)))
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "1")
        // A re-run (after a crash, say) finds nothing more to do and stays clean.
        XCTAssertEqual(try ok("sotto-erase", ["--message", id, "--yes"], home: bob).record("erasure")["remnants"] as? Int, 0)
    }

    /// An inbox that cannot be read is reported, never taken for "no envelope of this sender".
    func testEraseByContactStopsWhenTheInboxCannotBeRead() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        _ = try deliver([["to": ["bob"], "body": "from alice"]], mailbox: path("mailbox.db"), alice: alice, bob: bob)
        _ = try sqlite(bob + "/inbox.db", "ALTER TABLE envelope_chunks RENAME TO misplaced")
        let result = try run("sotto-erase", ["--contact", "alice", "--yes"], home: bob)
        XCTAssertNotEqual(result.status, 0, result.summary)
        XCTAssertEqual(result.out, "")
        XCTAssertNotNil(try contactRecord("alice", home: bob), "nothing was erased")
    }

    func testEraseIdentityShredsEveryKey() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let received = try deliver([["to": ["bob"], "body": "for bob only"]], mailbox: path("mailbox.db"), alice: alice, bob: bob)
        let blob = try sqlite(bob + "/keyring.db", "SELECT hex(secret) FROM identities")
        let secret = Data((0..<(blob.count / 2)).map { i in
            UInt8(blob[blob.index(blob.startIndex, offsetBy: 2 * i)..<blob.index(blob.startIndex, offsetBy: 2 * i + 2)], radix: 16) ?? 0
        })
        let report = try ok("sotto-erase", ["--identity", "bob", "--yes"], home: bob).record("erasure")
        XCTAssertEqual(report["remnants"] as? Int, 0)
        XCTAssertFalse(try filesContain(bob + "/keyring.db", secret))
        XCTAssertTrue(try ok("sotto-keygen", ["list"], home: bob).records().allSatisfy { $0["type"] as? String != "identity" })
        let result = try run("sotto-open", [], stdin: Data(jsonLine(received[0]).utf8), home: bob)
        XCTAssertNotEqual(result.status, 0, "nothing can open it any more")
        XCTAssertEqual(result.out, "")
    }

    func testEraseKilledAtRandomThenRerunFinishes() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let mailbox = path("mailbox.db")
        let messages = (0..<150).map { ["to": ["bob"], "body": String(repeating: "x", count: 2000) + "\($0)"] as [String: Any] }
        XCTAssertEqual(try deliver(messages, mailbox: mailbox, alice: alice, bob: bob).count, 150)
        let cutoff = rfc3339(now + 3600)
        for _ in 0..<5 {
            let erase = try start("sotto-erase", ["--before", cutoff, "--yes"], home: bob)
            usleep(UInt32.random(in: 0...150_000))
            erase.signal(SIGKILL)
            _ = try erase.finish()
            XCTAssertEqual(try sqlite(bob + "/inbox.db", "PRAGMA integrity_check"), "ok")
        }
        let report = try ok("sotto-erase", ["--before", cutoff, "--yes"], home: bob).record("erasure")
        XCTAssertEqual(report["remnants"] as? Int, 0)
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "SELECT COUNT(*) FROM envelopes"), "0")
        XCTAssertEqual(try sqlite(bob + "/inbox.db", "PRAGMA integrity_check"), "ok")
    }
}

extension LifecycleTests {
    /// Another process reading the keyring holds a snapshot that its
    /// write-ahead log keeps, with the destroyed secrets' old pages in it:
    /// sotto-expire does not report that destruction as done (75), and a run
    /// once the reader has gone finishes it, leaving the log empty.
    func testADestructionWithAReaderInTheWayIsNotReportedDone() throws {
        let alice = try fixtureHome("alice")
        try ok("sotto-keygen", ["rotate"], home: alice, allowStderr: true)
        let later = ["SOTTO_TEST_NOW": String(Int(Date().timeIntervalSince1970) + 200 * 86_400)]
        let keyring = alice + "/keyring.db"
        // A reader mid-transaction: it has read, and has not finished.
        let reader = try start("/bin/sh", ["-c", "{ echo 'BEGIN;'; echo 'SELECT count(*) FROM identities;'; sleep 60; } | sqlite3 '\(keyring)'"])
        XCTAssertGreaterThan(reader.waitForLines(moreThan: 0, timeout: 10), 0, "the reader has read")
        let blocked = try run("sotto-expire", [], home: alice, env: later)
        XCTAssertEqual(blocked.status, 75, blocked.summary)
        XCTAssertTrue(blocked.err.contains("another process is reading") && blocked.err.contains("write-ahead log"), blocked.err)
        XCTAssertFalse(blocked.out.contains("\"summary\""), "no summary: the run did not finish")
        kill(-reader.pid, SIGKILL)
        reader.signal(SIGKILL)
        _ = try? reader.finish(timeout: 10)
        let finished = try ok("sotto-expire", [], home: alice, env: later).records()
        XCTAssertEqual(finished.last?["type"] as? String, "summary")
        // The last connection to close removes the log; one still there must be empty.
        let log = (try? FileManager.default.attributesOfItem(atPath: keyring + "-wal"))?[.size] as? NSNumber
        XCTAssertEqual(log?.intValue ?? 0, 0, "the write-ahead log is empty or gone")
    }
}

extension LifecycleTests {
    /// A shared mailbox is others' to break: one replaced with garbage (any
    /// member of its directory can) makes sotto-expire fail, but not before
    /// this home's retired secrets are destroyed.
    func testABrokenSharedMailboxDoesNotKeepRetiredKeys() throws {
        let alice = try fixtureHome("alice")
        try ok("sotto-keygen", ["rotate"], home: alice, allowStderr: true)
        let garbage = try write("mailbox.db", Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
        let later = ["SOTTO_TEST_NOW": String(Int(Date().timeIntervalSince1970) + 200 * 86_400)]
        let result = try run("sotto-expire", ["--mailbox", garbage], home: alice, env: later)
        XCTAssertEqual(result.status, 69, result.summary)
        XCTAssertEqual(result.records().filter { $0["type"] as? String == "key_destroyed" }.count, 4, result.summary)
        let held = try sqliteRows(alice + "/keyring.db", "SELECT COUNT(*) FROM encryption_keys WHERE secret IS NOT NULL")
        XCTAssertEqual(held, ["2"], "only the keys of the rotation that run made are held")
    }
}
