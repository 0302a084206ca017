/// age's ASCII armor: strict PEM (RFC 7468) with the label "AGE ENCRYPTED
/// FILE", 64-column lines, padded canonical base64, LF or CRLF line ends,
/// and only whitespace allowed around the block.
public enum Armor {
    static let begin = Array("-----BEGIN AGE ENCRYPTED FILE-----".utf8)
    static let end = Array("-----END AGE ENCRYPTED FILE-----".utf8)
    static let columns = 64

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

    /// Whether input starting with these bytes looks armored.
    public static func detect(_ prefix: [UInt8]) -> Bool {
        let trimmed = prefix.drop(while: isWhitespace)
        return trimmed.starts(with: begin.prefix(min(begin.count, trimmed.count))) && !trimmed.isEmpty
    }
}

/// Decodes armored input line by line, so a large armored file streams.
public final class ArmorDecoder: ByteSource {
    private let reader: ByteReader
    private var started = false
    private var finished = false
    private var pending = [UInt8]()
    private var pendingOffset = 0

    public init(_ reader: ByteReader) { self.reader = reader }

    /// A line with its LF or CRLF removed; unterminated last lines are allowed.
    private func line() throws -> [UInt8]? {
        do {
            guard var line = try reader.readLine(maxLength: Armor.columns + 1) else { return nil }
            if line.last == 0x0D { line.removeLast() }
            return line
        } catch ByteReader.LineError.unterminated(let rest) {
            return rest
        } catch is ByteReader.LineError {
            throw AgeError.armor("line is longer than 64 columns")
        }
    }

    private func start() throws {
        while true {
            guard let current = try line() else { throw AgeError.armor("no armor begin line") }
            if current.allSatisfy(Armor.isWhitespace) { continue }
            guard current == Armor.begin else { throw AgeError.armor("expected the armor begin line") }
            started = true
            return
        }
    }

    private func decodeNextLine() throws {
        guard let current = try line() else { throw AgeError.armor("no armor end line") }
        if current == Armor.end {
            // After the end line, only whitespace may follow.
            while let rest = try line() {
                guard rest.allSatisfy(Armor.isWhitespace) else { throw AgeError.armor("data after the armor end line") }
            }
            finished = true
            return
        }
        guard !current.isEmpty, current.count <= Armor.columns else { throw AgeError.armor("armor line has the wrong length") }
        let isLast = current.count < Armor.columns || current.last == UInt8(ascii: "=")
        guard let decoded = Base64.decode(current, padded: isLast) else {
            throw AgeError.armor("armor is not canonical base64")
        }
        if isLast {
            guard try line() == Armor.end else { throw AgeError.armor("expected the armor end line after a short line") }
            while let rest = try line() {
                guard rest.allSatisfy(Armor.isWhitespace) else { throw AgeError.armor("data after the armor end line") }
            }
            finished = true
        }
        pending = decoded
        pendingOffset = 0
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !started { try start() }
        while pendingOffset == pending.count {
            if finished { return 0 }
            try decodeNextLine()
        }
        let n = min(buffer.count, pending.count - pendingOffset)
        let start = pendingOffset
        pending.withUnsafeBytes { src in buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + n)])) }
        pendingOffset += n
        return n
    }
}

/// Encodes everything written into armor; `finish()` writes the end line.
public final class ArmorEncoder: ByteSink {
    private let sink: ByteSink
    private var buffer = [UInt8]()
    private static let lineBytes = Armor.columns / 4 * 3

    public init(_ sink: ByteSink) throws {
        self.sink = sink
        try sink.write(Armor.begin + [0x0A])
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        var offset = 0
        var text = [UInt8]()
        while buffer.count - offset >= Self.lineBytes {
            text += Array(Base64.encode(buffer[offset..<(offset + Self.lineBytes)]).utf8) + [0x0A]
            offset += Self.lineBytes
        }
        buffer.removeFirst(offset)
        if !text.isEmpty { try sink.write(text) }
    }

    public func finish() throws {
        var text = [UInt8]()
        if !buffer.isEmpty { text += Array(Base64.encode(buffer).utf8) + [0x0A] }
        try sink.write(text + Armor.end + [0x0A])
        buffer.removeAll()
    }
}
