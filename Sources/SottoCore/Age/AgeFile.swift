/// Encrypting and decrypting whole age v1 files.
public enum AgeFile {
    public static let fileKeyLength = 16

    /// Writes the header for a fresh file key and returns the header and a
    /// payload encryptor positioned after it.
    public static func encrypt(to recipients: [AgeRecipient], extraStanzas: [Stanza] = [],
                               sink: ByteSink) throws -> (Header, PayloadEncryptor) {
        guard !recipients.isEmpty else { throw SottoError(.usage, "no recipients") }
        try Labels.check(recipients)
        let hybrid = recipients.filter { $0.labels.contains("postquantum") }.count
        guard hybrid <= Header.maxPostQuantumStanzas else {
            throw SottoError(.usage, "\(hybrid) post-quantum recipients: one file takes at most \(Header.maxPostQuantumStanzas)",
                             hints: ["seal to them in several messages"])
        }
        let fileKey = try SecureBytes.random(count: fileKeyLength)
        var stanzas = extraStanzas
        for recipient in recipients { stanzas += try recipient.wrap(fileKey: fileKey) }
        let header = try Header(stanzas: stanzas, fileKey: fileKey)
        try sink.write(header.bytes)
        return (header, try PayloadEncryptor(fileKey: fileKey, sink: sink))
    }

    /// Whether a file starting with `prefix` (binary or armored, at least
    /// 128 bytes of it when there are) is an `age -p` file: its only stanza is
    /// scrypt's, so no key can open it and none need be unlocked.
    public static func isPassphraseFile(prefix: [UInt8]) -> Bool {
        let start = Array("\(Header.versionLine)\n-> \(ScryptIdentity.stanzaType) ".utf8)
        var bytes = Array(prefix.drop(while: Armor.isWhitespace))
        if bytes.starts(with: Armor.begin) {
            // The first line of the armor's base64: 64 characters, 48 bytes of the file.
            let body = bytes.dropFirst(Armor.begin.count).drop(while: Armor.isWhitespace).prefix(64)
            guard body.count == 64, let decoded = Base64.decode(Array(body), padded: true) else { return false }
            bytes = decoded
        }
        return bytes.starts(with: start)
    }

    /// Parses and authenticates the header, returning it with a payload
    /// decryptor. Throws `AgeError` in the classes of the age test kit.
    public static func decrypt(_ reader: ByteReader, identities: [AgeIdentity]) throws -> (Header, PayloadDecryptor) {
        let (header, payload, _) = try decryptMatching(reader, identities: identities)
        return (header, payload)
    }

    /// As `decrypt`, also telling which identity unwrapped the file key.
    public static func decryptMatching(_ reader: ByteReader, identities: [AgeIdentity]) throws -> (Header, PayloadDecryptor, AgeIdentity) {
        let header = try Header.parse(reader)
        try Labels.check(header)
        // Every held key is tried on every stanza of its kind: a post-quantum try costs a
        // decapsulation, so a header of a thousand would cost seconds per key.
        guard header.stanzas.filter({ $0.type == HybridStanza.type }).count <= Header.maxPostQuantumStanzas else {
            throw AgeError.header("more than \(Header.maxPostQuantumStanzas) \(HybridStanza.type) stanzas")
        }
        guard let (fileKey, identity) = try unwrap(header, identities) else {
            throw header.stanzas.contains { $0.type == ScryptIdentity.stanzaType } ? AgeError.wrongPassphrase : AgeError.noMatch
        }
        guard try header.verifyMAC(fileKey: fileKey) else { throw AgeError.hmac }
        return (header, try PayloadDecryptor(fileKey: fileKey, reader: reader), identity)
    }

    private static func unwrap(_ header: Header, _ identities: [AgeIdentity]) throws -> (SecureBytes, AgeIdentity)? {
        for identity in identities {
            if let key = try identity.unwrap(header.stanzas) {
                guard key.count == fileKeyLength else { throw AgeError.header("wrapped file key is not 16 bytes") }
                return (key, identity)
            }
        }
        return nil
    }

    /// Picks binary or armored decoding from the first bytes of the input.
    public static func reader(detecting input: ByteReader) throws -> ByteReader {
        let prefix = try input.peek(64)
        return Armor.detect(prefix) ? ByteReader(ArmorDecoder(input)) : input
    }
}
