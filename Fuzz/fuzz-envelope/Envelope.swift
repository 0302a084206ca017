import SottoCore

/// A whole envelope opened with a fixed identity: header, sotto stanza,
/// X25519 unwrap, payload. Most inputs stop at the MAC; the header paths
/// before it are what this reaches.
private let identity: DecryptionKey? = {
    var secret = [UInt8](repeating: 7, count: 32)
    return (try? SecureBytes(consuming: &secret)).flatMap { try? DecryptionKey(secret: $0) }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let identity else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let envelope = try? EnvelopeReader(ByteReader(bytes: bytes), identities: [identity], now: 1_800_000_000) {
        try? envelope.readBody { _ in }
    }
    _ = try? Envelope.expiry(of: bytes)
    return 0
}
