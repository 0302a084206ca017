import Foundation
import XCTest

// The CLI tests run the real binaries with Foundation's Process, the way a
// shell script would, and check stdout, stderr and the exit status apart.
// The binaries come from $SOTTO_BIN (the Makefile sets it to
// `swift build --show-bin-path`), else <package root>/.build/debug.

/// What one command did.
struct CommandResult {
    let command: String
    let status: Int32
    let stdout: Data
    let stderr: Data

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
    var stderrLines: [String] { err.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    var stdoutLines: [String] { out.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    /// stdout as JSON Lines; a line that is not a JSON object is a test failure.
    func records(file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        stdoutLines.compactMap { text in
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                XCTFail("\(command): stdout line is not a JSON object: \(text.prefix(200))", file: file, line: line)
                return nil
            }
            return object
        }
    }

    /// The single record on stdout, of the given type.
    func record(_ type: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        let all = records(file: file, line: line)
        XCTAssertEqual(all.count, 1, "\(command): expected one record, stdout: \(out.prefix(400))", file: file, line: line)
        let first = all.first ?? [:]
        XCTAssertEqual(first["type"] as? String, type, "\(command): record type", file: file, line: line)
        return first
    }

    var summary: String { "\(command) → \(status)\nstdout: \(out.prefix(300))\nstderr: \(err.prefix(600))" }
}

enum Binaries {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let directory: String = {
        if let bin = ProcessInfo.processInfo.environment["SOTTO_BIN"], !bin.isEmpty {
            return URL(fileURLWithPath: bin, relativeTo: packageRoot).standardizedFileURL.path
        }
        return packageRoot.appendingPathComponent(".build/debug").path
    }()

    static func path(_ tool: String) -> String {
        tool.hasPrefix("/") ? tool : directory + "/" + tool
    }

    static let age = ["/usr/bin/age", "/usr/local/bin/age"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Runs commands with a clean environment: nothing named SOTTO_* leaks in
/// from the parent, HOME and XDG_DATA_HOME point into a scratch directory,
/// stdin is /dev/null unless given, stdout and stderr are captured apart.
struct Runner {
    let scratch: URL
    private static let counter = Counter()

    static let timeout: TimeInterval = 30

    func run(_ tool: String, _ args: [String], stdin: Data? = nil, home: String? = nil, env: [String: String] = [:],
             wrapper: [String] = []) throws -> CommandResult {
        let io = scratch.appendingPathComponent(".io")
        try FileManager.default.createDirectory(at: io, withIntermediateDirectories: true)
        let n = Self.counter.next()
        let outURL = io.appendingPathComponent("\(n).out")
        let errURL = io.appendingPathComponent("\(n).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let environment = self.environment(home: home, env: env)

        let executable = Binaries.path(tool)
        let process = Process()
        if wrapper.isEmpty {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = args
        } else {
            process.executableURL = URL(fileURLWithPath: wrapper[0])
            process.arguments = Array(wrapper.dropFirst()) + [executable] + args
        }
        process.environment = environment
        process.currentDirectoryURL = scratch

        let input: FileHandle
        if let stdin {
            let inURL = io.appendingPathComponent("\(n).in")
            try stdin.write(to: inURL)
            input = try FileHandle(forReadingFrom: inURL)
        } else {
            input = FileHandle(forReadingAtPath: "/dev/null")!
        }
        let output = try FileHandle(forWritingTo: outURL)
        let errors = try FileHandle(forWritingTo: errURL)
        defer { try? input.close(); try? output.close(); try? errors.close() }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors

        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        let command = ([tool] + args).joined(separator: " ")
        if done.wait(timeout: .now() + Self.timeout) == .timedOut {
            // Process puts the child in its own process group.
            kill(-process.processIdentifier, SIGKILL)
            kill(process.processIdentifier, SIGKILL)
            done.wait()
            throw TimedOut(command: command)
        }
        return CommandResult(command: command, status: process.terminationStatus,
                             stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL))
    }

    /// The clean environment every command gets.
    func environment(home: String?, env: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SOTTO_") }
        environment["XDG_DATA_HOME"] = scratch.appendingPathComponent(".xdg").path
        environment["HOME"] = scratch.appendingPathComponent(".user").path
        environment["NO_COLOR"] = "1"
        if let home { environment["SOTTO_HOME"] = home }
        for (key, value) in env { environment[key] = value }
        return environment
    }

    /// Starts a command in the background, in the same clean environment as
    /// `run`; stdin is a file (or /dev/null), stdout is read as it comes.
    func start(_ tool: String, _ args: [String], stdinFile: String? = nil, home: String? = nil,
               env: [String: String] = [:]) throws -> Background {
        let io = scratch.appendingPathComponent(".io")
        try FileManager.default.createDirectory(at: io, withIntermediateDirectories: true)
        let errURL = io.appendingPathComponent("\(Self.counter.next()).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.path(tool))
        process.arguments = args
        process.environment = environment(home: home, env: env)
        process.currentDirectoryURL = scratch
        return try Background(command: ([tool] + args).joined(separator: " "), process: process,
                              stdinFile: stdinFile, errURL: errURL)
    }

    struct TimedOut: Error, CustomStringConvertible {
        let command: String
        var description: String { "\(command) did not finish within \(Runner.timeout) s" }
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }
}

/// A command running in the background: stdout is read by a thread as it
/// arrives, so a test can watch the records of a long-running command (recv
/// --follow), signal it (SIGINT, SIGKILL) and then collect what it did.
final class Background: @unchecked Sendable {
    let command: String
    let process: Process
    /// When the command was started.
    private(set) var startedAt = Date()
    private let errURL: URL
    private let condition = NSCondition()
    private var output = Data()
    private var completeLines = [String]()
    private var partial = Data()
    private var endOfOutput = false
    private let exited = DispatchSemaphore(value: 0)

    fileprivate init(command: String, process: Process, stdinFile: String?, errURL: URL) throws {
        self.command = command
        self.process = process
        self.errURL = errURL
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // Close-on-exec, so other children do not hold the pipe open (dup2 onto stdout clears it there).
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let writer = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        let input = try stdinFile.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) }
            ?? FileHandle(forReadingAtPath: "/dev/null")!
        let errors = try FileHandle(forWritingTo: errURL)
        defer { try? input.close(); try? errors.close(); try? writer.close() }
        process.standardInput = input
        process.standardOutput = writer
        process.standardError = errors
        process.terminationHandler = { [exited] _ in exited.signal() }
        do { try process.run() } catch { close(fds[0]); throw error }
        startedAt = Date()
        let readFD = fds[0]
        let thread = Thread { [self] in self.readAll(readFD) }
        thread.start()
    }

    private func readAll(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            let chunk = Data(buffer[..<n])
            condition.lock()
            output.append(chunk)
            partial.append(chunk)
            var start = partial.startIndex
            while let newline = partial[start...].firstIndex(of: 0x0A) {
                completeLines.append(String(decoding: partial[start..<newline], as: UTF8.self))
                start = newline + 1
            }
            partial = Data(partial[start...])
            condition.broadcast()
            condition.unlock()
        }
        close(fd)
        condition.lock()
        endOfOutput = true
        condition.broadcast()
        condition.unlock()
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends a signal to the command (it runs in its own process group).
    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    var isRunning: Bool { process.isRunning }

    /// The complete stdout lines read so far, from index `start` on.
    func lines(from start: Int = 0) -> [String] {
        condition.lock()
        defer { condition.unlock() }
        return start < completeLines.count ? Array(completeLines[start...]) : []
    }

    /// Waits until stdout has more than `count` complete lines, the output
    /// ends, or the timeout passes; returns the number of lines then.
    @discardableResult
    func waitForLines(moreThan count: Int, timeout: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while completeLines.count <= count && !endOfOutput {
            if !condition.wait(until: deadline) { break }
        }
        return completeLines.count
    }

    /// Waits for the command to end (SIGKILL after `timeout`, then throws)
    /// and returns what it did. After a signal, `status` is the signal number
    /// and `killedBy` says which.
    func finish(timeout: TimeInterval = Runner.timeout) throws -> CommandResult {
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(-process.processIdentifier, SIGKILL)
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            exited.signal()
            throw Runner.TimedOut(command: command)
        }
        exited.signal()  // later calls return at once
        condition.lock()
        while !endOfOutput {
            if !condition.wait(until: Date().addingTimeInterval(timeout)) { break }
        }
        let stdout = output
        condition.unlock()
        return CommandResult(command: command, status: process.terminationStatus, stdout: stdout,
                             stderr: (try? Data(contentsOf: errURL)) ?? Data())
    }

    /// The signal that ended the command, if one did (valid after finish).
    var killedBy: Int32? {
        process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
    }
}

/// Keyrings made once per test run and copied into each test that needs
/// them: alice and bob (no passphrase) hold each other's cards; carol
/// (no passphrase) knows nobody and nobody knows her.
final class Fixtures: @unchecked Sendable {
    static let shared = Fixtures()
    private let lock = NSLock()
    private var built: Result<URL, Error>?

    func template() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if built == nil {
            built = Result { try build() }
            atexit { Fixtures.shared.remove() }
        }
        return try built!.get()
    }

    /// Removes the template directory when the test process exits.
    private func remove() {
        lock.lock()
        defer { lock.unlock() }
        if case .success(let url) = built { try? FileManager.default.removeItem(at: url) }
    }

    private func build() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-cli-fixtures-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let runner = Runner(scratch: root)
        func must(_ result: CommandResult) throws -> CommandResult {
            guard result.status == 0 else { throw FixtureError(result.summary) }
            return result
        }
        var cards = [String: Data]()
        for name in ["alice", "bob", "carol"] {
            let home = root.appendingPathComponent(name).path
            _ = try must(runner.run("sotto-keygen", ["new", name, "--no-passphrase"], home: home))
            cards[name] = try must(runner.run("sotto-keygen", ["card"], home: home)).stdout
        }
        _ = try must(runner.run("sotto-keygen", ["import"], stdin: cards["bob"], home: root.appendingPathComponent("alice").path))
        _ = try must(runner.run("sotto-keygen", ["import"], stdin: cards["alice"], home: root.appendingPathComponent("bob").path))
        for (name, card) in cards { try card.write(to: root.appendingPathComponent("\(name).card")) }
        try? FileManager.default.removeItem(at: root.appendingPathComponent(".io"))
        return root
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
        init(_ text: String) { description = "building the fixture keyrings failed: \(text)" }
    }
}

/// The base of every CLI test: a throwaway directory per test, helpers to
/// run commands in it, and assertions for the conventions of README.md
/// ("Exit codes") and docs/FORMAT.md (sections 12 and 15).
class CLITestCase: XCTestCase {
    private(set) var tmp: URL!
    private var runner: Runner!
    private var background = [Background]()

    override func setUpWithError() throws {
        try super.setUpWithError()
        for tool in ["sotto", "sotto-keygen", "sotto-seal", "sotto-open"] where !FileManager.default.isExecutableFile(atPath: Binaries.path(tool)) {
            XCTFail("\(Binaries.path(tool)) is missing: run `swift build` first, or set SOTTO_BIN")
            throw XCTSkip("binaries not built")
        }
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        runner = Runner(scratch: tmp)
    }

    override func tearDownWithError() throws {
        // A test that failed half-way leaves no command running behind it.
        for process in background where process.isRunning {
            kill(-process.pid, SIGKILL)  // its process group: a shell loop's children too
            process.signal(SIGKILL)
            _ = try? process.finish(timeout: 5)
        }
        background.removeAll()
        if let tmp { try? FileManager.default.removeItem(at: tmp) }
        try super.tearDownWithError()
    }

    // MARK: paths and files

    /// A path inside this test's directory (nothing is created).
    func path(_ name: String) -> String { tmp.appendingPathComponent(name).path }

    /// A fresh, not yet existing home directory.
    func home(_ name: String) -> String { path("home-" + name) }

    /// A copy of a fixture keyring (alice, bob or carol).
    func fixtureHome(_ name: String) throws -> String {
        let target = path("fixture-" + name)
        if !FileManager.default.fileExists(atPath: target) {
            try FileManager.default.copyItem(at: try Fixtures.shared.template().appendingPathComponent(name),
                                             to: URL(fileURLWithPath: target))
        }
        return target
    }

    func fixtureCard(_ name: String) throws -> Data {
        try Data(contentsOf: try Fixtures.shared.template().appendingPathComponent("\(name).card"))
    }

    func write(_ name: String, _ data: Data) throws -> String {
        let target = path(name)
        try data.write(to: URL(fileURLWithPath: target))
        return target
    }

    func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    // MARK: running

    /// Runs a sotto command (or an absolute path). SOTTO_HOME is `home` when
    /// given, and unset otherwise; SOTTO_PASSPHRASE only when `env` sets it.
    @discardableResult
    func run(_ tool: String, _ args: [String] = [], stdin: Data? = nil, home: String? = nil,
             env: [String: String] = [:], wrapper: [String] = []) throws -> CommandResult {
        try runner.run(tool, args, stdin: stdin, home: home, env: env, wrapper: wrapper)
    }

    /// Starts a command in the background (see `Background`).
    func start(_ tool: String, _ args: [String] = [], stdinFile: String? = nil, home: String? = nil,
               env: [String: String] = [:]) throws -> Background {
        let process = try runner.start(tool, args, stdinFile: stdinFile, home: home, env: env)
        background.append(process)
        return process
    }

    func run(_ tool: String, _ args: [String] = [], stdin text: String, home: String? = nil,
             env: [String: String] = [:]) throws -> CommandResult {
        try runner.run(tool, args, stdin: Data(text.utf8), home: home, env: env)
    }

    /// Runs and requires success: status 0 and, unless allowed, nothing on stderr.
    @discardableResult
    func ok(_ tool: String, _ args: [String] = [], stdin: Data? = nil, home: String? = nil,
            env: [String: String] = [:], allowStderr: Bool = false,
            file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        let result = try runner.run(tool, args, stdin: stdin, home: home, env: env)
        assertSuccess(result, allowStderr: allowStderr, file: file, line: line)
        return result
    }

    // MARK: assertions

    func assertSuccess(_ result: CommandResult, allowStderr: Bool = false,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 0, result.summary, file: file, line: line)
        if !allowStderr {
            XCTAssertEqual(result.err, "", "\(result.command): unexpected stderr", file: file, line: line)
        } else {
            XCTAssertFalse(result.stderrLines.contains { $0.contains(": error: ") }, result.summary, file: file, line: line)
        }
    }

    /// A failure: the documented status, nothing on stdout, stderr made of
    /// `tool: error: …` lines (optionally followed by `tool: hint: …`), no
    /// colour, no trailing period, and the error text containing `contains`.
    func assertFailure(_ result: CommandResult, tool: String, status: Int32, contains: [String] = [],
                       stdoutEmpty: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, result.summary, file: file, line: line)
        if stdoutEmpty {
            XCTAssertTrue(result.stdout.isEmpty, "\(result.command): stdout must be empty on failure, got: \(result.out.prefix(120))…",
                          file: file, line: line)
        }
        guard !result.stderrLines.isEmpty else {
            return XCTFail("\(result.command): nothing on stderr; expected '\(tool): error: …'", file: file, line: line)
        }
        assertDiagnostics(result, tool: tool, file: file, line: line)
        let errorText = result.stderrLines.filter { $0.hasPrefix("\(tool): error: ") }.joined(separator: "\n")
        for needle in contains where !errorText.isEmpty {
            XCTAssertTrue(errorText.contains(needle), "\(result.command): error should mention \"\(needle)\"; stderr: \(result.err)",
                          file: file, line: line)
        }
    }

    /// stderr is made of diagnostics in the one voice, the first an error.
    func assertDiagnostics(_ result: CommandResult, tool: String, file: StaticString = #filePath, line: UInt = #line) {
        let lines = result.stderrLines
        XCTAssertFalse(lines.isEmpty, "\(result.command): a failure must say why on stderr", file: file, line: line)
        XCTAssertTrue(lines.first?.hasPrefix("\(tool): error: ") ?? false,
                      "\(result.command): first stderr line should be '\(tool): error: …', got: \(result.err)", file: file, line: line)
        XCTAssertFalse(result.err.contains("\u{1B}"), "\(result.command): colour with NO_COLOR and no TTY", file: file, line: line)
        XCTAssertTrue(result.err.hasSuffix("\n"), "\(result.command): stderr should end with a newline", file: file, line: line)
        for text in lines {
            let known = ["error", "hint", "warning", "notice"].contains { text.hasPrefix("\(tool): \($0): ") }
            XCTAssertTrue(known, "\(result.command): stderr line not in the '\(tool): error|hint: …' form: \(text)", file: file, line: line)
            XCTAssertFalse(text.hasSuffix("."), "\(result.command): no trailing period: \(text)", file: file, line: line)
            let message = text.split(separator: ":", maxSplits: 2).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            XCTAssertFalse(message.isEmpty, "\(result.command): empty diagnostic", file: file, line: line)
        }
    }

    func assertMatches(_ text: String?, _ pattern: String, _ message: String = "",
                       file: StaticString = #filePath, line: UInt = #line) {
        guard let text else { return XCTFail("nil does not match \(pattern) \(message)", file: file, line: line) }
        XCTAssertNotNil(text.range(of: "^(?:\(pattern))$", options: .regularExpression),
                        "\(text.debugDescription) does not match \(pattern) \(message)", file: file, line: line)
    }
}

// MARK: shared helpers

enum Pattern {
    static let hex64 = "[0-9a-f]{64}"
    static let hex32 = "[0-9a-f]{32}"
    static let ageRecipient = "age1[02-9ac-hj-np-z]{58}"
    static let rfc3339 = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"
    static let safetyNumber = "[0-9]{5}( [0-9]{5}){11}"
}

func rfc3339(_ seconds: Int) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
}

func jsonLine(_ object: [String: Any]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
}

func base64Bytes(_ value: Any?) -> Data? {
    (value as? String).flatMap { Data(base64Encoded: $0) }
}

/// The body of a message record as bytes: from "body" or "body_base64",
/// and exactly one of them present.
func messageBody(_ record: [String: Any], file: StaticString = #filePath, line: UInt = #line) -> Data? {
    let text = record["body"] as? String
    let encoded = base64Bytes(record["body_base64"])
    XCTAssertTrue((text == nil) != (encoded == nil), "a message has exactly one of body and body_base64: \(record)", file: file, line: line)
    return text.map { Data($0.utf8) } ?? encoded
}

/// Deterministic bytes that are not valid UTF-8.
func binaryBytes(_ count: Int, seed: UInt64 = 0x5077_0001) -> Data {
    var state = seed
    var out = Data(capacity: count)
    for _ in 0..<count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        out.append(UInt8(truncatingIfNeeded: state >> 33))
    }
    if count > 0 { out[0] = 0xFF }
    return out
}
