import Foundation

/// Times are Unix seconds inside sotto and RFC 3339 UTC in records.
public enum Time {
    /// The current time. Debug builds, which the tests run, read SOTTO_TEST_NOW
    /// (Unix seconds) so tests can move the clock; release builds have no override.
    #if DEBUG
    public static let nowOverride: Int64? = ProcessInfo.processInfo.environment["SOTTO_TEST_NOW"].flatMap { Int64($0) }
    #else
    public static let nowOverride: Int64? = nil
    #endif

    public static func now() -> Int64 { nowOverride ?? Int64(Date().timeIntervalSince1970) }

    nonisolated(unsafe) private static let formatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()

    public static func rfc3339(_ seconds: Int64) -> String {
        formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// Parses RFC 3339 (with Z or an offset, optional fractional seconds).
    public static func parse(_ text: String) -> Int64? {
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970) }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }

    /// Parses "30s", "15m", "2h", "7d", "2w"; nil for "never". Throws on bad text.
    public static func duration(_ text: String) throws -> Int64? {
        if text == "never" { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
        guard let unit = text.last, let scale = units[unit], let value = Int64(text.dropLast()), value > 0,
              value <= Int64.max / scale / 2 else {
            throw SottoError(.malformed, "bad duration '\(text)': use a number and s, m, h, d or w, or never")
        }
        return value * scale
    }
}
