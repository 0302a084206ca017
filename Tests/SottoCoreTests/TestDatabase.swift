import Foundation
import SottoCore
@testable import SottoPostgres
import XCTest

/// A fresh database on the test server, dropped afterwards.
struct TestDatabase {
    let server: String
    let name = "sotto_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)

    var url: String { Self.replacingDatabase(server, with: name) }

    /// A new database when SOTTO_TEST_POSTGRES names a server, else nil.
    static func ifConfigured() throws -> TestDatabase? {
        guard let server = ProcessInfo.processInfo.environment["SOTTO_TEST_POSTGRES"], !server.isEmpty else { return nil }
        return try TestDatabase(server: server)
    }

    /// A new database, or a skip when no server is configured.
    static func required() throws -> TestDatabase {
        guard let database = try ifConfigured() else {
            throw XCTSkip("SOTTO_TEST_POSTGRES is not set: `make test` starts a PostgreSQL server and sets it")
        }
        return database
    }

    init(server: String) throws {
        self.server = server
        try PostgresSession(PostgresSettings(url: server)).execute(.init(unsafeSQL: "CREATE DATABASE \(name)"))
    }

    func drop() throws {
        try PostgresSession(PostgresSettings(url: server)).execute(.init(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
    }

    /// The same server URL naming another database.
    static func replacingDatabase(_ url: String, with name: String) -> String {
        let query = url.firstIndex(of: "?").map { String(url[$0...]) } ?? ""
        let base = url.firstIndex(of: "?").map { String(url[..<$0]) } ?? url
        let authority = base.components(separatedBy: "://")
        guard authority.count == 2 else { return url }
        let host = authority[1].split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return authority[0] + "://" + host + "/" + name + query
    }
}
