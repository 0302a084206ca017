@testable import SottoCore

/// The inner header and signature trailer: the input becomes the plaintext
/// of a signed envelope to a fixed identity, under a valid header and MAC,
/// so every input reaches the parser behind the encryption.
private struct Fixture {
    let identity: DecryptionKey
    let header: Header
    let fileKey: SecureBytes

    init?() {
        var secret = [UInt8](repeating: 9, count: 32)
        guard let key = try? SecureBytes(consuming: &secret), let identity = try? DecryptionKey(secret: key),
              let fileKey = try? SecureBytes.random(count: 16),
              let stanzas = try? identity.recipient.wrap(fileKey: fileKey),
              let header = try? Header(stanzas: [SottoStanza(signed: true, expiresAt: 1_900_000_000).stanza] + stanzas,
                                       fileKey: fileKey)
        else { return nil }
        (self.identity, self.header, self.fileKey) = (identity, header, fileKey)
    }
}

private let fixture = Fixture()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInner(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let fixture else { return 0 }
    let sink = MemorySink()
    guard (try? sink.write(fixture.header.bytes)) != nil,
          let payload = try? PayloadEncryptor(fileKey: fixture.fileKey, sink: sink),
          (try? payload.write(Array(UnsafeBufferPointer(start: data, count: size)))) != nil,
          (try? payload.close()) != nil else { return 0 }
    if let envelope = try? EnvelopeReader(ByteReader(bytes: sink.bytes), identities: [fixture.identity], now: 1_800_000_000) {
        try? envelope.readBody { _ in }
    }
    return 0
}
