@testable import PaddockCore
@testable import PaddockNormalize
import PaddockTestSupport
import Testing

/// CSVCutter cuts CSV text into pieces of whole rows for the workers of a parallel normalize. Its one
/// promise: parsing the pieces one by one gives the rows (and line numbers) of parsing the whole text.
@Suite("CSV cutter")
struct CSVCutterTests {
    /// Cuts `text` the way ParallelTableNormalizer does, reading `block` bytes at a time; returns the pieces.
    static func cut(_ text: [UInt8], block: Int, delimiter: UInt8 = UInt8(ascii: ",")) -> [[UInt8]] {
        var cutter = CSVCutter(delimiter: delimiter)
        var pieces: [[UInt8]] = []
        var buf: [UInt8] = []
        var offset = 0
        while offset < text.count {
            buf.append(contentsOf: text[offset..<min(text.count, offset + block)])
            offset += block
            let split = buf.withUnsafeMutableBufferPointer { cutter.scan($0.baseAddress!, count: $0.count) }
            if let split {
                pieces.append(Array(buf[..<split]))
                buf.removeFirst(split)
                cutter.shift(split)
            }
        }
        if !buf.isEmpty { pieces.append(buf) }
        return pieces
    }

    /// Rows and line numbers of `text` read whole, and read piece by piece with each piece's first line.
    static func compare(_ text: [UInt8], block: Int) -> (whole: [String], pieces: [String], cuts: Int) {
        var o = csvOptions(hasHeader: false, allowRagged: true)
        let whole = readCSV(text, options: o)
        var rows: [String] = []
        var line = 1
        let pieces = cut(text, block: block)
        for p in pieces {
            o.firstLine = line
            let r = readCSV(p, options: o)
            rows += zip(r.rows, r.lines).map { "\($1): \($0)" }
            rows += r.errors.map { "error \($0.location?.line ?? 0): \($0.message)" }
            line += p.withUnsafeBufferPointer { CSVCutter.lineBreaks(UnsafeMutablePointer(mutating: $0.baseAddress!), count: $0.count) }
        }
        let wholeRows = zip(whole.rows, whole.lines).map { "\($1): \($0)" } + whole.errors.map { "error \($0.location?.line ?? 0): \($0.message)" }
        return (wholeRows, rows, pieces.count)
    }

    @Test("quotes open a field only at its start; escaped and stray quotes; line breaks inside quotes", arguments: [1, 2, 3, 7, 64])
    func awkwardText(block: Int) {
        let text = "a,\"b\nc\",d\n\"x\"\"y\",z\nstray\"quote,\"q\"after,w\nlast\n\n\"open \"\"\"\nend,\"\"\r\ncr\rlone\n"
        let r = Self.compare(Array(text.utf8), block: block)
        #expect(r.pieces == r.whole)
        #expect(r.cuts > 1)
    }

    @Test("random CSV-ish text: pieces parse to the rows of the whole, for any block size")
    func randomText() {
        var rng = ParserTestRNG(seed: 2026)
        let alphabet: [String] = ["a", "b", ",", "\"", "\"\"", "\n", "\r\n", "\r", " ", "é"]
        for _ in 0..<300 {
            var s = ""
            for _ in 0..<Int(rng.next() % 60) { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            for block in [1, 5, 16] {
                let r = Self.compare(Array(s.utf8), block: block)
                #expect(r.pieces == r.whole, "text: \(s.debugDescription), block \(block)")
            }
        }
    }
}
