/// Which kind of key a message is sealed to. age forbids mixing post-quantum
/// and classical stanzas in one file (a quantum computer would open it through
/// the classical one), so a message is post-quantum only when every recipient,
/// the sender's own copy included, has a post-quantum key; otherwise all get
/// their X25519 key, and those lacking one are named.
public struct KeyChoice: Sendable {
    /// The recipients, each with the key chosen for them in `key`.
    public var recipients: [ResolvedRecipient]
    public var postQuantum: Bool
    /// Who made the message classical: sotto identities without a
    /// post-quantum key, and bare classical age keys beside a recipient who has one.
    public var lacking: [String]

    public init(_ candidates: [ResolvedRecipient]) {
        let hybrid = candidates.map { $0.key.kind == .postQuantum ? $0.key : $0.hybrid }
        if !candidates.isEmpty, hybrid.allSatisfy({ $0 != nil }) {
            recipients = zip(candidates, hybrid).map { candidate, key in
                var chosen = candidate
                if let key { chosen.key = key }
                return chosen
            }
            postQuantum = true
            lacking = []
        } else {
            recipients = candidates
            postQuantum = false
            // Who made it classical: sotto identities without a post-quantum key, and, when
            // someone could have had one, bare classical age recipients too.
            let couldHave = hybrid.contains { $0 != nil }
            var names = [String]()
            for (candidate, key) in zip(candidates, hybrid) where key == nil && (candidate.identity != nil || couldHave)
                && !names.contains(candidate.label) {
                names.append(candidate.label)
            }
            lacking = names
        }
    }

    /// The error for `--require-pq` when the message would be classical.
    public var refusal: SottoError? {
        guard !postQuantum else { return nil }
        let who = lacking.isEmpty ? "some recipients have" : lacking.map { "'\($0)'" }.joined(separator: ", ") + (lacking.count == 1 ? " has" : " have")
        return SottoError(.refused, "\(who) no post-quantum key: the message would be sealed with X25519 alone",
                          hints: ["a sotto contact gets one with sotto 0.3 or later (ask for a fresh card: sotto-keygen card); "
                                  + "an age user needs an age1pq1… key (age 1.3 or later); or seal without --require-pq"])
    }

    /// The notice when the message is classical because of those recipients.
    public var notice: String? {
        // A bare post-quantum key among classical ones is refused when sealing (age's rule): no notice then.
        guard !postQuantum, !lacking.isEmpty, !recipients.contains(where: { $0.key.kind == .postQuantum }) else { return nil }
        let who = lacking.map { "'\($0)'" }.joined(separator: ", ")
        return "sealed with X25519 alone, not post-quantum: \(who) \(lacking.count == 1 ? "has" : "have") no post-quantum key"
    }
}
