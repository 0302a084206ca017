@testable import SottoCore

/// What the keyring stores for a secret: a sealed box under a fixed key
/// (the input is the blob), and the secrets JSON inside a box (the input is
/// the plaintext), the part a damaged but authentic blob would reach.
private let key: SecureBytes? = {
    var bytes = [UInt8](repeating: 3, count: 32)
    return try? SecureBytes(consuming: &bytes)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyringBlob(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let key else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? SecretBox.open(bytes, key: key, context: SecretBox.context([UInt8](repeating: 1, count: 32)))
    if let plaintext = try? SecureBytes(consuming: &bytes) { _ = try? SecretsJSON.decode(plaintext) }
    return 0
}
