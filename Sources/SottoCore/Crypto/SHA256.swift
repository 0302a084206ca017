internal import COpenSSL

/// SHA-256 from OpenSSL's libcrypto, which uses the CPU's SHA extensions
/// where it has them: the hash of the format's body digests and ids.
final class SHA256 {
    static let length = 32
    private let context: OpaquePointer?

    init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
    }

    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }
    func update(_ text: String) { update(Array(text.utf8)) }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.length)
        EVP_DigestFinal_ex(context, &out, nil)
        return out
    }

    /// One-shot hash of `bytes` into the 32 bytes at `out`.
    static func hash(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        EVP_Digest(bytes.baseAddress, bytes.count, out, nil, EVP_sha256(), nil)
    }

    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeBytes { hash($0, into: &out) }
        return out
    }
}
