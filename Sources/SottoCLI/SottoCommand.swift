import ArgumentParser
import SottoCore
import SottoRelease

/// A sotto command: `execute()` does the work, and every error, whatever its
/// source, leaves through `Diagnostics` with its documented exit code.
public protocol SottoCommand: SottoMain {
    func execute() throws
}

extension SottoCommand {
    public func run() throws {
        Hardening.apply()
        do {
            try execute()
        } catch let error as SottoError {
            Diagnostics.report(error)
            throw ExitCode(error.kind.exitCode)
        } catch let error as AgeError {
            Diagnostics.report(error.sottoError)
            throw ExitCode(error.sottoError.kind.exitCode)
        } catch let error as ExitCode {
            throw error
        } catch {
            Diagnostics.error("unexpected failure: \(error)")
            throw ExitCode(70)
        }
    }
}

/// Builds the discussion text every command shows: its own words, then the
/// environment and the exit-code table.
public func discussion(_ text: String) -> String {
    [text, environmentDiscussion, exitCodeDiscussion].filter { !$0.isEmpty }.joined(separator: "\n\n")
}

public let sottoVersion = Release.version
