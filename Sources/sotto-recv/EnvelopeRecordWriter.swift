import FoundationEssentials
import Glibc
import SottoCLI
import SottoCore

/// Writes inbox envelopes as records, inline or as files in --output-dir.
final class EnvelopeRecordWriter {
    let inbox: Inbox
    let outputDir: String?
    var remaining: Int
    static let inlineLimit: Int64 = 64 << 20

    init(inbox: Inbox, outputDir: String?, limit: Int?) throws {
        self.inbox = inbox
        self.outputDir = outputDir
        remaining = limit ?? Int.max
        if let outputDir {
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: outputDir, isDirectory: &isDirectory), isDirectory else {
                throw SottoError(.notFound, "--output-dir \(outputDir) is not a directory")
            }
        }
    }

    /// `bytes`, when the caller still holds the envelope, spares reading it back from the inbox.
    func write(_ envelope: StoredEnvelope, bytes: [UInt8]? = nil) throws {
        guard remaining > 0 else { return }
        remaining -= 1
        var record = EnvelopeRecord.fields(of: envelope)
        if let outputDir {
            let path = outputDir + "/" + envelope.id.hex + ".age"
            if FileManager.default.fileExists(atPath: path) {
                // Written by an earlier run, or planted by someone who can write DIR: only the former will do.
                let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                defer { if fd >= 0 { close(fd) } }
                guard fd >= 0, try EnvelopeID.of(reading: FileDescriptorSource(fd: fd)) == envelope.id else {
                    throw SottoError(.outputExists, "\(path) already exists and is not envelope \(envelope.id)",
                                     hints: ["it is safe in the inbox; remove the file or choose another --output-dir"])
                }
            } else {
                let pending = try Files.Pending(path)
                try copy(bytes.map(MemorySource.init) ?? inbox.source(for: envelope), size: envelope.size, to: pending)
                try pending.commit()
            }
            record["file"] = path
        } else {
            // Anyone can send a large envelope: it must not stop the stream, nor the records after it.
            guard envelope.size <= Self.inlineLimit else {
                Diagnostics.notice("envelope \(envelope.id) is \(envelope.size) bytes, too large for a record: it is kept in the inbox, "
                                   + "and `sotto-recv --all --output-dir DIR` writes it to a file")
                return
            }
            record["age"] = Base64.encode(try bytes ?? readAll(inbox.source(for: envelope), size: envelope.size))
        }
        try Output.record(record)
    }

    func readAll(_ source: ByteSource, size: Int64) throws -> [UInt8] {
        let sink = MemorySink()
        try copy(source, size: size, to: sink)
        return sink.bytes
    }

    /// Copies in pieces of up to 1 MiB; a small envelope gets a buffer of its own size.
    func copy(_ source: ByteSource, size: Int64, to sink: ByteSink) throws {
        var buffer = [UInt8](repeating: 0, count: Int(max(1, min(1 << 20, size))))
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
    }
}
