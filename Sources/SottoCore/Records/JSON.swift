/// JSON's null inside a record's dictionary.
public struct JSONNull: Equatable, Sendable {
    public init() {}
}

/// JSON Lines: one object per line, keys in byte order, no escaped slashes.
public enum JSON {
    public static func encode(_ object: [String: Any]) throws -> [UInt8] {
        var writer = JSONWriter()
        try writer.write(object)
        return writer.bytes
    }

    /// Whether two parsed JSON values are the same: compared as sotto
    /// writes them, keys in order, so objects and numbers compare by value.
    public static func sameValue(_ a: Any?, _ b: Any?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        guard let left = try? encode(["v": a]), let right = try? encode(["v": b]) else { return false }
        return left == right
    }

    public static func line(_ object: [String: Any]) throws -> [UInt8] {
        var writer = JSONWriter()
        try writer.write(object)
        writer.newline()
        return writer.bytes
    }

    /// Records are shallow; deeper input is refused.
    public static let maxDepth = 32

    /// Parses one line as a JSON object; `line` numbers the error.
    public static func object(_ bytes: [UInt8], line: Int) throws -> Fields {
        try bytes.withUnsafeBufferPointer { try object($0, line: line) }
    }

    public static func object(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws -> Fields {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw SottoError(.malformed, "line \(line): not valid UTF-8")
        }
        let value: Any
        do {
            value = try JSONParser.parse(bytes, maxDepth: maxDepth)
        } catch .tooDeep {
            throw SottoError(.malformed, "line \(line): JSON nested more than \(maxDepth) levels deep")
        } catch .duplicateKey(let key) {
            throw SottoError(.malformed, "line \(line): duplicate key \"\(key)\"")
        } catch {
            throw SottoError(.malformed, "line \(line): not valid JSON")
        }
        guard let dict = value as? [String: Any] else { throw SottoError(.malformed, "line \(line): expected a JSON object") }
        return Fields(dict, line: line)
    }
}

/// A value written in records as a JSON string: identifiers with a type of their own.
public protocol JSONText {
    var jsonText: String { get }
}
