/// An export is authenticated whole (docs/FORMAT.md §12): a hash of every
/// record line, in order, MACed under a key derived from the export
/// passphrase, in a last `authentication` record. A record changed, dropped,
/// added or moved changes the hash.
public final class ExportTranscript {
    private let hash = SHA256()

    public init() { hash.update("sotto/2 export\n") }

    /// Takes in bytes of the stream as written, line feeds included: a
    /// record line holds no raw line feed, so they frame the lines.
    public func update(_ bytes: [UInt8]) { hash.update(bytes) }

    /// Takes in one record line as read, without its line feed.
    public func absorb(_ line: [UInt8]) {
        hash.update(line)
        hash.update([0x0A])
    }

    /// The hash of every line taken in; call once, at the end.
    func digest() -> [UInt8] { hash.finalize() }
}

public enum ExportAuthentication {
    public static let recordType = "authentication"

    static func mac(key: ExportKey, digest: [UInt8]) -> [UInt8] {
        let label = Array("sotto/2 export authentication key\n".utf8)
        var macKey = key.key.withBytes { secret in label.withUnsafeBytes { HMAC.sha256(key: secret, [$0]) } }
        defer { Sodium.wipe(&macKey) }
        return HMAC.sha256(key: macKey, digest)
    }

    /// The last record of an export written with `key`.
    public static func record(key: ExportKey, transcript: ExportTranscript) -> [String: Any] {
        var record = ExportSecrets.derivation(key)
        record["type"] = recordType
        record["mac"] = Base64.encode(mac(key: key, digest: transcript.digest()))
        return record
    }

    /// Checks an export's authentication record against the lines before it.
    /// A MAC that does not verify means the export was altered, or, when no
    /// secrets opened to prove the passphrase (`passphraseProven`), perhaps
    /// a wrong passphrase.
    public static func verify(_ record: Fields, transcript: ExportTranscript, unsealer: ExportUnsealer, passphraseProven: Bool) throws {
        let key = try unsealer.key(for: record, what: "the export's authentication")
        let expected = mac(key: key, digest: transcript.digest())
        guard let given = try? record.base64("mac"), given.count == expected.count, Sodium.equal(given, expected) else {
            if passphraseProven {
                throw SottoError(.malformed, "line \(record.line): the export was altered after it was written: its authentication does not verify",
                                 hints: ["a record was changed, dropped, added or moved; restore from a copy you trust"])
            }
            throw SottoError(.locked, "wrong export passphrase, or the export was altered: its authentication does not verify")
        }
    }
}
