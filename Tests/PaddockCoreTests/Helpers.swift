#if canImport(Glibc)
import Glibc
#endif
@testable import PaddockCore
import PaddockTestSupport
import Testing

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
