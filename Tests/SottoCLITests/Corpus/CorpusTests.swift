import Foundation
import SottoCore
import XCTest

/// Runs every vector of the bad-input corpus (Tests/Corpus) through the real
/// command: the documented exit status, one clear error line, no crash,
/// nothing stored, and under five seconds. SOTTO_WRITE_CORPUS=1 (`make
/// corpus`) first regenerates the corpus and its fixtures.
final class CorpusTests: CLITestCase {
    static let directory = Binaries.packageRoot.appendingPathComponent("Tests/Corpus")
    static let fixtures = directory.appendingPathComponent("fixtures")
    static let lockedPassphrase = "correct horse battery staple"
    static let timeLimit: TimeInterval = 5

    func testCorpus() throws {
        if ProcessInfo.processInfo.environment["SOTTO_WRITE_CORPUS"] == "1" { try CorpusGenerator().write() }
        let vectors = try Self.load()
        XCTAssertGreaterThanOrEqual(vectors.count, 150, "Tests/Corpus is incomplete: run `make corpus`")
        let templates = try makeTemplates()
        var slowest = (name: "", seconds: 0.0)
        for (index, vector) in vectors.enumerated() {
            let seconds = try check(vector, directory: tmp.appendingPathComponent("vector-\(index)"), templates: templates)
            if seconds > slowest.seconds { slowest = (vector.name, seconds) }
        }
        print("corpus: \(vectors.count) vectors; slowest \(slowest.name) in \(String(format: "%.2f", slowest.seconds)) s")
    }

    static func load() throws -> [CorpusVector] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var vectors = [CorpusVector]()
        for case let url as URL in walker where !url.path.hasPrefix(fixtures.path + "/") && isFile(url) {
            let name = String(url.path.dropFirst(directory.path.count + 1))
            vectors.append(try CorpusVector(name: name, file: try Data(contentsOf: url)))
        }
        return vectors.sorted { $0.name < $1.name }
    }

    static func isFile(_ url: URL) -> Bool { (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }

    /// The fixture homes, restored from the committed exports once per run.
    func makeTemplates() throws -> [String: URL] {
        let exportPassphrase = Self.fixtures.appendingPathComponent("export-passphrase").path
        let lockedFile = try write("locked-passphrase", Data((Self.lockedPassphrase + "\n").utf8))
        var homes = [String: URL]()
        for (name, source, extra) in [("alice", "alice", ["--no-passphrase"]), ("bob", "bob", ["--no-passphrase"]),
                                      ("locked", "bob", ["--passphrase-file", lockedFile])] {
            let home = path("template-" + name)
            try ok("sotto-keygen", ["import", Self.fixtures.appendingPathComponent("\(source).export").path,
                                    "--export-passphrase-file", exportPassphrase] + extra, home: home)
            homes[name] = URL(fileURLWithPath: home)
        }
        return homes
    }

    /// Runs one vector and returns how long its command took.
    func check(_ vector: CorpusVector, directory: URL, templates: [String: URL]) throws -> TimeInterval {
        let name = vector.name
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let runner = Runner(scratch: directory)
        let home = directory.appendingPathComponent("home")
        if vector.home != "none" {
            guard let template = templates[vector.home] else { XCTFail("\(name): unknown home \(vector.home)"); return 0 }
            try FileManager.default.copyItem(at: template, to: home)
        }
        for step in vector.setup { try setUp(step, home: home, runner: runner, vector: name) }
        let before = try snapshot(home)

        var stdin: Data? = vector.input
        if let file = vector.inputFile {
            try stdin?.write(to: directory.appendingPathComponent(file))
            stdin = nil
        }
        let args = vector.args.map { $0.replacingOccurrences(of: "{fixtures}", with: Self.fixtures.path) }
        let started = Date()
        let result = try runner.run(vector.command, args, stdin: stdin, home: home.path, env: vector.env)
        let seconds = Date().timeIntervalSince(started)

        let tool = (vector.command as NSString).lastPathComponent
        XCTAssertEqual(result.status, vector.exit, "\(name): exit status\n\(result.summary)")
        for line in result.stderrLines where !["error", "hint", "warning", "notice"].contains(where: { line.hasPrefix("\(tool): \($0): ") }) {
            XCTFail("\(name): stderr line not in the '\(tool): error|hint|warning: …' form: \(line)")
        }
        let errors = result.stderrLines.filter { $0.hasPrefix("\(tool): error: ") }
        XCTAssertEqual(errors.count, 1, "\(name): one error line\n\(result.err)")
        XCTAssertTrue(errors.first?.contains(vector.error) ?? false, "\(name): the error should contain \"\(vector.error)\"\n\(result.err)")
        XCTAssertEqual(result.stdoutLines.count, vector.records, "\(name): stdout lines\n\(result.out.prefix(300))")
        _ = result.records()
        XCTAssertLessThan(seconds, Self.timeLimit, "\(name): took \(seconds) s")
        XCTAssertEqual(try snapshot(home), before, "\(name): the command changed what is stored")
        try? FileManager.default.removeItem(at: directory)
        return seconds
    }

    /// `sql DB STATEMENT` runs a statement on a database of the home;
    /// `write FILE TEXT` replaces a file of the home.
    private func setUp(_ step: String, home: URL, runner: Runner, vector: String) throws {
        let parts = step.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3 else { return XCTFail("\(vector): bad setup \(step)") }
        let file = home.appendingPathComponent(parts[1])
        switch parts[0] {
        case "sql":
            let result = try runner.run("/usr/bin/sqlite3", [file.path, parts[2]])
            XCTAssertEqual(result.status, 0, "\(vector): setup failed\n\(result.summary)")
        case "write":
            try Data((parts[2] + "\n").utf8).write(to: file)
        default:
            XCTFail("\(vector): unknown setup \(parts[0])")
        }
    }

    /// What a home stores: each database's rows (an empty database created
    /// on the way stores nothing), each other file's bytes.
    private func snapshot(_ home: URL) throws -> [String: Data] {
        var state = [String: Data]()
        guard let walker = FileManager.default.enumerator(at: home, includingPropertiesForKeys: nil) else { return state }
        for case let url as URL in walker where Self.isFile(url) {
            let name = url.lastPathComponent
            if ["-wal", "-shm", "-journal"].contains(where: name.hasSuffix) { continue }
            if name.hasSuffix(".db") {
                let rows = Self.rows(of: url.path)
                if !rows.isEmpty { state[name] = Data(rows.utf8) }
            } else {
                state[name] = try Data(contentsOf: url)
            }
        }
        return state
    }

    /// Every row of every table, in a stable order.
    static func rows(of path: String) -> String {
        do {
            let database = try Database(path: path, create: false)
            var rows = [String]()
            for table in try database.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap({ $0.text(0) }) {
                rows += try database.rows("SELECT * FROM \"\(table)\"").map { "\(table) \($0.values)" }.sorted()
            }
            return rows.joined(separator: "\n")
        } catch {
            return "unreadable: \(error)"
        }
    }
}
