import SottoCore

/// An export stream: each record's card, sealed secrets (up to the key
/// derivation, which is never reached: the passphrase source refuses, so
/// Argon2 parameters from the input cost nothing) and envelope.
private struct NoPassphrase: Error {}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExport(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let reader = ByteReader(bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let unsealer = ExportUnsealer { throw NoPassphrase() }
    for _ in 0..<64 {
        guard let line = try? reader.readLine(maxLength: 1 << 20) else { break }
        guard let fields = try? JSON.object(line, line: 1) else { continue }
        _ = try? fields.string("format")
        _ = try? fields.int("version")
        if let cardFields = try? fields.object("card"), let card = try? Card(fields: cardFields) {
            try? card.verify()
            if let secrets = try? fields.object("secrets") {
                _ = try? unsealer.open(secrets, identityKey: card.identityKey, name: card.name)
            }
        }
        if let age = try? fields.base64("age") { _ = try? Envelope.expiry(of: age) }
    }
    return 0
}
