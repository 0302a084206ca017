import SottoCore

extension RecordLoop {
    /// `each` for records whose costly part can run several at a time:
    /// `prepare` runs in input order on this thread, `work` on a batch of
    /// records at once over the cores, `emit` in input order on this thread.
    /// A batch is the records already read and no more, so a program that
    /// writes one record and waits for the answer gets it. `work` must leave
    /// shared state (keyring, inbox, caches) alone: what it needs comes from
    /// `prepare`. Records after a failure that stops the loop may have been
    /// worked on, but are never emitted. A batch ends once its jobs weigh
    /// `budget` bytes, so large messages go one or a few at a time.
    public mutating func each<Job, Done>(_ reader: RecordReader, weight: (Job) -> Int, budget: Int = 4 << 20,
                                         prepare: (Fields) throws -> Job, work: (Job) throws -> Done,
                                         emit: (Done) throws -> Void) throws {
        while true {
            var batch = [(line: Int, job: Result<Job, any Error>)]()
            var weighed = 0
            while batch.count < 256, weighed < budget {
                do {
                    // Only the first record of a batch may wait for input.
                    guard let fields = try batch.isEmpty ? reader.next() : reader.nextBuffered() else { break }
                    let job = Result { try prepare(fields) }
                    weighed += (try? job.get()).map(weight) ?? 0
                    batch.append((fields.line, job))
                } catch {
                    batch.append((reader.lineNumber, .failure(error)))
                }
            }
            if batch.isEmpty { return }
            let done = Parallel.map(batch) { entry in try work(entry.job.get()) }
            for (entry, result) in zip(batch, done) {
                do { try emit(result.get()) } catch let error as SottoError {
                    try handle(error, line: entry.line)
                } catch let error as AgeError {
                    try handle(error.sottoError, line: entry.line)
                }
            }
        }
    }
}
