import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import SottoCore

/// One connection, used synchronously: the commands are sequential, so each
/// call waits for its result on the calling thread.
final class PostgresSession {
    let settings: PostgresSettings
    private let connection: PostgresConnection
    private var listening = Set<String>()
    private let wakeup: Wakeup
    static let logger = Logger(label: "sotto.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    init(_ settings: PostgresSettings) throws {
        self.settings = settings
        var configuration: PostgresConnection.Configuration
        if settings.isUnixSocket {
            configuration = .init(unixSocketPath: settings.socketPath, username: settings.user,
                                  password: settings.password, database: settings.database)
        } else {
            configuration = .init(host: settings.host, port: settings.port, username: settings.user,
                                  password: settings.password, database: settings.database, tls: try Self.tls(settings))
        }
        configuration.options.connectTimeout = .seconds(Int64(settings.connectTimeout))
        wakeup = try Wakeup()
        do {
            connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(),
                                                        configuration: configuration, id: 1, logger: Self.logger).wait()
        } catch {
            throw PostgresFailure.describe(error, settings: settings, connecting: true)
        }
        // A lock someone holds, or a statement the server cannot finish, ends
        // in a temporary failure (75) within a bounded time, never a silent wait.
        try execute(PostgresQuery(unsafeSQL: "SET lock_timeout = '\(Self.lockTimeout)s'"))
        try execute(PostgresQuery(unsafeSQL: "SET statement_timeout = '\(Self.statementTimeout)s'"))
    }

    /// Seconds to wait for a lock, and for any one statement.
    static let lockTimeout = 10
    static let statementTimeout = 120

    deinit { try? connection.close().wait() }

    /// libpq's sslmode: prefer and require encrypt without checking the
    /// certificate; verify-ca checks the chain, verify-full also the host name.
    static func tls(_ settings: PostgresSettings) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch settings.sslMode {
        case .disable: return .disable
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let root = settings.sslRootCert { tls.trustRoots = .file(root) }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw SottoError(.usage, "mailbox TLS settings: \(error)")
        }
        return settings.sslMode == .allow || settings.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// Runs one statement and returns all its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        try result(query).rows
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> Int {
        try result(query).metadata.rows ?? 0
    }

    private func result(_ query: PostgresQuery) throws -> PostgresQueryResult {
        do {
            return try connection.query(query, logger: Self.logger).wait()
        } catch {
            throw PostgresFailure.describe(error, settings: settings, connecting: false)
        }
    }

    /// Returns after a NOTIFY on one of `channels` (names the caller checked),
    /// after `timeout` seconds, or when a signal arrives. Listening starts on
    /// each channel the first time it is named.
    func wait(for channels: [String], timeout: Double) throws {
        for channel in channels where !listening.contains(channel) {
            let fd = wakeup.writeEnd
            connection.addListener(channel: channel) { _, _ in Wakeup.signal(fd) }
            try execute(PostgresQuery(unsafeSQL: "LISTEN \(channel)"))
            listening.insert(channel)
        }
        wakeup.wait(timeout: timeout)
        if connection.isClosed {
            throw SottoError(.temporary, "lost the connection to the mailbox server \(settings)",
                             hints: ["nothing was lost: run the command again"])
        }
    }
}

/// A pipe the NIO thread writes to and the command's thread polls, so a wait
/// ends on a notification, a timeout or a signal (poll returns EINTR).
final class Wakeup {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw SottoError(.io, "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    static func signal(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    func wait(timeout: Double) {
        var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, Int32(timeout * 1000))
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}
