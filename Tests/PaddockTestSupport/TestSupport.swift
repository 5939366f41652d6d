public import PaddockCore
public import Testing

/// An in-memory source that hands out at most `maxRead` bytes per `read`, so that chunk boundaries fall
/// everywhere (use 1, 3, 7 and a large value).
public final class MemorySource: ByteSource {
    public let name: String
    public let bytes: [UInt8]
    public let maxRead: Int
    public private(set) var offset = 0
    /// How many times `read` was called (handy to check that a reader really read in small pieces).
    public private(set) var reads = 0

    public init(_ bytes: [UInt8], maxRead: Int = Int.max, name: String = "mem.csv") {
        self.bytes = bytes
        self.maxRead = maxRead
        self.name = name
    }

    public convenience init(_ text: String, maxRead: Int = Int.max, name: String = "mem.csv") {
        self.init(Array(text.utf8), maxRead: maxRead, name: name)
    }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PaddockError) -> Int {
        reads += 1
        let n = min(count, maxRead, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

/// An in-memory sink that collects everything written to it.
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public private(set) var writes = 0
    public private(set) var finishCount = 0

    public init() {}

    public func write(_ buffer: UnsafeRawBufferPointer) throws(PaddockError) {
        writes += 1
        bytes.append(contentsOf: buffer)
    }

    public func finish() throws(PaddockError) { finishCount += 1 }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// The read sizes used to push chunk boundaries through every state of a reader.
public let readSizes = [1, 3, 7, 1 << 20]

/// Runs `body` and returns the PaddockError it threw, or nil (recording an issue) if it did not throw.
public func paddockError<R>(_ body: () throws -> R,
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
public struct CSVReadResult: Equatable {
    public var header: [String]
    public var rows: [[String]]
    public var lines: [Int]
    public var errors: [PaddockError]
}

/// Reads all of `bytes` with a CSVReader, going on after errors (at most `maxErrors`).
public func readCSV(_ bytes: [UInt8], maxRead: Int = Int.max, options: CSVReadOptions = CSVReadOptions(),
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

public func readCSV(_ text: String, maxRead: Int = Int.max, options: CSVReadOptions = CSVReadOptions(),
             name: String = "mem.csv") -> CSVReadResult {
    readCSV(Array(text.utf8), maxRead: maxRead, options: options, name: name)
}

public func csvOptions(delimiter: Character = ",", hasHeader: Bool = true, encoding: TextEncoding = .utf8,
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


/// SplitMix64 (Steele, Lea, Flood 2014): a tiny deterministic PRNG for the property and random-text tests.
public struct ParserTestRNG {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range` (modulo bias is irrelevant here).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
