import SottoCore

extension Time {
    /// A duration given on the command line: a bad one is a usage error (64)
    /// that names the option, not malformed input.
    public static func duration(_ text: String, option: String) throws -> Int64? {
        do { return try duration(text) } catch let error as SottoError {
            throw SottoError(.usage, "\(option): \(error.message)")
        }
    }
}
