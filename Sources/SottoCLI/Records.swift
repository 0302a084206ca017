import FoundationEssentials
import SottoCore

/// Reads JSON Lines from a file descriptor, numbering lines for errors.
public final class RecordReader {
    private let reader: ByteReader
    public private(set) var lineNumber = 0
    /// The bytes of the last record read, as they came (without the line feed).
    public private(set) var lastLine = [UInt8]()
    /// Said with every line that is not JSON: what the command reads instead.
    public var hint: String?
    /// One record may be large (an envelope in base64), but not unbounded.
    public static let maxRecordBytes = 256 * 1024 * 1024

    public init(_ reader: ByteReader) { self.reader = reader }
    public convenience init(fd: Int32) { self.init(ByteReader(FileDescriptorSource(fd: fd))) }

    /// The next non-empty line parsed as an object; nil at the end.
    public func next() throws -> Fields? { try read(waiting: true) }

    /// The next record if it can be had without waiting for input; nil when
    /// none is buffered, or at the end.
    public func nextBuffered() throws -> Fields? { try read(waiting: false) }

    private func read(waiting: Bool) throws -> Fields? {
        while true {
            if !waiting, !reader.hasBufferedLine { return nil }
            lineNumber += 1
            let line: [UInt8]
            do {
                guard let read = try reader.readLine(maxLength: Self.maxRecordBytes) else { return nil }
                line = read
            } catch ByteReader.LineError.unterminated(let rest) {
                line = rest
            } catch is ByteReader.LineError {
                throw SottoError(.malformed, "line \(lineNumber): record is longer than \(Self.maxRecordBytes) bytes")
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            lastLine = line
            do { return try JSON.object(line, line: lineNumber) } catch let error as SottoError {
                guard let hint else { throw error }
                throw SottoError(error.kind, error.message, hints: error.hints + [hint])
            }
        }
    }
}

/// Writes records to stdout, one JSON object per line.
public enum Output {
    public static let stdout = FileDescriptorSink(fd: 1)

    public static func record(_ object: [String: Any]) throws {
        try stdout.write(JSON.line(object))
    }
}

/// Runs a stream of records with the --keep-going convention: stop at the
/// first bad record, or write an error record for it and go on, still
/// failing at the end.
public struct RecordLoop {
    public let keepGoing: Bool
    public private(set) var firstError: SottoError?

    public init(keepGoing: Bool) { self.keepGoing = keepGoing }

    public mutating func each(_ reader: RecordReader, _ body: (Fields) throws -> Void) throws {
        while true {
            let fields: Fields?
            do { fields = try reader.next() } catch let error as SottoError {
                try handle(error, line: reader.lineNumber)
                continue
            }
            guard let fields else { break }
            do { try body(fields) } catch let error as SottoError {
                try handle(error, line: fields.line)
            } catch let error as AgeError {
                try handle(error.sottoError, line: fields.line)
            }
        }
    }

    /// After the stream: with --keep-going, fails if any record failed.
    public func finish() throws {
        if let firstError, keepGoing {
            throw SottoError(firstError.kind, "some records failed; the first: \(firstError.message)")
        }
    }

    mutating func handle(_ error: SottoError, line: Int) throws {
        let message = error.message.hasPrefix("line ") ? error.message : "line \(line): \(error.message)"
        guard keepGoing else { throw SottoError(error.kind, message, hints: error.hints) }
        if firstError == nil { firstError = SottoError(error.kind, message) }
        Diagnostics.report(SottoError(error.kind, message, hints: error.hints))
        try Output.record(["type": "error", "line": line, "code": Int(error.kind.exitCode), "message": message])
    }
}
