import CSodium
import CZlib
import Foundation
import SottoCore
import XCTest

/// Runs every vector of the age test kit (the C2SP CCTV collection, read in
/// place from ../shared/testkit/age) through the core.
final class AgeVectorTests: XCTestCase {
    struct Vector {
        var name: String
        var expect: String
        var payload: String?
        var identities: [String] = []
        var passphrases: [String] = []
        var armored = false
        var compressed = false
        var file: [UInt8]
    }

    static func testkitDirectory() -> URL? {
        let env = ProcessInfo.processInfo.environment["SOTTO_AGE_TESTKIT"]
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [env].compactMap { $0 } + [
            package.appendingPathComponent("../shared/testkit/age").path,
            "/work/shared/testkit/age",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/x25519") }.map(URL.init(fileURLWithPath:))
    }

    static func parse(_ url: URL) throws -> Vector {
        let data = [UInt8](try Data(contentsOf: url))
        var vector = Vector(name: url.lastPathComponent, expect: "", file: [])
        var index = 0
        while index < data.count {
            guard let newline = data[index...].firstIndex(of: 0x0A) else { break }
            let line = String(decoding: data[index..<newline], as: UTF8.self)
            index = newline + 1
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon]), value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "expect": vector.expect = value
            case "payload": vector.payload = value
            case "identity": vector.identities.append(value)
            case "passphrase": vector.passphrases.append(value)
            case "armored": vector.armored = value == "yes"
            case "compressed": vector.compressed = value == "zlib"
            default: break
            }
        }
        vector.file = Array(data[index...])
        if vector.compressed { vector.file = try inflate(vector.file) }
        return vector
    }

    static func inflate(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw SottoError(.internal, "zlib init failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var source = input
        var status: Int32 = Z_OK
        source.withUnsafeMutableBufferPointer { src in
            stream.next_in = src.baseAddress
            stream.avail_in = UInt32(src.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                output += chunk[0..<(chunk.count - Int(stream.avail_out))]
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else { throw SottoError(.internal, "zlib inflate failed: \(status)") }
        return output
    }

    enum Outcome: Equatable { case success(String), failure(String, released: String), unsupported }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        crypto_hash_sha256(&digest, bytes, UInt64(bytes.count))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    static func run(_ vector: Vector) throws -> Outcome {
        var identities: [AgeIdentity] = []
        var skipped = 0
        for text in vector.identities {
            if let identity = try DecryptionKey.parse(text) { identities.append(identity) } else { skipped += 1 }
        }
        for passphrase in vector.passphrases {
            var bytes = Array(passphrase.utf8)
            identities.append(ScryptIdentity(passphrase: try SecureBytes(consuming: &bytes)))
        }
        var released = [UInt8]()
        do {
            var reader = ByteReader(bytes: vector.file)
            if vector.armored { reader = ByteReader(ArmorDecoder(reader)) }
            let (_, payload) = try AgeFile.decrypt(reader, identities: identities)
            try payload.forEachRun { released.append(contentsOf: $0) }
            return .success(sha256Hex(released))
        } catch let error as AgeError {
            if identities.isEmpty, skipped > 0 { return .unsupported }
            let name: String
            switch error {
            case .header: name = "header failure"
            case .noMatch, .wrongPassphrase: name = skipped > 0 ? "unsupported" : "no match"
            case .hmac: name = "HMAC failure"
            case .payload: name = "payload failure"
            case .armor: name = "armor failure"
            }
            return name == "unsupported" ? .unsupported : .failure(name, released: sha256Hex(released))
        }
    }

    func testEveryVector() throws {
        guard let directory = Self.testkitDirectory() else {
            return XCTFail("the age test kit is missing: set SOTTO_AGE_TESTKIT or place it at ../shared/testkit/age")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "README.md" }.sorted()
        XCTAssertEqual(names.count, 143, "the kit has 143 vectors")
        var unsupported = [String]()
        for name in names {
            let vector = try Self.parse(directory.appendingPathComponent(name))
            let outcome = try Self.run(vector)
            switch outcome {
            case .unsupported:
                XCTFail("\(name): every vector of the kit is supported, the post-quantum hybrid ones included")
                unsupported.append(name)
            case .success(let hash):
                XCTAssertEqual(vector.expect, "success", "\(name)")
                XCTAssertEqual(hash, vector.payload, "\(name): payload hash")
            case .failure(let kind, let released):
                XCTAssertEqual(kind, vector.expect, "\(name)")
                if kind == "payload failure", let payload = vector.payload {
                    XCTAssertEqual(released, payload, "\(name): released plaintext")
                }
            }
        }
        let hybrid = names.filter { $0.contains("hybrid") }.count
        print("age vectors: \(names.count - unsupported.count) checked, \(hybrid) of them post-quantum hybrid")
    }

    /// The same vectors through the command, as a user opens an age file:
    /// `sotto-open --raw -i FILE`, with SOTTO_AGE_PASSPHRASE for `age -p`
    /// files, and no home. Success writes exactly the payload; a failure
    /// exits non-zero and releases nothing but verified chunks.
    func testEveryVectorThroughTheCommand() throws {
        guard let directory = Self.testkitDirectory() else {
            return XCTFail("the age test kit is missing: set SOTTO_AGE_TESTKIT or place it at ../shared/testkit/age")
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bin = ProcessInfo.processInfo.environment["SOTTO_BIN"].map { URL(fileURLWithPath: $0, relativeTo: package) }
            ?? package.appendingPathComponent(".build/debug")
        let open = bin.appendingPathComponent("sotto-open")
        guard FileManager.default.isExecutableFile(atPath: open.path) else { return XCTFail("\(open.path) is missing: build first") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-vectors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).filter({ $0 != "README.md" }).sorted() {
            let vector = try Self.parse(directory.appendingPathComponent(name))
            let file = scratch.appendingPathComponent("\(name).age")
            try Data(vector.file).write(to: file)
            var arguments = ["--raw"]
            // A vector with neither identity nor passphrase (an empty file) gets an unrelated key, so
            // that the command reads the file rather than stopping for want of a key.
            let identities = vector.identities.isEmpty && vector.passphrases.isEmpty ? [try DecryptionKey.generate().ageSecretKey]
                                                                                      : vector.identities
            if !identities.isEmpty {
                let keys = scratch.appendingPathComponent("\(name).key")
                try Data((identities.joined(separator: "\n") + "\n").utf8).write(to: keys)
                arguments += ["-i", keys.path]
            }
            var environment = ["PATH": "/usr/bin:/bin", "SOTTO_HOME": scratch.appendingPathComponent("no-home").path]
            if let passphrase = vector.passphrases.first { environment["SOTTO_AGE_PASSPHRASE"] = passphrase }
            let process = Process()
            process.executableURL = open
            process.arguments = arguments + [file.path]
            process.environment = environment
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let status = process.terminationStatus
            if vector.expect == "success" {
                XCTAssertEqual(status, 0, "\(name): \(stderr)")
                XCTAssertEqual(Self.sha256Hex([UInt8](stdout)), vector.payload, "\(name): payload")
            } else {
                XCTAssertNotEqual(status, 0, "\(name): expected \(vector.expect)")
                XCTAssertTrue(stderr.hasPrefix("sotto-open: error: "), "\(name): \(stderr)")
                // A wrong passphrase is 77, as the keyring's is.
                XCTAssertTrue(status == 1 || status == 65 || (status == 77 && !vector.passphrases.isEmpty),
                              "\(name): exit \(status) for \(vector.expect)")
                if vector.expect == "payload failure", let payload = vector.payload {
                    XCTAssertEqual(Self.sha256Hex([UInt8](stdout)), payload, "\(name): only the verified chunks are released")
                } else {
                    XCTAssertEqual(stdout.count, 0, "\(name): nothing is released on a \(vector.expect)")
                }
            }
        }
    }
}
