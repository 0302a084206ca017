/// An envelope arriving for storage: its id, its expiry, and a way to
/// stream its bytes. Stores check the bytes against the id as they go.
public struct IncomingEnvelope {
    public var id: EnvelopeID
    public var expiresAt: Int64?
    /// The size in bytes when known in advance.
    public var sizeHint: Int?
    /// Fills the buffer with the next bytes; 0 at the end.
    public var read: (UnsafeMutableRawBufferPointer) throws -> Int
    /// The whole envelope, when it is already in memory.
    public private(set) var bytes: [UInt8]?

    public init(bytes: [UInt8], id: EnvelopeID, expiresAt: Int64?) {
        self.init(id: id, expiresAt: expiresAt, source: MemorySource(bytes), sizeHint: bytes.count)
        self.bytes = bytes
    }

    public init(id: EnvelopeID, expiresAt: Int64?, source: ByteSource, sizeHint: Int? = nil) {
        self.init(id: id, expiresAt: expiresAt) { try source.read(into: $0) }
        self.sizeHint = sizeHint
    }

    public init(id: EnvelopeID, expiresAt: Int64?, read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.id = id
        self.expiresAt = expiresAt
        self.read = read
    }
}

/// What storing an envelope in the inbox came to.
public enum InboxOutcome {
    case stored(StoredEnvelope)
    /// The inbox already holds this id: a resend is not news.
    case alreadyHeld
    /// The inbox deleted this envelope before (it expired, was read, or was
    /// erased): the same bytes again are a replay, and are not kept.
    case deletedBefore
    /// The envelope's own stanza says it expired at this time: nothing is
    /// kept, as expiry would delete it at once.
    case expired(Int64)
    /// The bytes do not hash to the id they came with: nothing was stored.
    /// Not the same as a damaged inbox, which throws.
    case mismatch(SottoError)

    public var stored: StoredEnvelope? { if case .stored(let envelope) = self { return envelope }; return nil }
}

/// What a mailbox or inbox knows about one stored envelope.
public struct StoredEnvelope: Equatable, Sendable {
    public var id: EnvelopeID
    public var mailbox: String?
    public var expiresAt: Int64?
    public var size: Int64
    public var storedAt: Int64
    public var openedAt: Int64?
    /// The position in the store, for --since and cursors.
    public var sequence: Int64

    public init(id: EnvelopeID, mailbox: String?, expiresAt: Int64?, size: Int64, storedAt: Int64, openedAt: Int64?, sequence: Int64) {
        self.id = id
        self.mailbox = mailbox
        self.expiresAt = expiresAt
        self.size = size
        self.storedAt = storedAt
        self.openedAt = openedAt
        self.sequence = sequence
    }
}

extension Row {
    /// An envelope id stored in a column: anything but 32 lowercase hex digits is damage.
    func envelopeID(_ index: Int, in database: String) throws -> EnvelopeID {
        guard let id = text(index).flatMap(EnvelopeID.init) else {
            throw SottoError(.malformed, "the \(database) is damaged: a stored envelope id is not one", hints: ["the file was altered or corrupted"])
        }
        return id
    }
}

extension IncomingEnvelope {
    /// What a store says of bytes that do not hash to the id they came with.
    public var mismatch: SottoError { SottoError(.malformed, "envelope \(id): its bytes do not match its id") }
}

extension ChunkTable {
    /// Writes an envelope's bytes as the chunks of `owner`, hashing them as
    /// they go: the size written, and whether the bytes are the ones its id names.
    func write(_ envelope: IncomingEnvelope, owner: Int64) throws -> (size: Int64, matchesID: Bool) {
        let hasher = EnvelopeIDHasher()
        let size = try write(owner: owner, sizeHint: envelope.sizeHint) { buffer in
            let n = try envelope.read(buffer)
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            return n
        }
        return (size, hasher.finalize() == envelope.id)
    }
}

extension Schema {
    /// Re-keys each row of `table` by the envelope id of its stored bytes:
    /// ids were once a BLAKE2b of the whole file.
    static func rehashEnvelopeIDs(_ db: Database, table: String, key: String, chunks: String) throws {
        let store = ChunkTable(db: db, table: chunks)
        for row in try db.rows("SELECT \(key) FROM \(table)") {
            let owner = Int64(try row.required(Row.int, 0, in: table))
            let id = try EnvelopeID.of(reading: store.source(owner: owner))
            try db.run("UPDATE \(table) SET id = ? WHERE \(key) = ?", [.text(id.hex), .int(owner)])
        }
    }
}
