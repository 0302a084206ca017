import FoundationEssentials

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

    /// The times RFC 3339 can write, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z:
    /// every time read from a message or a stanza must fall in it.
    public static let range: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    // RFC 3339 by hand: Foundation's ISO8601DateFormatter initialises ICU,
    // which costs more start-up time than everything else a message needs.

    /// "2026-11-25T17:00:00Z". Readers keep times within `range`; one outside
    /// it is written as the nearest end, never trapped on.
    public static func rfc3339(_ time: Int64) -> String {
        let seconds = min(max(time, range.lowerBound), range.upperBound)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rest = seconds - days * 86400
        let (year, month, day) = civil(days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        let paddedYear = year >= 0 && yearText.count < 4 ? String(repeating: "0", count: 4 - yearText.count) + yearText : yearText
        return "\(paddedYear)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }

    /// Parses RFC 3339: date, "T", time, optional fraction (dropped), then "Z" or an offset.
    public static func parse(_ text: String) -> Int64? {
        let c = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= c.count else { return nil }
            var value: Int64 = 0
            for byte in c[from..<(from + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard c.count >= 20, c[4] == 0x2D, c[7] == 0x2D, c[10] == 0x54 || c[10] == 0x74, c[13] == 0x3A, c[16] == 0x3A,
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month, year), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        if c[index] == 0x2E {
            index += 1
            let start = index
            while index < c.count, c[index] >= 0x30, c[index] <= 0x39 { index += 1 }
            guard index > start else { return nil }
        }
        var offset: Int64 = 0
        if index < c.count, c[index] == 0x5A || c[index] == 0x7A {
            index += 1
        } else if index < c.count, c[index] == 0x2B || c[index] == 0x2D {
            guard c.count == index + 6, c[index + 3] == 0x3A, let h = number(index + 1, 2), let m = number(index + 4, 2),
                  h < 24, m < 60 else { return nil }
            offset = (h * 60 + m) * 60 * (c[index] == 0x2D ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == c.count else { return nil }
        return days(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    }

    static func daysIn(_ month: Int64, _ year: Int64) -> Int64 {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// The date of a day number, the inverse of `days`.
    static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A duration in its largest whole unit: "2w", "31d", "90m", "45s".
    public static func describe(_ seconds: Int64) -> String {
        for (unit, scale) in [("w", Int64(604800)), ("d", 86400), ("h", 3600), ("m", 60)] where seconds % scale == 0 && seconds >= scale {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }

    /// Parses "30s", "15m", "2h", "7d", "2w"; nil for "never". Throws on bad text.
    public static func duration(_ text: String) throws -> Int64? {
        do { return try parseDuration(text) } catch DurationError.zero {
            throw SottoError(.malformed, "bad duration '\(text)': \(DurationError.zero.advice)")
        } catch {
            throw SottoError(.malformed, "bad duration '\(text)': \(DurationError.notADuration.advice)")
        }
    }

    public enum DurationError: Error {
        case notADuration, zero

        public var advice: String {
            switch self {
            case .notADuration: return "use a number and s, m, h, d or w, or never"
            case .zero: return "a duration is at least 1s"
            }
        }
    }

    public static func parseDuration(_ text: String) throws(DurationError) -> Int64? {
        if text == "never" { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
        guard let unit = text.last, let scale = units[unit], let value = Int64(text.dropLast()), value >= 0,
              value <= Int64.max / scale / 2 else { throw .notADuration }
        guard value > 0 else { throw .zero }
        return value * scale
    }
}
