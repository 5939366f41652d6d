public import PaddockCore
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// What maps a table's records, on one thread (`TableNormalizer`) or on several
/// (`ParallelTableNormalizer`): the CLI drives either the same way.
public protocol TableRunner: AnyObject {
    var stats: NormalizeStats { get }
    var onProgress: ((Int) -> Void)? { get set }
    /// Writes the CSV header (CSV output only).
    func start()
    /// Maps every record of an NDJSON input.
    func run(_ input: any ByteSource) throws(PaddockError)
    /// Maps every row of a CSV input.
    func runCSV(_ input: any ByteSource, options: CSVReadOptions) throws(PaddockError)
    /// Writes what is still held (rows waiting for dedupe, batches in flight).
    func finish() throws(PaddockError)
}

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

    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) var items: [Item] = []
    @exclusivity(unchecked) var fields: [Field] = []
    @exclusivity(unchecked) var errors: [(rule: String, message: String, fields: [String]?)] = []
    @exclusivity(unchecked) var file = ""
    @exclusivity(unchecked) var isCSV = false
    @exclusivity(unchecked) var header: [String] = []
    /// A piece of a CSV file cut at row ends (`bytes` is the raw text), parsed by the worker with these
    /// options (header preset, first line set); nil for pre-parsed records.
    @exclusivity(unchecked) var piece: CSVReadOptions?

    func reset() {
        piece = nil
        bytes.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        errors.removeAll(keepingCapacity: true)
    }

    var isEmpty: Bool { items.isEmpty && (piece == nil || bytes.isEmpty) }
}

/// Collects what a worker writes, in memory, for the driver to pass on in order.
final class CollectingSink: ByteSink {
    @exclusivity(unchecked) var bytes: [UInt8] = []
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
public final class ParallelTableNormalizer: TableRunner {
    final class Worker: @unchecked Sendable {
        let normalizer: TableNormalizer
        let outSink = CollectingSink()
        let quarantineSink = CollectingSink()
        let batch = RecordBatch()
        let done = DispatchSemaphore(value: 0)
        @exclusivity(unchecked) var error: PaddockError?

        init(mapper: TableMapper, outputFormat: RecordFormat, csvWriter: CSVWriter) {
            normalizer = TableNormalizer(mapper: mapper, outputFormat: outputFormat,
                                         out: OutputBuffer(sink: outSink),
                                         quarantine: OutputBuffer(sink: quarantineSink))
            normalizer.csvWriter = csvWriter
            normalizer.writesHeader = false
        }

        func work() {
            do {
                if let options = batch.piece {
                    try normalizer.runCSV(ArraySource(batch.bytes, name: batch.file), options: options)
                } else {
                    try normalizer.run(batch: batch)
                }
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
    @exclusivity(unchecked) private var pending: [Worker] = []
    @exclusivity(unchecked) private var next = 0
    public static let batchBytes = 256 << 10
    public static let batchRecords = 4096
    /// Called with the records mapped so far, after each batch is written (for progress displays).
    @exclusivity(unchecked) public var onProgress: ((Int) -> Void)?
    @exclusivity(unchecked) private var recordsDone = 0

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
        if let onProgress {
            recordsDone = workers.reduce(0) { $0 + $1.normalizer.stats.recordsIn }
            onProgress(recordsDone)
        }
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
        func full() throws(PaddockError) {
            guard w.batch.bytes.count >= Self.batchBytes || w.batch.items.count >= Self.batchRecords else { return }
            submit(w)
            w = try idleWorker()
            w.batch.file = input.name
            w.batch.isCSV = false
        }
        try lines.forEach { (l: UnsafeRawBufferPointer) throws(PaddockError) in
            if l.isEmpty { return }
            w.batch.items.append(RecordBatch.Item(kind: RecordBatch.line, line: lines.lineNumber, start: w.batch.bytes.count, count: l.count))
            w.batch.bytes.append(contentsOf: l)
            try full()
        } unreadable: { (error, line) throws(PaddockError) in
            w.batch.items.append(RecordBatch.Item(kind: RecordBatch.error, line: line, start: w.batch.errors.count, count: 0))
            w.batch.errors.append((rule: "line_length", message: error.message, fields: nil))
            try full()
        }
        if w.batch.isEmpty { next -= 1 } else { submit(w) }
        try finish()
    }

    /// Maps every row of a CSV input; column names are the raw record's keys.
    ///
    /// The input is cut into pieces of whole rows (after a line feed outside quotes, found with `CSVCutter`
    /// at memchr speed), and each worker parses its piece with libcsv and maps it: parsing, the larger
    /// part of the work, runs on every core. Input that cannot be cut so is parsed here instead.
    public func runCSV(_ input: any ByteSource, options: CSVReadOptions) throws(PaddockError) {
        start()
        guard options.hasHeader, options.header == nil else { return try runCSVRows(input, options: options) }
        let block = 256 << 10
        let noRowEndLimit = 16 << 20
        var buf = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * block)
        var capacity = 2 * block
        defer { buf.deallocate() }
        var count = 0, lastSplit = 0, line = 1
        var eof = false, first = true
        var cutter = CSVCutter(delimiter: options.delimiter)
        var header: [String]?
        var pieceOptions = options

        /// Drops the first `n` bytes of the buffer.
        func drop(_ n: Int) {
            if count > n { (buf).update(from: buf + n, count: count - n) }
            count -= n
            lastSplit = max(0, lastSplit - n)
            cutter.shift(n)
        }
        /// Falls back to parsing the rest here: what is buffered, then the rest of the source.
        func fallback(_ options: CSVReadOptions) throws(PaddockError) {
            let rest = Array(UnsafeBufferPointer(start: buf, count: count))
            try runCSVRows(PrefixedSource(prefix: rest, inner: input), options: options)
        }

        while true {
            if !eof {
                if count + block > capacity {
                    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, count + block))
                    bigger.update(from: buf, count: count)
                    buf.deallocate()
                    buf = bigger
                    capacity = max(capacity * 2, count + block)
                }
                let n = try input.read(into: buf + count, count: block)
                if n == 0 { eof = true } else { count += n }
                if first && count >= 3 {
                    first = false
                    // A UTF-8 byte-order mark is dropped (the header parse below would drop it too, but the
                    // cutter must see the first field start).
                    if buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { drop(3) }
                }
            }
            if header == nil {
                // The header is the first row: scan to its end only.
                if let s = cutter.scan(buf, count: count, stopAtFirst: true) { lastSplit = s }
                if lastSplit > 0 {
                    var o = options
                    o.header = nil
                    let headerReader = CSVReader(source: ArraySource(Array(UnsafeBufferPointer(start: buf, count: lastSplit)), name: input.name), options: o)
                    let h = try headerReader.readHeader()
                    header = h
                    pieceOptions.header = h
                    line += CSVCutter.lineBreaks(buf, count: lastSplit)
                    drop(lastSplit)
                } else if eof || count > noRowEndLimit {
                    // A header with no line feed after it: parse it all here.
                    return try fallback(options)
                } else {
                    continue
                }
            }
            if let s = cutter.scan(buf, count: count) { lastSplit = s }
            let cut = eof ? count : lastSplit
            if cut > 0 && (eof || cut >= Self.batchBytes) {
                let w = try idleWorker()
                w.batch.file = input.name
                w.batch.isCSV = true
                pieceOptions.firstLine = line
                w.batch.piece = pieceOptions
                w.batch.bytes.append(contentsOf: UnsafeBufferPointer(start: buf, count: cut))
                submit(w)
                line += CSVCutter.lineBreaks(buf, count: cut)
                drop(cut)
            } else if count - lastSplit > noRowEndLimit {
                // No row end for 16 MiB (a CR-only file, or an enormous row): parse the rest here.
                pieceOptions.firstLine = line
                try fallback(pieceOptions)
                return try finish()
            }
            if eof && count == 0 { break }
        }
        try finish()
    }

    /// Maps every row of a CSV input parsed on this thread (libcsv), the rows handed to the workers.
    /// Used for input that cannot be cut at line feeds (no header, CR-only line ends, a row over 16 MiB).
    func runCSVRows(_ input: any ByteSource, options: CSVReadOptions) throws(PaddockError) {
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
        func full() throws(PaddockError) {
            guard w.batch.bytes.count >= Self.batchBytes || w.batch.items.count >= Self.batchRecords else { return }
            submit(w)
            w = try begin()
        }
        try reader.forEachRow { (row: CSVRow) throws(PaddockError) in
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
            try full()
        } unreadable: { (error, rule, fields) throws(PaddockError) in
            w.batch.items.append(RecordBatch.Item(kind: RecordBatch.error, line: error.location?.line ?? 0, start: w.batch.errors.count, count: 0))
            w.batch.errors.append((rule: rule, message: error.message, fields: fields))
            try full()
        }
        if w.batch.isEmpty { next -= 1 } else { submit(w) }
        try finish()
    }
}

/// Finds where CSV rows end, the way libcsv reads them with Paddock's options: a quote opens a quoted
/// field only at the start of a field (spaces are not trimmed); inside one, a quote followed by another
/// is an escaped quote, a quote followed by the delimiter or a line break ends the field, and a quote
/// followed by anything else keeps the field open (libcsv's non-strict mode). A line feed outside quotes
/// ends a row: the input can be cut after it. Lone carriage returns also end rows for libcsv but are not
/// cut points (an input with no line feeds is parsed on one thread).
struct CSVCutter {
    let delimiter: UInt8
    /// Where the next scan starts, and whether it starts inside a quoted field.
    var position = 0
    var inQuotes = false

    init(delimiter: UInt8) { self.delimiter = delimiter }

    /// The buffer lost its first `n` bytes.
    mutating func shift(_ n: Int) { position = max(0, position - n) }

    /// Scans from `position` to `count`; returns the position after the last line feed that ends a row,
    /// if one was found.
    mutating func scan(_ p: UnsafeMutablePointer<UInt8>, count n: Int, stopAtFirst: Bool = false) -> Int? {
        var i = position
        var split: Int?
        func find(_ byte: UInt8, from: Int, to: Int) -> Int? {
            guard from < to, let r = memchr(p + from, Int32(byte), to - from) else { return nil }
            return p.distance(to: r.assumingMemoryBound(to: UInt8.self))
        }
        while i < n {
            if inQuotes {
                guard let q = find(0x22, from: i, to: n) else { i = n; break }
                if q + 1 >= n { i = q; break }  // the next byte decides: scan again when it is there
                let b = p[q + 1]
                if b == 0x22 { i = q + 2; continue }  // an escaped quote
                i = q + 1
                if b == delimiter || b == 0x0A || b == 0x0D { inQuotes = false }
                continue
            }
            let lf = find(0x0A, from: i, to: n)
            let end = lf ?? n
            if let q = find(0x22, from: i, to: end) {
                if q == 0 || p[q - 1] == delimiter || p[q - 1] == 0x0A || p[q - 1] == 0x0D { inQuotes = true }
                i = q + 1
                continue
            }
            guard let lf else { i = n; break }
            split = lf + 1
            i = lf + 1
            if stopAtFirst { break }
        }
        position = i
        return split
    }

    /// Line breaks in `bytes` as CSVReader counts lines: LF, CRLF and a lone CR each count one.
    static func lineBreaks(_ p: UnsafeMutablePointer<UInt8>, count n: Int) -> Int {
        var lines = 0
        var i = 0
        while i < n, let r = memchr(p + i, 0x0A, n - i) {
            lines += 1
            i = p.distance(to: r.assumingMemoryBound(to: UInt8.self)) + 1
        }
        if memchr(p, 0x0D, n) != nil {
            // Lone CRs (not followed by LF) are line breaks too.
            for k in 0..<n where p[k] == 0x0D && (k + 1 >= n || p[k + 1] != 0x0A) { lines += 1 }
        }
        return lines
    }
}

/// A byte source over an array.
final class ArraySource: ByteSource {
    let bytes: [UInt8]
    let name: String
    private var offset = 0

    init(_ bytes: [UInt8], name: String) {
        self.bytes = bytes
        self.name = name
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PaddockError) -> Int {
        let n = min(count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}
