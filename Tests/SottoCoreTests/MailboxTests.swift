import Foundation
@testable import SottoCore
import XCTest

/// The behaviour every Mailbox implementation must have. Another backend
/// subclasses this and overrides `makeMailbox`.
class MailboxConformanceTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "sotto-mailbox-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func makeMailbox() throws -> Mailbox { try SQLiteMailbox(path: directory + "/mailbox.db") }

    let alice = String(repeating: "a", count: 32), bob = String(repeating: "b", count: 32)

    func envelope(_ text: String, expiresAt: Int64? = nil) -> (IncomingEnvelope, [UInt8]) {
        let bytes = Array(text.utf8)
        return (IncomingEnvelope(bytes: bytes, id: Envelope.id(bytes), expiresAt: expiresAt), bytes)
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
        let mailbox = try makeMailbox()
        let (incoming, bytes) = envelope("one")
        let first = try mailbox.deposit(incoming, to: [alice, bob], now: 100)
        XCTAssertEqual(first.id, Envelope.id(bytes))
        XCTAssertEqual(first.statuses, [.stored, .stored])
        XCTAssertEqual(try mailbox.deposit(envelope("one").0, to: [alice, bob], now: 101).statuses, [.duplicate, .duplicate])
        XCTAssertEqual(try mailbox.pending(for: [alice], now: 100, limit: 10).count, 1)
        XCTAssertEqual(try mailbox.pending(for: [alice, bob], now: 100, limit: 10).count, 2)
    }

    func testPendingIsOrderedAndRemovalIsPerAddress() throws {
        let mailbox = try makeMailbox()
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

    func testExpiredEnvelopesAreHiddenAndRemoved() throws {
        let mailbox = try makeMailbox()
        _ = try mailbox.deposit(envelope("short", expiresAt: 50).0, to: [alice], now: 1)
        _ = try mailbox.deposit(envelope("long", expiresAt: 500).0, to: [alice], now: 1)
        _ = try mailbox.deposit(envelope("never").0, to: [alice], now: 1)
        XCTAssertEqual(try mailbox.pending(for: [alice], now: 50, limit: 10).count, 2)
        let removed = try mailbox.removeExpired(now: 50)
        XCTAssertEqual(removed.map(\.expiresAt), [50])
        XCTAssertEqual(try mailbox.removeExpired(now: 50).count, 0, "idempotent")
        XCTAssertEqual(try mailbox.pending(for: [alice], now: 1, limit: 10).count, 2)
    }

    func testStreamedEnvelopeGetsItsIdFromItsBytes() throws {
        let mailbox = try makeMailbox()
        let bytes = (0..<(3 * ChunkTable.chunkSize + 5)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let incoming = IncomingEnvelope(id: nil, expiresAt: nil, source: MemorySource(bytes))
        let (id, statuses) = try mailbox.deposit(incoming, to: [bob], now: 1)
        XCTAssertEqual(id, Envelope.id(bytes))
        XCTAssertEqual(statuses, [.stored])
        let entry = try XCTUnwrap(try mailbox.pending(for: [bob], now: 1, limit: 1).first)
        XCTAssertEqual(entry.size, Int64(bytes.count))
        XCTAssertEqual(try contents(mailbox, entry), bytes)
        let again = IncomingEnvelope(id: nil, expiresAt: nil, source: MemorySource(bytes))
        XCTAssertEqual(try mailbox.deposit(again, to: [bob], now: 2).statuses, [.duplicate])
    }

    func testBatchRollsBackAsAWhole() throws {
        let mailbox = try makeMailbox()
        XCTAssertThrowsError(try mailbox.batch {
            _ = try mailbox.deposit(envelope("kept?").0, to: [alice], now: 1)
            throw SottoError(.malformed, "a later record is bad")
        })
        XCTAssertEqual(try mailbox.pending(for: [alice], now: 1, limit: 10).count, 0)
    }
}

final class InboxTests: XCTestCase {
    func testStoreOnceAndRefuseBytesThatDoNotMatchTheirId() throws {
        let directory = NSTemporaryDirectory() + "sotto-inbox-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inbox = try XCTUnwrap(try Inbox.open(Home(path: directory), create: true))
        let bytes = Array("sealed".utf8), id = Envelope.id(bytes)
        XCTAssertTrue(try inbox.store(IncomingEnvelope(bytes: bytes, id: id, expiresAt: nil), id: id, mailbox: nil, now: 5))
        XCTAssertFalse(try inbox.store(IncomingEnvelope(bytes: bytes, id: id, expiresAt: nil), id: id, mailbox: nil, now: 6))
        let other = Envelope.id(Array("other".utf8))
        XCTAssertThrowsError(try inbox.store(IncomingEnvelope(bytes: bytes, id: other, expiresAt: nil), id: other, mailbox: nil, now: 7))
        XCTAssertNil(try inbox.envelope(id: other), "a refused envelope leaves nothing behind")
        try inbox.markOpened(id: id, now: 10)
        try inbox.markOpened(id: id, now: 20)
        XCTAssertEqual(try inbox.envelope(id: id)?.openedAt, 10, "the first open counts")
        XCTAssertEqual(try inbox.list(receivedAfter: 5).count, 0)
        XCTAssertEqual(try inbox.list(receivedAfter: 4).count, 1)
    }
}
