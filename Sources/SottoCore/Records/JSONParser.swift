/// A strict RFC 8259 parser for records, in one pass over UTF-8 that is
/// already known to be valid. Values come out as String, Bool, Int64 (integers
/// that fit) or Double (finite), [Any], [String: Any] and JSONNull.
///
/// Besides malformed text it refuses what a general parser would accept but a
/// record must not hold: nesting deeper than `maxDepth` (stack use), and a key
/// given twice in one object, which parsers resolve differently (first wins,
/// last wins, error), so a signer and a reader could disagree. Keys count as
/// the same when Swift's String equality says so, as a dictionary would merge them.
struct JSONParser {
    enum Failure: Error, Equatable {
        case malformed
        case tooDeep
        case duplicateKey(String)
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// The one value `bytes` holds, with nothing but whitespace around it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(Failure) -> Any {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw .malformed }
        return value
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard current == byte else { throw .malformed }
        index += 1
    }

    private mutating func value() throws(Failure) -> Any {
        guard let byte = current else { throw .malformed }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        case UInt8(ascii: "n"): try literal("null"); return JSONNull()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw .malformed
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        for byte in word.utf8 { try expect(byte) }
    }

    /// Steps into an object or array; false when it is empty, and then already left.
    private mutating func enter(closing close: UInt8) throws(Failure) -> Bool {
        depth += 1
        guard depth <= maxDepth else { throw .tooDeep }
        index += 1
        skipWhitespace()
        guard current == close else { return true }
        index += 1
        depth -= 1
        return false
    }

    /// After a member or element: true at a comma, false (the container left) at `close`.
    private mutating func more(closing close: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        if current == UInt8(ascii: ",") {
            index += 1
            skipWhitespace()
            return true
        }
        try expect(close)
        depth -= 1
        return false
    }

    private mutating func object() throws(Failure) -> [String: Any] {
        var object = [String: Any]()
        guard try enter(closing: UInt8(ascii: "}")) else { return object }
        repeat {
            guard current == UInt8(ascii: "\"") else { throw .malformed }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let member = try value()
            guard object.updateValue(member, forKey: key) == nil else { throw .duplicateKey(String(key.prefix(64))) }
        } while try more(closing: UInt8(ascii: "}"))
        return object
    }

    private mutating func array() throws(Failure) -> [Any] {
        var array = [Any]()
        guard try enter(closing: UInt8(ascii: "]")) else { return array }
        repeat {
            array.append(try value())
        } while try more(closing: UInt8(ascii: "]"))
        return array
    }

    /// A string; the common case without escapes is one slice of the input.
    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw .malformed }
            index += 1
        }
        guard let stop = current else { throw .malformed }
        if stop == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self)
        }
        var text = Array(bytes[start..<index])
        while true {
            guard let byte = current else { throw .malformed }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &text)
            case ..<0x20:
                throw .malformed
            default:
                text.append(byte)
            }
        }
    }

    private mutating func escape(into text: inout [UInt8]) throws(Failure) {
        guard let byte = current else { throw .malformed }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard current == UInt8(ascii: "\\") else { throw .malformed }
                index += 1
                try expect(UInt8(ascii: "u"))
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw .malformed }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw .malformed
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw .malformed }
            text.append(contentsOf: unicode.utf8)
        default:
            throw .malformed
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard bytes.count - index >= 4 else { throw .malformed }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .malformed
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// An integer that fits in Int64 stays exact; anything else is a Double,
    /// and one beyond a Double's range is refused.
    private mutating func number() throws(Failure) -> Any {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw .malformed }
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            index += 1
            integral = false
            guard digits() > 0 else { throw .malformed }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            integral = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw .malformed }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if integral, let exact = Int64(text) { return exact }
        guard let double = Double(text), double.isFinite else { throw .malformed }
        return double
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }
}
