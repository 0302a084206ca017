import Foundation

/// One bad-input vector of Tests/Corpus (docs/TESTING.md): a header of
/// expectations, a blank line, then the input, the way the age test vectors
/// are written.
///
///     comment: what the input is and why it must fail
///     command: sotto-open             the executable
///     args: --require-known           space-separated; {fixtures} is Tests/Corpus/fixtures
///     home: bob                       alice, bob, locked (bob with a passphrase) or none
///     env: SOTTO_PASSPHRASE=wrong     repeatable
///     setup: sql keyring.db UPDATE …  run on the home's copy first (repeatable); or `write FILE TEXT`
///     input: card.json                the input goes to this file instead of stdin
///     repeat: 4097                    the input is the body repeated this many times
///     exit: 65                        the documented exit status
///     error: not valid JSON           text the one error line must contain
///     records: 1                      stdout lines expected (default 0)
struct CorpusVector {
    let name: String
    var comment = ""
    var command = ""
    var args = [String]()
    var home = "bob"
    var env = [String: String]()
    var setup = [String]()
    var inputFile: String?
    var repetitions = 1
    var exit: Int32 = -1
    var error = ""
    var records = 0
    var body = Data()

    /// The input the command reads.
    var input: Data {
        guard repetitions > 1 else { return body }
        var data = Data(capacity: body.count * repetitions)
        for _ in 0..<repetitions { data.append(body) }
        return data
    }

    struct Malformed: Error, CustomStringConvertible { let description: String }

    init(name: String, comment: String, command: String, args: [String], home: String, env: [String: String],
         setup: [String], inputFile: String?, repetitions: Int, exit: Int32, error: String, records: Int, body: Data) {
        (self.name, self.comment, self.command, self.args, self.home, self.env) = (name, comment, command, args, home, env)
        (self.setup, self.inputFile, self.repetitions, self.exit, self.error) = (setup, inputFile, repetitions, exit, error)
        (self.records, self.body) = (records, body)
    }

    init(name: String, file: Data) throws {
        self.name = name
        let bytes = [UInt8](file)
        guard let split = (0..<max(bytes.count - 1, 0)).first(where: { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }) else {
            throw Malformed(description: "\(name): no blank line after the header")
        }
        for line in String(decoding: bytes[..<split], as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { throw Malformed(description: "\(name): header line without a colon: \(line)") }
            let key = String(line[..<colon]), value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "comment": comment = value
            case "command": command = value
            case "args": args = value.split(separator: " ").map(String.init)
            case "home": home = value
            case "env":
                let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2 else { throw Malformed(description: "\(name): env needs NAME=VALUE") }
                env[parts[0]] = parts[1]
            case "setup": setup.append(value)
            case "input": inputFile = value
            case "repeat": repetitions = Int(value) ?? 0
            case "exit": exit = Int32(value) ?? -1
            case "error": error = value
            case "records": records = Int(value) ?? -1
            default: throw Malformed(description: "\(name): unknown header \(key)")
            }
        }
        body = Data(bytes[(split + 2)...])
        guard !command.isEmpty, exit > 0, !error.isEmpty, repetitions > 0, records >= 0 else {
            throw Malformed(description: "\(name): command, exit and error are required")
        }
    }

    func encoded() -> Data {
        var lines = ["comment: \(comment)", "command: \(command)"]
        if !args.isEmpty { lines.append("args: \(args.joined(separator: " "))") }
        lines.append("home: \(home)")
        lines += env.sorted { $0.key < $1.key }.map { "env: \($0.key)=\($0.value)" }
        lines += setup.map { "setup: \($0)" }
        if let inputFile { lines.append("input: \(inputFile)") }
        if repetitions != 1 { lines.append("repeat: \(repetitions)") }
        lines.append("exit: \(exit)")
        lines.append("error: \(error)")
        if records != 0 { lines.append("records: \(records)") }
        return Data((lines.joined(separator: "\n") + "\n\n").utf8) + body
    }
}
