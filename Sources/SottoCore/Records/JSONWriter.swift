/// Writes a record as compact JSON with its keys in UTF-8 byte order, so the
/// same record always gives the same bytes (the inner header is signed as
/// written). Slashes and non-ASCII text are written as they are; quotes,
/// backslashes and control characters are escaped.
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
        string.withUTF8 { utf8 in
            if !utf8.contains(where: Self.needsEscape) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                guard Self.needsEscape(byte) else { bytes.append(byte); continue }
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
