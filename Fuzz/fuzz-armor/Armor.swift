import SottoCore

/// age's ASCII armor, decoded to the end.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArmor(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let decoder = ArmorDecoder(ByteReader(bytes: Array(UnsafeBufferPointer(start: data, count: size))))
    var buffer = [UInt8](repeating: 0, count: 4096)
    while let n = try? buffer.withUnsafeMutableBytes({ try decoder.read(into: $0) }), n > 0 {}
    return 0
}
