extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR, LF, VT and FF.
    public var trimmed: String {
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\r\n" || ("\n"..."\r").contains(c) }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension Unicode.Scalar {
    /// Whether a terminal may act on it rather than show it: C0 and C1
    /// controls, DEL, and the bidirectional overrides and isolates that
    /// reorder what follows.
    public var isTerminalControl: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}

extension StringProtocol {
    /// The text with every terminal control written out as `\u{…}`, so text
    /// from a message (a sender's claimed name) shows as itself on a terminal.
    public var printable: String {
        guard unicodeScalars.contains(where: \.isTerminalControl) else { return String(self) }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar.isTerminalControl {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
