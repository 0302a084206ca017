/// Which senders a reader accepts, as `minisign -P` and gpgv let a script
/// insist on a signer. Anonymous messages and plain age files have no sender:
/// every rule here refuses them.
public struct SenderPolicy: Sendable {
    /// Only contacts (or my own identities).
    public var requireKnown = false
    /// Only contacts whose safety number I verified (or my own identities).
    public var requireVerified = false
    /// Only these contacts or identities, by my name for them; empty: anyone
    /// the rules above admit.
    public var from: [String] = []

    public init(requireKnown: Bool = false, requireVerified: Bool = false, from: [String] = []) {
        self.requireKnown = requireKnown
        self.requireVerified = requireVerified
        self.from = from
    }

    var isOpen: Bool { !requireKnown && !requireVerified && from.isEmpty }

    /// Why the policy refuses a message from `sender` (nil: anonymous), or nil when it admits it.
    func refusal(of sender: Opener.Sender?) -> String? {
        guard !isOpen else { return nil }
        guard let sender else { return "anonymous message refused (\(flags))" }
        let who = sender.known ? "'\(sender.name)'" : "an unknown sender calling themself '\(sender.name)'"
        if !from.isEmpty, !(sender.known && from.contains(sender.name)) {
            return "message from \(who) refused: --from admits only \(from.map { "'\($0)'" }.joined(separator: ", "))"
        }
        if requireVerified, !sender.verified {
            return "message from \(who) refused: not verified (--require-verified)"
        }
        if requireKnown, !sender.known { return "message from \(who) refused (--require-known)" }
        return nil
    }

    private var flags: String {
        [from.isEmpty ? nil : "--from", requireVerified ? "--require-verified" : nil, requireKnown ? "--require-known" : nil]
            .compactMap { $0 }.joined(separator: ", ")
    }
}
