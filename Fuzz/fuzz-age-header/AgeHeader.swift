@testable import SottoCore

/// The age header parser alone: stanzas, base64 bodies, the MAC line, the caps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAgeHeader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let header = try? Header.parse(ByteReader(bytes: bytes)) { _ = try? SottoStanza.find(in: header) }
    return 0
}
