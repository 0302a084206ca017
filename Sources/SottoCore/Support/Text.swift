extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR, LF, VT and FF.
    public var trimmed: String {
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\r\n" || ("\n"..."\r").contains(c) }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
