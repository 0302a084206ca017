extension Array where Element == UInt8 {
    /// A buffer for bytes that are written before they are read, so it is not
    /// cleared first: clearing the 64 KiB chunk buffers cost more than
    /// opening a short message. Buffers that held plaintext are still wiped
    /// after use, as far as they were written.
    init(unzeroed count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
