/// An age v1 header: recipient stanzas and the MAC over them.
public struct Stanza: Equatable, Sendable {
    public var type: String
    public var arguments: [String]
    public var body: [UInt8]

    public init(type: String, arguments: [String], body: [UInt8]) {
        self.type = type
        self.arguments = arguments
        self.body = body
    }

    /// The canonical text: arguments line, then the body wrapped at 64 columns,
    /// ending with a short (possibly empty) line.
    func encoded() -> String {
        var text = "-> " + ([type] + arguments).joined(separator: " ") + "\n"
        let b64 = Array(Base64.encode(body, padded: false).utf8)
        var index = 0
        repeat {
            let line = b64[index..<min(index + 64, b64.count)]
            text += String(decoding: line, as: UTF8.self) + "\n"
            index += 64
            if line.count < 64 { break }
        } while true
        return text
    }
}

public struct Header: Sendable {
    /// How many stanzas wrap the file key to a key of a kind sotto knows.
    var recipientStanzaCount: Int {
        let types = Set(KeyKind.allCases.map(\.stanzaType))
        return stanzas.filter { types.contains($0.type) }.count
    }

    /// Whether only post-quantum stanzas wrap the file key (sotto's own
    /// stanza wraps nothing): then no classical key can open it.
    public var isPostQuantum: Bool {
        let recipients = stanzas.filter { !$0.type.hasPrefix("sotto/") }
        return !recipients.isEmpty && recipients.allSatisfy { $0.type == HybridStanza.type }
    }

    static let versionLine = "age-encryption.org/v1"
    /// Caps that refuse a hostile header before any expensive work.
    public static let maxStanzas = 1024
    /// Post-quantum stanzas are costly to try (a decapsulation each, for each held key).
    public static let maxPostQuantumStanzas = 128
    static let maxArgumentLine = 8192
    static let maxHeaderBytes = 4 * 1024 * 1024

    public var stanzas: [Stanza]
    public var mac: [UInt8]
    /// The header text up to and including "---", which the MAC covers.
    public var macInput: [UInt8]

    /// The exact header bytes as they appear in the file, MAC line included.
    public var bytes: [UInt8] { macInput + Array((" " + Base64.encode(mac, padded: false) + "\n").utf8) }

    /// Builds a header and its MAC for a file key.
    init(stanzas: [Stanza], fileKey: SecureBytes) throws {
        self.stanzas = stanzas
        var text = Self.versionLine + "\n"
        for stanza in stanzas { text += stanza.encoded() }
        text += "---"
        macInput = Array(text.utf8)
        mac = try Self.computeMAC(macInput, fileKey: fileKey)
    }

    static func computeMAC(_ input: [UInt8], fileKey: SecureBytes) throws -> [UInt8] {
        let key = try HMAC.hkdf(ikm: fileKey, salt: [], info: "header")
        return key.withBytes { k in input.withUnsafeBytes { HMAC.sha256(key: k, [$0]) } }
    }

    func verifyMAC(fileKey: SecureBytes) throws -> Bool {
        Sodium.equal(try Self.computeMAC(macInput, fileKey: fileKey), mac)
    }

    /// Parses a header strictly from `reader`, leaving it at the payload.
    public static func parse(_ reader: ByteReader) throws -> Header {
        var raw = [UInt8]()
        func line() throws -> [UInt8] {
            do {
                guard let line = try reader.readLine(maxLength: maxArgumentLine) else {
                    throw AgeError.header("unexpected end of header")
                }
                raw += line
                raw.append(0x0A)
                guard raw.count <= maxHeaderBytes else { throw AgeError.header("header is too large") }
                return line
            } catch is ByteReader.LineError {
                throw AgeError.header("header line is too long or unterminated")
            }
        }

        let version = try line()
        guard version == Array(versionLine.utf8) else {
            if version.starts(with: Array("age-encryption.org/".utf8)) {
                throw AgeError.header("unsupported age version")
            }
            throw AgeError.header("not an age file")
        }
        var stanzas = [Stanza]()
        while true {
            let current = try line()
            if current.starts(with: Array("---".utf8)) {
                guard !stanzas.isEmpty else { throw AgeError.header("no recipient stanzas") }
                guard current.count == 47, current[3] == 0x20,
                      let mac = Base64.decode(Array(current[4...]), padded: false), mac.count == 32 else {
                    throw AgeError.header("malformed MAC line")
                }
                let macInput = Array(raw[..<(raw.count - current.count - 1 + 3)])
                return Header(stanzas: stanzas, mac: mac, macInput: macInput)
            }
            guard current.starts(with: Array("-> ".utf8)) else { throw AgeError.header("expected a stanza or the MAC line") }
            let words = current[3...].split(separator: 0x20, omittingEmptySubsequences: false)
            guard !words.isEmpty, words.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x21 && $0 <= 0x7E } }) else {
                throw AgeError.header("malformed stanza arguments")
            }
            var body = [UInt8]()
            while true {
                let bodyLine = try line()
                guard bodyLine.count <= 64, bodyLine.allSatisfy(Base64.isAlphabet) else {
                    throw AgeError.header("malformed stanza body")
                }
                body += bodyLine
                if bodyLine.count < 64 { break }
            }
            guard let decoded = Base64.decode(body, padded: false) else {
                throw AgeError.header("stanza body is not canonical base64")
            }
            let strings = words.map { String(decoding: $0, as: UTF8.self) }
            stanzas.append(Stanza(type: strings[0], arguments: Array(strings.dropFirst()), body: decoded))
            guard stanzas.count <= maxStanzas else { throw AgeError.header("more than \(maxStanzas) stanzas") }
        }
    }

    private init(stanzas: [Stanza], mac: [UInt8], macInput: [UInt8]) {
        self.stanzas = stanzas
        self.mac = mac
        self.macInput = macInput
    }
}
