import Dispatch

/// Records cut from the input in order, to be mapped by one worker: NDJSON lines or CSV rows (their
/// field bytes copied), and the input errors met between them (a line too long, a ragged row), so that
/// the worker quarantines them in their place.
final class RecordBatch: @unchecked Sendable {
    static let line: UInt8 = 0, row: UInt8 = 1, error: UInt8 = 2

    struct Item {
        var kind: UInt8
        /// The line the record starts on.
        var line: Int
        /// Lines: offset into `bytes`. Rows: first index into `fields`. Errors: index into `errors`.
        var start: Int
        /// Lines: length. Rows: number of fields.
        var count: Int
    }

    struct Field {
        var offset: Int32
        var length: Int32
    }

    var bytes: [UInt8] = []
    var items: [Item] = []
    var fields: [Field] = []
    var errors: [(rule: String, message: String, fields: [String]?)] = []
    var file = ""
    var isCSV = false
    var header: [String] = []

    func reset() {
        bytes.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        errors.removeAll(keepingCapacity: true)
    }

    var isEmpty: Bool { items.isEmpty }
}

/// Collects what a worker writes, in memory, for the driver to pass on in order.
final class CollectingSink: ByteSink {
    var bytes: [UInt8] = []
    let name = "<memory>"
    func write(_ b: UnsafeRawBufferPointer) throws(PaddockError) { bytes.append(contentsOf: b) }
    func finish() throws(PaddockError) {}
}

/// Maps a table on several threads, in one process: the driver (the calling thread) reads the input,
/// cuts it into batches of whole records (about 1 MiB: NDJSON lines, or CSV rows parsed by libcsv), and
/// hands each batch to a worker with its own mapper; outputs and quarantine entries are written in input
/// order, so the result is byte for byte the one a single thread gives. At most `2 × threads` batches
/// are in flight: memory stays bounded whatever the input size.
///
/// Tables with a `dedupe` policy need the rows in order in one place and run on one thread.
public final class ParallelTableNormalizer {
    final class Worker: @unchecked Sendable {
        let normalizer: TableNormalizer
        let outSink = CollectingSink()
        let quarantineSink = CollectingSink()
        let batch = RecordBatch()
        let done = DispatchSemaphore(value: 0)
        var error: PaddockError?

        init(mapper: TableMapper, outputFormat: RecordFormat, csvWriter: CSVWriter) {
            normalizer = TableNormalizer(mapper: mapper, outputFormat: outputFormat,
                                         out: OutputBuffer(sink: outSink),
                                         quarantine: OutputBuffer(sink: quarantineSink))
            normalizer.csvWriter = csvWriter
            normalizer.writesHeader = false
        }

        func work() {
            do {
                try normalizer.run(batch: batch)
                try normalizer.out.flush()
                try normalizer.quarantine.flush()
            } catch {
                self.error = error
            }
        }
    }

    public let table: TableConfig
    let workers: [Worker]
    let out: OutputBuffer
    let quarantine: OutputBuffer
    let header: TableNormalizer
    private var pending: [Worker] = []
    private var next = 0
    public static let batchBytes = 256 << 10
    public static let batchRecords = 4096

    /// - Parameter threads: worker threads (batches in flight: twice as many).
    public init(table: TableConfig, maps: [String: [String: String]], outputFormat: RecordFormat, csvWriter: CSVWriter,
                out: OutputBuffer, quarantine: OutputBuffer, threads: Int) throws(PaddockError) {
        self.table = table
        self.out = out
        self.quarantine = quarantine
        var ws: [Worker] = []
        for _ in 0..<max(2, threads * 2) {
            ws.append(Worker(mapper: try TableMapper(table: table, maps: maps), outputFormat: outputFormat, csvWriter: csvWriter))
        }
        workers = ws
        header = TableNormalizer(mapper: try TableMapper(table: table, maps: maps), outputFormat: outputFormat, out: out, quarantine: quarantine)
        header.csvWriter = csvWriter
    }

    /// The counts of the run so far, summed over the workers.
    public var stats: NormalizeStats {
        var s = NormalizeStats()
        for w in workers {
            let t = w.normalizer.stats
            s.recordsIn += t.recordsIn
            s.written += t.written
            s.quarantined += t.quarantined
            s.filtered += t.filtered
            s.deduplicated += t.deduplicated
            s.otherSource += t.otherSource
            for (k, v) in t.filteredByRule { s.filteredByRule[k, default: 0] += v }
        }
        return s
    }

    /// Writes the CSV header (CSV output only).
    public func start() { header.start() }

    /// The next idle worker, its batch emptied; waits for (and writes out) the oldest batch when all are busy.
    private func idleWorker() throws(PaddockError) -> Worker {
        if pending.count == workers.count { try drainOldest() }
        let w = workers[next % workers.count]
        next += 1
        w.batch.reset()
        return w
    }

    private func submit(_ w: Worker) {
        pending.append(w)
        DispatchQueue.global().async {
            w.work()
            w.done.signal()
        }
    }

    /// Waits for the oldest batch in flight and writes its rows and quarantine entries.
    private func drainOldest() throws(PaddockError) {
        let w = pending.removeFirst()
        w.done.wait()
        if let e = w.error { throw e }
        try pass(w.outSink, to: out)
        try pass(w.quarantineSink, to: quarantine)
    }

    private func pass(_ sink: CollectingSink, to buffer: OutputBuffer) throws(PaddockError) {
        guard !sink.bytes.isEmpty else { return }
        try withBytes(sink.bytes) { (b: UnsafeRawBufferPointer) throws(PaddockError) in
            try buffer.writeThrough(b)
        }
        sink.bytes.removeAll(keepingCapacity: true)
    }

    /// Waits for every batch in flight and writes them out.
    public func finish() throws(PaddockError) {
        while !pending.isEmpty { try drainOldest() }
    }

    /// Maps every record of an NDJSON input.
    public func run(_ input: any ByteSource) throws(PaddockError) {
        start()
        let lines = LineReader(source: input)
        var w = try idleWorker()
        w.batch.file = input.name
        w.batch.isCSV = false
        while true {
            let item: RecordBatch.Item
            do {
                guard let l = try lines.next() else { break }
                if l.isEmpty { continue }
                item = RecordBatch.Item(kind: RecordBatch.line, line: lines.lineNumber, start: w.batch.bytes.count, count: l.count)
                w.batch.bytes.append(contentsOf: l)
            } catch {
                item = RecordBatch.Item(kind: RecordBatch.error, line: lines.lineNumber + 1, start: w.batch.errors.count, count: 0)
                w.batch.errors.append((rule: "line_length", message: error.message, fields: nil))
            }
            w.batch.items.append(item)
            if w.batch.bytes.count >= Self.batchBytes || w.batch.items.count >= Self.batchRecords {
                submit(w)
                w = try idleWorker()
                w.batch.file = input.name
                w.batch.isCSV = false
            }
        }
        if w.batch.isEmpty { next -= 1 } else { submit(w) }
        try finish()
    }

    /// Maps every row of a CSV input; column names are the raw record's keys.
    public func runCSV(_ input: any ByteSource, options: CSVReadOptions) throws(PaddockError) {
        start()
        let reader = CSVReader(source: input, options: options)
        let header = try reader.readHeader()
        func begin() throws(PaddockError) -> Worker {
            let w = try idleWorker()
            w.batch.file = input.name
            w.batch.isCSV = true
            w.batch.header = header
            return w
        }
        var w = try begin()
        while true {
            do {
                guard let row = try reader.next() else { break }
                let first = w.batch.fields.count
                // The fields of a row lie one after another in the reader's buffer: one copy per row.
                let n = row.count
                if n > 0 {
                    let start = row.bytes(0).baseAddress!
                    let base = Int32(w.batch.bytes.count) - Int32(truncatingIfNeeded: row.bytes(0).baseAddress! - start)
                    for i in 0..<n {
                        let f = row.bytes(i)
                        w.batch.fields.append(RecordBatch.Field(offset: base + Int32(truncatingIfNeeded: f.baseAddress! - start), length: Int32(f.count)))
                    }
                    let last = row.bytes(n - 1)
                    w.batch.bytes.append(contentsOf: UnsafeRawBufferPointer(start: start, count: last.baseAddress! - start + last.count))
                }
                w.batch.items.append(RecordBatch.Item(kind: RecordBatch.row, line: row.line, start: first, count: row.count))
            } catch {
                let fields = reader.lastRejectedRow
                let rule = error.message.contains("UTF-8") ? "encoding" : "csv"
                w.batch.items.append(RecordBatch.Item(kind: RecordBatch.error, line: error.location?.line ?? 0, start: w.batch.errors.count, count: 0))
                w.batch.errors.append((rule: rule, message: error.message, fields: fields))
                if fields == nil && error.message.contains("never closed") { break }
            }
            if w.batch.bytes.count >= Self.batchBytes || w.batch.items.count >= Self.batchRecords {
                submit(w)
                w = try begin()
            }
        }
        if w.batch.isEmpty { next -= 1 } else { submit(w) }
        try finish()
    }
}
