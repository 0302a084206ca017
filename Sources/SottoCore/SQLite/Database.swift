import FoundationEssentials
internal import CSQLite
import Glibc

/// A thin SQLite connection: prepared statements finalized on deinit,
/// errors that carry SQLite's code and message, WAL and secure_delete on.
public final class Database {
    /// The files of a database at `path` that exist: the database, and any
    /// -wal, -shm and -journal beside it.
    public static func files(of path: String) -> [String] {
        [path, path + "-wal", path + "-shm", path + "-journal"].filter { FileManager.default.fileExists(atPath: $0) }
    }

    let handle: OpaquePointer
    /// How long a statement waits for another connection's lock, in milliseconds.
    static let busyTimeout: Int32 = 10_000
    public let path: String
    /// Statements of `run` and `rows`, compiled once per connection: a
    /// command that stores thousands of envelopes runs the same few SQL texts.
    private var cache = [String: Statement]()

    public init(path: String, create: Bool = true) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw SottoError(status == SQLITE_CANTOPEN ? .notFound : .io, "cannot open \(path): \(message)")
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, Self.busyTimeout)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA secure_delete = ON")
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA temp_store = MEMORY")
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ status: Int32, _ sql: String) -> SottoError { Self.error(status, sql, connection: handle, path: path) }

    static func error(_ status: Int32, _ sql: String, connection handle: OpaquePointer, path: String) -> SottoError {
        let message = String(cString: sqlite3_errmsg(handle))
        switch status & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return SottoError(.temporary, "database is busy: \(message)", hints: ["retry; another sotto command holds a lock"])
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return SottoError(.malformed, "\(path) is damaged or not a sotto database: \(message)")
        case SQLITE_FULL, SQLITE_IOERR:
            return SottoError(.io, "cannot write \(path): \(message)")
        case SQLITE_CONSTRAINT:
            return SottoError(.malformed, "constraint failed: \(message)")
        default:
            return SottoError(.io, "sqlite error \(status) (\(message)) in: \(sql.prefix(60))")
        }
    }

    public func execute(_ sql: String) throws {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status, sql) }
    }

    /// A statement of its own, for a caller that keeps it stepping across calls.
    public func prepare(_ sql: String) throws -> Statement { try Statement(self, sql) }

    /// Runs `body` with the cached statement for `sql`, bound to `values`;
    /// the statement is reset and its bindings released afterwards.
    func withStatement<R>(_ sql: String, _ values: [SQLValue], _ body: (Statement) throws -> R) throws -> R {
        let statement: Statement
        if let cached = cache[sql] {
            statement = cached
        } else {
            statement = try Statement(self, sql)
            cache[sql] = statement
        }
        defer { statement.release() }
        try statement.bind(values)
        return try body(statement)
    }

    /// Runs `body` in an immediate transaction, rolled back on any error.
    /// Taking the write lock up front means a busy database is met here,
    /// where waiting (the busy timeout, then a few retries) is safe.
    /// Inside another transaction it nests as a savepoint, so a caller can
    /// make several operations that each use a transaction one atomic unit.
    public func transaction<R>(_ body: () throws -> R) throws -> R {
        if depth > 0 {
            let name = "nested\(depth)"
            return try scoped(begin: "SAVEPOINT \(name)", commit: "RELEASE \(name)",
                              rollback: ["ROLLBACK TO \(name)", "RELEASE \(name)"], body)
        }
        return try scoped(begin: "BEGIN IMMEDIATE", commit: "COMMIT", rollback: ["ROLLBACK"], retryBusy: true, body)
    }

    /// Runs `body` in a deferred read transaction: in WAL mode it sees one
    /// snapshot of the database throughout, and writers are not blocked.
    public func snapshot<R>(_ body: () throws -> R) throws -> R {
        if depth > 0 { return try body() }
        return try scoped(begin: "BEGIN DEFERRED", commit: "COMMIT", rollback: ["ROLLBACK"], body)
    }

    private var depth = 0

    private func scoped<R>(begin: String, commit: String, rollback: [String], retryBusy: Bool = false,
                           _ body: () throws -> R) throws -> R {
        var attempt = 0
        while true {
            do {
                try run(begin)
                break
            } catch let error as SottoError where retryBusy && error.kind == .temporary && attempt < 4 {
                attempt += 1
                usleep(UInt32(100_000 << attempt))
            }
        }
        depth += 1
        defer { depth -= 1 }
        do {
            let result = try body()
            try run(commit)
            return result
        } catch {
            for statement in rollback { try? run(statement) }
            throw error
        }
    }

    public func run(_ sql: String, _ values: [SQLValue] = []) throws {
        try withStatement(sql, values) { statement in while try statement.step() {} }
    }

    public func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        try withStatement(sql, values) { statement in
            var rows = [Row]()
            while try statement.step() { rows.append(statement.row()) }
            return rows
        }
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

public enum SQLValue: Equatable {
    case null
    case int(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLValue {
    public static func int(_ value: Int) -> SQLValue { .int(Int64(value)) }
    public static func optional(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
}

public struct Row {
    public let values: [SQLValue]
    public subscript(_ index: Int) -> SQLValue { values[index] }

    /// A value the schema requires: a stored row never falls back to a
    /// default, so a damaged database is reported, not read as empty values.
    public func required<T>(_ read: (Row) -> (Int) -> T?, _ index: Int, in database: String) throws -> T {
        guard let value = read(self)(index) else {
            throw SottoError(.malformed, "the \(database) is damaged: a stored row lacks a value it must have",
                             hints: ["the file was altered or corrupted"])
        }
        return value
    }
    public func int(_ index: Int) -> Int? { if case .int(let v) = values[index] { return Int(v) }; return nil }
    public func text(_ index: Int) -> String? { if case .text(let v) = values[index] { return v }; return nil }
    public func blob(_ index: Int) -> [UInt8]? {
        switch values[index] {
        case .blob(let v): return v
        case .null: return nil
        case .text(let t): return Array(t.utf8)
        case .int: return nil
        }
    }
}

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement. It keeps the connection, not the Database, so the
/// Database's cache of statements is not a reference cycle; a statement that
/// outlives its Database keeps the connection open until it is finalized
/// (sqlite3_close_v2).
public final class Statement {
    let connection: OpaquePointer
    let path: String
    let handle: OpaquePointer
    let sql: String

    init(_ database: Database, _ sql: String) throws {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw database.error(status, sql) }
        connection = database.handle
        path = database.path
        self.handle = statement
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    func error(_ status: Int32) -> SottoError { Database.error(status, sql, connection: connection, path: path) }

    /// Ends the statement's read or write and drops copies of bound values.
    func release() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(handle, index)
            case .int(let v): status = sqlite3_bind_int64(handle, index, v)
            case .text(let v): status = sqlite3_bind_text(handle, index, v, -1, SQLITE_TRANSIENT)
            case .blob(let v): status = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
            }
            guard status == SQLITE_OK else { throw error(status) }
        }
    }

    /// Advances; true when a row is ready.
    public func step() throws -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw error(status)
        }
    }

    func row() -> Row {
        Row(values: (0..<sqlite3_column_count(handle)).map { column in
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER: return .int(sqlite3_column_int64(handle, column))
            case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(handle, column)))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(handle, column))
                guard count > 0, let base = sqlite3_column_blob(handle, column) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
            default: return .null
            }
        })
    }
}
