/// A record's fields with typed accessors whose errors name the line and field.
public struct Fields {
    public let values: [String: Any]
    public let line: Int

    public init(_ values: [String: Any], line: Int) {
        self.values = values
        self.line = line
    }

    public func badField(_ key: String, _ expected: String, hints: [String] = []) -> SottoError { bad(key, expected, hints: hints) }

    func bad(_ key: String, _ expected: String, hints: [String] = []) -> SottoError {
        SottoError(.malformed, "line \(line): field \"\(key)\" \(expected)", hints: hints)
    }

    public func has(_ key: String) -> Bool { values[key] != nil && !(values[key] is JSONNull) }

    public func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw bad(key, "is missing") }
        return value
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let raw = values[key], !(raw is JSONNull) else { return nil }
        guard let value = raw as? String else { throw bad(key, "must be a string") }
        return value
    }

    public func strings(_ key: String) throws -> [String]? {
        guard let raw = values[key], !(raw is JSONNull) else { return nil }
        if let one = raw as? String { return [one] }
        guard let array = raw as? [Any], let strings = array as? [String] else { throw bad(key, "must be an array of strings") }
        return strings
    }

    public func bool(_ key: String) throws -> Bool? {
        guard let raw = values[key], !(raw is JSONNull) else { return nil }
        guard let value = raw as? Bool else { throw bad(key, "must be true or false") }
        return value
    }

    public func int(_ key: String) throws -> Int64? {
        guard let raw = values[key], !(raw is JSONNull) else { return nil }
        if let value = raw as? Int64 { return value }
        guard let number = raw as? Double, let value = Int64(exactly: number) else { throw bad(key, "must be an integer") }
        return value
    }

    public func base64(_ key: String) throws -> [UInt8] {
        guard let bytes = Base64.decode(try string(key)) else { throw bad(key, "is not valid base64") }
        return bytes
    }

    public func time(_ key: String) throws -> Int64? {
        guard let text = try optionalString(key) else { return nil }
        guard let seconds = Time.parse(text) else { throw bad(key, "is not an RFC 3339 time") }
        return seconds
    }

    /// A duration such as 30s or 7d: nil when absent, .some(nil) for never.
    public func duration(_ key: String) throws -> Int64?? {
        guard let text = try optionalString(key) else { return nil }
        do { return .some(try Time.parseDuration(text)) } catch .zero {
            throw bad(key, "is zero: \(Time.DurationError.zero.advice)")
        } catch {
            throw bad(key, "is not a duration: '\(text.prefix(40))' (\(error.advice))")
        }
    }

    public func object(_ key: String) throws -> Fields? {
        guard let raw = values[key], !(raw is JSONNull) else { return nil }
        guard let dict = raw as? [String: Any] else { throw bad(key, "must be an object") }
        return Fields(dict, line: line)
    }

    public func objects(_ key: String) throws -> [Fields] {
        guard let array = values[key] as? [Any] else { throw bad(key, "must be an array") }
        return try array.map {
            guard let dict = $0 as? [String: Any] else { throw bad(key, "must hold objects") }
            return Fields(dict, line: line)
        }
    }
}

extension Optional {
    /// JSON null for nil, for record dictionaries.
    public var orNull: Any { self.map { $0 as Any } ?? JSONNull() }
}
