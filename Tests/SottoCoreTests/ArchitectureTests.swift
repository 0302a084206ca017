import Foundation
import XCTest

/// The layering of SottoCore, checked on its sources (docs/ARCHITECTURE.md).
///
/// SottoCore stays one module so the compiler optimises across its folders
/// (the STREAM and digest loops call into Crypto on every chunk); the price is
/// that the compiler cannot see the folders, so this test does: every type a
/// folder names must be declared in the folder itself or in one it may use.
final class ArchitectureTests: XCTestCase {
    /// Which folders each folder of SottoCore may use. Lower layers first.
    static let layers: [(folder: String, uses: [String])] = [
        ("Support", []),
        ("Encoding", ["Support"]),
        ("Crypto", ["Support", "Encoding"]),
        ("IO", ["Support", "Crypto"]),
        ("Records", ["Support", "Encoding"]),
        ("SQLite", ["Support", "IO"]),
        ("Age", ["Support", "Encoding", "Crypto", "IO"]),
        ("Message", ["Support", "Encoding", "Crypto", "IO", "Records", "Age"]),
        ("Keys", ["Support", "Encoding", "Crypto", "IO", "Records", "SQLite", "Age", "Message"]),
        ("Store", ["Support", "Encoding", "Crypto", "IO", "Records", "SQLite", "Age", "Message"]),
        ("Opening", ["Support", "Encoding", "Crypto", "IO", "Records", "SQLite", "Age", "Message", "Keys", "Store"]),
    ]

    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// A source file with comments and string contents removed, and its folder in SottoCore.
    struct Source {
        var path: String
        var folder: String
        var text: String
        var code: String
    }

    static func swiftFiles(under directory: URL) throws -> [Source] {
        let root = directory.path + "/"
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return try walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { relative in
            let text = try String(contentsOfFile: root + relative, encoding: .utf8)
            let parts = relative.split(separator: "/")
            return Source(path: relative, folder: parts.count > 1 ? String(parts[0]) : "", text: text, code: strip(text))
        }
    }

    /// Code without comments and without the contents of string literals.
    static func strip(_ text: String) -> String {
        var code = text.replacingOccurrences(of: #"//[^\n]*"#, with: "", options: .regularExpression)
        code = code.replacingOccurrences(of: #"(?s)\"\"\".*?\"\"\""#, with: "\"\"", options: .regularExpression)
        return code.replacingOccurrences(of: #""(\\.|[^"\\\n])*""#, with: "\"\"", options: .regularExpression)
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            return Range(range, in: text).map { String(text[$0]) }
        }
    }

    func testTheLayersFormAnOrder() {
        var seen = Set<String>()
        for (folder, uses) in Self.layers {
            for used in uses { XCTAssert(seen.contains(used), "\(folder) uses \(used), which is not below it") }
            seen.insert(folder)
        }
    }

    func testEveryFolderUsesOnlyTheFoldersBelowIt() throws {
        let files = try Self.swiftFiles(under: Self.sources.appendingPathComponent("SottoCore"))
        let allowed = Dictionary(uniqueKeysWithValues: Self.layers.map { ($0.folder, Set($0.uses + [$0.folder])) })
        var declaredIn = [String: String]()
        for file in files {
            XCTAssertNotNil(allowed[file.folder], "\(file.path): every file lives in one of the layered folders")
            // Top-level declarations only: nested types (Kind, Failure) belong to their parent.
            let declaration = #"^(?:(?:public|internal|private|fileprivate|package|final|indirect|@\w+)\s+)*(?:struct|class|enum|protocol|typealias|actor)\s+(\w+)"#
            for name in Self.matches(declaration, in: file.code) { declaredIn[name] = declaredIn[name] ?? file.folder }
        }
        XCTAssertGreaterThan(declaredIn.count, 50, "the declarations were found")
        var violations = [String]()
        for file in files {
            guard let mayUse = allowed[file.folder] else { continue }
            for name in Set(Self.matches(#"\b([A-Z]\w*)\b"#, in: file.code)) {
                if let home = declaredIn[name], !mayUse.contains(home) {
                    violations.append("\(file.path) uses \(name) from \(home)")
                }
            }
        }
        XCTAssertEqual(violations.sorted(), [], "folders that use a folder above them")
    }

    /// The key kinds have one seam: outside the age format and its primitive, no code names a kind.
    func testOnlyTheAgeFolderAndItsPrimitiveNameX25519() throws {
        let exempt = ["SottoCore/Age/", "SottoCore/Crypto/X25519.swift",
                      // The raw-libsodium benchmark floor re-implements a seal on purpose.
                      "sotto-bench-crypto/"]
        let offending = try Self.swiftFiles(under: Self.sources)
            .filter { file in !exempt.contains { file.path.hasPrefix($0) } && file.code.range(of: "X25519", options: .caseInsensitive) != nil }
            .map(\.path)
        XCTAssertEqual(offending, [], "files outside the Age folder that name X25519")
    }

    /// Secrets at rest have one seam: only the secret store's SQL reads or writes a secret.
    func testOnlyTheSecretStoreTouchesSecretsInSQL() throws {
        let files = try Self.swiftFiles(under: Self.sources)
        let offending = files.filter { file in
            guard file.path != "SottoCore/Keys/SecretStore.swift" else { return false }
            let literals = Self.matches(#"(?s)"""(.*?)""""#, in: file.text) + Self.matches(#""((?:\\.|[^"\\\n])*)""#, in: file.text)
            // A schema (CREATE TABLE) declares the column; reading and writing it is what this checks.
            return literals.contains { literal in
                !literal.contains("CREATE TABLE")
                    && literal.range(of: #"\b(SELECT|UPDATE|INSERT|DELETE)\b"#, options: .regularExpression) != nil
                    && literal.range(of: #"\bsecret\b"#, options: .regularExpression) != nil
            }
        }.map(\.path)
        XCTAssertEqual(offending, [], "SQL on a secret outside the secret store")
    }

    /// SottoCore reports through errors and callbacks; only SottoCLI writes to people.
    func testTheCoreNeverPrints() throws {
        let offending = try Self.swiftFiles(under: Self.sources.appendingPathComponent("SottoCore")).filter { file in
            file.code.range(of: #"\b(print|debugPrint|fputs|perror|FileHandle\.standardError)\b|fd: 2\b|\bstderr\b"#,
                            options: .regularExpression) != nil
        }.map(\.path)
        XCTAssertEqual(offending, [], "SottoCore files that write to the terminal")
    }

    /// C modules stay internal, so no command and no public signature can reach them.
    func testCModulesAreImportedInternally() throws {
        let cModules = ["CSodium", "CArgon2", "CSQLite", "CLinux", "CZlib", "COpenSSL"]
        var offending = [String]()
        for file in try Self.swiftFiles(under: Self.sources) {
            for module in Self.matches(#"^\s*(?:@\w+\s+)?(?:public\s+|package\s+)?import\s+(\w+)"#, in: file.code)
            where cModules.contains(module) {
                offending.append("\(file.path): \(module)")
            }
        }
        XCTAssertEqual(offending, [], "C modules imported without `internal import`")
    }
}
