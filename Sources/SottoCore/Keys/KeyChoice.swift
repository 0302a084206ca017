/// Which kind of key a message is sealed to. age forbids mixing post-quantum
/// and classical stanzas in one file (a quantum computer would open it through
/// the classical one), so a message is post-quantum only when every recipient,
/// the sender's own copy included, has a post-quantum key; otherwise all get
/// their X25519 key, and the sotto identities lacking one are named.
public struct KeyChoice: Sendable {
    /// The recipients, each with the key chosen for them in `key`.
    public var recipients: [ResolvedRecipient]
    public var postQuantum: Bool
    /// The labels of the sotto identities without a post-quantum key, when
    /// they made the message classical.
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
            var names = [String]()
            for (candidate, key) in zip(candidates, hybrid) where key == nil && candidate.identity != nil && !names.contains(candidate.label) {
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
                          hints: ["ask them for a card from a current sotto (sotto-keygen card), or seal without --require-pq"])
    }

    /// The notice when the message is classical because of sotto identities.
    public var notice: String? {
        guard !postQuantum, !lacking.isEmpty else { return nil }
        let who = lacking.map { "'\($0)'" }.joined(separator: ", ")
        return "sealed with X25519 alone, not post-quantum: \(who) \(lacking.count == 1 ? "has" : "have") no post-quantum key (a card from sotto 0.2 or older)"
    }
}
