import Foundation
import XCTest

/// A PostgreSQL mailbox shared by several hosts: two homes stand for two
/// hosts, each person logs in as their own role, and the server, not the
/// client, decides what each may read or delete.
final class PostgresTests: CLITestCase {
    var server: PostgresServer!

    override func setUpWithError() throws {
        try super.setUpWithError()
        server = try PostgresServer()
        // The administrator's first step: a delivery command run as the owner creates the schema.
        let created = try ok("sotto-send", ["--mailbox", server.adminURL], stdin: Data())
        XCTAssertEqual(created.out, "")
    }

    override func tearDownWithError() throws {
        server?.drop()
        try super.tearDownWithError()
    }

    func address(_ home: String) throws -> String { try XCTUnwrap(identityRecord(home: home)["mailbox"] as? String) }

    func testPipelineAndFollowBetweenTwoHosts() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let aliceURL = try server.addUser("alice", addresses: [try address(alice)])
        let bobURL = try server.addUser("bob", addresses: [try address(bob)])
        let bobRole = try XCTUnwrap(bobURL.components(separatedBy: "://").last?.components(separatedBy: ":").first)

        // Bob follows; once it listens, Alice seals and sends.
        let follower = try start("sotto-recv", ["--follow"], home: bob, env: ["SOTTO_MAILBOX": bobURL])
        try waitUntil("bob's recv --follow listens") {
            try server.psql("SELECT count(*) FROM pg_stat_activity WHERE usename = '\(bobRole)' AND query LIKE 'LISTEN%'", url: server.server) == ["1"]
        }
        let envelope = try sealEnvelope(["to": ["bob"], "body": "hi bob, from another host", "thread": "pg"], home: alice)
        let id = try XCTUnwrap(envelope["id"] as? String)
        let sent = try ok("sotto-send", stdin: Data(jsonLine(envelope).utf8), home: alice, env: ["SOTTO_MAILBOX": aliceURL])
        let sentAt = Date()
        XCTAssertEqual(sent.record("receipt")["status"] as? String, "stored")
        XCTAssertEqual(follower.waitForLines(moreThan: 0, timeout: 5), 1)
        let latency = Date().timeIntervalSince(sentAt)
        XCTAssertLessThan(latency, 1, "recv --follow is woken by NOTIFY")
        follower.signal(SIGTERM)
        let followed = try follower.finish()
        XCTAssertEqual(followed.status, 0, followed.summary)
        XCTAssertEqual(followed.err, "")
        let record = followed.record("envelope")
        XCTAssertEqual(record["id"] as? String, id)
        XCTAssertEqual(record["age"] as? String, envelope["age"] as? String)
        let message = try ok("sotto-open", stdin: followed.stdout, home: bob).record("message")
        XCTAssertEqual(message["body"] as? String, "hi bob, from another host")
        XCTAssertEqual((message["from"] as? [String: Any])?["name"] as? String, "alice")

        // Bob replies; Alice receives without --follow; nothing is left on the server.
        let reply = try sealEnvelope(["to": ["alice"], "body": "got it", "thread": "pg"], home: bob)
        try ok("sotto-send", stdin: Data(jsonLine(reply).utf8), home: bob, env: ["SOTTO_MAILBOX": bobURL])
        let received = try ok("sotto-recv", ["--mailbox", aliceURL], home: alice)
        XCTAssertEqual(try ok("sotto-open", stdin: received.stdout, home: alice).record("message")["body"] as? String, "got it")
        XCTAssertEqual(try server.psql("SELECT (SELECT count(*) FROM sotto.deliveries) || ' ' || (SELECT count(*) FROM sotto.envelopes)"), ["0 0"])
        print("postgres: recv --follow latency \(String(format: "%.0f", latency * 1000)) ms")
    }

    /// Carol, a user of the same server, tries to read and delete what waits for Bob.
    func testAnotherUsersEnvelopesCannotBeReadOrDeleted() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob"), carol = try fixtureHome("carol")
        let bobAddress = try address(bob)
        let aliceURL = try server.addUser("alice", addresses: [try address(alice)])
        let bobURL = try server.addUser("bob", addresses: [bobAddress])
        let carolURL = try server.addUser("carol", addresses: [try address(carol)])
        let relayURL = try server.addUser("relay", addresses: [], group: "sotto_sender")
        let envelope = try sealEnvelope(["to": ["bob"], "body": "for bob only"], home: alice)
        let id = try XCTUnwrap(envelope["id"] as? String)
        // Carol listens where she can: the channel of her own mailbox, and the old global one.
        // Neither tells her of a deposit for Bob (with pg_stat_activity, it would say who sent it).
        let carolsChannel = try XCTUnwrap(try server.psql("SELECT channel FROM sotto.mailboxes", url: carolURL).first)
        XCTAssertEqual(try server.psql("SELECT count(*) FROM sotto.mailboxes WHERE address = '\(bobAddress)'", url: carolURL), ["0"])
        let listener = try start("/usr/bin/psql", ["-X", "-q", "-d", carolURL, "-c", "LISTEN \(carolsChannel)", "-c", "LISTEN sotto_mailbox",
                                                  "-c", "SELECT pg_sleep(2)", "-c", "SELECT 1"])
        Thread.sleep(forTimeInterval: 0.5)
        try ok("sotto-send", stdin: Data(jsonLine(envelope).utf8), home: alice, env: ["SOTTO_MAILBOX": aliceURL])
        let heard = try listener.finish()
        XCTAssertEqual(heard.status, 0, heard.summary)
        XCTAssertFalse(heard.out.contains("notification"), "carol heard of bob's mail: \(heard.out)")

        // Through sotto: Carol's recv and erase see nothing of Bob's.
        XCTAssertEqual(try ok("sotto-recv", home: carol, env: ["SOTTO_MAILBOX": carolURL]).out, "")
        // Through SQL, as Carol: every table looks empty, and nothing can be changed.
        for table in ["deliveries", "envelopes", "envelope_chunks"] {
            XCTAssertEqual(try server.psql("SELECT count(*) FROM sotto.\(table)", url: carolURL), ["0"], table)
        }
        XCTAssertEqual(try server.psql("SELECT count(*) FROM sotto.mailboxes", url: carolURL), ["1"], "only her own address")
        XCTAssertEqual(try server.psql("WITH gone AS (DELETE FROM sotto.deliveries RETURNING 1) SELECT count(*) FROM gone", url: carolURL), ["0"])
        for attack in [
            "UPDATE sotto.deliveries SET mailbox = mailbox",
            "INSERT INTO sotto.mailboxes (address, owner) VALUES ('\(String(repeating: "0", count: 32))', current_user)",
            "UPDATE sotto.mailboxes SET owner = current_user",
            "DELETE FROM sotto.envelopes",
            "DELETE FROM sotto.envelope_chunks",
            "SELECT sotto.begin_envelope('\(id)', NULL, 0)",
        ] {
            try assertRefused(attack, as: carolURL, "permission denied")
        }
        // Re-depositing Bob's envelope cannot change its bytes: the server refuses chunks for a stored envelope.
        let overwrite = "SELECT sotto.deposit('\(id)', NULL, 0, 1, '\\x00', true, ARRAY['\(bobAddress)'])"
        try assertRefused(overwrite, as: carolURL, "envelope \(id) is not being written here")
        // A send-only role may deposit and nothing else.
        for table in ["deliveries", "envelopes", "envelope_chunks", "mailboxes"] {
            try assertRefused("SELECT count(*) FROM sotto.\(table)", as: relayURL, "permission denied for table \(table)")
        }

        // Bob still receives it, whole.
        let received = try ok("sotto-recv", home: bob, env: ["SOTTO_MAILBOX": bobURL])
        XCTAssertEqual(received.record("envelope")["age"] as? String, envelope["age"] as? String)
        XCTAssertEqual(try ok("sotto-open", stdin: received.stdout, home: bob).record("message")["body"] as? String, "for bob only")
    }

    /// A sender role talks to the deposit function directly: it cannot park
    /// other bytes under an id it expects someone to send, nor leave an
    /// envelope with a chunk missing, which would stop the recipient's recv.
    func testTheServerTakesOnlyTheBytesAnIDNames() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let bobAddress = try address(bob)
        let aliceURL = try server.addUser("alice", addresses: [try address(alice)])
        let bobURL = try server.addUser("bob", addresses: [bobAddress])
        let relayURL = try server.addUser("relay", addresses: [], group: "sotto_sender")
        let envelope = try sealEnvelope(["to": ["bob"], "body": "the real one"], home: alice)
        let id = try XCTUnwrap(envelope["id"] as? String)
        let mib = "decode(repeat('00', 1048576), 'hex')"
        func deposit(_ n: Int, _ bytes: String, last: Bool) -> String {
            "SELECT sotto.deposit('\(id)', NULL, 0, \(n), \(bytes), \(last), ARRAY['\(bobAddress)'])"
        }
        try assertRefused(deposit(0, "'\\x00'", last: true), as: relayURL, "its bytes do not match its id")
        try assertRefused(deposit(0, "'\\x00'", last: false), as: relayURL, "chunks are 1 MiB but the last")
        try assertRefused(deposit(0, mib, last: false) + "; " + deposit(2, "'\\x00'", last: true), as: relayURL, "out of order")
        try assertRefused(deposit(0, mib, last: false), as: relayURL, "was not finished")
        XCTAssertEqual(try server.psql("SELECT count(*) FROM sotto.envelopes"), ["0"], "nothing was left behind")

        // The real envelope is stored under its id.
        let sent = try ok("sotto-send", stdin: Data(jsonLine(envelope).utf8), home: alice, env: ["SOTTO_MAILBOX": aliceURL])
        XCTAssertEqual(sent.record("receipt")["status"] as? String, "stored")
        // Knowing the id is not enough to deliver it to oneself (and then read it,
        // or keep it on the server): a deposit of a stored id proves it holds the bytes.
        let malloryAddress = String(repeating: "e", count: 32)
        let malloryURL = try server.addUser("mallory", addresses: [malloryAddress])
        let theft = "SELECT sotto.deposit('\(id)', NULL, 0, 0, '\\x00', true, ARRAY['\(malloryAddress)'])"
        try assertRefused(theft, as: malloryURL, "its bytes do not match its id")
        try assertRefused(theft.replacingOccurrences(of: "'\\x00', true", with: "\(mib), false"), as: malloryURL, "was not finished")
        XCTAssertEqual(try server.psql("SELECT count(*) FROM sotto.envelope_chunks WHERE envelope = '\(id)'", url: malloryURL), ["0"])
        XCTAssertEqual(try server.psql("SELECT count(*) FROM sotto.deliveries WHERE mailbox = '\(malloryAddress)'"), ["0"])
        // Whoever holds the bytes may deliver them again: sending twice says "duplicate".
        let again = try ok("sotto-send", stdin: Data(jsonLine(envelope).utf8), home: alice, env: ["SOTTO_MAILBOX": aliceURL])
        XCTAssertEqual(again.record("receipt")["status"] as? String, "duplicate")
        // Bob reads it.
        let received = try ok("sotto-recv", home: bob, env: ["SOTTO_MAILBOX": bobURL])
        XCTAssertEqual(try ok("sotto-open", stdin: received.stdout, home: bob).record("message")["body"] as? String, "the real one")
    }

    /// Whoever holds a lock on the deliveries (here the administrator, in a
    /// transaction left open) makes recv fail with 75 after the documented
    /// wait, not hang a cron job.
    func testAHeldLockIsATemporaryFailureNotAHang() throws {
        let bob = try fixtureHome("bob")
        let bobURL = try server.addUser("bob", addresses: [try address(bob)])
        let holder = try start("/usr/bin/psql", ["-X", "-q", "-d", server.adminURL,
                                                 "-c", "BEGIN; LOCK TABLE sotto.deliveries IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(12); COMMIT;"])
        Thread.sleep(forTimeInterval: 1)
        let started = Date()
        let blocked = try run("sotto-recv", home: bob, env: ["SOTTO_MAILBOX": bobURL])
        let waited = Date().timeIntervalSince(started)
        assertFailure(blocked, tool: "sotto-recv", status: 75, contains: ["lock"])
        XCTAssertTrue(blocked.err.contains("another session held a lock"), blocked.err)
        XCTAssertLessThan(waited, 12, "the lock timeout (10 s) ended the wait")
        _ = try holder.finish()
    }

    /// The server restarts while recv --follow waits: it says so, reconnects,
    /// and delivers what was sent meanwhile, once.
    func testFollowSurvivesAServerRestart() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob")
        let aliceURL = try server.addUser("alice", addresses: [try address(alice)])
        let bobURL = try server.addUser("bob", addresses: [try address(bob)])
        let sealed = try ok("sotto-seal", stdin: Data((0..<20).map { jsonLine(["to": ["bob"], "body": "n\($0)"]) }.joined().utf8), home: alice)
        let lines = sealed.stdoutLines
        try ok("sotto-send", stdin: Data((lines[0..<10].joined(separator: "\n") + "\n").utf8), home: alice, env: ["SOTTO_MAILBOX": aliceURL])
        let follower = try start("sotto-recv", ["--follow"], home: bob, env: ["SOTTO_MAILBOX": bobURL])
        XCTAssertEqual(follower.waitForLines(moreThan: 9, timeout: 10), 10)

        // system(3), not Foundation's Process, whose wait misses the exit of a command that
        // starts a daemon (the shell stays a zombie).
        XCTAssertEqual(system(try server.restartCommand() + " >/dev/null 2>&1"), 0, "restarting the server")
        let sent = try ok("sotto-send", stdin: Data((lines[10...].joined(separator: "\n") + "\n").utf8), home: alice, env: ["SOTTO_MAILBOX": aliceURL])
        XCTAssertEqual(sent.records().count, 10)
        XCTAssertEqual(follower.waitForLines(moreThan: 19, timeout: 15), 20, "recv --follow delivers after the restart")
        follower.signal(SIGINT)
        let result = try follower.finish()
        XCTAssertEqual(result.status, 0, result.summary)
        let ids = result.records().compactMap { $0["id"] as? String }
        XCTAssertEqual(ids.count, 20)
        XCTAssertEqual(Set(ids).count, 20, "nothing twice")
        XCTAssertEqual(result.stderrLines.count, 2, result.err)
        assertMatches(result.stderrLines.first, "^sotto-recv: warning: .*mailbox server.*; reconnecting$")
        assertMatches(result.stderrLines.last, "^sotto-recv: notice: reconnected to the mailbox$")
        XCTAssertFalse(result.err.contains("pw-"), "no password in messages")
    }

    /// Each user's sotto-expire removes only their own expired deliveries;
    /// the owner's removes everyone's. sotto-erase --mailbox removes mine.
    func testExpiryAndErasureStayWithinTheirOwner() throws {
        let alice = try fixtureHome("alice"), bob = try fixtureHome("bob"), carol = try fixtureHome("carol")
        try ok("sotto-keygen", ["import"], stdin: try fixtureCard("carol"), home: alice)
        let aliceURL = try server.addUser("alice", addresses: [try address(alice)])
        let bobURL = try server.addUser("bob", addresses: [try address(bob)])
        let carolURL = try server.addUser("carol", addresses: [try address(carol)])
        let now = Int(Date().timeIntervalSince1970)
        let clock = ["SOTTO_TEST_NOW": String(now)]
        let input = [["to": ["bob"], "body": "short", "ttl": "1m"], ["to": ["carol"], "body": "short too", "ttl": "1m"],
                     ["to": ["bob"], "body": "keep"], ["to": ["bob"], "body": "erase me"]].map(jsonLine).joined()
        let sealed = try ok("sotto-seal", stdin: Data(input.utf8), home: alice, env: clock).stdoutLines
        guard sealed.count == 4 else { return XCTFail("sealed \(sealed.count) of 4") }
        let ids = sealed.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String ?? "?" }
        try ok("sotto-send", stdin: Data((sealed.joined(separator: "\n") + "\n").utf8), home: alice, env: ["SOTTO_MAILBOX": aliceURL])
        func waiting() throws -> [String] { try server.psql("SELECT envelope FROM sotto.deliveries ORDER BY seq", url: server.adminURL) }
        XCTAssertEqual(try waiting(), ids)

        let later = ["SOTTO_TEST_NOW": String(now + 120)]
        let carols = try ok("sotto-expire", ["--mailbox", carolURL], home: carol, env: later).records()
        XCTAssertEqual(carols.filter { $0["where"] as? String == "mailbox" }.compactMap { $0["id"] as? String }, [ids[1]])
        XCTAssertEqual(try waiting(), [ids[0], ids[2], ids[3]], "carol's expiry took only her own")
        let owners = try ok("sotto-expire", ["--mailbox", server.adminURL], home: home("owner"), env: later).records()
        XCTAssertEqual(owners.last?["mailbox"] as? Int, 1, "the owner's expiry takes everyone's")
        XCTAssertEqual(try waiting(), [ids[2], ids[3]])

        // Carol cannot erase what waits for Bob; Bob can.
        let carolsErase = try run("sotto-erase", ["--message", ids[3], "--pending", "--mailbox", carolURL, "--yes"], home: carol)
        XCTAssertEqual(try waiting(), [ids[2], ids[3]], carolsErase.summary)
        let erased = try ok("sotto-erase", ["--message", ids[3], "--pending", "--mailbox", bobURL, "--yes"], home: bob).record("erasure")
        XCTAssertEqual((erased["removed"] as? [String: Any])?["mailbox"] as? Int, 1)
        XCTAssertEqual(erased["remnants"] as? Int, 0)
        XCTAssertEqual(try waiting(), [ids[2]])
        XCTAssertEqual(try server.psql("SELECT count(*) FROM sotto.envelopes", url: server.adminURL), ["1"], "its bytes went with it")
    }

    func testBadCredentialsAndAnUnreachableServerSayWhatFailed() throws {
        let bob = try fixtureHome("bob")
        let bobURL = try server.addUser("bob", addresses: [try address(bob)])
        let password = try XCTUnwrap(bobURL.components(separatedBy: ":")[2].components(separatedBy: "@").first)
        let wrong = bobURL.replacingOccurrences(of: password, with: "not-" + password)
        let denied = try run("sotto-recv", ["--mailbox", wrong], home: bob)
        assertFailure(denied, tool: "sotto-recv", status: 69, contains: ["password authentication failed"])
        XCTAssertFalse(denied.err.contains(password), "the password is never printed")

        // From PGPASSWORD when the URL has none.
        let bare = bobURL.replacingOccurrences(of: ":" + password + "@", with: "@")
        XCTAssertEqual(try ok("sotto-recv", ["--mailbox", bare], home: bob, env: ["PGPASSWORD": password]).out, "")

        let closed = try run("sotto-send", ["--mailbox", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"], stdin: Data(), home: bob)
        assertFailure(closed, tool: "sotto-send", status: 69, contains: ["cannot connect to the mailbox server postgres://nobody@127.0.0.1:1/none"])
        let mode = try run("sotto-send", ["--mailbox", "postgres://x@127.0.0.1/db?sslmode=sometimes"], stdin: Data(), home: bob)
        assertFailure(mode, tool: "sotto-send", status: 64, contains: ["unknown sslmode 'sometimes'"])
        // A plain-text server and sslmode=require: refused before any password is sent.
        let tls = try run("sotto-recv", ["--mailbox", bobURL + "?sslmode=require"], home: bob)
        assertFailure(tls, tool: "sotto-recv", status: 69, contains: ["does not offer TLS"])
    }

    /// The server refuses this SQL from this role, saying `reason`.
    func assertRefused(_ sql: String, as url: String, _ reason: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let error = try server.psqlError(sql, url: url)
        XCTAssertTrue(error.hasPrefix("ERROR:  ") && error.contains(reason), "\(sql): \(error.debugDescription)", file: file, line: line)
    }

    func waitUntil(_ what: String, timeout: TimeInterval = 10, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting until \(what)")
    }
}
