import NIOSSL
import PostgresNIO
import SottoCore

/// Turns what postgres-nio reports into sotto's one error type: 69 when the
/// server cannot be used as configured, 75 when a retry may succeed (lost
/// connection, restart, serialization failure, deadlock). Messages name the
/// server without its password and carry the server's own words.
enum PostgresFailure {
    static func describe(_ error: any Error, settings: PostgresSettings, connecting: Bool) -> SottoError {
        if let error = error as? SottoError { return error }
        let retry = "nothing was lost: run the command again"
        guard let error = error as? PSQLError else {
            if let tls = error as? NIOSSLError {
                return SottoError(.unavailable, "TLS with the mailbox server \(settings) failed: \(tls)")
            }
            return SottoError(connecting ? .unavailable : .temporary, "mailbox server \(settings): \(error)")
        }
        switch error.code {
        case .server:
            return server(error, settings: settings)
        case .connectionError where connecting:
            let cause = error.underlying.map { "\($0)" } ?? "no answer"
            return SottoError(.unavailable, "cannot connect to the mailbox server \(settings): \(cause)")
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return SottoError(.temporary, "lost the connection to the mailbox server \(settings)", hints: [retry])
        case .sslUnsupported:
            return SottoError(.unavailable, "the mailbox server \(settings) does not offer TLS, and sslmode=\(settings.sslMode.rawValue) requires it")
        case .authMechanismRequiresPassword:
            return SottoError(.unavailable, "the mailbox server asks \(settings.user) for a password",
                              hints: ["give it in the URL, in PGPASSWORD or in ~/.pgpass (mode 0600)"])
        case .unsupportedAuthMechanism, .saslError:
            return SottoError(.unavailable, "cannot authenticate to the mailbox server \(settings): \(error.code)")
        default:
            return SottoError(connecting ? .unavailable : .temporary, "mailbox server \(settings): \(error.code)")
        }
    }

    static func server(_ error: PSQLError, settings: PostgresSettings) -> SottoError {
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? "unknown error"
        let text = "mailbox server \(settings): \(message)"
        switch state {
        case "55P03", "57014":
            return SottoError(.temporary, text, hints: ["another session held a lock, or the server was too slow (sotto waits \(PostgresSession.lockTimeout) s "
                                                        + "for a lock, \(PostgresSession.statementTimeout) s for a statement); nothing was lost: run the command again"])
        case "40001", "40P01", "53300", "57P01", "57P02", "57P03":
            return SottoError(.temporary, text, hints: ["nothing was lost: run the command again"])
        case _ where state.hasPrefix("08"):
            return SottoError(.temporary, text, hints: ["nothing was lost: run the command again"])
        case "42501", "42P01", "3F000":
            return SottoError(.unavailable, text,
                              hints: ["the administrator sets up the sotto schema and grants sotto_user or sotto_sender (docs/postgres.md)"])
        default:
            return SottoError(.unavailable, text)
        }
    }
}
