import Foundation
import XCTest

/// A database of its own on the test server (SOTTO_TEST_POSTGRES, which
/// `make test` sets after starting a throwaway server with pg_virtualenv),
/// set up the way docs/postgres.md tells an administrator to: an owner role
/// with CREATEROLE, the schema created by a sotto command run as that owner,
/// then one login role per person, in sotto_user, owning their addresses.
final class PostgresServer {
    /// The superuser URL of the test server.
    let server: String
    let database = "sotto_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
    private(set) var roles = [String]()
    private let owner: (role: String, password: String)

    /// Skips when no server is configured; `make test` always configures one.
    init() throws {
        guard let server = ProcessInfo.processInfo.environment["SOTTO_TEST_POSTGRES"], !server.isEmpty else {
            throw XCTSkip("SOTTO_TEST_POSTGRES is not set: `make test` starts a PostgreSQL server and sets it")
        }
        self.server = server
        owner = ("owner_" + database.suffix(6), "pw-" + UUID().uuidString)
        try psql("CREATE ROLE \(owner.role) LOGIN PASSWORD '\(owner.password)' CREATEROLE", url: server)
        roles.append(owner.role)
        try psql("CREATE DATABASE \(database) OWNER \(owner.role)", url: server)
    }

    func drop() {
        _ = try? psql("DROP DATABASE IF EXISTS \(database) WITH (FORCE)", url: server)
        for role in roles { _ = try? psql("DROP ROLE IF EXISTS \(role)", url: server) }
    }

    /// The schema owner's URL, on this database.
    var adminURL: String { url(user: owner.role, password: owner.password) }

    /// A person's URL: their role and password, on this database.
    func url(user: String, password: String) -> String {
        let hostAndRest = server.components(separatedBy: "@").last ?? server
        return url(replacingDatabaseIn: "postgres://\(user):\(password)@\(hostAndRest)")
    }

    private func url(replacingDatabaseIn url: String) -> String {
        let base = url.components(separatedBy: "?")[0]
        let parts = base.components(separatedBy: "://")
        let authority = parts[1].split(separator: "/", maxSplits: 1)[0]
        return "\(parts[0])://\(authority)/\(database)"
    }

    /// A login role for one person, receiving at these addresses (docs/postgres.md, "A new user").
    func addUser(_ name: String, addresses: [String], group: String = "sotto_user") throws -> String {
        let role = "\(name)_\(database.suffix(6))"
        let password = "pw-" + UUID().uuidString
        try psql("CREATE ROLE \(role) LOGIN PASSWORD '\(password)' IN ROLE \(group)", url: adminURL)
        roles.append(role)
        for address in addresses {
            try psql("INSERT INTO sotto.mailboxes (address, owner) VALUES ('\(address)', '\(role)')", url: adminURL)
        }
        return url(user: role, password: password)
    }

    /// Runs SQL with psql; returns the rows, fields separated by `|`.
    @discardableResult
    func psql(_ sql: String, url: String? = nil) throws -> [String] {
        let result = try runPsql(sql, url: url ?? adminURL)
        guard result.status == 0 else {
            throw NSError(domain: "psql", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: "psql \(sql): \(result.err)"])
        }
        return result.out.split(separator: "\n").map(String.init)
    }

    /// Runs SQL that should fail; returns psql's error text.
    func psqlError(_ sql: String, url: String) throws -> String {
        let result = try runPsql(sql, url: url)
        return result.status == 0 ? "" : result.err
    }

    private func runPsql(_ sql: String, url: String) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    /// The shell command that restarts the server (SOTTO_TEST_POSTGRES_RESTART, set by `make test`).
    func restartCommand() throws -> String {
        guard let command = ProcessInfo.processInfo.environment["SOTTO_TEST_POSTGRES_RESTART"], !command.isEmpty else {
            throw XCTSkip("SOTTO_TEST_POSTGRES_RESTART is not set")
        }
        return command
    }
}
