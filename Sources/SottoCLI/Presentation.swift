import ArgumentParser
import Glibc
import SottoCore

/// Text for a person at a terminal, JSON for programs, as gh does: the
/// commands people read (`sotto-keygen list` and `fingerprint`, `sotto-open`)
/// write text when stdout is a terminal; --json forces JSON; pipes and files
/// always get JSON. Whatever came from someone else is shown with control
/// characters neutralised, so a message cannot drive the terminal.
public struct PresentationOptions: ParsableArguments {
    @Flag(help: "Write JSON records even when stdout is a terminal.")
    public var json = false

    public init() {}

    public var forPeople: Bool { !json && isatty(1) == 1 }

    /// Writes `record` as JSON, or as text for a person.
    public func write(_ record: [String: Any]) throws {
        guard forPeople else { return try Output.record(record) }
        try Output.stdout.write(TextRecord.render(record))
    }
}

/// The text form of each record type a person reads.
enum TextRecord {
    static func render(_ record: [String: Any]) -> String {
        switch record["type"] as? String {
        case "identity": return identity(record)
        case "contact": return contact(record)
        case "group":
            return "group @\(text(record["name"])): \((record["members"] as? [String] ?? []).map(\.printable).joined(separator: ", "))\n"
        case "safety_number": return safetyNumber(record)
        case "message": return message(record)
        default: return (try? String(decoding: JSON.line(record), as: UTF8.self)) ?? ""
        }
    }

    static func identity(_ record: [String: Any]) -> String {
        let marks = [record["default"] as? Bool == true ? "default" : nil, (record["revoked_at"] as? String).map { "revoked \($0)" }]
        return "identity \(text(record["name"]))\(list(marks))\n"
            + "  fingerprint \(text(record["fingerprint"]))\n  mailbox     \(text(record["mailbox"]))\n"
            + "  age         \(text(record["age_recipient"]))\n"
    }

    static func contact(_ record: [String: Any]) -> String {
        let marks = [record["verified"] as? Bool == true ? "verified" : "not verified", record["blocked"] as? Bool == true ? "blocked" : nil]
        var out = "contact \(text(record["name"]))\(list(marks))\n"
        if let fingerprint = record["fingerprint"] as? String { out += "  fingerprint \(fingerprint.printable)\n" }
        if let mailbox = record["mailbox"] as? String { out += "  mailbox     \(mailbox.printable)\n" }
        return out + "  age         \(text(record["age_recipient"]))\n"
    }

    static func safetyNumber(_ record: [String: Any]) -> String {
        let groups = text(record["safety_number"]).split(separator: " ")
        let lines = stride(from: 0, to: groups.count, by: 4).map { "  " + groups[$0..<min($0 + 4, groups.count)].joined(separator: " ") }
        return "safety number of \(text(record["identity"])) and \(text(record["contact"]))\(list([record["verified"] as? Bool == true ? "verified" : "not verified"])):\n"
            + lines.joined(separator: "\n") + "\n"
    }

    static func message(_ record: [String: Any]) -> String {
        var out = "From:    \(sender(record["from"] as? [String: Any]))\n"
        if let sent = record["sent_at"] as? String { out += "Date:    \(sent.printable)\n" }
        if let to = record["to"] as? [String], !to.isEmpty { out += "To:      \(to.map(\.printable).joined(separator: ", "))\n" }
        if let thread = record["thread"] as? String { out += "Thread:  \(thread.printable)\n" }
        out += "Expires: \((record["expires_at"] as? String)?.printable ?? "never")\n"
        if let readAfter = record["ttl_after_read"] as? String { out += "Read:    deleted \(readAfter.printable) after first opened\n" }
        out += "\n"
        if let body = record["body"] as? String {
            // Line breaks and tabs stay; every other control character is shown, not obeyed.
            out += body.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map { String($0).printable }.joined(separator: "\t") }
                .joined(separator: "\n")
            if !body.hasSuffix("\n") { out += "\n" }
        } else {
            out += "(\(text(record["content_type"])), not text: -o FILE writes it, --json gives it as base64)\n"
        }
        return out + "\n"
    }

    static func sender(_ from: [String: Any]?) -> String {
        guard let from else { return "(anonymous)" }
        guard from["known"] as? Bool == true else {
            return "unknown sender calling themself '\(text(from["claimed_name"]))' (fingerprint \(text(from["fingerprint"]).prefix(16))…)"
        }
        return "\(text(from["name"]))\(list([from["verified"] as? Bool == true ? "verified" : "not verified"]))"
    }

    static func text(_ value: Any?) -> String { (value as? String)?.printable ?? "" }

    static func list(_ marks: [String?]) -> String {
        let present = marks.compactMap { $0 }
        return present.isEmpty ? "" : " (" + present.joined(separator: ", ") + ")"
    }
}
