import Foundation
@testable import SottoCore
import XCTest

final class EnvelopeTests: XCTestCase {
    func makeSigner() throws -> Signer {
        let (pk, sk) = try Ed25519.generate()
        return Signer(identityKey: pk, name: "alice", secretKey: sk)
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
        for size in [0, 1, 63, 64, 65, 65_536 - 100, 65_536, 65_536 * 2 + 7] {
            let body = Sodium.random(size)
            let sealed = try Envelope.seal(body, SealParameters(recipients: [bob.recipient], signer: signer, expiresAt: 5_000,
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
        let sealed = try Envelope.seal(Array("hi".utf8), SealParameters(recipients: [bob.recipient], signer: nil, expiresAt: nil))
        let header = try Header.parse(ByteReader(bytes: sealed))
        XCTAssertEqual(header.stanzas.map(\.type), ["X25519"])
        let (reader, body) = try open(sealed, bob)
        XCTAssertNil(reader.inner)
        XCTAssertEqual(body, Array("hi".utf8))
    }

    func testExpiredIsRefused() throws {
        let bob = try DecryptionKey.generate()
        let sealed = try Envelope.seal([1, 2, 3], SealParameters(recipients: [bob.recipient], signer: try makeSigner(), expiresAt: 2_000))
        XCTAssertThrowsError(try open(sealed, bob, now: 2_000)) { error in
            XCTAssertEqual((error as? SottoError)?.kind, .refused)
            XCTAssertTrue((error as? SottoError)?.message.contains("expired") ?? false)
        }
    }

    func testEveryByteIsAuthenticated() throws {
        let bob = try DecryptionKey.generate()
        let sealed = try Envelope.seal(Array("attack at dawn".utf8),
                                       SealParameters(recipients: [bob.recipient], signer: try makeSigner(), expiresAt: 5_000))
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
                                       SealParameters(recipients: [bob.recipient, carol.recipient], signer: alice, expiresAt: 5_000))
        // Carol recovers the file key and writes a new payload claiming Alice, signed by Carol's own key.
        let reader = ByteReader(bytes: sealed)
        let header = try Header.parse(reader)
        let key = try XCTUnwrap(try carol.unwrap(header.stanzas))
        let sink = MemorySink()
        try sink.write(header.bytes)
        let payload = try PayloadEncryptor(fileKey: key, sink: sink)
        let forger = try makeSigner()
        let inner = try InnerHeader(from: alice.identityKey, name: "alice", sentAt: 1, expiresAt: 5_000,
                                    to: [bob.recipient.string, carol.recipient.string], thread: nil,
                                    contentType: "text/plain").encoded()
        let digest = SignatureDigest(header: header.bytes, inner: inner)
        let body = Array("pay carol".utf8)
        body.withUnsafeBytes { digest.body($0) }
        try payload.write(InnerHeader.magic + Wire.u32(inner.count) + inner + body + forger.sign(digest.finalize()))
        try payload.close()
        XCTAssertThrowsError(try open(sink.bytes, bob)) { error in
            XCTAssertEqual((error as? SottoError)?.kind, .refused)
        }
    }
}
