import Foundation
@testable import SottoCore
import XCTest

/// age's post-quantum hybrid stanza (`mlkem768x25519`: HPKE with X-Wing)
/// against a second implementation written from the specifications,
/// Tests/interop/age_pq.py (Python, with kyber-py for ML-KEM-768 and
/// cryptography for X25519 and ChaCha20-Poly1305): what sotto seals opens
/// there, what it seals opens in sotto, and neither accepts a tampered stanza.
///
/// The interpreter is $SOTTO_PYTHON (`make test` points it at a virtualenv in
/// .build/python with the pinned packages), else `python3`.
final class PostQuantumInteropTests: CLITestCase {
    static let script = CLITestCase.agePQ

    /// Empty, short, one full chunk, one chunk and a byte, about 1 MiB (17 chunks).
    static let sizes = [0, 100, 65_536, 65_537, 1_048_583]

    func testPythonOpensWhatSottoSeals() throws {
        guard let python = try python() else { return }
        let keygen = try ok(python, [Self.script, "keygen"])
        let identity = try write("python.key", keygen.stdout)
        XCTAssertTrue(keygen.out.hasPrefix("AGE-SECRET-KEY-PQ-1"), keygen.summary)
        let recipient = try ok(python, [Self.script, "recipient", identity]).out.trimmingCharacters(in: .newlines)
        XCTAssertTrue(recipient.hasPrefix("age1pq1"), recipient)
        // Both expand the 32-byte seed to the same 1,216-byte public key.
        let parsed = try XCTUnwrap(try DecryptionKey.parse(keygen.out.trimmingCharacters(in: .newlines)))
        XCTAssertEqual(parsed.recipient.string, recipient, "sotto and Python derive the same recipient from the seed")

        for size in Self.sizes {
            let input = binaryBytes(size, seed: 0x5051_0000 + UInt64(size))
            // Anonymous and expiring: a sotto/v2 stanza beside the hybrid one, which Python ignores.
            let sealed = try ok("sotto-seal", ["--anonymous", "--raw", "-r", recipient], stdin: input, home: path("nowhere"),
                                allowStderr: size == 0)  // sotto-seal warns about an empty body
            XCTAssertTrue(ageHeaderLines(sealed.stdout).contains { $0.hasPrefix("-> mlkem768x25519 ") }, "a hybrid stanza")
            let opened = try ok(python, [Self.script, "open", identity], stdin: sealed.stdout)
            XCTAssertEqual(opened.stdout, input, "\(size) bytes sealed by sotto, opened by Python")
        }

        // A plain age file (no expiry), armored.
        let input = binaryBytes(100_000)
        let armored = try ok("sotto-seal", ["--anonymous", "--raw", "--armor", "--ttl", "never", "-r", recipient], stdin: input,
                             home: path("nowhere"))
        XCTAssertTrue(armored.out.hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----\n"))
        XCTAssertEqual(try ok(python, [Self.script, "open", identity], stdin: armored.stdout).stdout, input)
    }

    func testSottoOpensWhatPythonSeals() throws {
        guard let python = try python() else { return }
        let key = try DecryptionKey.generate(.mlkem768x25519)
        let identity = try write("sotto-pq.key", Data((key.ageSecretKey + "\n").utf8))
        XCTAssertEqual(try ok(python, [Self.script, "recipient", identity]).out, key.recipient.string + "\n",
                       "Python derives sotto's recipient from sotto's identity")

        for size in Self.sizes {
            let input = binaryBytes(size, seed: 0x5052_0000 + UInt64(size))
            let sealed = try ok(python, [Self.script, "seal", key.recipient.string], stdin: input)
            let header = ageHeaderLines(sealed.stdout)
            XCTAssertEqual(header.count, 4, "version, stanza, its body, MAC: \(header.map { $0.prefix(40) })")
            XCTAssertTrue(header.contains { $0.hasPrefix("-> mlkem768x25519 ") })
            let opened = try ok("sotto-open", ["--raw", "-i", identity], stdin: sealed.stdout, home: path("nowhere"), allowStderr: true)
            XCTAssertEqual(opened.stdout, input, "\(size) bytes sealed by Python, opened by sotto")
        }
    }

    /// One byte of the stanza's body (the HPKE ciphertext of the file key)
    /// flipped: neither implementation opens the file, whoever sealed it.
    func testATamperedStanzaIsRefusedByBoth() throws {
        guard let python = try python() else { return }
        let key = try DecryptionKey.generate(.mlkem768x25519)
        let identity = try write("pq.key", Data((key.ageSecretKey + "\n").utf8))
        let input = Data("not for a tampered header\n".utf8)

        let bySotto = try ok("sotto-seal", ["--anonymous", "--raw", "-r", key.recipient.string], stdin: input, home: path("nowhere")).stdout
        let byPython = try ok(python, [Self.script, "seal", key.recipient.string], stdin: input).stdout
        for (sealer, sealed) in [("sotto", bySotto), ("Python", byPython)] {
            // Untouched, both open it; so the refusals below are the flip's doing.
            XCTAssertEqual(try ok(python, [Self.script, "open", identity], stdin: sealed).stdout, input, "sealed by \(sealer)")
            XCTAssertEqual(try ok("sotto-open", ["--raw", "-i", identity], stdin: sealed, home: path("nowhere"), allowStderr: true).stdout,
                           input, "sealed by \(sealer)")

            let tampered = try flippingStanzaBody(sealed)
            XCTAssertNotEqual(tampered, sealed)
            let refused = try run(python, [Self.script, "open", identity], stdin: tampered)
            XCTAssertEqual(refused.status, 1, "Python: no identity matches (sealed by \(sealer))\n\(refused.summary)")
            XCTAssertTrue(refused.stdout.isEmpty, "Python releases nothing")
            assertFailure(try run("sotto-open", ["--raw", "-i", identity], stdin: tampered, home: path("nowhere")), tool: "sotto-open",
                          status: 1)
        }
    }

    // MARK: helpers

    /// The file with one byte of the mlkem768x25519 stanza's body flipped,
    /// the body re-encoded canonically so that only its meaning changes.
    private func flippingStanzaBody(_ file: Data) throws -> Data {
        let lines = ageHeaderLines(file)
        let stanza = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("-> mlkem768x25519 ") })
        let bodyLine = lines[stanza + 1]
        var body = try XCTUnwrap(Data(base64Encoded: bodyLine + "="), "a 32-byte body is 43 characters unpadded")
        XCTAssertEqual(body.count, 32)
        body[body.startIndex + 5] ^= 0x01
        let flipped = Data(body.base64EncodedString().replacingOccurrences(of: "=", with: "").utf8)
        let start = file.startIndex + lines[...stanza].reduce(0) { $0 + $1.utf8.count + 1 }
        var tampered = file
        tampered.replaceSubrange(start..<(start + bodyLine.utf8.count), with: flipped)
        return tampered
    }
}

extension CLITestCase {
    /// The second implementation of age's post-quantum stanza.
    static let agePQ = Binaries.packageRoot.appendingPathComponent("Tests/interop/age_pq.py").path

    /// The absolute path of a Python that has kyber_py and cryptography, or
    /// nil after failing the test.
    func python(file: StaticString = #filePath, line: UInt = #line) throws -> String? {
        let environment = ProcessInfo.processInfo.environment
        let configured = environment["SOTTO_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        // Commands run with HOME in the scratch directory; pyenv's shims need the real one to find
        // their interpreter, so the probe gets it, and later runs use the resolved path.
        let probe = try run("/usr/bin/env", [configured, "-c", "import sys, kyber_py, cryptography; print(sys.executable)"],
                            env: environment["HOME"].map { ["HOME": $0] } ?? [:])
        guard probe.status == 0, let resolved = probe.stdoutLines.last, resolved.hasPrefix("/") else {
            XCTFail("""
                The post-quantum interop tests need Python 3 with the packages kyber-py and cryptography, and \
                `\(configured) -c 'import kyber_py, cryptography'` failed: run `make test` (it installs them in \
                .build/python) or set SOTTO_PYTHON to such an interpreter. \(probe.err.suffix(400))
                """, file: file, line: line)
            return nil
        }
        return resolved
    }
}
