import Foundation
@testable import SottoCore

/// Writes Tests/Corpus (`make corpus`): two identities made by the real
/// commands and kept as exports (the fixtures), and the vectors. Envelopes
/// that need valid cryptography around a malformed inside are crafted with
/// the core, from the fixtures' keys.
final class CorpusGenerator {
    static let exportPassphrase = "corpus fixture passphrase"
    /// Fixed times, so the corpus is the same whenever it is read.
    static let sentAt: Int64 = 1_790_000_000
    static let farFuture: Int64 = 4_102_444_800

    private var vectors = [CorpusVector]()
    private var alice: Party!
    private var bob: Party!
    private var cards = [String: [String: Any]]()

    struct Party {
        let name: String
        let signer: Signer
        let recipient: RecipientKey
        var identityKey: [UInt8] { signer.identityKey }
        var fingerprint: String { Fingerprint.of(identityKey) }
    }

    func write() throws {
        let root = CorpusTests.directory, fixtures = CorpusTests.fixtures
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
        try makeFixtures(fixtures)
        json(); seal(); envelopes(); armor(); inner(); open(); send(); recv(); erase()
        cardVectors(); exports(); keyrings(); usage()
        for vector in vectors {
            let url = root.appendingPathComponent(vector.name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try vector.encoded().write(to: url)
        }
    }

    // MARK: fixtures

    private func makeFixtures(_ fixtures: URL) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let runner = Runner(scratch: scratch)
        func must(_ tool: String, _ args: [String], stdin: Data? = nil, home: String) throws -> Data {
            let result = try runner.run(tool, args, stdin: stdin, home: home)
            guard result.status == 0 else { throw CorpusVector.Malformed(description: result.summary) }
            return result.stdout
        }
        let passphraseFile = fixtures.appendingPathComponent("export-passphrase")
        try Data((Self.exportPassphrase + "\n").utf8).write(to: passphraseFile)
        var cardBytes = [String: Data]()
        for name in ["alice", "bob"] {
            let home = scratch.appendingPathComponent(name).path
            _ = try must("sotto-keygen", ["new", name, "--no-passphrase"], home: home)
            cardBytes[name] = try must("sotto-keygen", ["card"], home: home)
        }
        _ = try must("sotto-keygen", ["import"], stdin: cardBytes["bob"], home: scratch.appendingPathComponent("alice").path)
        _ = try must("sotto-keygen", ["import"], stdin: cardBytes["alice"], home: scratch.appendingPathComponent("bob").path)
        for name in ["alice", "bob"] {
            let export = fixtures.appendingPathComponent("\(name).export")
            _ = try must("sotto-export", ["--secrets", "--export-passphrase-file", passphraseFile.path, "-o", export.path],
                         home: scratch.appendingPathComponent(name).path)
            let party = try Self.party(name, export: try Data(contentsOf: export))
            cards[name] = try JSONSerialization.jsonObject(with: cardBytes[name] ?? Data()) as? [String: Any]
            if name == "alice" { alice = party } else { bob = party }
        }
    }

    /// An identity's keys, opened from its export.
    private static func party(_ name: String, export: Data) throws -> Party {
        for line in export.split(separator: 0x0A) {
            let fields = try JSON.object([UInt8](line), line: 0)
            guard try fields.optionalString("type") == "identity", let card = try fields.object("card"),
                  let secrets = try fields.object("secrets") else { continue }
            let identityKey = try card.base64("identity")
            let opened = try ExportUnsealer {
                var bytes = Array(exportPassphrase.utf8)
                return try SecureBytes(consuming: &bytes)
            }.open(secrets, identityKey: identityKey, name: name)
            return Party(name: name, signer: Signer(identityKey: identityKey, name: name, secretKey: opened.signingKey),
                         recipient: try RecipientKey(parsing: try fields.string("age_recipient")))
        }
        throw CorpusVector.Malformed(description: "no identity in the \(name) export")
    }

    // MARK: building blocks

    private func add(_ name: String, _ command: String, _ args: [String] = [], home: String = "bob", env: [String: String] = [:],
                     setup: [String] = [], file: String? = nil, repetitions: Int = 1, exit: Int32, _ error: String,
                     records: Int = 0, _ comment: String, _ body: [UInt8]) {
        vectors.append(CorpusVector(name: name, comment: comment, command: command, args: args, home: home, env: env,
                                    setup: setup, inputFile: file, repetitions: repetitions, exit: exit, error: error,
                                    records: records, body: Data(body)))
    }

    private func add(_ name: String, _ command: String, _ args: [String] = [], home: String = "bob", env: [String: String] = [:],
                     setup: [String] = [], file: String? = nil, repetitions: Int = 1, exit: Int32, _ error: String,
                     records: Int = 0, _ comment: String, text: String) {
        add(name, command, args, home: home, env: env, setup: setup, file: file, repetitions: repetitions, exit: exit, error,
            records: records, comment, Array(text.utf8))
    }

    private static func line(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func envelopeLine(_ age: [UInt8], extra: [String: Any] = [:]) -> String {
        line(["type": "envelope", "age": Base64.encode(age)].merging(extra) { $1 })
    }

    private func sealed(_ body: String = "hello bob", signer: Signer? = nil, expiresAt: Int64? = farFuture) throws -> [UInt8] {
        try Envelope.seal(Array(body.utf8), SealParameters(recipients: [Addressee(bob.recipient, identity: bob.fingerprint)], signer: signer ?? alice.signer,
                                                           expiresAt: expiresAt, sentAt: Self.sentAt,
                                                           contentType: "text/plain; charset=utf-8"))
    }

    /// An age file to bob whose header carries `sotto` as its sotto stanza
    /// (none if nil) and whose payload is `payload`, both under a valid MAC.
    private func crafted(sotto: Stanza? = Stanza(type: SottoStanza.type, arguments: ["signed", String(farFuture)], body: Sodium.random(16)),
                         extra: [Stanza] = [], payload: (Header) throws -> [UInt8]) throws -> [UInt8] {
        let fileKey = try SecureBytes.random(count: 16)
        let header = try Header(stanzas: (sotto.map { [$0] } ?? []) + extra + bob.recipient.wrap(fileKey: fileKey), fileKey: fileKey)
        let sink = MemorySink()
        try sink.write(header.bytes)
        let encryptor = try PayloadEncryptor(fileKey: fileKey, sink: sink)
        try encryptor.write(try payload(header))
        try encryptor.close()
        return sink.bytes
    }

    /// Collects a payload's plaintext.
    private final class PlaintextSink: ClosingSink {
        var bytes = [UInt8]()
        func write(_ chunk: UnsafeRawBufferPointer) throws { bytes += chunk }
        func close() throws {}
    }

    /// A signed payload around raw inner-header bytes, signed by `signer`
    /// (one last segment with a signature of zeros if nil).
    private func signedPayload(_ header: Header, inner: [UInt8], body: [UInt8] = Array("hello bob".utf8),
                               signer: Signer?, signatureLength: Int = 64) -> [UInt8] {
        guard let signer else {
            return InnerHeader.magic + Wire.u32(inner.count) + inner + SegmentFrame(final: true, bodyLength: body.count, padding: 0).encoded
                + body + [UInt8](repeating: 0, count: 64)
        }
        let sink = PlaintextSink()
        guard let writer = try? SignedBodyWriter(inner: inner, header: header, signer: signer, payload: sink),
              (try? writer.write(body)) != nil, (try? writer.close()) != nil else { return [] }
        return Array(sink.bytes.dropLast(64 - signatureLength))
    }

    private func innerFields(_ changes: [String: Any?] = [:]) -> [String: Any] {
        var fields: [String: Any] = [
            "v": 2, "from": Base64.encode(alice.identityKey), "name": "alice", "sent_at": Self.sentAt,
            "expires_at": Self.farFuture, "to": [["age": bob.recipient.string, "identity": bob.fingerprint]], "thread": JSONNull(),
            "content_type": "text/plain; charset=utf-8",
        ]
        for (key, value) in changes { fields[key] = value ?? nil }
        return fields
    }

    // MARK: JSON Lines, through every command that reads records

    private func json() {
        let readers: [(String, String, [String], String)] = [
            ("seal", "sotto-seal", [], "alice"), ("open", "sotto-open", [], "bob"), ("send", "sotto-send", [], "bob"),
            ("erase", "sotto-erase", ["--message", "-", "--yes"], "bob"), ("import", "sotto-keygen", ["import"], "bob"),
            ("recv", "sotto-recv", ["--input", "-"], "bob"),
        ]
        for (short, command, args, home) in readers {
            func bad(_ name: String, _ error: String, _ comment: String, _ text: String) {
                add("json/\(short)_\(name)", command, args, home: home, exit: 65, error, comment, text: text)
            }
            // sotto-open takes an age file or records, and says so when the input is neither.
            let neither = short == "open" ? "the input is neither envelope records nor an age file" : nil
            bad("not_json", neither ?? "line 1: not valid JSON", "a line that is not JSON", "hello\n")
            bad("array", neither ?? "line 1: expected a JSON object", "a JSON array instead of an object", "[1,2,3]\n")
            bad("string", neither ?? "line 1: expected a JSON object", "a bare JSON string", "\"envelope\"\n")
            bad("truncated", "line 1: not valid JSON", "an object cut off in a string", "{\"type\":\"envelope\",\"age\":\"YWdl")
            add("json/\(short)_bad_utf8", command, args, home: home, exit: 65, "line 1: not valid UTF-8",
                "a string with a byte that is not UTF-8", Array(#"{"type":"x","name":""#.utf8) + [0xC3, 0x28] + Array("\"}\n".utf8))
            bad("deep", "nested more than 32 levels", "arrays nested 33 deep", "{\"type\":\"x\",\"v\":" + String(repeating: "[", count: 32)
                + String(repeating: "]", count: 32) + "}\n")
            bad("duplicate_key", "line 1: duplicate key \"type\"", "the same key twice: parsers disagree on which wins",
                "{\"type\":\"envelope\",\"type\":\"message\"}\n")
            bad("second_line", "line 2: not valid JSON", "an empty first line is skipped; the error names line 2", "\n{\n")
        }
        add("json/send_huge_line", "sotto-send", ["--to", "0123456789abcdef0123456789abcdef"], repetitions: 4097, exit: 65, "record is longer than 268435456 bytes",
            "a 256 MiB line without a newline: refused at the cap, not buffered without end", Array(repeating: 0x41, count: 65536))
        add("json/seal_huge_number", "sotto-seal", home: "alice", exit: 65, "not valid JSON",
            "a number beyond a double", text: "{\"type\":\"message\",\"body\":\"x\",\"n\":1e999}\n")
        add("json/seal_escaped_duplicate", "sotto-seal", home: "alice", exit: 65, "duplicate key \"body\"",
            "the same key twice, once written with a \\u escape", text: "{\"type\":\"message\",\"body\":\"a\",\"\\u0062ody\":\"b\"}\n")
        add("json/open_nul", "sotto-open", exit: 65, "not valid JSON", "a NUL byte inside a record", [0x7B, 0x00, 0x7D, 0x0A])
        add("json/seal_lone_surrogate", "sotto-seal", home: "alice", exit: 65, "not valid JSON",
            "a lone UTF-16 surrogate escape", text: "{\"type\":\"message\",\"body\":\"\\ud800\"}\n")
    }

    // MARK: message records (sotto-seal)

    private func seal() {
        // Records that name recipients in "to" take no -r: the two together are a usage error.
        func bad(_ name: String, exit: Int32 = 65, _ error: String, _ comment: String, _ record: String, args: [String] = ["-r", "bob"]) {
            add("seal/\(name)", "sotto-seal", args, home: "alice", exit: exit, error, comment, text: record + "\n")
        }
        bad("no_body", "field \"body\"", "a message record with neither body nor body_base64", #"{"type":"message","to":"bob"}"#, args: [])
        bad("body_number", "field \"body\" must be a string", "body is a number", #"{"type":"message","body":5}"#)
        bad("body_base64_bad", "field \"body_base64\" is not valid base64", "body_base64 is not base64",
            #"{"type":"message","body_base64":"***"}"#)
        bad("both_bodies", "body", "both body and body_base64", #"{"type":"message","body":"a","body_base64":"YQ=="}"#)
        bad("to_number", "field \"to\" must be an array of strings", "to is a number", #"{"type":"message","body":"a","to":7}"#, args: [])
        bad("to_mixed", "field \"to\" must be an array of strings", "to holds a number", #"{"type":"message","body":"a","to":["bob",7]}"#, args: [])
        bad("to_unknown", exit: 66, "nobody", "a recipient that is no contact, group or key", #"{"type":"message","body":"a","to":["nobody"]}"#, args: [])
        bad("to_bad_key", exit: 65, "age1qqqq", "an age1 recipient with a bad checksum", #"{"type":"message","body":"a","to":["age1qqqq"]}"#, args: [])
        bad("ttl_word", "field \"ttl\" is not a duration", "ttl is not a duration", #"{"type":"message","body":"a","ttl":"forever"}"#)
        bad("ttl_negative", "field \"ttl\" is not a duration", "a negative ttl", #"{"type":"message","body":"a","ttl":"-5s"}"#)
        bad("ttl_overflow", "field \"ttl\" is not a duration", "a ttl that overflows 64 bits", #"{"type":"message","body":"a","ttl":"99999999999999999999d"}"#)
        bad("expires_word", "field \"expires_at\" is not an RFC 3339 time", "expires_at is a word",
            #"{"type":"message","body":"a","expires_at":"tomorrow"}"#)
        bad("expires_feb30", "field \"expires_at\" is not an RFC 3339 time", "the 30th of February",
            #"{"type":"message","body":"a","expires_at":"2030-02-30T00:00:00Z"}"#)
        bad("expires_past", exit: 65, "expires_at", "an expiry in the past", #"{"type":"message","body":"a","expires_at":"2001-01-01T00:00:00Z"}"#)
        bad("expires_number", "field \"expires_at\" must be a string", "expires_at as a number",
            #"{"type":"message","body":"a","expires_at":1790000000}"#)
        bad("ttl_after_read_zero", "field \"ttl_after_read\" is zero: a duration is at least 1s", "ttl_after_read of zero",
            #"{"type":"message","body":"a","ttl_after_read":"0s"}"#)
        bad("thread_number", "field \"thread\" must be a string", "thread is a number", #"{"type":"message","body":"a","thread":1}"#)
        bad("content_type_object", "field \"content_type\" must be a string", "content_type is an object",
            #"{"type":"message","body":"a","content_type":{}}"#)
        bad("second_bad", "line 2:", "a good record, then a bad one: the first is sealed and written, the second fails",
            #"{"type":"message","body":"a"}"# + "\n" + #"{"type":"message","body":1}"#)
        vectors[vectors.count - 1].records = 1
    }

    // MARK: the age envelope (sotto-open reading a binary file on stdin)

    private func envelopes() {
        func bad(_ name: String, exit: Int32, _ error: String, _ comment: String, _ bytes: [UInt8], args: [String] = []) {
            add("envelope/\(name)", "sotto-open", args, exit: exit, error, comment, bytes)
        }
        let version = "age-encryption.org/v1\n"
        let share = Base64.encode(Sodium.random(32), padded: false)
        let stanza = "-> X25519 \(share)\n\(Base64.encode(Sodium.random(32), padded: false))\n"
        let mac = "--- \(Base64.encode(Sodium.random(32), padded: false))\n"
        // Empty stdin is no records (`sotto-recv | sotto-open` with no new mail); an empty file is an error.
        add("envelope/empty", "sotto-open", ["empty.age"], file: "empty.age", exit: 65, "the input is empty", "an empty file named as input", [])
        bad("version_v2", exit: 65, "malformed age header", "a future version line", Array(("age-encryption.org/v2\n" + stanza + mac).utf8))
        bad("no_mac", exit: 65, "malformed age header", "the header ends without its MAC line", Array((version + stanza).utf8))
        bad("no_stanza", exit: 65, "malformed age header", "a header with no stanza", Array((version + mac).utf8))
        bad("4000_stanzas", exit: 65, "more than 1024 stanzas", "4,000 stanzas: refused before any X25519",
            Array((version + String(repeating: "-> x\n\n", count: 4000) + mac).utf8))
        bad("long_line", exit: 65, "malformed age header", "a stanza argument line of 9,000 bytes",
            Array((version + "-> X25519 " + String(repeating: "A", count: 9000) + "\n" + mac).utf8))
        bad("body_not_base64", exit: 65, "malformed age header", "a stanza body line that is not base64",
            Array((version + "-> X25519 \(share)\n!!!!\n" + mac).utf8))
        bad("body_padded", exit: 65, "malformed age header", "a stanza body with base64 padding",
            Array((version + "-> X25519 \(share)\n\(Base64.encode(Sodium.random(32)))\n" + mac).utf8))
        bad("empty_stanza_type", exit: 65, "malformed age header", "an arrow with no type", Array((version + "-> \n\n" + mac).utf8))
        bad("mac_not_base64", exit: 65, "malformed age header", "a MAC that is not base64", Array((version + stanza + "--- @@@@\n").utf8))
        bad("crlf", exit: 65, "malformed age header", "CRLF line endings", Array((version + stanza + mac).replacingOccurrences(of: "\n", with: "\r\n").utf8))
        bad("share_short", exit: 65, "malformed age header", "an X25519 share of 31 bytes",
            Array((version + "-> X25519 \(Base64.encode(Sodium.random(31), padded: false))\n\(Base64.encode(Sodium.random(32), padded: false))\n" + mac).utf8))
        bad("not_for_me", exit: 1, "no identity matches", "well formed, wrapped to a key bob does not hold", Array((version + stanza + mac).utf8))
        bad("binary_garbage", exit: 65, "the input is neither envelope records nor an age file", "random bytes", [UInt8](binaryBytes(4096)))
        guard let good = try? sealed() else { return }
        var flipped = good
        if let at = (0..<(flipped.count - 3)).first(where: { flipped[$0..<($0 + 3)].elementsEqual(Array("-> ".utf8)) }) {
            flipped[at + 12] = flipped[at + 12] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        }
        bad("sotto_stanza_changed", exit: 1, "the age header failed authentication", "one character of the sotto stanza changed", flipped)
        let headerLength = (try? Header.parse(ByteReader(bytes: good)).bytes.count) ?? 0
        var macFlipped = good
        macFlipped[headerLength - 3] = macFlipped[headerLength - 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        bad("mac_changed", exit: 1, "the age header failed authentication", "one character of the MAC changed", macFlipped)
        bad("payload_missing", exit: 65, "payload nonce is missing", "the header alone", Array(good.prefix(headerLength)))
        bad("nonce_only", exit: 1, "payload ends without a final chunk", "the header and the 16-byte nonce, no chunk", Array(good.prefix(headerLength + 16)))
        bad("payload_truncated", exit: 1, "payload failed authentication", "the last byte cut off", Array(good.dropLast()))
        bad("payload_extended", exit: 1, "payload failed authentication", "a byte appended after the last chunk", good + [0])
        var payloadFlipped = good
        payloadFlipped[good.count - 20] ^= 0x80
        bad("payload_bit_flip", exit: 1, "payload failed authentication", "one bit of the ciphertext flipped", payloadFlipped)

        let sottoCases: [(String, [String], Int, String)] = [
            ("sotto_mode_unknown", ["maybe", String(Self.farFuture)], 16, "an unknown mode"),
            ("sotto_expiry_word", ["signed", "soon"], 16, "an expiry that is not a number"),
            ("sotto_expiry_negative", ["signed", "-5"], 16, "a negative expiry"),
            ("sotto_expiry_huge", ["signed", "99999999999999999999999"], 16, "an expiry beyond 64 bits"),
            ("sotto_expiry_plus", ["signed", "+\(Self.farFuture)"], 16, "an expiry with a plus sign"),
            ("sotto_one_argument", ["signed"], 16, "one argument instead of two"),
            ("sotto_three_arguments", ["signed", String(Self.farFuture), "x"], 16, "three arguments"),
            ("sotto_body_short", ["signed", String(Self.farFuture)], 15, "a 15-byte stanza body"),
            ("sotto_body_long", ["signed", String(Self.farFuture)], 32, "a 32-byte stanza body"),
        ]
        for (name, arguments, length, comment) in sottoCases {
            guard let file = try? crafted(sotto: Stanza(type: SottoStanza.type, arguments: arguments, body: Sodium.random(length)),
                                          payload: { [self] header in signedPayload(header, inner: (try? JSON.encode(innerFields())) ?? [], signer: alice.signer) })
            else { continue }
            bad(name, exit: 65, name.hasPrefix("sotto_expiry") ? "malformed expiry in the sotto stanza" : "malformed sotto stanza", "the sotto stanza has \(comment) (valid MAC)", file)
        }
        if let expired = try? crafted(sotto: Stanza(type: SottoStanza.type, arguments: ["signed", "1000000000"], body: Sodium.random(16)),
                                      payload: { [self] header in
                                          signedPayload(header, inner: (try? JSON.encode(innerFields(["expires_at": 1_000_000_000]))) ?? [],
                                                        signer: alice.signer) }) {
            bad("expired", exit: 1, "expired", "expired in 2001, signed and otherwise valid", expired)
        }
    }

    // MARK: armor

    private func armor() {
        guard let good = try? sealed() else { return }
        let body = Base64.encode(good).chunked(64)
        let begin = "-----BEGIN AGE ENCRYPTED FILE-----\n", end = "-----END AGE ENCRYPTED FILE-----\n"
        func bad(_ name: String, _ error: String, _ comment: String, _ text: String) {
            add("armor/\(name)", "sotto-open", exit: 65, error, comment, text: text)
        }
        bad("no_end", "armor", "armor without its end line", begin + body)
        bad("garbage_line", "armor", "a line that is not base64 inside the armor", begin + "!!!!\n" + body + end)
        bad("long_line", "armor", "an armor line of 65 columns", begin + String(repeating: "A", count: 65) + "\n" + body + end)
        bad("wrong_label", "the input is neither envelope records nor an age file", "a PGP label", "-----BEGIN PGP MESSAGE-----\n" + body + "-----END PGP MESSAGE-----\n")
        bad("trailing_garbage", "armor", "text after the end line", begin + body + end + "more\n")
        bad("empty", "unexpected end of header", "begin and end lines with nothing between", begin + end)
    }

    // MARK: the inner header and signature (valid envelope to bob, bad inside)

    private func inner() {
        func bad(_ name: String, exit: Int32 = 1, _ error: String, _ comment: String, args: [String] = [],
                 _ payload: @escaping (Header) -> [UInt8]) {
            guard let file = try? crafted(payload: payload) else { return }
            add("inner/\(name)", "sotto-open", args, exit: exit, error, comment, file)
        }
        func fields(_ name: String, exit: Int32 = 1, _ changes: [String: Any?], _ error: String, _ comment: String) {
            bad(name, exit: exit, error, comment) { [self] header in
                signedPayload(header, inner: (try? JSON.encode(innerFields(changes))) ?? [], signer: alice.signer)
            }
        }
        func raw(_ name: String, _ text: [UInt8], _ error: String, _ comment: String) {
            bad(name, error, comment) { [self] header in signedPayload(header, inner: text, signer: alice.signer) }
        }
        bad("empty_payload", "signed envelope has no sotto inner header", "signed mode with an empty payload") { _ in [] }
        bad("magic_wrong", "signed envelope has no sotto inner header", "the payload starts with sotto/1") { [self] header in
            Array("sotto/1\n".utf8) + signedPayload(header, inner: (try? JSON.encode(innerFields())) ?? [], signer: alice.signer).dropFirst(8)
        }
        bad("length_beyond_payload", "inner header is truncated", "the inner header length says more than the payload holds") { _ in
            InnerHeader.magic + Wire.u32(60_000) + Array("{}".utf8)
        }
        bad("length_over_cap", "inner header length is out of bounds", "an inner header length of 2^32-1") { _ in InnerHeader.magic + Wire.u32(Int(UInt32.max)) + Array("{}".utf8) }
        bad("signature_short", "signed message is truncated", "the signature cut to 10 bytes") { [self] header in
            signedPayload(header, inner: (try? JSON.encode(innerFields())) ?? [], body: [], signer: alice.signer, signatureLength: 10)
        }
        bad("signature_zero", "bad signature", "a signature of zeros") { [self] header in
            signedPayload(header, inner: (try? JSON.encode(innerFields())) ?? [], signer: nil)
        }
        raw("not_json", Array("hello".utf8), "the inner header is not valid JSON", "inner header bytes that are not JSON")
        raw("bad_utf8", [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], "the inner header is not valid JSON", "not UTF-8")
        raw("deep", Array(("{\"v\":2,\"x\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}").utf8),
            "the inner header is not valid JSON", "nested 40 deep")
        raw("duplicate_from", Array(("{\"v\":2,\"from\":\"\(Base64.encode(alice.identityKey))\",\"from\":\"\(Base64.encode(bob.identityKey))\",\"sent_at\":1}").utf8),
            "the inner header is not valid JSON", "from twice: one parser would take alice, another bob")
        fields("version_1", exit: 70, ["v": 1], "unsupported inner header version", "v is 1: the inner header of the earlier format")
        fields("version_3", exit: 70, ["v": 3], "unsupported inner header version", "v is 3")
        fields("version_string", ["v": "2"], "field \"v\"", "v is a string")
        fields("from_short", ["from": Base64.encode(Array(alice.identityKey.prefix(31)))], "field \"from\" is not a 32-byte key", "a 31-byte from")
        fields("from_not_base64", ["from": "not base64!"], "field \"from\" is not valid base64", "from is not base64")
        fields("sent_at_missing", ["sent_at": nil], "field \"sent_at\" is missing", "no sent_at")
        fields("sent_at_huge", ["sent_at": 1e300], "field \"sent_at\" must be an integer", "sent_at of 1e300")
        fields("sent_at_fraction", ["sent_at": 1.5], "field \"sent_at\" must be an integer", "sent_at of 1.5")
        fields("to_number", ["to": 5], "field \"to\" must be an array", "to is a number")
        fields("to_strings", ["to": [bob.recipient.string]], "field \"to\" must hold objects", "to lists keys without their identities")
        fields("to_identity_short", ["to": [["age": bob.recipient.string, "identity": "abc"]]], "field \"identity\" is not a fingerprint",
               "an identity that is not 64 hex digits")
        fields("to_twice", ["to": [["age": bob.recipient.string, "identity": bob.fingerprint], ["age": bob.recipient.string, "identity": alice.fingerprint]]],
               "the inner header's recipients do not match the envelope's recipient stanzas", "bob's key listed twice, for two identities")
        fields("to_other_identity", ["to": [["age": bob.recipient.string, "identity": alice.fingerprint]]], "sealed for another identity",
               "bob's key said to be alice's: a sender misled by a card that passed bob's key off as alice's")
        fields("card_not_object", ["card": "alice"], "field \"card\" must be an object", "a card that is not an object")
        fields("ttl_after_read_zero", ["ttl_after_read": 0], "field \"ttl_after_read\" must be positive", "ttl_after_read of 0")
        fields("ttl_after_read_negative", ["ttl_after_read": -60], "field \"ttl_after_read\" must be positive", "a negative ttl_after_read")
        fields("expires_differs", ["expires_at": Self.farFuture - 1], "the signed expiry does not match", "the inner expires_at differs from the stanza's")
        fields("not_addressed", ["to": [["age": alice.recipient.string, "identity": alice.fingerprint]]], "not addressed to the key that opened it", "the inner to list does not name bob's key")
        fields("from_bob", ["from": Base64.encode(bob.identityKey)], "bad signature", "claims to be from bob, signed by alice")
        guard let (publicKey, secretKey) = try? Ed25519.generate() else { return }
        let stranger = Signer(identityKey: publicKey, name: "stranger", secretKey: secretKey)
        bad("unknown_sender", "unknown sender calling themself 'stranger' refused", "signed by a key that is no contact, with --require-known", args: ["--require-known"]) { header in
            var changes = self.innerFields()
            changes["from"] = Base64.encode(publicKey)
            changes["name"] = "stranger"
            return self.signedPayload(header, inner: (try? JSON.encode(changes)) ?? [], signer: stranger)
        }
    }

    // MARK: envelope records (sotto-open, sotto-send, sotto-recv --input)

    private func open() {
        add("open/record_no_age", "sotto-open", exit: 65, "field \"age\" is missing", "an envelope record without age",
            text: Self.line(["type": "envelope"]))
        add("open/record_age_number", "sotto-open", exit: 65, "field \"age\" must be a string", "age is a number",
            text: Self.line(["type": "envelope", "age": 5]))
        add("open/record_age_not_base64", "sotto-open", exit: 65, "field \"age\" is not valid base64", "age is not base64",
            text: Self.line(["type": "envelope", "age": "%%%"]))
        add("open/record_age_not_age", "sotto-open", exit: 65, "malformed age header", "age is base64 of text",
            text: Self.envelopeLine(Array("hello".utf8)))
        add("open/record_type_card", "sotto-open", exit: 65, "field \"type\"", "a card record given to open",
            text: Self.line(["type": "card", "name": "x"]))
        if let good = try? sealed() {
            add("open/output_exists", "sotto-open", ["-o", "home/keyring.db"], exit: 73, "home/keyring.db",
                "--output names a file that exists: it is never overwritten", text: Self.envelopeLine(good))
        }
        add("open/identity_file_bad", "sotto-open", ["-i", "identity.txt"], home: "none", file: "identity.txt", exit: 65,
            "identity", "an identity file with a line that is not a key", text: "AGE-SECRET-KEY-1NOTAKEY\n")
        add("open/identity_missing", "sotto-open", ["-i", "nowhere.txt"], home: "none", exit: 66, "nowhere.txt",
            "an identity file that does not exist", text: "")
    }

    private func send() {
        func bad(_ name: String, exit: Int32 = 65, _ error: String, _ comment: String, _ text: String, args: [String] = ["--to", "0123456789abcdef0123456789abcdef"]) {
            add("send/\(name)", "sotto-send", args, exit: exit, error, comment, text: text)
        }
        guard let good = try? sealed() else { return }
        bad("id_mismatch", "field \"id\" does not match", "an id that is not the envelope's",
            Self.envelopeLine(good, extra: ["id": String(repeating: "0", count: 64)]))
        bad("type_message", "field \"type\"", "a message record given to send", Self.line(["type": "message", "body": "x"]))
        bad("not_age", "is not an age file", "age is base64 of text", Self.envelopeLine(Array("hello".utf8)))
        bad("to_number", "field \"to\" must be an array of strings", "to is a number", Self.envelopeLine(good, extra: ["to": 5]))
        bad("no_address", exit: 65, "names no mailbox address", "no to and no --to", Self.envelopeLine(good), args: [])
        bad("address_bad", exit: 65, "address", "an address that is not 32 hex digits", Self.envelopeLine(good, extra: ["to": ["../../etc"]]))
        add("send/file_not_age", "sotto-send", ["--file", "input.age", "--to", "0123456789abcdef0123456789abcdef"], file: "input.age",
            exit: 65, "not an age file", "--file names a text file", text: "not an age file\n")
        add("send/file_missing", "sotto-send", ["--file", "nowhere.age", "--to", "0123456789abcdef0123456789abcdef"],
            exit: 66, "nowhere.age", "--file names a file that does not exist", text: "")
        add("send/mailbox_not_sqlite", "sotto-send", ["--mailbox", "home/mailbox.txt", "--to", "0123456789abcdef0123456789abcdef"],
            setup: ["write mailbox.txt this is not a database"], exit: 69, "mailbox", "the mailbox is a text file",
            text: Self.envelopeLine(good))
    }

    private func recv() {
        func bad(_ name: String, exit: Int32 = 65, _ error: String, _ comment: String, _ text: String) {
            add("recv/\(name)", "sotto-recv", ["--input", "-"], exit: exit, error, comment, text: text)
        }
        guard let good = try? sealed() else { return }
        bad("id_mismatch", "field \"id\" does not match", "an id that is not the envelope's",
            Self.envelopeLine(good, extra: ["id": String(repeating: "f", count: 64)]))
        bad("not_age", "is not an age file", "age is base64 of text", Self.envelopeLine(Array("hello".utf8)))
        bad("manifest_future", exit: 70, "newer than this sotto reads", "an export manifest of version 3",
            Self.line(["type": "manifest", "format": "sotto-export", "version": 3]))
        add("recv/since_word", "sotto-recv", ["--since", "yesterday"], exit: 66, "no envelope yesterday in the inbox and not an RFC 3339 time",
            "--since is neither an envelope id in the inbox nor a time", text: "")
        bad("manifest_format", "field \"format\"", "a manifest of another format", Self.line(["type": "manifest", "format": "tar", "version": 1]))
    }

    private func erase() {
        func bad(_ name: String, _ error: String, _ comment: String, _ text: String) {
            add("erase/\(name)", "sotto-erase", ["--message", "-", "--yes"], exit: 65, error, comment, text: text)
        }
        bad("no_id", "field \"id\" is missing", "a record without id", Self.line(["type": "envelope"]))
        bad("id_number", "field \"id\" must be a string", "id is a number", Self.line(["id": 12]))
        bad("id_not_hex", "field \"id\" is not an id", "an id that is not 64 hex digits", Self.line(["id": "../keyring.db"]))
        add("erase/before_word", "sotto-erase", ["--before", "yesterday", "--yes"], exit: 64, "yesterday",
            "--before is not an RFC 3339 time", text: "")
    }

    // MARK: cards (sotto-keygen import FILE)

    /// Revocation records through `sotto-keygen import` in bob's home, which knows alice.
    private func revocations() {
        let revocation = Revocation.make(identityKey: alice.identityKey, revokedAt: Self.sentAt, signingKey: alice.signer.secretKey).record
        func bad(_ name: String, exit: Int32 = 65, _ error: String, _ comment: String, _ changes: [String: Any?]) {
            var edited = revocation
            for (key, value) in changes { edited[key] = value ?? nil }
            add("revocation/\(name)", "sotto-keygen", ["import", "revocation.json"], home: "bob", file: "revocation.json", exit: exit, error,
                comment, text: Self.line(edited))
        }
        bad("time_changed", "revocation signature does not verify", "revoked_at moved after signing", ["revoked_at": "2030-01-01T00:00:00Z"])
        bad("identity_short", "field \"identity\" is not a 32-byte key", "a 31-byte identity", ["identity": Base64.encode([UInt8](repeating: 1, count: 31))])
        bad("time_missing", "field \"revoked_at\" is missing", "no revoked_at", ["revoked_at": nil])
        bad("signature_zero", "revocation signature does not verify", "a signature of zeros", ["signature": Base64.encode([UInt8](repeating: 0, count: 64))])
        if let (publicKey, secretKey) = try? Ed25519.generate() {
            add("revocation/unknown_identity", "sotto-keygen", ["import", "revocation.json"], home: "bob", file: "revocation.json", exit: 66,
                "does not know", "a genuine revocation of an identity bob has never met",
                text: Self.line(Revocation.make(identityKey: publicKey, revokedAt: Self.sentAt, signingKey: secretKey).record))
        }
    }

    private func cardVectors() {
        guard let card = cards["alice"] else { return }
        func bad(_ name: String, exit: Int32 = 65, _ error: String, _ comment: String, _ changes: [String: Any?]) {
            var edited = card
            for (key, value) in changes { edited[key] = value ?? nil }
            add("card/\(name)", "sotto-keygen", ["import", "card.json"], home: "alice", file: "card.json", exit: exit, error,
                comment, text: Self.line(edited))
        }
        let keys = card["keys"] as? [[String: Any]] ?? []
        func key(_ changes: [String: Any?]) -> [[String: Any]] {
            var first = keys.first ?? [:]
            for (k, v) in changes { first[k] = v ?? nil }
            return [first]
        }
        revocations()
        bad("name_changed", "card signature does not verify", "the name changed after signing", ["name": "mallory"])
        bad("mailbox_changed", "card signature does not verify", "the mailbox changed after signing", ["mailbox": String(repeating: "0", count: 32)])
        bad("mailbox_not_address", "is not a mailbox address", "a mailbox address in upper case", ["mailbox": String(repeating: "A", count: 32)])
        bad("signature_missing", "field \"signature\" is missing", "no signature", ["signature": nil])
        bad("signature_short", "card signature does not verify", "a 63-byte signature", ["signature": Base64.encode([UInt8](repeating: 1, count: 63))])
        bad("signature_zero", "card signature does not verify", "a signature of zeros", ["signature": Base64.encode([UInt8](repeating: 0, count: 64))])
        bad("identity_short", "card is incomplete", "a 31-byte identity key", ["identity": Base64.encode([UInt8](repeating: 7, count: 31))])
        bad("identity_not_base64", "field \"identity\" is not valid base64", "identity is not base64", ["identity": "%"])
        bad("keys_empty", "card is incomplete", "no encryption key", ["keys": []])
        bad("keys_not_array", "field \"keys\" must be an array", "keys is a string", ["keys": "age1"])
        bad("keys_numbers", "field \"keys\" must hold objects", "keys holds numbers", ["keys": [1, 2]])
        bad("key_not_bech32", "field \"age\" is not an age recipient (age1… or age1pq1…)", "a key that is not bech32", ["keys": key(["age": "age1notakey"])])
        bad("key_wrong_hrp", "field \"age\" is not an age recipient (age1… or age1pq1…)", "a key with another human-readable part",
            ["keys": key(["age": Bech32.encode(hrp: "pgp", data: [UInt8](repeating: 1, count: 32))])])
        bad("key_cert_changed", "card signature does not verify", "the key's certificate from another key", ["keys": key(["cert": Base64.encode([UInt8](repeating: 2, count: 64))])])
        bad("key_not_before_missing", "field \"not_before\" is missing", "no not_before", ["keys": key(["not_before": nil])])
        bad("key_not_before_bad", "field \"not_before\" is not an RFC 3339 time", "not_before is a word", ["keys": key(["not_before": "now"])])
        bad("key_many", "field \"keys\" holds more than 1000 keys", "1,001 keys", ["keys": Array(repeating: keys.first ?? [:], count: 1001)])
        bad("name_long", "field \"name\" must be 1 to 200 bytes", "a 10,000-character name", ["name": String(repeating: "a", count: 10_000)])
        bad("type_wrong", "field \"kind\" is missing", "type contact: read as a contact record, which needs a kind", ["type": "contact"])
        bad("own_card", exit: 64, "this card is one of your own identities", "my own card imported as a contact", [:])
        add("card/age_recipient_bad", "sotto-keygen", ["import", "-", "--name", "carol"], home: "alice", exit: 65, "not an age recipient",
            "a bare age recipient with a bad checksum", text: "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs0000000\n")
    }

    // MARK: export streams (sotto-keygen import of an export)

    private func exports() {
        guard let text = try? String(contentsOf: CorpusTests.fixtures.appendingPathComponent("bob.export"), encoding: .utf8) else { return }
        var lines = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        guard let trailer = lines.popLast(), trailer["type"] as? String == ExportAuthentication.recordType else { return }
        let passphrase = ["--export-passphrase-file", "{fixtures}/export-passphrase"]
        /// Records, authenticated as whoever knows the export passphrase would:
        /// these vectors reach the checks behind the authentication.
        func authenticated(_ records: [[String: Any]]) -> String {
            let text = records.map(Self.line)
            let transcript = ExportTranscript()
            for line in text { transcript.absorb(Array(line.utf8.dropLast())) }
            var passphrase = Array(Self.exportPassphrase.utf8)
            guard let key = try? ExportUnsealer(passphrase: { try SecureBytes(consuming: &passphrase) })
                .key(for: Fields(trailer, line: 0), what: "the fixture") else { return text.joined() }
            return (text + [Self.line(ExportAuthentication.record(key: key, transcript: transcript))]).joined()
        }
        func bad(_ name: String, exit: Int32 = 65, _ error: String, _ comment: String, home: String = "none", args: [String] = [],
                 env: [String: String] = [:], authenticate: Bool = true, _ edit: (inout [[String: Any]]) -> Void) {
            var edited = lines
            edit(&edited)
            add("export/\(name)", "sotto-keygen", ["import", "export.jsonl", "--no-passphrase"] + passphrase + args, home: home,
                env: env, file: "export.jsonl", exit: exit, error, comment,
                text: authenticate ? authenticated(edited) : edited.map(Self.line).joined())
        }
        bad("authentication_missing", "not authenticated", "the authentication record cut off", authenticate: false) { _ in }
        add("export/authentication_changed", "sotto-keygen", ["import", "export.jsonl", "--no-passphrase"] + passphrase, home: "none",
            file: "export.jsonl", exit: 65, "the export was altered", "a contact's blocked mark changed, the authentication left as it was",
            text: (lines.map { $0["type"] as? String == "contact" ? $0.merging(["blocked": true]) { $1 } : $0 } + [trailer]).map(Self.line).joined())
        add("export/record_after_authentication", "sotto-keygen", ["import", "export.jsonl", "--no-passphrase"] + passphrase,
            home: "none", file: "export.jsonl", exit: 65, "a record after the export's authentication record",
            "a group added after the authentication record",
            text: (lines + [trailer, ["type": "group", "name": "friends", "members": ["alice"]]]).map(Self.line).joined())
        bad("retention_absurd", "retention must be between", "a retention of 10000 weeks") {
            $0.append(["type": "setting", "name": "retention", "value": "6048000000s"])
        }
        func identity(_ records: inout [[String: Any]], _ change: (inout [String: Any]) -> Void) {
            guard let at = records.firstIndex(where: { $0["type"] as? String == "identity" }) else { return }
            change(&records[at])
        }
        func secrets(_ records: inout [[String: Any]], _ key: String, _ value: Any?) {
            identity(&records) { record in
                var box = record["secrets"] as? [String: Any] ?? [:]
                box[key] = value
                record["secrets"] = box
            }
        }
        bad("manifest_version_3", exit: 70, "newer than this sotto reads", "a manifest of version 3") { $0[0]["version"] = 3 }
        bad("manifest_version_string", "field \"version\" must be an integer", "version is a string") { $0[0]["version"] = "2" }
        bad("manifest_version_huge", "field \"version\" must be an integer", "version of 1e300") { $0[0]["version"] = 1e300 }
        bad("no_secrets", "field \"secrets\" is missing", "an identity without its secrets") { identity(&$0) { $0["secrets"] = nil } }
        bad("name_differs", "field \"name\" differs from the name in its card", "the identity's name is not its card's") {
            identity(&$0) { $0["name"] = "robert" }
        }
        bad("secrets_flipped", exit: 77, "wrong export passphrase", "one byte of the sealed secrets changed") { records in
            identity(&records) { record in
                var box = record["secrets"] as? [String: Any] ?? [:]
                let key = "box"
                if var bytes = (box[key] as? String).flatMap({ Base64.decode($0) }), !bytes.isEmpty {
                    bytes[bytes.count / 2] ^= 1
                    box[key] = Base64.encode(bytes)
                }
                record["secrets"] = box
            }
        }
        bad("wrong_passphrase", exit: 77, "passphrase", "the right export read with the wrong export passphrase",
            args: ["--export-passphrase-file", "{fixtures}/alice.export"]) { _ in }
        func argon2(_ records: inout [[String: Any]], _ key: String, _ value: Any) {
            identity(&records) { record in
                var box = record["secrets"] as? [String: Any] ?? [:]
                var parameters = box["argon2"] as? [String: Any] ?? [:]
                parameters[key] = value
                box["argon2"] = parameters
                record["secrets"] = box
            }
        }
        bad("argon2_memory_low", "field \"argon2\" is outside the allowed bounds", "Argon2 memory of 8 KiB, below the floor") { argon2(&$0, "m", 8) }
        bad("argon2_memory_absurd", "field \"argon2\" is outside the allowed bounds", "Argon2 memory of 4 TiB") { argon2(&$0, "m", 4_294_967_295) }
        bad("argon2_time_zero", "field \"argon2\" is outside the allowed bounds", "Argon2 time cost 0") { argon2(&$0, "t", 0) }
        bad("argon2_parallel_absurd", "field \"argon2\" is outside the allowed bounds", "Argon2 parallelism of 2^24") { argon2(&$0, "p", 16_777_216) }
        bad("argon2_missing", "field \"argon2\" is missing", "no Argon2 parameters") { secrets(&$0, "argon2", nil) }
        bad("nonce_short", "field \"nonce\" is not 24 bytes", "a 12-byte nonce") { secrets(&$0, "nonce", Base64.encode([UInt8](repeating: 1, count: 12))) }
        bad("kdf_unknown", exit: 70, "unknown key derivation 'scrypt'", "a key derivation sotto does not know") { secrets(&$0, "kdf", "scrypt") }
        bad("salt_short", "field \"salt\" is shorter than 16 bytes", "an 8-byte salt") { secrets(&$0, "salt", Base64.encode([UInt8](repeating: 1, count: 8))) }
        bad("contact_kind", "field \"kind\" must be \"sotto\" or \"age\"", "a contact of kind pgp") { records in
            if let at = records.firstIndex(where: { $0["type"] as? String == "contact" }) { records[at]["kind"] = "pgp" }
        }
        bad("contact_card_forged", "card signature does not verify", "a contact whose card's name was changed") { records in
            if let at = records.firstIndex(where: { $0["type"] as? String == "contact" }),
               var card = records[at]["card"] as? [String: Any] {
                card["name"] = "mallory"
                records[at]["card"] = card
            }
        }
        bad("group_members_numbers", "field \"members\" must be an array of strings", "a group whose members are numbers") {
            $0.append(["type": "group", "name": "friends", "members": [1, 2]])
        }
        bad("into_locked_home", exit: 77, "passphrase", "restoring into a home whose keyring passphrase is wrong", home: "locked",
            env: ["SOTTO_PASSPHRASE": "wrong"]) { _ in }
    }

    // MARK: keyring files (a home whose keyring.db was tampered with)

    private func keyrings() {
        let unlock = ["SOTTO_PASSPHRASE": CorpusTests.lockedPassphrase]
        func bad(_ name: String, exit: Int32 = 65, _ error: String, _ comment: String, home: String = "locked",
                 env: [String: String]? = nil, _ setup: [String]) {
            add("keyring/\(name)", "sotto-seal", ["--to", "alice"], home: home, env: env ?? unlock, setup: setup, exit: exit,
                error, comment, text: Self.line(["type": "message", "body": "x"]))
        }
        func meta(_ key: String, _ value: String) -> String { "sql keyring.db UPDATE meta SET value = \(value) WHERE key = '\(key)'" }
        bad("wrong_passphrase", exit: 77, "passphrase", "the wrong passphrase", env: ["SOTTO_PASSPHRASE": "wrong"], [])
        bad("empty_passphrase", exit: 77, "SOTTO_PASSPHRASE is empty", "an empty passphrase", env: ["SOTTO_PASSPHRASE": ""], [])
        bad("salt_tampered", exit: 77, "passphrase", "another salt: the right passphrase derives the wrong key",
            [meta("salt", "X'00112233445566778899aabbccddeeff'")])
        bad("salt_short", "keyring salt is damaged", "an 8-byte salt", [meta("salt", "X'0011223344556677'")])
        bad("argon2_memory_low", "outside the allowed bounds", "Argon2 memory below the floor", [meta("argon2", "CAST('m=8,t=3,p=1' AS BLOB)")])
        bad("argon2_memory_absurd", "outside the allowed bounds", "Argon2 memory of 4 TiB",
            [meta("argon2", "CAST('m=4294967295,t=3,p=1' AS BLOB)")])
        bad("argon2_time_absurd", "outside the allowed bounds", "Argon2 time cost of a million", [meta("argon2", "CAST('m=65536,t=1000000,p=1' AS BLOB)")])
        bad("argon2_time_zero", "outside the allowed bounds", "Argon2 time cost 0", [meta("argon2", "CAST('m=65536,t=0,p=1' AS BLOB)")])
        bad("argon2_parallel_zero", "outside the allowed bounds", "parallelism 0", [meta("argon2", "CAST('m=65536,t=3,p=0' AS BLOB)")])
        bad("argon2_garbage", "keyring key-derivation parameters are missing or damaged", "parameters that do not parse", [meta("argon2", "CAST('m=lots' AS BLOB)")])
        bad("kdf_unknown", exit: 70, "scrypt", "a key derivation sotto does not know", [meta("kdf", "CAST('scrypt' AS BLOB)")])
        bad("check_tampered", exit: 77, "passphrase", "the passphrase check value changed", [meta("check", "zeroblob(59)")])
        bad("schema_future", exit: 70, "schema", "a keyring schema version from the future", ["sql keyring.db PRAGMA user_version = 99"])
        bad("secret_truncated", exit: 65, "a secret key in the keyring failed authentication", "an identity's sealed secret cut short",
            ["sql keyring.db UPDATE identities SET secret = substr(secret, 1, 10)"])
        bad("secret_flipped", exit: 65, "a secret key in the keyring failed authentication", "an identity's sealed secret with a changed byte",
            ["sql keyring.db UPDATE identities SET secret = zeroblob(length(secret))"])
        bad("not_sqlite", exit: 65, "is damaged or not a sotto database", "keyring.db is a text file", home: "bob", env: [:], ["write keyring.db this is not a database"])
        bad("card_tampered", exit: 65, "the keyring's card of 'bob' is damaged", "the identity's stored card is not JSON", home: "bob", env: [:],
            ["sql keyring.db UPDATE identities SET card = '{'"])
        bad("contact_card_tampered", exit: 65, "the keyring's card of 'alice' is damaged", "a contact's stored card is not JSON", home: "bob", env: [:],
            ["sql keyring.db UPDATE contacts SET card = '{'"])
    }

    // MARK: usage errors

    private func usage() {
        func bad(_ name: String, _ command: String, _ args: [String], _ error: String, _ comment: String) {
            add("usage/\(name)", command, args, exit: 64, error, comment, text: "")
        }
        bad("seal_unknown_option", "sotto-seal", ["--frobnicate"], "frobnicate", "an option that does not exist")
        bad("seal_ttl_word", "sotto-seal", ["--ttl", "forever"], "--ttl: bad duration 'forever'", "--ttl is not a duration")
        bad("seal_ttl_after_read_never", "sotto-seal", ["--ttl-after-read", "never"], "--ttl-after-read takes a duration", "--ttl-after-read never")
        bad("open_raw_output", "sotto-open", ["--raw", "-o", "out"], "--raw and -o are exclusive", "--raw with -o")
        bad("recv_limit_negative", "sotto-recv", ["--limit=-1"], "limit", "a negative --limit")
        bad("send_batch_zero", "sotto-send", ["--batch", "0"], "batch", "--batch 0")
        bad("keygen_new_bad_name", "sotto-keygen", ["new", "../evil", "--no-passphrase"], "name", "a name with a slash")
        bad("erase_nothing", "sotto-erase", ["--yes"], "say what to erase", "nothing named to erase")
        bad("erase_message_not_id", "sotto-erase", ["--message", "hello", "--yes"], "--message takes a message or envelope id", "--message is not an id")
        bad("keygen_new_ttl_word", "sotto-keygen", ["new", "carol", "--no-passphrase", "--ttl", "soon"], "--ttl: bad duration", "--ttl soon")
        bad("open_unknown_option", "sotto-open", ["--decrypt"], "decrypt", "an option of another tool")
        bad("recv_follow_all", "sotto-recv", ["--follow", "--all"], "--follow does not combine", "--follow with --all")
        bad("expire_extra_argument", "sotto-expire", ["now"], "now", "an argument expire does not take")
    }
}

private extension String {
    /// Lines of at most `width` characters, each ending in a newline.
    func chunked(_ width: Int) -> String {
        var out = "", line = ""
        for character in self {
            line.append(character)
            if line.count == width { out += line + "\n"; line = "" }
        }
        return out + (line.isEmpty ? "" : line + "\n")
    }
}
