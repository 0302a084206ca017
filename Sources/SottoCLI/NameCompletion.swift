import ArgumentParser
import FoundationEssentials
import SottoCore

/// Completes names from the keyring when the shell asks: the command runs
/// the closure itself, reads only the names (public data, no passphrase),
/// and offers nothing when there is no keyring or it cannot be read.
public enum NameCompletion {
    /// Recipients for -r: contacts, @groups and my identities.
    public static let recipients = CompletionKind.custom { words, _, prefix in
        names(words, prefix) { keyring in
            try keyring.contacts().map(\.name) + keyring.groups().map { "@" + $0.name } + keyring.identities().map(\.name)
        }
    }

    public static let contacts = CompletionKind.custom { words, _, prefix in
        names(words, prefix) { try $0.contacts().map(\.name) }
    }

    public static let identities = CompletionKind.custom { words, _, prefix in
        names(words, prefix) { try $0.identities().map(\.name) }
    }

    /// Members of a group: contacts and my identities.
    public static let members = CompletionKind.custom { words, _, prefix in
        names(words, prefix) { try $0.contacts().map(\.name) + $0.identities().map(\.name) }
    }

    /// The names `list` gives that start with `prefix`, sorted; the home is
    /// the command line's --home, else the environment's.
    static func names(_ words: [String], _ prefix: String, _ list: (Keyring) throws -> [String]) -> [String] {
        let named = words.firstIndex(of: "--home").flatMap { words.indices.contains($0 + 1) ? words[$0 + 1] : nil }
        let home = Home.resolve(named)
        guard FileManager.default.fileExists(atPath: home.keyringPath), let keyring = try? Keyring(home: home),
              let all = try? list(keyring) else { return [] }
        return Set(all.filter { $0.hasPrefix(prefix) }).sorted()
    }
}
