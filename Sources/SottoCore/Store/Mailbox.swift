import FoundationEssentials

/// Where envelopes wait for their recipients. The SQLite file is the
/// embedded default; other stores (PostgreSQL) implement the same protocol,
/// so no command changes with the backend.
public protocol Mailbox: AnyObject {
    /// Runs several operations in one transaction.
    func batch<R>(_ body: () throws -> R) throws -> R

    /// Stores a batch of envelopes, each for its addresses, in one
    /// transaction: all land, or none. A repeat of an (address, id) pair
    /// stores nothing and reports `.duplicate`. One receipt per delivery, in order.
    func deposit(_ deliveries: [Delivery], now: Int64) throws -> [DepositReceipt]

    /// Envelopes waiting for these addresses, oldest first, not yet expired.
    func pending(for addresses: [String], now: Int64, limit: Int) throws -> [StoredEnvelope]

    /// One envelope's bytes, as a stream; nil when it is no longer there.
    /// The stream reads one snapshot: a concurrent removal cannot cut it short.
    func sourceIfPresent(for envelope: StoredEnvelope) throws -> ByteSource?

    /// Removes the entry of one address, once the recipient holds it safely.
    func remove(_ envelope: StoredEnvelope) throws

    /// Removes several entries at once, in one transaction.
    func remove(_ envelopes: [StoredEnvelope]) throws

    /// Entries that expired at or before `now`, without removing them.
    func expired(now: Int64) throws -> [StoredEnvelope]

    /// Removes every entry that expired at or before `now`.
    func removeExpired(now: Int64) throws -> [StoredEnvelope]

    /// Returns when the mailbox may have changed, or after `timeout` seconds.
    func waitForChange(timeout: Double) throws
}

/// How large an envelope a listing of `count` entries brings its bytes
/// along for: small ones, within a budget that bounds the listing's memory.
public enum Prefetch {
    static let budget = 8 << 20
    public static func sizeLimit(listing count: Int) -> Int64 { Int64(min(64 << 10, budget / max(count, 1))) }
}

public enum DepositStatus: String, Sendable {
    case stored, duplicate
}

/// One envelope and the mailbox addresses it goes to.
public struct Delivery {
    public var envelope: IncomingEnvelope
    public var addresses: [String]

    public init(_ envelope: IncomingEnvelope, to addresses: [String]) {
        self.envelope = envelope
        self.addresses = addresses
    }
}

/// What a deposit came to: the envelope's id and one status per address.
public struct DepositReceipt: Equatable, Sendable {
    public var id: EnvelopeID
    public var statuses: [DepositStatus]

    public init(id: EnvelopeID, statuses: [DepositStatus]) {
        self.id = id
        self.statuses = statuses
    }
}

/// Where the mailbox is: --mailbox, else SOTTO_MAILBOX, else a file in the home.
public enum MailboxLocation: Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public static func resolve(_ explicit: String?, home: Home) throws -> MailboxLocation {
        let env = ProcessInfo.processInfo.environment["SOTTO_MAILBOX"]
        let spec = [explicit, env].compactMap { $0 }.first { !$0.isEmpty } ?? home.mailboxPath
        if spec.hasPrefix("postgres://") || spec.hasPrefix("postgresql://") { return .postgres(url: spec) }
        var path = spec
        if path.hasPrefix("sqlite://") { path.removeFirst("sqlite://".count) } else if path.hasPrefix("sqlite:") { path.removeFirst("sqlite:".count) }
        guard !path.isEmpty, !path.contains("://") else {
            throw SottoError(.usage, "unknown mailbox '\(spec.prefix(80))': give a SQLite path, sqlite:PATH or a postgres:// URL")
        }
        if explicit == nil, env == nil { try home.create() }
        return .sqlite(path: path)
    }
}

extension Mailbox {
    /// Stores one envelope: a batch of one.
    public func deposit(_ envelope: IncomingEnvelope, to addresses: [String], now: Int64) throws -> DepositReceipt {
        let receipts = try deposit([Delivery(envelope, to: addresses)], now: now)
        guard let receipt = receipts.first, receipts.count == 1 else {
            throw SottoError(.internal, "the mailbox answered \(receipts.count) receipts for one envelope")
        }
        return receipt
    }

    public func remove(_ envelopes: [StoredEnvelope]) throws {
        try batch { for envelope in envelopes { try remove(envelope) } }
    }

    /// One envelope as the inbox stores it: in memory when the listing
    /// brought its bytes along, else streamed; nil when it is no longer there.
    public func incoming(for envelope: StoredEnvelope) throws -> IncomingEnvelope? {
        guard let source = try sourceIfPresent(for: envelope) else { return nil }
        if let memory = source as? MemorySource {
            return IncomingEnvelope(bytes: memory.bytes, id: envelope.id, expiresAt: envelope.expiresAt)
        }
        return IncomingEnvelope(id: envelope.id, expiresAt: envelope.expiresAt, source: source, sizeHint: Int(envelope.size))
    }

    /// One envelope's bytes, as a stream.
    public func source(for envelope: StoredEnvelope) throws -> ByteSource {
        guard let source = try sourceIfPresent(for: envelope) else {
            throw SottoError(.notFound, "envelope \(envelope.id) is no longer in the mailbox")
        }
        return source
    }
}
