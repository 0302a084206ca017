/// Writes a record as compact JSON with its keys in UTF-8 byte order, so the
/// same record always gives the same bytes (the inner header is signed as
/// written). Slashes and non-ASCII text are written as they are; quotes,
/// backslashes and whatever a terminal would act on (C0 and C1 controls, DEL,
/// bidirectional controls) are escaped.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func write(_ value: Any) throws {
        switch value {
        case let text as String: write(string: text)
        case let flag as Bool: append(flag ? "true" : "false")
        case let number as Int: append(String(number))
        case let number as Int64: append(String(number))
        case let number as Int32: append(String(number))
        case let number as UInt64: append(String(number))
        case let number as Double:
            guard number.isFinite else { throw SottoError(.internal, "cannot encode a record: \(number) is not a JSON number") }
            append(String(number))
        case let object as [String: Any]: try write(object: object)
        case let array as [Any]:
            bytes.append(UInt8(ascii: "["))
            for (position, element) in array.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case is JSONNull: append("null")
        case let value as JSONText: write(string: value.jsonText)
        default: throw SottoError(.internal, "cannot encode a record: a value of type \(type(of: value))")
        }
    }

    private mutating func write(object: [String: Any]) throws {
        bytes.append(UInt8(ascii: "{"))
        for (position, key) in object.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            write(string: key)
            bytes.append(UInt8(ascii: ":"))
            if let value = object[key] { try write(value) }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func newline() { bytes.append(0x0A) }

    private mutating func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        let clean = string.withUTF8 { utf8 in
            guard utf8.contains(where: Self.mayNeedEscape) else {
                bytes.append(contentsOf: utf8)
                return true
            }
            return false
        }
        if !clean {
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": append("\\\"")
                case "\\": append("\\\\")
                case "\n": append("\\n")
                case "\r": append("\\r")
                case "\t": append("\\t")
                case "\u{08}": append("\\b")
                case "\u{0C}": append("\\f")
                case _ where scalar.isTerminalControl:
                    let hex = Array("0123456789abcdef".utf8), value = Int(scalar.value)
                    bytes.append(contentsOf: Array("\\u".utf8) + [12, 8, 4, 0].map { hex[(value >> $0) & 0x0F] })
                default:
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// ASCII controls, quote and backslash, DEL, and the lead bytes of the C1
    /// controls (C2) and of the bidirectional controls (E2): only those strings
    /// take the slow path, which escapes what a terminal would act on.
    private static func mayNeedEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F || byte == 0xC2 || byte == 0xE2
    }
}
