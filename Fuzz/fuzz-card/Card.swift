import SottoCore

/// A card line: parsed, then its signature and certificates checked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCard(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let fields = try? JSON.object(bytes, line: 1), let card = try? Card(fields: fields) {
        try? card.verify()
        _ = card.record
    }
    return 0
}
