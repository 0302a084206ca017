import Foundation
import PostgresNIO
@testable import SottoCore
@testable import SottoPostgres
import XCTest

/// A mailbox server whose schema an earlier sotto made: the first delivery
/// command run as its owner brings it up to date, and what it held is still
/// there under the ids this version computes.
final class PostgresMigrationTests: XCTestCase {
    func testEnvelopesStoredUnderEarlierIDsAreReKeyed() throws {
        let database = try TestDatabase.required()
        defer { try? database.drop() }
        let session = try PostgresSession(PostgresSettings(url: database.url))
        for statement in PostgresSchema.statements(PostgresSchema.migrations[0]) {
            _ = try session.execute(PostgresQuery(unsafeSQL: statement))
        }
        _ = try session.execute("INSERT INTO sotto.meta (key, value) VALUES ('schema_version', 1)")

        // As the earlier client wrote them: a BLAKE2b id, and chunks cut at
        // whatever size the writer chose (here 600 KiB), not at 1 MiB.
        let address = String(repeating: "b", count: 32)
        let small = Array("a small envelope".utf8)
        let large = (0..<(5 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for bytes in [small, large] {
            let hash = BLAKE2b(length: 32)
            hash.update("sotto/1 envelope id\n")
            bytes.withUnsafeBytes { hash.update($0) }
            let old = Hex.encode(Array(hash.finalize().prefix(16)))
            _ = try session.execute("INSERT INTO sotto.envelopes (id, expires_at, size, stored_at) VALUES (\(old), NULL, \(Int64(bytes.count)), 1)")
            for (n, start) in stride(from: 0, to: bytes.count, by: 600 * 1024).enumerated() {
                let chunk = ByteBuffer(bytes: bytes[start..<min(bytes.count, start + 600 * 1024)])
                _ = try session.execute("INSERT INTO sotto.envelope_chunks (envelope, n, bytes) VALUES (\(old), \(Int32(n)), \(chunk))")
            }
            _ = try session.execute("INSERT INTO sotto.deliveries (mailbox, envelope, stored_at) VALUES (\(address), \(old), 1)")
        }

        let mailbox = try PostgresMailbox(url: database.url)
        XCTAssertEqual(try mailbox.version(), PostgresSchema.migrations.count)
        let pending = try mailbox.pending(for: [address], now: 2, limit: 10)
        XCTAssertEqual(pending.map(\.id), [EnvelopeID.of(small), EnvelopeID.of(large)])
        for (entry, bytes) in zip(pending, [small, large]) {
            let source = try mailbox.source(for: entry)
            var out = [UInt8](), buffer = [UInt8](repeating: 0, count: 1 << 16)
            while case let n = try buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), n > 0 { out += buffer[..<n] }
            XCTAssertEqual(out, bytes, "the bytes of \(entry.id)")
        }
        // The same bytes sent again are the same envelope.
        let again = try mailbox.deposit(IncomingEnvelope(bytes: large, id: EnvelopeID.of(large), expiresAt: nil), to: [address], now: 3)
        XCTAssertEqual(again.statuses, [.duplicate])
    }
}
