import FoundationEssentials
import Glibc

/// $SOTTO_HOME: the directory (mode 0700) holding the keyring and the inbox.
public struct Home: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// --home, else $SOTTO_HOME, else $XDG_DATA_HOME/sotto, else ~/.local/share/sotto.
    public static func resolve(_ explicit: String?) -> Home {
        let env = ProcessInfo.processInfo.environment
        if let explicit, !explicit.isEmpty { return Home(path: explicit) }
        if let home = env["SOTTO_HOME"], !home.isEmpty { return Home(path: home) }
        if let xdg = env["XDG_DATA_HOME"], !xdg.isEmpty { return Home(path: xdg + "/sotto") }
        return Home(path: (env["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.local/share/sotto")
    }

    public var keyringPath: String { path + "/keyring.db" }
    public var inboxPath: String { path + "/inbox.db" }
    /// The SQLite mailbox used when none is named.
    public var mailboxPath: String { path + "/mailbox.db" }
    public var exists: Bool { FileManager.default.fileExists(atPath: keyringPath) }

    /// Creates the directory with mode 0700 (and its parents), or tightens it.
    public func create() throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw SottoError(.io, "cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
        chmod(path, 0o700)
    }
}
