// sotto-bench-crypto: the floor for scripts/bench.sh (`make bench`).
//
// Calls libsodium (and libargon2, libcrypto for SHA-256 and swift-crypto for X-Wing) directly, with
// no parsing, no JSON and no base64 beyond the age header itself, doing per
// message what a signed sotto seal and open do (docs/FORMAT.md sections 2 to
// 7). sotto's own commands divided by these figures give the overhead ratio.
// A benchmark tool, not a command: it is not installed.
//
//   sotto-bench-crypto messages [N] [--stanzas S] [--body BYTES] [--hybrid 1] [--keys K]
//       N signed seals and N opens, alternating, each timed apart; prints one JSON line.
//       --hybrid 1: post-quantum stanzas; --keys K: the opener holds K retained keys
//   sotto-bench-crypto stream [MIB]
//       what a signed 1-thread bulk seal costs per byte: ChaCha20-Poly1305 of
//       64 KiB chunks plus a BLAKE2b-256 of each chunk; prints one JSON line
//   sotto-bench-crypto primitives [N]
//       each primitive alone (µs per call, MB/s for 64 KiB); prints one JSON line
//   sotto-bench-crypto argon2id [--m KIB] [--t N] [--p N]
//       one Argon2id derivation (the keyring unlock); prints one JSON line
internal import CArgon2
internal import COpenSSL
internal import CSodium
internal import Crypto
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    let text = Array("sotto-bench-crypto: \(message)\n".utf8)
    _ = write(2, text, text.count)
    exit(64)
}

/// Options after the mode: positional integers and `--name value` pairs.
struct Options {
    var positional: [Int] = []
    var named: [String: Int] = [:]
    init(_ args: ArraySlice<String>) {
        var it = args.makeIterator()
        while let arg = it.next() {
            if arg.hasPrefix("--") {
                guard let value = it.next(), let n = Int(value) else { fail("\(arg) needs an integer") }
                named[String(arg.dropFirst(2))] = n
            } else if let n = Int(arg) {
                positional.append(n)
            } else {
                fail("unexpected argument \(arg)")
            }
        }
    }
}

typealias Bytes = UnsafeMutablePointer<UInt8>

func alloc(_ n: Int) -> Bytes {
    let p = Bytes.allocate(capacity: max(n, 1))
    p.initialize(repeating: 0, count: max(n, 1))
    return p
}

/// An append-only byte buffer over preallocated memory.
struct Writer {
    let base: Bytes
    var count = 0
    init(_ base: Bytes) { self.base = base }
    mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).update(from: p, count: n)
        count += n
    }
    mutating func put(_ s: StaticString) { put(s.utf8Start, s.utf8CodeUnitCount) }
    mutating func put(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { put($0.baseAddress!, $0.count) } }
    /// age's base64: standard alphabet, no padding.
    mutating func base64(_ p: UnsafePointer<UInt8>, _ n: Int) {
        let room = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)
        (base + count).withMemoryRebound(to: CChar.self, capacity: room) {
            _ = sodium_bin2base64($0, room, p, n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)
        }
        count += room - 1
    }
    mutating func u32be(_ v: UInt32) { put([UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]) }
    mutating func u64be(_ v: UInt64) { put((0..<8).map { UInt8((v >> (56 - 8 * UInt64($0))) & 0xff) }) }
}

/// HMAC-SHA-256 over up to three parts, as sotto's HMAC.sha256 (libsodium's crypto_auth_hmacsha256).
func hmac(_ key: UnsafePointer<UInt8>, _ keyLength: Int, _ parts: [(UnsafePointer<UInt8>, Int)], into out: Bytes) {
    var state = crypto_auth_hmacsha256_state()
    crypto_auth_hmacsha256_init(&state, key, keyLength)
    for (p, n) in parts where n > 0 { crypto_auth_hmacsha256_update(&state, p, UInt64(n)) }
    crypto_auth_hmacsha256_final(&state, out)
}

let zeroKey = [UInt8](repeating: 0, count: 32)
let one: [UInt8] = [1]

/// HKDF-SHA-256 with a 32-byte output (extract, then one expand block).
func hkdf(ikm: UnsafePointer<UInt8>, _ ikmLength: Int, salt: UnsafePointer<UInt8>?, _ saltLength: Int,
          info: [UInt8], into out: Bytes) {
    var prk = [UInt8](repeating: 0, count: 32)
    if let salt, saltLength > 0 {
        hmac(salt, saltLength, [(ikm, ikmLength)], into: &prk)
    } else {
        hmac(zeroKey, 32, [(ikm, ikmLength)], into: &prk)
    }
    info.withUnsafeBufferPointer { i in
        one.withUnsafeBufferPointer { o in
            hmac(prk, 32, [(i.baseAddress!, i.count), (o.baseAddress!, 1)], into: out)
        }
    }
    sodium_memzero(&prk, 32)
}

let x25519Info = Array("age-encryption.org/v1/X25519".utf8)
let headerInfo = Array("header".utf8)
let payloadInfo = Array("payload".utf8)
let zeroNonce = [UInt8](repeating: 0, count: 12)
let lastChunkNonce: [UInt8] = [UInt8](repeating: 0, count: 11) + [1]
/// age's post-quantum stanza: HPKE with X-Wing, HKDF-SHA-256 and ChaCha20-Poly1305.
let hybridSuite = HPKE.Ciphersuite(kem: .XWingMLKEM768X25519, kdf: .HKDF_SHA256, aead: .chaChaPoly)
let hybridInfo = Data("age-encryption.org/mlkem768x25519".utf8)

/// SHA-256 from OpenSSL's libcrypto (the CPU's SHA extensions), as sotto hashes once warm.
func sha256(_ p: UnsafePointer<UInt8>, _ n: Int, into out: Bytes) { _ = EVP_Digest(p, n, out, nil, EVP_sha256(), nil) }

/// Padmé over the payload floor of docs/FORMAT.md section 4.
func padded(_ length: Int, floor: Int) -> Int {
    let l = max(length, floor)
    let e = Int.bitWidth - 1 - l.leadingZeroBitCount
    let s = Int.bitWidth - 1 - e.leadingZeroBitCount + 1
    let mask = (1 << (e - s)) - 1
    return (l + mask) & ~mask
}

/// One signed envelope of a small message (docs/FORMAT.md sections 2 to 7):
/// sealed by a sender (Ed25519 identity) to `stanzas` keys, the recipient's
/// and the self copy; opened by the recipient, who holds `keys` retained
/// keys, newest first, the newest being the one sealed to. With `hybrid`,
/// the keys are X-Wing (age's mlkem768x25519 stanza, swift-crypto's HPKE, as
/// sotto calls it); otherwise X25519 (libsodium).
final class Messages {
    let stanzas: Int
    let bodyLength: Int
    let hybrid: Bool
    // keys
    let senderSign = alloc(64), senderSignPublic = alloc(32)
    var recipientPublics: [Bytes] = []
    var recipientSecrets: [Bytes] = []
    var hybridPublics: [XWingMLKEM768X25519.PublicKey] = []
    /// The recipient's retained hybrid keys, newest (stanza 0's) first.
    var hybridRetained: [XWingMLKEM768X25519.PrivateKey] = []
    // working memory
    let fileKey = alloc(16), key = alloc(32), shared = alloc(32)
    let ephemeral = alloc(32), share = alloc(32), wrapped = alloc(32 * 1024)
    let header = alloc(64 * 1024), payload = alloc(64 * 1024), plain = alloc(64 * 1024), file = alloc(128 * 1024)
    let body: Bytes, inner: [UInt8]
    let mac = alloc(32), nonce = alloc(16), digest = alloc(64), transcript = alloc(32), id = alloc(32)
    let message = alloc(256)
    let stanzaRandom = alloc(16)
    let digestContext: OpaquePointer = EVP_MD_CTX_new()!
    var order: [Int]
    // what open needs, kept from seal (a reader would parse it from the file)
    var headerLength = 0, macOffset = 0, payloadLength = 0, fileLength = 0, padding = 0
    var shares: [Bytes] = [], wraps: [Bytes] = []
    var encapsulations: [Data] = [], hybridWraps: [Data] = []

    init(stanzas: Int, bodyLength: Int, hybrid: Bool, keys: Int) throws {
        self.stanzas = stanzas
        self.bodyLength = bodyLength
        self.hybrid = hybrid
        crypto_sign_keypair(senderSignPublic, senderSign)
        var keyStrings = [String]()
        for i in 0..<stanzas {
            if hybrid {
                let secret = try XWingMLKEM768X25519.PrivateKey.generate()
                hybridPublics.append(secret.publicKey)
                if i == 0 { hybridRetained.append(secret) }
                keyStrings.append("age1pq1" + String(repeating: "q", count: 1952))
            } else {
                let sk = alloc(32), pk = alloc(32)
                randombytes_buf(sk, 32)
                crypto_scalarmult_base(pk, sk)
                recipientSecrets.append(sk)
                recipientPublics.append(pk)
                keyStrings.append("age1" + String(repeating: "q", count: 58))
            }
            shares.append(alloc(32))
            wraps.append(alloc(32))
        }
        for _ in 1..<max(keys, 1) where hybrid { hybridRetained.append(try XWingMLKEM768X25519.PrivateKey.generate()) }
        order = Array(0..<stanzas)
        body = alloc(bodyLength)
        randombytes_buf(body, bodyLength)
        // An inner header of the size sotto writes: the recipients' entries and the sender's
        // card with one key of each kind (about 2,600 bytes, written whichever kind the message is).
        var json = #"{"v":2,"from":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","name":"me","sent_at":1795000000,"#
        json += #""expires_at":1795604800,"to":["#
        json += keyStrings.map { #"{"age":"\#($0)","identity":"\#(String(repeating: "0", count: 64))"}"# }.joined(separator: ",")
        json += #"],"thread":null,"content_type":"text/plain; charset=utf-8","card":""#
        json += String(repeating: "c", count: 2600) + #""}"#
        inner = Array(json.utf8)
        floor = 7424 + keyStrings.reduce(0) { $0 + $1.utf8.count + 96 }
    }

    let floor: Int

    /// The signed message of the one (final) segment: M_0 of docs/FORMAT.md section 5.
    func segmentMessage(header h: UnsafePointer<UInt8>, _ hLength: Int, frame: UnsafePointer<UInt8>, body b: UnsafePointer<UInt8>, _ bLength: Int) {
        EVP_DigestInit_ex(digestContext, EVP_sha256(), nil)
        let prefix: StaticString = "sotto/2 transcript\n"
        EVP_DigestUpdate(digestContext, prefix.utf8Start, prefix.utf8CodeUnitCount)
        var w = Writer(message)
        w.u64be(UInt64(hLength))
        EVP_DigestUpdate(digestContext, message, 8)
        EVP_DigestUpdate(digestContext, h, hLength)
        w.count = 0
        w.u32be(UInt32(inner.count))
        EVP_DigestUpdate(digestContext, message, 4)
        inner.withUnsafeBufferPointer { _ = EVP_DigestUpdate(digestContext, $0.baseAddress!, $0.count) }
        EVP_DigestFinal_ex(digestContext, transcript, nil)
        sha256(b, bLength, into: digest)           // the one 64 KiB piece
        sha256(digest, 32, into: digest + 32)      // d_0
        w.count = 0
        w.put("sotto/2 segment\n")
        w.put(transcript, 32)
        w.u64be(0)
        w.put(frame, 13)
        w.put(digest + 32, 32)
    }

    func seal() throws {
        randombytes_buf(fileKey, 16)
        var h = Writer(header)
        h.put("age-encryption.org/v1\n-> sotto/v2 signed 1795604800\n")
        randombytes_buf(stanzaRandom, 16)
        h.base64(stanzaRandom, 16)
        h.put("\n")
        order.shuffle()
        for i in order {
            if hybrid {
                var sender = try HPKE.Sender(recipientKey: hybridPublics[i], ciphersuite: hybridSuite, info: hybridInfo)
                let sealed = try sender.seal(Data(bytes: fileKey, count: 16))
                let enc = sender.encapsulatedKey
                h.put("-> mlkem768x25519 ")
                enc.withUnsafeBytes { h.base64($0.bindMemory(to: UInt8.self).baseAddress!, enc.count) }
                h.put("\n")
                sealed.withUnsafeBytes { h.base64($0.bindMemory(to: UInt8.self).baseAddress!, sealed.count) }
                h.put("\n")
                if encapsulations.count < stanzas {
                    encapsulations.append(enc)
                    hybridWraps.append(sealed)
                } else {
                    encapsulations[i] = enc
                    hybridWraps[i] = sealed
                }
                continue
            }
            // X25519 keypair, one scalar multiplication with the recipient's key, HKDF, wrap.
            randombytes_buf(ephemeral, 32)
            crypto_scalarmult_base(share, ephemeral)
            guard crypto_scalarmult(shared, ephemeral, recipientPublics[i]) == 0 else { fail("low order") }
            var salt = Writer(wrapped)
            salt.put(share, 32)
            salt.put(recipientPublics[i], 32)
            hkdf(ikm: shared, 32, salt: wrapped, 64, info: x25519Info, into: key)
            crypto_aead_chacha20poly1305_ietf_encrypt(wraps[i], nil, fileKey, 16, nil, 0, nil, zeroNonce, key)
            shares[i].update(from: share, count: 32)
            h.put("-> X25519 ")
            h.base64(share, 32)
            h.put("\n")
            h.base64(wraps[i], 32)
            h.put("\n")
        }
        h.put("---")
        macOffset = h.count
        hkdf(ikm: fileKey, 16, salt: nil, 0, info: headerInfo, into: key)
        hmac(key, 32, [(UnsafePointer(header), h.count)], into: mac)
        h.put(" ")
        h.base64(mac, 32)
        h.put("\n")
        headerLength = h.count
        // The signed payload: magic, inner header, one final segment padded to the floor.
        var p = Writer(plain)
        p.put("sotto/2\n")
        p.u32be(UInt32(inner.count))
        p.put(inner)
        let unpadded = p.count + 13 + bodyLength + 64
        padding = padded(unpadded, floor: floor) - unpadded
        let frame = plain + p.count
        p.put([1])
        p.u32be(UInt32(bodyLength))
        p.u64be(UInt64(padding))
        p.put(body, bodyLength)
        (plain + p.count).initialize(repeating: 0, count: padding)
        p.count += padding
        segmentMessage(header: header, headerLength, frame: frame, body: body, bodyLength)
        crypto_sign_detached(plain + p.count, nil, message, 101, senderSign)
        p.count += 64
        // STREAM: one final chunk.
        randombytes_buf(nonce, 16)
        hkdf(ikm: fileKey, 16, salt: nonce, 16, info: payloadInfo, into: key)
        crypto_aead_chacha20poly1305_ietf_encrypt(payload, nil, plain, UInt64(p.count), nil, 0, nil, lastChunkNonce, key)
        payloadLength = p.count + 16
        // The file and its envelope id.
        var f = Writer(file)
        f.put(header, headerLength)
        f.put(nonce, 16)
        f.put(payload, payloadLength)
        fileLength = f.count
        envelopeID()
    }

    /// SHA-256("sotto/2 envelope id\n" || SHA-256(A) || u64be(|A|)) for a file under 1 MiB.
    func envelopeID() {
        var w = Writer(message)
        w.put("sotto/2 envelope id\n")
        sha256(file, fileLength, into: message + w.count)
        w.count += 32
        w.u64be(UInt64(fileLength))
        sha256(message, w.count, into: id)
    }

    /// The recipient tries its keys newest first, each on every stanza in header order, as sotto does.
    func open() throws {
        var unwrapped = false
        if hybrid {
            search: for secret in hybridRetained {
                for i in order {
                    var recipient = try HPKE.Recipient(privateKey: secret, ciphersuite: hybridSuite, info: hybridInfo,
                                                       encapsulatedKey: encapsulations[i])
                    if let key = try? recipient.open(hybridWraps[i]) {
                        key.withUnsafeBytes { fileKey.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: 16) }
                        unwrapped = true
                        break search
                    }
                }
            }
        } else {
            for i in order {
                guard crypto_scalarmult(shared, recipientSecrets[0], shares[i]) == 0 else { fail("low order") }
                var salt = Writer(wrapped)
                salt.put(shares[i], 32)
                salt.put(recipientPublics[0], 32)
                hkdf(ikm: shared, 32, salt: wrapped, 64, info: x25519Info, into: key)
                if crypto_aead_chacha20poly1305_ietf_decrypt(fileKey, nil, nil, wraps[i], 32, nil, 0, zeroNonce, key) == 0 {
                    unwrapped = true
                    break
                }
            }
        }
        guard unwrapped else { fail("no stanza unwrapped") }
        hkdf(ikm: fileKey, 16, salt: nil, 0, info: headerInfo, into: key)
        hmac(key, 32, [(UnsafePointer(file), macOffset)], into: digest)
        // (the MAC is compared in its binary form: a reader decodes it once)
        guard sodium_memcmp(digest, mac, 32) == 0 else { fail("header MAC") }
        hkdf(ikm: fileKey, 16, salt: file + headerLength, 16, info: payloadInfo, into: key)
        guard crypto_aead_chacha20poly1305_ietf_decrypt(plain, nil, nil, file + headerLength + 16, UInt64(payloadLength),
                                                        nil, 0, lastChunkNonce, key) == 0 else { fail("payload") }
        let plainLength = payloadLength - 16
        let innerLength = Int(plain[8]) << 24 | Int(plain[9]) << 16 | Int(plain[10]) << 8 | Int(plain[11])
        let frame = plain + 12 + innerLength
        let bLength = Int(frame[1]) << 24 | Int(frame[2]) << 16 | Int(frame[3]) << 8 | Int(frame[4])
        segmentMessage(header: file, headerLength, frame: frame, body: frame + 13, bLength)
        guard crypto_sign_verify_detached(plain + plainLength - 64, message, 101, senderSignPublic) == 0 else { fail("signature") }
        envelopeID()
    }
}

func json(_ pairs: [(String, String)]) -> String {
    "{" + pairs.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
}

func fixed(_ x: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let n = Int((x * scale).rounded())
    guard digits > 0 else { return "\(n)" }
    let whole = "\(n / Int(scale))", part = "\(n % Int(scale))"
    return whole + "." + String(repeating: "0", count: digits - part.count) + part
}

guard sodium_init() >= 0 else { fail("sodium_init failed") }
let args = CommandLine.arguments
guard args.count >= 2 else {
    fail("usage: sotto-bench-crypto messages [N] [--stanzas S] [--body BYTES] | stream [MIB] | primitives [N] | argon2id [--m KIB] [--t N] [--p N]")
}
let options = Options(args.dropFirst(2))

switch args[1] {
case "messages":
    let n = options.positional.first ?? 10_000
    let hybrid = (options.named["hybrid"] ?? 0) != 0
    guard let bench = try? Messages(stanzas: options.named["stanzas"] ?? 2, bodyLength: options.named["body"] ?? 100, hybrid: hybrid,
                                    keys: options.named["keys"] ?? 1) else { fail("cannot make keys") }
    // Each seal overwrites the last, so seal and open alternate per message,
    // timed apart, on the same bytes.
    var sealTime = 0.0, openTime = 0.0
    do {
        for _ in 0..<100 { try bench.seal(); try bench.open() }  // warm-up
        for _ in 0..<n {
            let t0 = now()
            try bench.seal()
            let t1 = now()
            try bench.open()
            sealTime += t1 - t0
            openTime += now() - t1
        }
    } catch {
        fail("\(error)")
    }
    print(json([("mode", hybrid ? "\"messages-hybrid\"" : "\"messages\""), ("messages", "\(n)"), ("stanzas", "\(bench.stanzas)"),
                ("body", "\(bench.bodyLength)"),
                ("envelope_bytes", "\(bench.fileLength)"),
                ("seal_us", fixed(sealTime / Double(n) * 1e6, 2)), ("open_us", fixed(openTime / Double(n) * 1e6, 2)),
                ("seal_per_s", fixed(Double(n) / sealTime, 0)), ("open_per_s", fixed(Double(n) / openTime, 0))]))
case "stream":
    let mib = options.positional.first ?? 1024
    let chunk = 64 * 1024
    let input = alloc(chunk), output = alloc(chunk + 16), key = alloc(32), nonce = alloc(12), leaf = alloc(32)
    randombytes_buf(input, chunk)
    randombytes_buf(key, 32)
    let chunks = mib * 16
    let t0 = now()
    for i in 0..<chunks {
        nonce[10] = UInt8((i >> 8) & 0xff)
        nonce[9] = UInt8(i & 0xff)
        crypto_generichash(leaf, 32, input, UInt64(chunk), nil, 0)
        crypto_aead_chacha20poly1305_ietf_encrypt(output, nil, input, UInt64(chunk), nil, 0, nil, nonce, key)
    }
    let t = now() - t0
    let t1 = now()
    for i in 0..<chunks {
        nonce[9] = UInt8(i & 0xff)
        crypto_aead_chacha20poly1305_ietf_encrypt(output, nil, input, UInt64(chunk), nil, 0, nil, nonce, key)
    }
    let aeadOnly = now() - t1
    let bytes = Double(chunks * chunk)
    print(json([("mode", "\"stream\""), ("bytes", "\(chunks * chunk)"),
                ("aead_blake2b_mb_s", fixed(bytes / t / 1e6, 0)), ("aead_mb_s", fixed(bytes / aeadOnly / 1e6, 0))]))
case "primitives":
    // Each libsodium primitive alone, to see where a message's time goes.
    let n = options.positional.first ?? 2000
    let a = alloc(64 * 1024 + 16), b = alloc(64 * 1024 + 16), k = alloc(64), pk = alloc(32), sk = alloc(64), sig = alloc(64)
    randombytes_buf(a, 64 * 1024)
    randombytes_buf(k, 64)
    crypto_sign_keypair(pk, sk)
    crypto_sign_detached(sig, nil, a, 64, sk)
    func time(_ name: String, _ count: Int, _ body: () -> Void) -> (String, String) {
        for _ in 0..<max(count / 10, 1) { body() }
        let t0 = now()
        for _ in 0..<count { body() }
        return (name, fixed((now() - t0) / Double(count) * 1e6, 2))
    }
    let x = k + 32
    crypto_scalarmult_base(x, k)
    var rows: [(String, String)] = [("mode", "\"primitives\"")]
    rows.append(time("x25519_base_us", n) { crypto_scalarmult_base(b, k) })
    rows.append(time("x25519_us", n) { _ = crypto_scalarmult(b, k, x) })
    rows.append(time("ed25519_sign_us", n) { crypto_sign_detached(sig, nil, a, 64, sk) })
    rows.append(time("ed25519_verify_us", n) { _ = crypto_sign_verify_detached(sig, a, 64, pk) })
    rows.append(time("hkdf_us", n * 10) { hkdf(ikm: k, 32, salt: a, 64, info: x25519Info, into: b) })
    rows.append(time("chacha20poly1305_500b_us", n * 10) {
        crypto_aead_chacha20poly1305_ietf_encrypt(b, nil, a, 500, nil, 0, nil, zeroNonce, k) })
    rows.append(time("blake2b_1kb_us", n * 10) { crypto_generichash(b, 32, a, 1024, nil, 0) })
    let big = time("chacha20poly1305_64k_us", n) {
        crypto_aead_chacha20poly1305_ietf_encrypt(b, nil, a, 65536, nil, 0, nil, zeroNonce, k) }
    let hash = time("blake2b_64k_us", n) { crypto_generichash(b, 32, a, 65536, nil, 0) }
    // age's post-quantum stanza through swift-crypto: one HPKE seal (X-Wing encapsulation) and one open.
    guard let xwing = try? XWingMLKEM768X25519.PrivateKey.generate(),
          var probe = try? HPKE.Sender(recipientKey: xwing.publicKey, ciphersuite: hybridSuite, info: hybridInfo),
          let probeWrap = try? probe.seal(Data(count: 16)) else { fail("X-Wing set-up failed") }
    let probeEnc = probe.encapsulatedKey
    rows.append(time("xwing_seal_us", n) {
        guard var sender = try? HPKE.Sender(recipientKey: xwing.publicKey, ciphersuite: hybridSuite, info: hybridInfo),
              (try? sender.seal(Data(count: 16))) != nil else { fail("X-Wing seal failed") }
    })
    rows.append(time("xwing_open_us", n) {
        guard var recipient = try? HPKE.Recipient(privateKey: xwing, ciphersuite: hybridSuite, info: hybridInfo, encapsulatedKey: probeEnc),
              (try? recipient.open(probeWrap)) != nil else { fail("X-Wing open failed") }
    })
    rows.append(("chacha20poly1305_mb_s", fixed(65536 / Double(big.1)!, 0)))
    rows.append(("blake2b_mb_s", fixed(65536 / Double(hash.1)!, 0)))
    print(json(rows))
case "argon2id":
    let m = UInt32(options.named["m"] ?? 65536), t = UInt32(options.named["t"] ?? 3), p = UInt32(options.named["p"] ?? 1)
    let passphrase = Array("correct horse battery staple".utf8)
    var salt = [UInt8](repeating: 0, count: 16)
    randombytes_buf(&salt, 16)
    var out = [UInt8](repeating: 0, count: 32)
    let t0 = now()
    let status = argon2id_hash_raw(t, m, p, passphrase, passphrase.count, salt, salt.count, &out, 32)
    let elapsed = now() - t0
    guard status == ARGON2_OK.rawValue else { fail("argon2id: \(String(cString: argon2_error_message(status)))") }
    print(json([("mode", "\"argon2id\""), ("m_kib", "\(m)"), ("t", "\(t)"), ("p", "\(p)"), ("ms", fixed(elapsed * 1e3, 1))]))
default:
    fail("unknown mode \(args[1]): messages, stream, primitives or argon2id")
}
