import Foundation
@testable import SottoCore
import SottoPostgres
import XCTest

/// The behaviour every Mailbox implementation must have: each test runs
/// once per backend, on a fresh SQLite file and on a fresh PostgreSQL
/// database (when SOTTO_TEST_POSTGRES names a server, as `make test` does).
final class MailboxConformanceTests: XCTestCase {
    private var backend = ""
    private var cleanups = [() throws -> Void]()

    override func tearDownWithError() throws {
        for cleanup in cleanups { try cleanup() }
        cleanups.removeAll()
    }

    /// Runs `body` against each backend; failures name the backend.
    func conform(_ body: (Mailbox) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "sotto-mailbox-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        cleanups.append { try? FileManager.default.removeItem(atPath: directory) }
        var backends: [(String, () throws -> Mailbox)] = [("sqlite", { try SQLiteMailbox(path: directory + "/mailbox.db") })]
        if let database = try TestDatabase.ifConfigured() {
            cleanups.append { try database.drop() }
            backends.append(("postgres", { try PostgresMailbox(url: database.url) }))
        }
        for (name, make) in backends {
            backend = name
            defer { backend = "" }
            do { try body(try make()) } catch { throw SottoError(.internal, "[\(name)] \(error)") }
        }
    }

    override func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool) {
        super.recordFailure(withDescription: backend.isEmpty ? description : "[\(backend)] " + description,
                            inFile: filePath, atLine: lineNumber, expected: expected)
    }

    let alice = String(repeating: "a", count: 32), bob = String(repeating: "b", count: 32)

    func envelope(_ text: String, expiresAt: Int64? = nil) -> (IncomingEnvelope, [UInt8]) {
        let bytes = Array(text.utf8)
        return (IncomingEnvelope(bytes: bytes, id: EnvelopeID.of(bytes), expiresAt: expiresAt), bytes)
    }

    func contents(_ mailbox: Mailbox, _ entry: StoredEnvelope) throws -> [UInt8] {
        let source = try mailbox.source(for: entry)
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return out }
            out += buffer[..<n]
        }
    }

    func testDepositIsIdempotentPerAddress() throws {
        try conform { mailbox in
            let (incoming, bytes) = envelope("one")
            let first = try mailbox.deposit(incoming, to: [alice, bob], now: 100)
            XCTAssertEqual(first.id, EnvelopeID.of(bytes))
            XCTAssertEqual(first.statuses, [.stored, .stored])
            XCTAssertEqual(try mailbox.deposit(envelope("one").0, to: [alice, bob], now: 101).statuses, [.duplicate, .duplicate])
            XCTAssertEqual(try mailbox.pending(for: [alice], now: 100, limit: 10).count, 1)
            XCTAssertEqual(try mailbox.pending(for: [alice, bob], now: 100, limit: 10).count, 2)
        }
    }

    func testPendingIsOrderedAndRemovalIsPerAddress() throws {
        try conform { mailbox in
            for text in ["a", "b", "c"] { _ = try mailbox.deposit(envelope(text).0, to: [alice, bob], now: 1) }
            let pending = try mailbox.pending(for: [alice], now: 1, limit: 10)
            XCTAssertEqual(try pending.map { String(decoding: try contents(mailbox, $0), as: UTF8.self) }, ["a", "b", "c"])
            try mailbox.remove(pending[0])
            XCTAssertEqual(try mailbox.pending(for: [alice], now: 1, limit: 10).count, 2)
            // Bob's copy of the same bytes is still readable.
            let bobs = try mailbox.pending(for: [bob], now: 1, limit: 10)
            XCTAssertEqual(try contents(mailbox, bobs[0]), Array("a".utf8))
            XCTAssertEqual(try mailbox.pending(for: [bob], now: 1, limit: 2).count, 2, "limit")
        }
    }

    func testExpiredEnvelopesAreHiddenAndRemoved() throws {
        try conform { mailbox in
            _ = try mailbox.deposit(envelope("short", expiresAt: 50).0, to: [alice], now: 1)
            _ = try mailbox.deposit(envelope("long", expiresAt: 500).0, to: [alice], now: 1)
            _ = try mailbox.deposit(envelope("never").0, to: [alice], now: 1)
            XCTAssertEqual(try mailbox.pending(for: [alice], now: 50, limit: 10).count, 2)
            let removed = try mailbox.removeExpired(now: 50)
            XCTAssertEqual(removed.map(\.expiresAt), [50])
            XCTAssertEqual(try mailbox.removeExpired(now: 50).count, 0, "idempotent")
            XCTAssertEqual(try mailbox.pending(for: [alice], now: 1, limit: 10).count, 2)
        }
    }

    func testLargeEnvelopesStreamInChunks() throws {
        try conform { mailbox in
            // A whole number of chunks, and one byte more: the last chunk is found either way.
            for size in [2 * ChunkTable.chunkSize, 2 * ChunkTable.chunkSize + 1] {
                let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ size) }
                let id = EnvelopeID.of(bytes)
                let receipt = try mailbox.deposit(IncomingEnvelope(id: id, expiresAt: nil, source: MemorySource(bytes)), to: [bob], now: 1)
                XCTAssertEqual(receipt, DepositReceipt(id: id, statuses: [.stored]))
                let entry = try XCTUnwrap(try mailbox.pending(for: [bob], now: 1, limit: 10).first { $0.id == id })
                XCTAssertEqual(entry.size, Int64(size))
                XCTAssertEqual(try contents(mailbox, entry), bytes)
                let again = IncomingEnvelope(id: id, expiresAt: nil, source: MemorySource(bytes))
                XCTAssertEqual(try mailbox.deposit(again, to: [bob], now: 2).statuses, [.duplicate])
            }
        }
    }

    func testAListingBringsItsSmallEnvelopesAlong() throws {
        XCTAssertLessThanOrEqual(Prefetch.sizeLimit(listing: 1000) * 1000, 8 << 20, "a listing's bytes are bounded")
        try conform { mailbox in
            let small = Array("small".utf8), large = [UInt8](repeating: 7, count: Int(Prefetch.sizeLimit(listing: 10)) + 1)
            for bytes in [small, large] {
                _ = try mailbox.deposit(IncomingEnvelope(bytes: bytes, id: EnvelopeID.of(bytes), expiresAt: nil), to: [bob], now: 1)
            }
            let entries = try mailbox.pending(for: [bob], now: 1, limit: 10)
            let incoming = try entries.map { try XCTUnwrap(try mailbox.incoming(for: $0)) }
            XCTAssertEqual(incoming.map { $0.bytes != nil }, [true, false], "in memory when small, streamed when not")
            XCTAssertEqual(incoming.map(\.id), [small, large].map { EnvelopeID.of($0) })
            var streamed = [UInt8](repeating: 0, count: large.count + 1)
            let n = try streamed.withUnsafeMutableBytes { try incoming[1].read($0) }
            XCTAssertEqual(Array(streamed[..<n]), large)
        }
    }

    func testBytesThatDoNotMatchTheirIdAreRefused() throws {
        try conform { mailbox in
            let claimed = EnvelopeID.of(Array("the real one".utf8))
            let forged = IncomingEnvelope(bytes: Array("something else".utf8), id: claimed, expiresAt: nil)
            XCTAssertThrowsError(try mailbox.deposit(forged, to: [alice], now: 1)) {
                XCTAssertEqual(($0 as? SottoError)?.kind, .malformed)
            }
            XCTAssertEqual(try mailbox.pending(for: [alice], now: 1, limit: 10).count, 0)
            // The id is still free for the real envelope.
            XCTAssertEqual(try mailbox.deposit(envelope("the real one").0, to: [alice], now: 1).statuses, [.stored])
        }
    }

    func testAnEnvelopeGoesWithItsLastDelivery() throws {
        try conform { mailbox in
            _ = try mailbox.deposit(envelope("shared").0, to: [alice, bob], now: 1)
            let alices = try XCTUnwrap(try mailbox.pending(for: [alice], now: 1, limit: 1).first)
            try mailbox.remove(alices)
            let bobs = try XCTUnwrap(try mailbox.pending(for: [bob], now: 1, limit: 1).first)
            XCTAssertEqual(try contents(mailbox, bobs), Array("shared".utf8))
            try mailbox.remove(bobs)
            XCTAssertNil(try mailbox.sourceIfPresent(for: bobs))
            // Sending it again after it is gone stores it afresh.
            XCTAssertEqual(try mailbox.deposit(envelope("shared").0, to: [alice], now: 2).statuses, [.stored])
        }
    }

    /// A batch of deposits: one receipt per envelope, in order; one bad envelope and none lands.
    func testDepositsABatchWholeOrNotAtAll() throws {
        try conform { mailbox in
            let (one, two) = (envelope("one").0, envelope("two").0)
            // An incoming envelope streams once: the repeat is a fresh one.
            let receipts = try mailbox.deposit([Delivery(one, to: [alice]), Delivery(two, to: [alice, bob]),
                                                Delivery(envelope("one").0, to: [alice])], now: 1)
            XCTAssertEqual(receipts, [DepositReceipt(id: one.id, statuses: [.stored]), DepositReceipt(id: two.id, statuses: [.stored, .stored]),
                                      DepositReceipt(id: one.id, statuses: [.duplicate])])
            let forged = IncomingEnvelope(bytes: Array("three".utf8), id: envelope("five").0.id, expiresAt: nil)
            XCTAssertThrowsError(try mailbox.deposit([Delivery(envelope("four").0, to: [bob]), Delivery(forged, to: [bob])], now: 2))
            XCTAssertEqual(try mailbox.pending(for: [bob], now: 2, limit: 10).map(\.id), [two.id], "the good envelope of a failed batch is not kept")
        }
    }

    func testBatchRollsBackAsAWhole() throws {
        try conform { mailbox in
            XCTAssertThrowsError(try mailbox.batch {
                _ = try mailbox.deposit(envelope("kept?").0, to: [alice], now: 1)
                throw SottoError(.malformed, "a later record is bad")
            })
            XCTAssertEqual(try mailbox.pending(for: [alice], now: 1, limit: 10).count, 0)
        }
    }
}

final class InboxTests: XCTestCase {
    /// An age file sealed to a throwaway key, expiring at `expiresAt`.
    func sealed(_ text: String, expiresAt: Int64?) throws -> [UInt8] {
        try Envelope.seal(Array(text.utf8), SealParameters(recipients: [Addressee(try DecryptionKey.generate().recipient, identity: nil)], signer: nil,
                                                           expiresAt: expiresAt))
    }

    func testStoreOnceAndRefuseBytesThatDoNotMatchTheirId() throws {
        let directory = NSTemporaryDirectory() + "sotto-inbox-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inbox = try XCTUnwrap(try Inbox.open(Home(path: directory), create: true))
        let later = Time.now() + 3600
        let bytes = try sealed("sealed", expiresAt: later), id = EnvelopeID.of(bytes)
        // The record's expiry is not trusted: the stanza's is stored.
        let stored = try inbox.store(IncomingEnvelope(bytes: bytes, id: id, expiresAt: nil), mailbox: "m", now: 5).stored
        XCTAssertEqual(stored, try inbox.envelope(id: id), "store describes the envelope as the inbox holds it")
        XCTAssertEqual(stored?.size, Int64(bytes.count))
        XCTAssertEqual(stored?.expiresAt, later)
        guard case .alreadyHeld = try inbox.store(IncomingEnvelope(bytes: bytes, id: id, expiresAt: nil), mailbox: nil, now: 6) else {
            return XCTFail("a second store of the same id is not news")
        }
        let streamed = try sealed("streamed, size unknown", expiresAt: nil), streamedID = EnvelopeID.of(streamed)
        let second = try inbox.store(IncomingEnvelope(id: streamedID, expiresAt: 1, source: MemorySource(streamed)),
                                     mailbox: nil, now: 5).stored
        XCTAssertEqual(second, try inbox.envelope(id: streamedID))
        XCTAssertEqual(second?.size, Int64(streamed.count))
        XCTAssertNil(second?.expiresAt)
        let notAge = Array("not an age file".utf8)
        guard case .mismatch = try inbox.store(IncomingEnvelope(bytes: notAge, id: EnvelopeID.of(notAge), expiresAt: nil), mailbox: nil, now: 5) else {
            return XCTFail("bytes with no age header are refused: no one could open or expire them")
        }
        let past = try sealed("gone", expiresAt: 99)
        guard case .expired(99) = try inbox.store(IncomingEnvelope(bytes: past, id: EnvelopeID.of(past), expiresAt: nil), mailbox: nil, now: 5) else {
            return XCTFail("an envelope whose stanza has expired is not kept")
        }
        let other = EnvelopeID.of(Array("other".utf8))
        guard case .mismatch = try inbox.store(IncomingEnvelope(bytes: bytes, id: other, expiresAt: nil), mailbox: nil, now: 7) else {
            return XCTFail("bytes that do not match their id are a mismatch, told apart from a damaged inbox")
        }
        XCTAssertNil(try inbox.envelope(id: other), "a refused envelope leaves nothing behind")
        try inbox.markOpened(id: id, now: 10)
        try inbox.markOpened(id: id, now: 20)
        XCTAssertEqual(try inbox.envelope(id: id)?.openedAt, 10, "the first open counts")
        XCTAssertEqual(try inbox.list(receivedAfter: 5).count, 0)
        XCTAssertEqual(try inbox.list(receivedAfter: 4).count, 2)
    }
}
