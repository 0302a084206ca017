/// An opened message, ready to print.
public struct OpenedMessage {
    public var id: EnvelopeID?
    public var messageID: MessageID
    public var envelope: EnvelopeReader
    public var sender: [String: Any]?
    /// Whether the sender is one of my own identities.
    public var fromMe: Bool
    public var to: [String]
    public var body: [UInt8]

    /// Who wrote it, as export names it: "me" for my identities, else "them".
    public var author: String { fromMe ? "me" : "them" }

    public var record: [String: Any] {
        let inner = envelope.inner
        var record: [String: Any] = [
            "type": "message", "id": id.orNull, "message_id": messageID, "from": sender.orNull, "to": to,
            "sent_at": inner.map { Time.rfc3339($0.sentAt) }.orNull,
            "expires_at": (envelope.sotto?.expiresAt).map(Time.rfc3339).orNull,
            "thread": inner?.thread.orNull ?? JSONNull(),
            "content_type": inner?.contentType ?? "application/octet-stream",
            "postquantum": envelope.header.isPostQuantum,
        ]
        let contentType = inner?.contentType ?? "application/octet-stream"
        if let ttl = inner?.ttlAfterRead { record["ttl_after_read"] = "\(ttl)s" }
        // A plain age file says nothing of its content: UTF-8 text is shown as text.
        if contentType.hasPrefix("text/") || inner == nil, let text = String(validating: body, as: UTF8.self) {
            record["body"] = text
        } else {
            record["body_base64"] = Base64.encode(body)
        }
        return record
    }
}

