/// Strict RFC 4648 base64: age uses it unpadded and canonical; JSON records
/// and armor use it padded. Decoders reject any non-canonical encoding.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    public static func encode<C: Collection>(_ bytes: C, padded: Bool = true) -> String where C.Element == UInt8 {
        if let text = bytes.withContiguousStorageIfAvailable({ encode($0, padded: padded) }) { return text }
        return Array(bytes).withUnsafeBufferPointer { encode($0, padded: padded) }
    }

    /// Writes straight into the string's storage: records carry whole envelopes in base64.
    private static func encode(_ input: UnsafeBufferPointer<UInt8>, padded: Bool) -> String {
        let rest = input.count % 3
        let length = input.count / 3 * 4 + (rest == 0 ? 0 : padded ? 4 : rest + 1)
        return alphabet.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: length) { out in
                var i = 0, o = 0
                while i + 3 <= input.count {
                    let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = table[Int(n >> 18)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    out[o + 2] = table[Int(n >> 6 & 63)]
                    out[o + 3] = table[Int(n & 63)]
                    i += 3
                    o += 4
                }
                if rest > 0 {
                    let n = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                    out[o] = table[Int(n >> 18)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    o += 2
                    if rest == 2 {
                        out[o] = table[Int(n >> 6 & 63)]
                        o += 1
                    }
                    if padded {
                        while o < length {
                            out[o] = UInt8(ascii: "=")
                            o += 1
                        }
                    }
                }
                return o
            }
        }
    }

    public static func decode(_ text: String, padded: Bool = true) -> [UInt8]? {
        decode(Array(text.utf8), padded: padded)
    }

    /// Decodes canonical base64; nil on any bad character, bad length,
    /// misplaced padding or non-zero trailing bits.
    public static func decode(_ chars: [UInt8], padded: Bool) -> [UInt8]? {
        var body = chars[...]
        if padded {
            guard chars.count % 4 == 0 else { return nil }
            var pad = 0
            while pad < 2, body.last == UInt8(ascii: "=") { body = body.dropLast(); pad += 1 }
        }
        guard body.count % 4 != 1 else { return nil }
        if padded, (body.count + 3) / 4 * 4 != chars.count { return nil }
        var out = [UInt8]()
        out.reserveCapacity(body.count * 3 / 4)
        var accumulator: UInt32 = 0, bits = 0
        for char in body {
            let value = values[Int(char)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard accumulator == 0 else { return nil }  // canonical: unused bits are zero
        return out
    }

    static func isAlphabet(_ char: UInt8) -> Bool { values[Int(char)] != 0xFF }
}
