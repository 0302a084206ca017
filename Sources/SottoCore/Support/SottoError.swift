/// The one error type every sotto operation reports. The command layer maps
/// `kind` to a stable exit code; `message` is one lowercase line for people.
public struct SottoError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A policy or authenticity refusal: bad signature, no key, expired.
        case refused
        case usage
        case malformed
        case notFound
        case unavailable
        case outputExists
        case io
        case temporary
        /// Wrong passphrase, or the keyring is locked and no passphrase was given.
        case locked
        case unsupported
        case `internal`
    }

    public let kind: Kind
    public let message: String
    public var hints: [String]

    public init(_ kind: Kind, _ message: String, hints: [String] = []) {
        self.kind = kind
        self.message = message
        self.hints = hints
    }

    public var description: String { message }

    public func hint(_ text: String) -> SottoError {
        var copy = self
        copy.hints.append(text)
        return copy
    }
}
