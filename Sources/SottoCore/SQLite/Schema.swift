/// Versioned schemas: migration N brings `PRAGMA user_version` from N to N+1,
/// inside one immediate transaction so concurrent first uses cannot race.
enum Schema {
    /// One step: SQL, or code for what SQL cannot compute (a hash of stored bytes).
    struct Migration: ExpressibleByStringLiteral, Sendable {
        let run: @Sendable (Database) throws -> Void

        init(stringLiteral sql: String) { run = { try $0.execute(sql) } }
        init(_ run: @escaping @Sendable (Database) throws -> Void) { self.run = run }
    }

    static func migrate(_ db: Database, _ migrations: [Migration], what: String) throws {
        let version = try db.rows("PRAGMA user_version").first?.int(0) ?? 0
        if version == migrations.count { return }
        guard version < migrations.count else {
            throw SottoError(.unsupported, "the \(what) schema (version \(version)) is newer than this sotto understands")
        }
        try db.transaction {
            let current = try db.rows("PRAGMA user_version").first?.int(0) ?? 0
            for index in current..<migrations.count {
                try migrations[index].run(db)
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
