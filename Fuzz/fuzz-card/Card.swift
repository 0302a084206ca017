import SottoCore

/// A card or revocation line: parsed, then its signatures (and a card's
/// certificates) checked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCard(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let fields = try? JSON.object(bytes, line: 1) else { return 0 }
    if let card = try? Card(fields: fields) {
        try? card.verify()
        _ = card.record
    }
    if let revocation = try? Revocation(fields: fields) {
        try? revocation.verify()
        _ = revocation.record
    }
    return 0
}
