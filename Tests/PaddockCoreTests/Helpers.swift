#if canImport(Glibc)
import Glibc
#endif
@testable import PaddockCore
@testable import PaddockNormalize
@testable import PaddockChecks
@testable import PaddockExtract
@testable import PaddockDiscover
@testable import PaddockPublish
@testable import PaddockHashing
import Testing

/// An in-memory source that hands out at most `maxRead` bytes per `read`, so that chunk boundaries fall
/// everywhere (use 1, 3, 7 and a large value).
final class MemorySource: ByteSource {
    let name: String
    let bytes: [UInt8]
    let maxRead: Int
    private(set) var offset = 0
    /// How many times `read` was called (handy to check that a reader really read in small pieces).
    private(set) var reads = 0

    init(_ bytes: [UInt8], maxRead: Int = Int.max, name: String = "mem.csv") {
        self.bytes = bytes
        self.maxRead = maxRead
        self.name = name
    }

    convenience init(_ text: String, maxRead: Int = Int.max, name: String = "mem.csv") {
        self.init(Array(text.utf8), maxRead: maxRead, name: name)
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PaddockError) -> Int {
        reads += 1
        let n = min(count, maxRead, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

/// An in-memory sink that collects everything written to it.
final class MemorySink: ByteSink {
    private(set) var bytes: [UInt8] = []
    private(set) var writes = 0
    private(set) var finishCount = 0

    func write(_ buffer: UnsafeRawBufferPointer) throws(PaddockError) {
        writes += 1
        bytes.append(contentsOf: buffer)
    }

    func finish() throws(PaddockError) { finishCount += 1 }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// The read sizes used to push chunk boundaries through every state of a reader.
let readSizes = [1, 3, 7, 1 << 20]

/// Runs `body` and returns the PaddockError it threw, or nil (recording an issue) if it did not throw.
func paddockError<R>(_ body: () throws -> R,
                     sourceLocation: Testing.SourceLocation = #_sourceLocation) -> PaddockError? {
    do {
        _ = try body()
        Issue.record("expected a PaddockError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as PaddockError {
        return error
    } catch {
        Issue.record("expected a PaddockError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

// MARK: - CSV

/// Everything a CSV reader produced: the header, rows (fields and line) and errors in order.
struct CSVReadResult: Equatable {
    var header: [String]
    var rows: [[String]]
    var lines: [Int]
    var errors: [PaddockError]
}

/// Reads all of `bytes` with a CSVReader, going on after errors (at most `maxErrors`).
func readCSV(_ bytes: [UInt8], maxRead: Int = Int.max, options: CSVReadOptions = CSVReadOptions(),
             name: String = "mem.csv", maxErrors: Int = 100) -> CSVReadResult {
    let reader = CSVReader(source: MemorySource(bytes, maxRead: maxRead, name: name), options: options)
    var result = CSVReadResult(header: [], rows: [], lines: [], errors: [])
    do {
        try reader.readHeader()
    } catch {
        result.errors.append(error)
    }
    while true {
        do {
            guard let row = try reader.next() else { break }
            result.rows.append(row.strings)
            result.lines.append(row.line)
        } catch {
            result.errors.append(error)
            if result.errors.count >= maxErrors { break }
        }
    }
    result.header = reader.header
    return result
}

func readCSV(_ text: String, maxRead: Int = Int.max, options: CSVReadOptions = CSVReadOptions(),
             name: String = "mem.csv") -> CSVReadResult {
    readCSV(Array(text.utf8), maxRead: maxRead, options: options, name: name)
}

func csvOptions(delimiter: Character = ",", hasHeader: Bool = true, encoding: TextEncoding = .utf8,
                allowRagged: Bool = false, maxRowBytes: Int? = nil, chunkSize: Int? = nil) -> CSVReadOptions {
    var o = CSVReadOptions()
    o.delimiter = delimiter.asciiValue!
    o.hasHeader = hasHeader
    o.encoding = encoding
    o.allowRagged = allowRagged
    if let maxRowBytes { o.maxRowBytes = maxRowBytes }
    if let chunkSize { o.chunkSize = chunkSize }
    return o
}

// MARK: - Conversion

/// The outcome of one FormatConverter run over in-memory text.
struct ConversionResult {
    var output: String
    var rejects: String
    var stats: ConversionStats?
    var error: PaddockError?

    var rejectLines: [String] { rejects.split(separator: "\n").map(String.init) }
}

/// Converts `input` with a FormatConverter and returns the output text (and rejects, stats or error).
func convert(_ input: String, from: RecordFormat, to: RecordFormat, maxRead: Int = Int.max,
             withRejects: Bool = false, name: String? = nil,
             configure: (inout FormatConverter) -> Void = { _ in }) -> ConversionResult {
    convert(Array(input.utf8), from: from, to: to, maxRead: maxRead, withRejects: withRejects, name: name,
            configure: configure)
}

func convert(_ input: [UInt8], from: RecordFormat, to: RecordFormat, maxRead: Int = Int.max,
             withRejects: Bool = false, name: String? = nil,
             configure: (inout FormatConverter) -> Void = { _ in }) -> ConversionResult {
    var converter = FormatConverter(inputFormat: from, outputFormat: to)
    configure(&converter)
    let source = MemorySource(input, maxRead: maxRead, name: name ?? "in.\(from.rawValue)")
    let sink = MemorySink()
    let output = OutputBuffer(sink: sink, chunkSize: 16)
    let rejectSink = MemorySink()
    let rejectWriter = NDJSONRejectWriter(out: OutputBuffer(sink: rejectSink))
    var result = ConversionResult(output: "", rejects: "", stats: nil, error: nil)
    do {
        result.stats = try converter.run(input: source, output: output, rejects: withRejects ? rejectWriter : nil)
    } catch {
        result.error = error
    }
    do {
        try output.finish()
        try rejectWriter.finish()
    } catch {
        Issue.record("finishing the in-memory outputs failed: \(error)")
    }
    result.output = sink.text
    result.rejects = rejectSink.text
    return result
}

// MARK: - JSON

/// Parses `text` as one JSON document and passes the root to `body` (the bytes live for the call).
func withJSON<R>(_ text: String, limits: JSONLimits = JSONLimits(),
                 _ body: (JSONNode) throws -> R) throws -> R {
    let bytes = Array(text.utf8)
    return try withJSONBytes(bytes, limits: limits, body)
}

func withJSONBytes<R>(_ bytes: [UInt8], limits: JSONLimits = JSONLimits(),
                      _ body: (JSONNode) throws -> R) throws -> R {
    try bytes.withUnsafeBytes { buffer in
        var parser = JSONParser(limits: limits)
        let doc = try parser.parse(buffer)
        return try body(doc.root)
    }
}

/// The syntax error parsing `bytes` gives, or nil when it parses.
func jsonError(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) -> JSONSyntaxError? {
    bytes.withUnsafeBytes { (buffer) -> JSONSyntaxError? in
        var parser = JSONParser(limits: limits)
        do {
            _ = try parser.parse(buffer)
            return nil
        } catch let error as JSONSyntaxError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }
}

func jsonError(_ text: String, limits: JSONLimits = JSONLimits()) -> JSONSyntaxError? {
    jsonError(Array(text.utf8), limits: limits)
}

// MARK: - Files

/// A fresh temporary folder, removed by `cleanup()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        var template = Array("/tmp/paddock-core-tests.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw PaddockError(.io, "mkdtemp failed") }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    func cleanup() { try? FileSystem.removeTree(path) }
}

// MARK: - zstd

/// Compresses `payload` into one zstd frame.
func zstdCompress(_ payload: [UInt8], level: Int32 = 3, workers: Int32 = 0, writeSize: Int = 1 << 20) throws -> [UInt8] {
    let sink = MemorySink()
    let zsink = try ZstdCompressingSink(inner: sink, level: level, workers: workers)
    var offset = 0
    while offset < payload.count {
        let end = min(payload.count, offset + writeSize)
        try withBytes(Array(payload[offset..<end])) { (b) throws(PaddockError) in try zsink.write(b) }
        offset = end
    }
    try zsink.finish()
    return sink.bytes
}

/// Some compressible but not trivial bytes.
func samplePayload(_ count: Int, seed: UInt64 = 42) -> [UInt8] {
    var state = seed
    var out: [UInt8] = []
    out.reserveCapacity(count)
    let words = ["home", "away", "goals", "2024-08-17", "Arsenal", "Wolves", ",", "\n", "1.50", "é"]
    while out.count < count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        out.append(contentsOf: words[Int(state >> 33) % words.count].utf8)
    }
    return Array(out.prefix(count))
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny deterministic PRNG for the property and random-text tests.
struct ParserTestRNG {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range` (modulo bias is irrelevant here).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
