import Foundation
import XCTest

/// The mailbox a delivery test runs against: the SQLite file the homes
/// share, or a PostgreSQL database where each person logs in as their own
/// role (the setup docs/postgres.md describes).
final class TestMailbox {
    let name: String
    private let file: String?
    private let server: PostgresServer?
    private var urls = [String: String]()

    private init(name: String, file: String?, server: PostgresServer?) {
        self.name = name
        self.file = file
        self.server = server
    }

    static func sqlite(_ path: String) -> TestMailbox { TestMailbox(name: "sqlite", file: path, server: nil) }
    static func postgres(_ server: PostgresServer) -> TestMailbox { TestMailbox(name: "postgres", file: nil, server: server) }

    /// On PostgreSQL: the schema, made by a command run as its owner, and a role for each person.
    func register(alice: String, bob: String, _ test: DeliveryTests) throws {
        guard let server else { return }
        try test.ok("sotto-send", ["--mailbox", server.adminURL], stdin: Data())
        for (person, home) in [("alice", alice), ("bob", bob)] {
            let address = try XCTUnwrap(test.identityRecord(home: home)["mailbox"] as? String)
            urls[person] = try server.addUser(person, addresses: [address])
        }
    }

    /// The environment of one person's commands.
    func env(_ person: String) -> [String: String] { ["SOTTO_MAILBOX": file ?? urls[person] ?? ""] }

    /// The ids of the envelopes waiting for an address.
    func waiting(for address: String, _ test: DeliveryTests) throws -> Set<String> {
        if let server { return Set(try server.psql("SELECT envelope FROM sotto.deliveries WHERE mailbox = '\(address)'")) }
        return Set(try test.rowsIfCreated(file ?? "", """
            SELECT e.id FROM deliveries d JOIN envelopes e ON e.rowid = d.envelope WHERE d.mailbox = '\(address)'
            """))
    }

    /// A shell command that deletes every expired envelope, as an
    /// administrator's cron job would, and prints how many it deleted.
    func purgeCommand() throws -> String {
        if let server {
            // As sotto-expire does it: deliveries first, their envelopes collected by the trigger.
            // Deleting envelopes first would take the locks in the opposite order to recv's
            // removals, and the server would break the deadlock by failing one of them.
            let sql = "WITH gone AS (DELETE FROM sotto.deliveries d USING sotto.envelopes e WHERE e.id = d.envelope AND e.expires_at <= extract(epoch FROM now())::bigint RETURNING 1) SELECT count(*) FROM gone"
            return "psql -X -q -A -t -d '\(server.adminURL)' -c '\(sql)'"
        }
        let sqlite3 = try XCTUnwrap(["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) })
        return "'\(sqlite3)' -batch -cmd '.timeout 10000' '\(file ?? "")' \"PRAGMA foreign_keys = ON; DELETE FROM envelopes WHERE expires_at <= strftime('%s','now'); SELECT changes();\""
    }

    /// How many deliveries and envelopes are left.
    func remaining(_ test: DeliveryTests) throws -> [Int] {
        if let server {
            return try server.psql("SELECT (SELECT count(*) FROM sotto.deliveries) || '|' || (SELECT count(*) FROM sotto.envelopes)")
                .first?.split(separator: "|").compactMap { Int($0) } ?? []
        }
        return try ["deliveries", "envelopes"].map { Int(try test.sqlite(file ?? "", "SELECT count(*) FROM \($0)").first ?? "") ?? -1 }
    }

    /// What is wrong with the store's integrity: nothing, one hopes.
    func problems(_ test: DeliveryTests) throws -> [String] {
        if let server {
            return try server.psql("""
                SELECT 'unfinished envelope ' || id FROM sotto.envelopes WHERE size IS NULL
                UNION ALL SELECT 'chunks missing from ' || e.id FROM sotto.envelopes e
                  WHERE e.size <> (SELECT coalesce(sum(octet_length(bytes)), 0) FROM sotto.envelope_chunks c WHERE c.envelope = e.id)
                """)
        }
        let file = self.file ?? ""
        return try test.sqlite(file, "PRAGMA integrity_check").filter { $0 != "ok" } + test.sqlite(file, "PRAGMA foreign_key_check")
    }
}
