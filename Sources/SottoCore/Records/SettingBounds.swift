/// The bounds every stored setting is held to, wherever it comes from: the
/// command line, or an export being restored. A setting out of bounds is a
/// usage error on the command line and malformed input in an export.
public enum SettingBounds {
    static let hour: Int64 = 3600
    static let day: Int64 = 86400

    /// How long a retired secret is kept: forward secrecy is only as good as this is short.
    public static let retention = hour...(366 * day)
    /// How often keys rotate on a schedule: every key's secret is held for its
    /// lifetime and the retention, so daily rotation with the longest
    /// retention keeps about 370 keys (a card holds at most 1000).
    public static let rotation = day...(366 * day)
    /// An identity's default time to live (or never).
    public static let ttl = Int64(1)...(3660 * day)

    /// Checks `seconds` against `range`, naming the setting in the error.
    public static func check(_ seconds: Int64, _ range: ClosedRange<Int64>, _ what: String, kind: SottoError.Kind = .usage) throws {
        guard range.contains(seconds) else {
            throw SottoError(kind, "\(what) must be between \(Time.describe(range.lowerBound)) and \(Time.describe(range.upperBound)), "
                             + "not \(Time.describe(seconds))")
        }
    }
}
