import Foundation
@testable import SottoCore
import XCTest

final class EnvelopeTests: XCTestCase {
    func makeSigner() throws -> Signer {
        let (pk, sk) = try Ed25519.generate()
        return Signer(identityKey: pk, name: "alice", secretKey: sk)
    }

    /// Bob's key, said to be for some identity: core tests check no owner.
    func to(_ keys: DecryptionKey...) -> [Addressee] {
        keys.map { Addressee($0.recipient, identity: String(repeating: "b", count: 64)) }
    }

    func open(_ bytes: [UInt8], _ identity: DecryptionKey, now: Int64 = 1_000) throws -> (EnvelopeReader, [UInt8]) {
        let reader = try EnvelopeReader(ByteReader(bytes: bytes), identities: [identity], now: now)
        var body = [UInt8]()
        try reader.readBody { body += $0 }
        return (reader, body)
    }

    func testSignedRoundTripAcrossChunkBoundaries() throws {
        let bob = try DecryptionKey.generate()
        let signer = try makeSigner()
        for size in [0, 1, 63, 64, 65, 65_536 - 100, 65_536, 65_536 * 2 + 7, 1 << 20, (1 << 20) + 1, (5 << 19) + 3] {
            let body = Sodium.random(size)
            let sealed = try Envelope.seal(body, SealParameters(recipients: to(bob), signer: signer, expiresAt: 5_000,
                                                                 sentAt: 900, thread: "t"))
            let (reader, opened) = try open(sealed, bob)
            XCTAssertEqual(opened, body, "size \(size)")
            XCTAssertEqual(reader.inner?.from, signer.identityKey)
            XCTAssertEqual(reader.inner?.thread, "t")
            XCTAssertEqual(reader.sotto, SottoStanza(signed: true, expiresAt: 5_000))
        }
    }

    func testAnonymousWithoutExpiryIsPlainAge() throws {
        let bob = try DecryptionKey.generate()
        let sealed = try Envelope.seal(Array("hi".utf8), SealParameters(recipients: to(bob), signer: nil, expiresAt: nil))
        let header = try Header.parse(ByteReader(bytes: sealed))
        XCTAssertEqual(header.stanzas.map(\.type), ["X25519"])
        let (reader, body) = try open(sealed, bob)
        XCTAssertNil(reader.inner)
        XCTAssertEqual(body, Array("hi".utf8))
    }

    func testExpiredIsRefused() throws {
        let bob = try DecryptionKey.generate()
        let sealed = try Envelope.seal([1, 2, 3], SealParameters(recipients: to(bob), signer: try makeSigner(), expiresAt: 2_000))
        XCTAssertThrowsError(try open(sealed, bob, now: 2_000)) { error in
            XCTAssertEqual((error as? SottoError)?.kind, .refused)
            XCTAssertTrue((error as? SottoError)?.message.contains("expired") ?? false)
        }
    }

    func testEveryByteIsAuthenticated() throws {
        let bob = try DecryptionKey.generate()
        let sealed = try Envelope.seal(Array("attack at dawn".utf8),
                                       SealParameters(recipients: to(bob), signer: try makeSigner(), expiresAt: 5_000))
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x01
            var released = [UInt8]()
            do {
                let reader = try EnvelopeReader(ByteReader(bytes: tampered), identities: [bob], now: 1_000)
                try reader.readBody { released += $0 }
                XCTFail("byte \(index) flipped and the envelope still opened")
            } catch {}
            XCTAssertFalse(released.contains(0x61) && released.count == 14, "byte \(index): plaintext released")
        }
    }

    /// A co-recipient knows the file key; a new payload under the same header must fail the signature.
    func testCoRecipientForgeryFails() throws {
        let bob = try DecryptionKey.generate(), carol = try DecryptionKey.generate()
        let alice = try makeSigner()
        let sealed = try Envelope.seal(Array("pay bob".utf8),
                                       SealParameters(recipients: to(bob, carol), signer: alice, expiresAt: 5_000))
        // Carol recovers the file key and writes a new payload claiming Alice, signed by Carol's own key.
        let reader = ByteReader(bytes: sealed)
        let header = try Header.parse(reader)
        let key = try XCTUnwrap(try carol.unwrap(header.stanzas))
        let sink = MemorySink()
        try sink.write(header.bytes)
        let payload = try PayloadEncryptor(fileKey: key, sink: sink)
        let forger = try makeSigner()
        let inner = try InnerHeader(from: alice.identityKey, name: "alice", sentAt: 1, expiresAt: 5_000,
                                    to: to(bob, carol).map { InnerHeader.Recipient(key: $0.key.string, identity: $0.identity ?? "") },
                                    thread: nil, contentType: "text/plain").encoded()
        let writer = try SignedBodyWriter(inner: inner, header: header, signer: forger, payload: payload)
        try writer.write(Array("pay carol".utf8))
        try writer.close()
        XCTAssertThrowsError(try open(sink.bytes, bob)) { error in
            XCTAssertEqual((error as? SottoError)?.kind, .refused)
        }
    }

    /// Segments of a body over 1 MiB: each is released only after its own
    /// signature verified, and swapping, dropping or cutting them is refused.
    func testSegmentsReleaseOnlyVerifiedBytes() throws {
        let bob = try DecryptionKey.generate()
        let alice = try makeSigner()
        let body = Sodium.random((5 << 19) + 3)  // two whole segments and a short last one
        let sealed = try Envelope.seal(body, SealParameters(recipients: to(bob), signer: alice, expiresAt: 5_000))
        let header = try Header.parse(ByteReader(bytes: sealed))
        let fileKey = try XCTUnwrap(try bob.unwrap(header.stanzas))
        var plaintext = [UInt8]()
        try PayloadDecryptor(fileKey: fileKey, reader: ByteReader(bytes: Array(sealed[header.bytes.count...]))).forEachRun { plaintext += $0 }
        let innerLength = Int(Wire.readU32(plaintext[InnerHeader.magic.count...]))
        let first = InnerHeader.magic.count + 4 + innerLength
        let segment = SegmentFrame.length + SegmentSignature.segmentSize + 64

        func reseal(_ payload: [UInt8]) throws -> [UInt8] {
            let sink = MemorySink()
            try sink.write(header.bytes)
            let encryptor = try PayloadEncryptor(fileKey: fileKey, sink: sink)
            try encryptor.write(payload)
            try encryptor.close()
            return sink.bytes
        }
        func released(_ payload: [UInt8]) throws -> (count: Int, error: Bool) {
            var count = 0
            do {
                let reader = try EnvelopeReader(ByteReader(bytes: try reseal(payload)), identities: [bob], now: 1_000)
                try reader.readBody { count += $0.count }
            } catch { return (count, true) }
            return (count, false)
        }
        XCTAssertEqual(try released(plaintext).count, body.count)
        var flipped = plaintext
        flipped[first + segment + SegmentFrame.length + 10] ^= 1
        XCTAssertEqual(try released(flipped).count, SegmentSignature.segmentSize, "only the first segment verified")
        XCTAssertTrue(try released(flipped).error)
        var swapped = Array(plaintext[..<first])
        swapped += plaintext[(first + segment)..<(first + 2 * segment)]
        swapped += plaintext[first..<(first + segment)]
        swapped += plaintext[(first + 2 * segment)...]
        XCTAssertEqual(try released(swapped).count, 0, "the second segment in first place fails its signature")
        var dropped = Array(plaintext[..<(first + segment)])
        dropped += plaintext[(first + 2 * segment)...]
        XCTAssertTrue(try released(dropped).error)
        let cut = Array(plaintext[..<(first + 2 * segment)])
        let outcome = try released(cut)
        XCTAssertTrue(outcome.error, "ending after a whole segment: no last segment")
        XCTAssertEqual(outcome.count, 2 * SegmentSignature.segmentSize)
    }

    /// The signed payload's length is padded to Padmé buckets, at least 1 KiB.
    func testSignedPayloadsArePadded() throws {
        let bob = try DecryptionKey.generate()
        let alice = try makeSigner()
        var sizes = Set<Int>()
        for length in [0, 1, 10, 100, 300] {
            sizes.insert(try Envelope.seal(Sodium.random(length), SealParameters(recipients: to(bob), signer: alice, expiresAt: 5_000)).count)
        }
        XCTAssertEqual(sizes.count, 1, "short messages all have one size")
        XCTAssertEqual(Padding.padded(1), 4096)
        XCTAssertEqual(Padding.padded(4097), 4352)
        XCTAssertEqual(Padding.padded(1, floor: 5000), 5120)
        XCTAssertEqual(Padding.padded(100_000), 100_352)
        for length in stride(from: Int64(1000), to: 50_000_000, by: 99_991) {
            XCTAssertLessThanOrEqual(Double(Padding.padded(length)), Double(max(length, 4096)) * 1.12)
            XCTAssertGreaterThanOrEqual(Padding.padded(length), length)
        }
    }
}
