import FoundationEssentials
import Glibc
import SottoCore

/// Recipient lists from the command line: -r names and -R files in age's
/// recipients-file format (one age1... per line, # comments, blank lines).
public enum RecipientFiles {
    public static func read(_ path: String) throws -> [String] {
        let fd = try Files.openForReading(path)
        defer { if fd != 0 { close(fd) } }
        let text = String(decoding: try Files.readAll(fd: fd), as: UTF8.self)
        var names = [String]()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard RecipientKey.looksLike(line), !line.contains(" ") else {
                throw SottoError(.malformed, "\(path) line \(index + 1): expected an age1... recipient")
            }
            names.append(line)
        }
        return names
    }
}

/// Resolves names with the keyring when there is one; without a keyring
/// only literal age1... recipients resolve.
public func resolveRecipients(_ names: [String], keyring: Keyring?) throws -> [ResolvedRecipient] {
    guard !names.isEmpty else {
        throw SottoError(.usage, "no recipients", hints: ["give -r NAME, -R FILE, or a \"to\" field in each record"])
    }
    return try names.flatMap { name -> [ResolvedRecipient] in
        if let keyring { return try keyring.resolve(name) }
        guard RecipientKey.looksLike(name) else {
            throw SottoError(.notFound, "unknown recipient '\(name)': there is no keyring", hints: ["create one with `sotto-keygen new NAME`"])
        }
        return [ResolvedRecipient(label: name, key: try RecipientKey(parsing: name), mailbox: nil, identity: nil)]
    }
}
