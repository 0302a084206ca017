import SottoCLI
import SottoCore

/// The inbox's part of an export: every envelope not yet expired, a page at
/// a time, each followed (with --decrypt) by its message when it opens.
struct InboxExport {
    let inbox: Inbox
    let opener: Opener?
    let now: Int64
    static let page = 100
    /// Base64 is written in pieces of this many bytes (a multiple of 3).
    static let piece = 3 << 16

    func write(to out: RecordSink) throws {
        var after: Int64 = 0
        var failures = 0
        var firstFailure: String?
        var tooLarge = [EnvelopeID]()
        while true {
            let batch = try inbox.unexpired(now: now, afterSequence: after, limit: Self.page)
            for (envelope, deleteAfter) in batch {
                guard fitsARecord(envelope) else {
                    tooLarge.append(envelope.id)
                    continue
                }
                guard let opener else {
                    try writeEnvelope(envelope, deleteAfter: deleteAfter, source: inbox.source(for: envelope), to: out)
                    continue
                }
                let bytes = try Files.readAll(reader: ByteReader(inbox.source(for: envelope)))
                try writeEnvelope(envelope, deleteAfter: deleteAfter, source: MemorySource(bytes), to: out)
                do {
                    guard let message = try opener.open(bytes: bytes) else { continue }
                    var record = message.record
                    record["author"] = message.author
                    try out.record(record)
                } catch let error as SottoError where [.refused, .malformed, .unsupported].contains(error.kind) {
                    failures += 1
                    firstFailure = firstFailure ?? "envelope \(envelope.id): \(error.message)"
                } catch let error as AgeError {
                    failures += 1
                    firstFailure = firstFailure ?? "envelope \(envelope.id): \(error.sottoError.message)"
                }
            }
            guard let last = batch.last, batch.count == Self.page else { break }
            after = last.envelope.sequence
        }
        if let first = tooLarge.first {
            // Anyone can send a large envelope: it must not stop the backup of everything else.
            Diagnostics.warning("\(tooLarge.count) envelope\(tooLarge.count == 1 ? " is" : "s are") too large for an export record "
                                + "and left out; the first: \(first)")
            Diagnostics.hint("write them to files with `sotto-recv --all --output-dir DIR`")
        }
        if failures > 0, let firstFailure {
            Diagnostics.warning("\(failures) envelope\(failures == 1 ? "" : "s") did not open and \(failures == 1 ? "is" : "are") exported sealed only; the first: \(firstFailure)")
        }
    }

    /// A record must stay readable by sotto-recv --input and sotto-keygen import.
    func fitsARecord(_ envelope: StoredEnvelope) -> Bool {
        (envelope.size + 2) / 3 * 4 + 4096 <= Int64(RecordReader.maxRecordBytes)
    }

    /// Streams one envelope record: "age" sorts first among its keys, so the
    /// line is `{"age":"` + base64 of the bytes + `",` + the other fields.
    func writeEnvelope(_ envelope: StoredEnvelope, deleteAfter: Int64?, source: ByteSource, to out: RecordSink) throws {
        let rest = try JSON.line(ExportFormat.envelope(envelope, deleteAfter: deleteAfter))
        try out.write("{\"age\":\"")
        var buffer = [UInt8](repeating: 0, count: Self.piece)
        var filled = 0
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if n == 0 { break }
            filled += n
            if filled == buffer.count {
                try out.write(Base64.encode(buffer))
                filled = 0
            }
        }
        try out.write(Base64.encode(buffer[..<filled]))
        try out.write("\",")
        try out.write(Array(rest.dropFirst()))
    }
}
