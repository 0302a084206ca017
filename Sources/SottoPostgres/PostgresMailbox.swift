import NIOCore
import PostgresNIO
import SottoCore

/// The mailbox on a PostgreSQL server, for senders and receivers on many
/// hosts. Same contract as the SQLite file; the schema (PostgresSchema) has
/// the server, not this client, decide what each role may read and delete.
/// Envelopes travel in 1 MiB chunks, one row each, so memory stays bounded.
public final class PostgresMailbox: Mailbox {
    static let chunkSize = 1 << 20
    let session: PostgresSession
    private var depth = 0
    /// A read-only snapshot opened for a chunk stream, ended before anything else runs.
    private var readSnapshot = false
    /// The addresses of the last listing: what a wait listens for.
    private var watched = [String]()
    /// The bytes of the small envelopes the last listing returned, so that
    /// receiving them costs no further round trip.
    private var prefetched = [EnvelopeID: [UInt8]]()

    public var settings: PostgresSettings { session.settings }

    public init(url: String) throws {
        session = try PostgresSession(PostgresSettings(url: url))
        try migrate()
    }

    /// Brings the schema up to date when this role may; a role that may not
    /// gets a clear error naming the version it needs.
    func migrate() throws {
        let wanted = PostgresSchema.migrations.count
        if try version() == wanted { return }
        try transaction {
            // A migration re-keys every stored envelope: no statement limit for it.
            try session.execute("SET LOCAL statement_timeout = 0")
            try session.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockKey))")
            let current = try version()
            guard current < wanted else {
                if current == wanted { return }
                throw SottoError(.unsupported, "the mailbox schema on \(settings) (version \(current)) is newer than this sotto understands")
            }
            guard try session.rows("SELECT has_database_privilege(current_database(), 'CREATE')").first?.decode(Bool.self) == true else {
                throw SottoError(.unavailable, "the mailbox on \(settings) needs its schema (version \(wanted)), and \(settings.user) may not create it",
                                 hints: ["the administrator runs any sotto delivery command once as the schema's owner (docs/postgres.md)"])
            }
            for index in current..<wanted {
                for statement in PostgresSchema.statements(PostgresSchema.migrations[index]) {
                    try session.execute(PostgresQuery(unsafeSQL: statement))
                }
            }
            try session.execute("""
                INSERT INTO sotto.meta (key, value) VALUES ('schema_version', \(Int64(wanted)))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """)
        }
    }

    func version() throws -> Int {
        // Two statements: a query naming a missing table fails when parsed.
        guard try session.rows("SELECT to_regclass('sotto.meta') IS NOT NULL").first?.decode(Bool.self) == true else { return 0 }
        let rows = try session.rows("SELECT value FROM sotto.meta WHERE key = 'schema_version'")
        return try Int(rows.first?.decode(Int64.self) ?? 0)
    }

    // MARK: Transactions

    public func batch<R>(_ body: () throws -> R) throws -> R {
        try transaction(body)
    }

    private func transaction<R>(_ body: () throws -> R) throws -> R {
        try endReadSnapshot()
        if depth > 0 { return try body() }
        try session.execute("BEGIN")
        depth += 1
        defer { depth -= 1 }
        do {
            let result = try body()
            try session.execute("COMMIT")
            return result
        } catch {
            _ = try? session.execute("ROLLBACK")
            throw error
        }
    }

    private func endReadSnapshot() throws {
        guard readSnapshot else { return }
        readSnapshot = false
        try session.execute("COMMIT")
    }

    // MARK: Sending

    public func deposit(_ deliveries: [Delivery], now: Int64) throws -> [DepositReceipt] {
        try transaction { try deliveries.map { try deposit($0.envelope, to: $0.addresses, now: now) } }
    }

    /// One envelope, chunk by chunk, inside the caller's transaction. Chunks
    /// are 1 MiB but the last, as the server checks the id chunk by chunk.
    private func deposit(_ envelope: IncomingEnvelope, to addresses: [String], now: Int64) throws -> DepositReceipt {
        try transaction {
            let id = envelope.id
            let hasher = EnvelopeIDHasher()
            let first = min(Self.chunkSize, max(1, envelope.sizeHint ?? Self.chunkSize))
            var current = try Self.chunk(of: envelope, startingAt: first, hasher: hasher)
            var n: Int32 = 0
            while true {
                // A chunk is the last when the next one is empty: read ahead to know.
                let next = current.count < Self.chunkSize ? [] : try Self.chunk(of: envelope, startingAt: Self.chunkSize, hasher: hasher)
                let last = next.isEmpty
                if last, hasher.finalize() != id {
                    throw envelope.mismatch
                }
                let rows = try session.rows("""
                    SELECT sotto.deposit(\(id.hex), \(envelope.expiresAt), \(now), \(n), \(ByteBuffer(bytes: current)), \(last), \(addresses))
                    """)
                if let stored = try rows.first?.decode([Bool]?.self) {
                    guard stored.count == addresses.count else {
                        throw SottoError(.internal, "the mailbox server answered \(stored.count) statuses for \(addresses.count) addresses")
                    }
                    return DepositReceipt(id: id, statuses: stored.map { $0 ? .stored : .duplicate })
                }
                guard !last else { throw SottoError(.internal, "the mailbox server did not finish envelope \(id)") }
                current = next
                n += 1
            }
        }
    }

    /// The next chunk: up to 1 MiB, less only at the end. The buffer starts
    /// at `capacity` (an envelope's size, when small) and grows if the size was wrong.
    private static func chunk(of envelope: IncomingEnvelope, startingAt capacity: Int, hasher: EnvelopeIDHasher) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: capacity)
        var filled = 0
        while filled < chunkSize {
            if filled == buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, chunkSize - buffer.count)))
            }
            let got = try buffer.withUnsafeMutableBytes { try envelope.read(UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if got == 0 { break }
            filled += got
        }
        buffer.removeLast(buffer.count - filled)
        buffer.withUnsafeBytes { hasher.update($0) }
        return buffer
    }

    // MARK: Receiving

    static let columns = "d.seq, d.mailbox, e.id, e.expires_at, e.size, d.stored_at"

    public func pending(for addresses: [String], now: Int64, limit: Int) throws -> [StoredEnvelope] {
        guard !addresses.isEmpty else { return [] }
        watched = addresses
        try endReadSnapshot()
        // The listing brings the bytes of small envelopes along.
        let prefetch = Prefetch.sizeLimit(listing: limit)
        let rows = try session.rows("""
            SELECT \(unescaped: Self.columns),
                   CASE WHEN e.size <= \(prefetch) THEN (SELECT c.bytes FROM sotto.envelope_chunks c WHERE c.envelope = e.id AND c.n = 0) END
            FROM sotto.deliveries d JOIN sotto.envelopes e ON e.id = d.envelope
            WHERE d.mailbox = ANY(\(addresses)) AND (e.expires_at IS NULL OR e.expires_at > \(now))
            ORDER BY d.seq LIMIT \(Int64(min(limit, Int(Int64.max))))
            """)
        prefetched.removeAll()
        return try rows.map { row in
            let entry = try Self.entry(row)
            if var bytes = try row.makeRandomAccess()[6].decode(ByteBuffer?.self) {
                prefetched[entry.id] = bytes.readBytes(length: bytes.readableBytes)
            }
            return entry
        }
    }

    static func entry(_ row: PostgresRow) throws -> StoredEnvelope {
        let columns = row.makeRandomAccess()
        return StoredEnvelope(id: try Self.envelopeID(columns[2].decode(String.self)), mailbox: try columns[1].decode(String.self),
                              expiresAt: try columns[3].decode(Int64?.self), size: try columns[4].decode(Int64?.self) ?? 0,
                              storedAt: try columns[5].decode(Int64.self), openedAt: nil, sequence: try columns[0].decode(Int64.self))
    }

    /// An id the server handed back: anything but 32 lowercase hex digits is damage.
    static func envelopeID(_ text: String) throws -> EnvelopeID {
        guard let id = EnvelopeID(text) else {
            throw SottoError(.malformed, "the mailbox server returned an envelope id that is not one")
        }
        return id
    }

    /// A small envelope comes from the listing that named it. A larger one
    /// is read inside one snapshot (REPEATABLE READ), so a removal committed
    /// meanwhile cannot cut the stream short; inside a batch it is read in
    /// the batch's transaction.
    public func sourceIfPresent(for envelope: StoredEnvelope) throws -> ByteSource? {
        try endReadSnapshot()
        if let bytes = prefetched.removeValue(forKey: envelope.id) { return MemorySource(bytes) }
        if depth == 0 {
            try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            readSnapshot = true
        }
        let count = try session.rows("SELECT count(*) FROM sotto.envelope_chunks WHERE envelope = \(envelope.id.hex)")
            .first?.decode(Int64.self) ?? 0
        if count == 0 {
            try endReadSnapshot()
            return nil
        }
        return PostgresChunkSource(mailbox: self, id: envelope.id, chunks: count)
    }

    /// One chunk of an envelope; the stream's last read ends the snapshot.
    func chunk(_ id: EnvelopeID, _ n: Int64, last: Bool) throws -> [UInt8] {
        let rows = try session.rows("SELECT bytes FROM sotto.envelope_chunks WHERE envelope = \(id.hex) AND n = \(Int32(clamping: n))")
        guard var buffer = try rows.first?.decode(ByteBuffer.self) else {
            throw SottoError(.temporary, "envelope \(id) changed while it was read", hints: ["run the command again"])
        }
        if last { try endReadSnapshot() }
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    public func remove(_ envelope: StoredEnvelope) throws {
        try remove([envelope])
    }

    public func remove(_ envelopes: [StoredEnvelope]) throws {
        guard !envelopes.isEmpty else { return }
        try endReadSnapshot()
        try session.execute("DELETE FROM sotto.deliveries WHERE seq = ANY(\(envelopes.map(\.sequence)))")
    }

    // MARK: Expiry

    public func expired(now: Int64) throws -> [StoredEnvelope] {
        try endReadSnapshot()
        return try session.rows("""
            SELECT \(unescaped: Self.columns) FROM sotto.deliveries d JOIN sotto.envelopes e ON e.id = d.envelope
            WHERE e.expires_at <= \(now) ORDER BY d.seq
            """).map(Self.entry)
    }

    /// Removes the expired deliveries this role may see (every one, for the
    /// schema's owner); each envelope goes with its last delivery.
    public func removeExpired(now: Int64) throws -> [StoredEnvelope] {
        try transaction {
            let gone = try expired(now: now)
            try session.execute("""
                DELETE FROM sotto.deliveries d USING sotto.envelopes e WHERE e.id = d.envelope AND e.expires_at <= \(now)
                """)
            return gone
        }
    }

    /// Waits on the channels of the addresses last listed: each mailbox's
    /// own, which only its owner can read.
    public func waitForChange(timeout: Double) throws {
        try endReadSnapshot()
        let channels = try session.rows("SELECT m.channel FROM sotto.mailboxes m WHERE m.address = ANY(\(watched)) ORDER BY 1")
            .map { try $0.decode(String.self) }
        guard channels.allSatisfy({ $0.hasPrefix("sotto_") && Hex.isLowercase(String($0.dropFirst(6)), digits: 32) }) else {
            throw SottoError(.malformed, "the mailbox server returned a channel name that is not one")
        }
        try session.wait(for: channels, timeout: timeout)
    }
}

/// Streams one envelope's chunks, one query per chunk.
final class PostgresChunkSource: ByteSource {
    private let mailbox: PostgresMailbox
    private let id: EnvelopeID
    private let chunks: Int64
    private var n: Int64 = 0
    private var current = [UInt8]()
    private var offset = 0

    init(mailbox: PostgresMailbox, id: EnvelopeID, chunks: Int64) {
        self.mailbox = mailbox
        self.id = id
        self.chunks = chunks
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset == current.count {
            guard n < chunks else { return 0 }
            current = try mailbox.chunk(id, n, last: n == chunks - 1)
            offset = 0
            n += 1
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}
