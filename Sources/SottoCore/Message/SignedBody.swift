/// The payload of a signed envelope, as docs/FORMAT.md §4 frames it: the
/// magic `sotto/2\n`, the inner header's length (u32, big-endian) and bytes,
/// then the body in signed segments of 1 MiB. Each segment carries its own
/// signature, so a reader releases nothing that is not yet verified and
/// holds at most one segment. The last segment is padded with zeros.
final class SignedBodyWriter: ClosingSink {
    private let payload: ClosingSink
    private let signature: SegmentSignature
    private let signer: Signer
    /// The body bytes of the segment being filled; wiped once written.
    private var pending = [UInt8]()
    private var index: Int64 = 0
    /// Payload bytes written so far: the padding makes up the total.
    private var written: Int64
    /// The payload length short messages are padded to (see `Padding`).
    private let floor: Int64

    init(inner: [UInt8], header: Header, signer: Signer, payload: ClosingSink, floor: Int64 = Padding.minimum) throws {
        guard inner.count <= InnerHeader.maxLength else { throw SottoError(.usage, "too many recipients for one envelope") }
        self.payload = payload
        self.signer = signer
        self.floor = floor
        signature = SegmentSignature(header: header.bytes, inner: inner)
        let prefix = InnerHeader.magic + Wire.u32(inner.count) + inner
        written = Int64(prefix.count)
        try payload.write(prefix)
        pending.reserveCapacity(SegmentSignature.segmentSize)
    }

    deinit { Sodium.wipe(&pending) }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        let size = SegmentSignature.segmentSize
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            // A whole segment straight from the caller's bytes, without a copy.
            if pending.isEmpty, rest.count >= size {
                try emit(UnsafeRawBufferPointer(rebasing: rest[..<size]), final: false)
                offset += size
                continue
            }
            let n = min(size - pending.count, rest.count)
            pending.append(contentsOf: rest[..<n])
            offset += n
            if pending.count == size { try emitPending(final: false) }
        }
    }

    func close() throws {
        try emitPending(final: true)
        try payload.close()
    }

    private func emitPending(final: Bool) throws {
        try pending.withUnsafeBytes { try emit($0, final: final) }
        Sodium.wipe(&pending)
        pending.removeAll(keepingCapacity: true)
    }

    private func emit(_ body: UnsafeRawBufferPointer, final: Bool) throws {
        let overhead = Int64(SegmentFrame.length + body.count + Ed25519.signatureLength)
        let padding = final ? Padding.padded(written + overhead, floor: floor) - (written + overhead) : 0
        let frame = SegmentFrame(final: final, bodyLength: body.count, padding: padding)
        let signed = signer.sign(signature.message(index: index, frame: frame, body: body))
        try payload.write(frame.encoded)
        try payload.write(body)
        try Self.writeZeros(padding, to: payload)
        try payload.write(signed)
        written += overhead + padding
        index += 1
    }

    private static func writeZeros(_ count: Int64, to sink: ClosingSink) throws {
        let zeros = [UInt8](repeating: 0, count: Int(min(count, 65536)))
        var left = count
        while left > 0 {
            let n = Int(min(left, Int64(zeros.count)))
            try zeros.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            left -= Int64(n)
        }
    }
}

/// Reads a signed payload: the inner header first, then the body a segment
/// at a time, each released only once its signature verified. Truncation,
/// reordering and splicing change what some signature covers.
final class SignedBodyReader: RunSource {
    /// The inner header as sent.
    let inner: InnerHeader
    private let payload: RunReader
    private let signature: SegmentSignature
    /// The segment being read; wiped once released.
    private var segment = [UInt8]()
    private var index: Int64 = 0
    private var ended = false

    init(payload source: RunSource, header: Header) throws {
        payload = RunReader(source)
        let prefix = try payload.read(exactly: InnerHeader.magic.count + 4)
        guard prefix.count == InnerHeader.magic.count + 4, Array(prefix.prefix(InnerHeader.magic.count)) == InnerHeader.magic else {
            throw SottoError(.refused, "signed envelope has no sotto inner header")
        }
        let length = Wire.readU32(prefix[InnerHeader.magic.count...])
        guard length >= 1, length <= InnerHeader.maxLength else { throw SottoError(.refused, "inner header length is out of bounds") }
        let innerBytes = try payload.read(exactly: length)
        guard innerBytes.count == length else { throw SottoError(.refused, "inner header is truncated") }
        inner = try InnerHeader(decoding: innerBytes)
        signature = SegmentSignature(header: header.bytes, inner: innerBytes)
        segment.reserveCapacity(SegmentSignature.segmentSize)
    }

    deinit { Sodium.wipe(&segment) }

    func nextRun(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        guard !ended else { return false }
        let frame = try SegmentFrame(payload.read(exactly: SegmentFrame.length))
        defer {
            Sodium.wipe(&segment)
            segment.removeAll(keepingCapacity: true)
        }
        try payload.read(frame.bodyLength, appendingTo: &segment)
        guard segment.count == frame.bodyLength else { throw SottoError(.refused, "signed message is truncated") }
        try skipPadding(frame.padding)
        let signed = try payload.read(exactly: Ed25519.signatureLength)
        let message = segment.withUnsafeBytes { signature.message(index: index, frame: frame, body: $0) }
        guard signed.count == Ed25519.signatureLength, Ed25519.verify(signed, message, publicKey: inner.from) else {
            throw SottoError(.refused, signed.count < Ed25519.signatureLength ? "signed message is truncated"
                                                                              : "bad signature: the message was not signed by the sender it names")
        }
        if frame.final {
            guard try payload.read(exactly: 1).isEmpty else { throw SottoError(.refused, "signed message has bytes after its last segment") }
            ended = true
        }
        index += 1
        try segment.withUnsafeBytes(body)
        return true
    }

    /// Reads `count` bytes of padding, which must be zeros.
    private func skipPadding(_ count: Int64) throws {
        var left = count
        var scratch = [UInt8]()
        while left > 0 {
            scratch.removeAll(keepingCapacity: true)
            let n = Int(min(left, 65536))
            try payload.read(n, appendingTo: &scratch)
            guard scratch.count == n else { throw SottoError(.refused, "signed message is truncated") }
            guard scratch.allSatisfy({ $0 == 0 }) else { throw SottoError(.refused, "signed message has padding that is not zeros") }
            left -= Int64(n)
        }
    }
}
