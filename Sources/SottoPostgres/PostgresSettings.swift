import Foundation
import SottoCore

/// Where and how to connect, from a postgres:// URL with libpq's fallbacks:
/// what the URL leaves out comes from PGHOST, PGPORT, PGUSER, PGPASSWORD,
/// PGDATABASE, PGSSLMODE and PGSSLROOTCERT, and a missing password from
/// ~/.pgpass (or PGPASSFILE). The password never appears in `description`.
public struct PostgresSettings: Equatable, CustomStringConvertible, Sendable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// A host name or address, or a directory holding the server's Unix socket.
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    public var sslRootCert: String?
    public var connectTimeout: Int

    public var isUnixSocket: Bool { host.hasPrefix("/") }
    public var socketPath: String { "\(host)/.s.PGSQL.\(port)" }

    /// The location without the password, for messages.
    public var description: String { "postgres://\(user)@\(isUnixSocket ? "[\(host)]" : host):\(port)/\(database)" }

    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                passfile: String? = nil) throws {
        let parts = try URLParts(url)
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        host = parts.query["host"] ?? parts.host ?? env("PGHOST") ?? "/var/run/postgresql"
        let portText = parts.query["port"] ?? parts.port ?? env("PGPORT") ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw SottoError(.usage, "mailbox URL: '\(portText.prefix(20))' is not a port number")
        }
        self.port = port
        user = parts.query["user"] ?? parts.user ?? env("PGUSER") ?? Self.osUser()
        database = parts.query["dbname"] ?? parts.database ?? env("PGDATABASE") ?? user
        let modeText = parts.query["sslmode"] ?? env("PGSSLMODE") ?? "prefer"
        guard let mode = SSLMode(rawValue: modeText) else {
            throw SottoError(.usage, "mailbox URL: unknown sslmode '\(modeText.prefix(20))'",
                             hints: ["use one of " + SSLMode.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        sslMode = mode
        sslRootCert = parts.query["sslrootcert"] ?? env("PGSSLROOTCERT")
        let timeoutText = parts.query["connect_timeout"] ?? env("PGCONNECT_TIMEOUT") ?? "10"
        guard let timeout = Int(timeoutText), timeout >= 0 else {
            throw SottoError(.usage, "mailbox URL: connect_timeout must be a number of seconds")
        }
        connectTimeout = timeout == 0 ? 10 : timeout
        password = parts.password ?? parts.query["password"] ?? env("PGPASSWORD")
        if password == nil {
            let file = passfile ?? env("PGPASSFILE") ?? env("HOME").map { $0 + "/.pgpass" }
            if let file { password = PassFile.lookup(file, host: host, port: port, database: database, user: user) }
        }
    }

    static func osUser() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "postgres" }
        return String(cString: name)
    }
}

/// The pieces of a postgres:// URL, percent-decoded.
struct URLParts {
    var user: String?
    var password: String?
    var host: String?
    var port: String?
    var database: String?
    var query = [String: String]()

    init(_ url: String) throws {
        var rest = Substring(url)
        guard let scheme = ["postgresql://", "postgres://"].first(where: { rest.hasPrefix($0) }) else {
            throw SottoError(.usage, "a PostgreSQL mailbox is a postgres:// URL")
        }
        rest = rest.dropFirst(scheme.count)
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") where !pair.isEmpty {
                let (key, value) = pair.firstIndex(of: "=").map { (pair[..<$0], pair[pair.index(after: $0)...]) } ?? (pair, "")
                query[try Self.decode(key)] = try Self.decode(value)
            }
            rest = rest[..<mark]
        }
        if let slash = rest.firstIndex(of: "/") {
            let name = try Self.decode(rest[rest.index(after: slash)...])
            database = name.isEmpty ? nil : name
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.decode(credentials[..<colon])
                password = try Self.decode(credentials[credentials.index(after: colon)...])
            } else {
                user = try Self.decode(credentials)
            }
            rest = rest[rest.index(after: at)...]
        }
        if rest.hasPrefix("[") {  // [IPv6]:port
            guard let close = rest.firstIndex(of: "]") else { throw SottoError(.usage, "mailbox URL: unclosed '[' in the host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            if rest.hasPrefix(":") { port = String(rest.dropFirst()) } else if !rest.isEmpty {
                throw SottoError(.usage, "mailbox URL: unexpected text after the host")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = try Self.decode(rest[..<colon])
            port = String(rest[rest.index(after: colon)...])
        } else if !rest.isEmpty {
            host = try Self.decode(rest)
        }
        if host?.isEmpty == true { host = nil }
        if port?.isEmpty == true { port = nil }
        if user?.isEmpty == true { user = nil }
    }

    static func decode<S: StringProtocol>(_ text: S) throws -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw SottoError(.usage, "mailbox URL: bad percent-encoding")
        }
        return decoded
    }
}

/// libpq's password file: lines of host:port:database:user:password, `*`
/// matching anything, `\` escaping `:` and `\`. Like libpq, a file that group
/// or others can read is ignored.
enum PassFile {
    static func lookup(_ path: String, host: String, port: Int, database: String, user: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 == 0,
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let wanted = [host.hasPrefix("/") ? "localhost" : host, String(port), database, user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count == 5 else { continue }
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    static func split<S: StringProtocol>(_ line: S) -> [String] {
        var fields = [String](), current = "", escaped = false
        for character in line {
            if escaped { current.append(character); escaped = false } else if character == "\\" { escaped = true } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else { current.append(character) }
        }
        fields.append(current)
        return fields
    }
}
