/// Versioned schemas: migration N brings `PRAGMA user_version` from N to N+1,
/// inside one immediate transaction so concurrent first uses cannot race.
enum Schema {
    static func migrate(_ db: Database, _ migrations: [String], what: String) throws {
        let version = try db.rows("PRAGMA user_version").first?.int(0) ?? 0
        if version == migrations.count { return }
        guard version < migrations.count else {
            throw SottoError(.unsupported, "the \(what) schema (version \(version)) is newer than this sotto understands")
        }
        try db.transaction {
            let current = try db.rows("PRAGMA user_version").first?.int(0) ?? 0
            for index in current..<migrations.count {
                try db.execute(migrations[index])
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
