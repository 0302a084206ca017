/// Something that can wrap a file key into header stanzas.
public protocol AgeRecipient {
    func wrap(fileKey: SecureBytes) throws -> [Stanza]
    /// age's labels: recipients may share a file only when their labels are the same.
    var labels: Set<String> { get }
}

/// Something that can unwrap a file key from the stanzas of a header.
public protocol AgeIdentity {
    /// The file key, or nil when no stanza is for this identity. Sees the
    /// whole header, as a kind may need more than one stanza. Throws
    /// `AgeError.header` for a stanza of its type that is malformed.
    func unwrap(_ stanzas: [Stanza]) throws -> SecureBytes?
}

/// age's rule on mixing recipient kinds.
enum Labels {
    /// Sealing: every recipient carries the same labels, so a file sealed to
    /// a post-quantum recipient is never also sealed to a classical one.
    static func check(_ recipients: [AgeRecipient]) throws {
        guard let first = recipients.first?.labels, recipients.allSatisfy({ $0.labels == first }) else {
            if recipients.isEmpty { return }
            if recipients.contains(where: { $0.labels.contains("postquantum") }) {
                throw SottoError(.usage, "a post-quantum recipient cannot share a file with classical ones: "
                                 + "a quantum computer could open it through them", hints: ["seal to each kind of recipient separately"])
            }
            throw SottoError(.usage, "these recipients cannot share one file: their kinds do not mix",
                             hints: ["seal to each kind of recipient separately"])
        }
    }

    /// Stanza types that must be alone in a header: a passphrase file has no other recipient.
    static let standAlone: Set = [ScryptIdentity.stanzaType]

    /// Opening: a stanza that must stand alone, does.
    static func check(_ header: Header) throws {
        if header.stanzas.count > 1, let alone = header.stanzas.first(where: { standAlone.contains($0.type) }) {
            throw AgeError.header("an \(alone.type) stanza must be the only stanza")
        }
    }
}
