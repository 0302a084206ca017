import SottoCore

/// JSON Lines records: the line reader, the JSON checks, and every typed
/// accessor on the fields the record types use.
private let keys = ["type", "id", "age", "to", "body", "body_base64", "ttl", "ttl_after_read", "expires_at", "thread",
                    "content_type", "received_at", "opened_at", "delete_after", "version", "format", "name", "members",
                    "value", "kind", "verified", "blocked", "default", "card", "secrets", "keys"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecords(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let reader = ByteReader(bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    for _ in 0..<64 {
        let line: [UInt8]
        do {
            guard let read = try reader.readLine(maxLength: 1 << 20) else { break }
            line = read
        } catch ByteReader.LineError.unterminated(let rest) { line = rest } catch { continue }
        guard let fields = try? JSON.object(line, line: 1) else { continue }
        for key in keys {
            _ = try? fields.string(key)
            _ = try? fields.strings(key)
            _ = try? fields.int(key)
            _ = try? fields.bool(key)
            _ = try? fields.base64(key)
            _ = try? fields.time(key)
            _ = try? fields.duration(key)
            _ = try? fields.object(key)
            _ = try? fields.objects(key)
        }
        if let age = try? fields.base64("age") { _ = try? Envelope.expiry(of: age) }
    }
    return 0
}
