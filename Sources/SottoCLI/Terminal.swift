import Glibc
import SottoCore

/// Questions asked on the controlling terminal, never on stdin or stdout,
/// which carry records.
public enum Terminal {
    /// Shows `question` on /dev/tty and reads the answer: true for y or yes.
    /// Throws `noTerminal` when there is no terminal to ask on.
    public static func confirm(_ question: String, noTerminal: SottoError) throws -> Bool {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else { throw noTerminal }
        defer { close(tty) }
        _ = question.withCString { Glibc.write(tty, $0, strlen($0)) }
        var answer = [UInt8]()
        var byte: UInt8 = 0
        while answer.count < 16 {
            let n = Glibc.read(tty, &byte, 1)
            if n < 0, errno == EINTR { continue }
            if n <= 0 || byte == 0x0A { break }
            answer.append(byte)
        }
        let word = String(decoding: answer, as: UTF8.self).trimmed.lowercased()
        return word == "y" || word == "yes"
    }
}
