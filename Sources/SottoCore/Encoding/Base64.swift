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
        var text = text
        return text.withUTF8 { decode($0, padded: padded) }
    }

    /// Decodes canonical base64; nil on any bad character, bad length,
    /// misplaced padding or non-zero trailing bits.
    public static func decode(_ chars: [UInt8], padded: Bool) -> [UInt8]? {
        chars.withUnsafeBufferPointer { decode($0, padded: padded) }
    }

    /// Four characters at a time: records carry whole envelopes in base64.
    private static func decode(_ chars: UnsafeBufferPointer<UInt8>, padded: Bool) -> [UInt8]? {
        var count = chars.count
        if padded {
            guard count % 4 == 0 else { return nil }
            if count > 0, chars[count - 1] == UInt8(ascii: "=") { count -= 1 }
            if count > 0, chars[count - 1] == UInt8(ascii: "="), chars.count - count == 1 { count -= 1 }
        }
        let rest = count % 4
        guard rest != 1 else { return nil }
        let length = count / 4 * 3 + (rest == 0 ? 0 : rest - 1)
        return values.withUnsafeBufferPointer { table -> [UInt8]? in
            var bad: UInt32 = 0
            let out = [UInt8](unsafeUninitializedCapacity: length) { out, written in
                var i = 0, o = 0
                while i + 4 <= count {
                    let a = UInt32(table[Int(chars[i])]), b = UInt32(table[Int(chars[i + 1])])
                    let c = UInt32(table[Int(chars[i + 2])]), d = UInt32(table[Int(chars[i + 3])])
                    bad |= a | b | c | d
                    let n = a << 18 | b << 12 | c << 6 | d
                    out[o] = UInt8(truncatingIfNeeded: n >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: n >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: n)
                    i += 4
                    o += 3
                }
                if rest > 0 {
                    var n: UInt32 = 0
                    for k in 0..<rest {
                        let v = UInt32(table[Int(chars[i + k])])
                        bad |= v
                        n |= v << (18 - 6 * UInt32(k))
                    }
                    // Canonical: the bits past the last whole byte are zero.
                    if n & (rest == 2 ? 0xFFFF : 0xFF) != 0 { bad |= 0xFF }
                    out[o] = UInt8(truncatingIfNeeded: n >> 16)
                    if rest == 3 { out[o + 1] = UInt8(truncatingIfNeeded: n >> 8) }
                    o += rest - 1
                }
                written = o
            }
            // A character outside the alphabet maps to 0xFF, which no valid value reaches.
            return bad & 0xC0 == 0 ? out : nil
        }
    }

    static func isAlphabet(_ char: UInt8) -> Bool { values[Int(char)] != 0xFF }
}
