@testable import PaddockCore
import PaddockTestSupport
import Testing

@Suite("CSV and NDJSON conversion")
struct ConvertTests {
    // MARK: CSV to NDJSON

    @Test("csv→ndjson gives every value as a string, in header order, with \"\" for empty", arguments: readSizes)
    func csvToNDJSON(maxRead: Int) throws {
        let csv = "id,name,score,note\n1,Ann,,x\n2,\"B, \"\"b\"\"\",3.50,\n"
        let r = convert(csv, from: .csv, to: .ndjson, maxRead: maxRead)
        #expect(r.error == nil)
        #expect(r.output == """
            {"id":"1","name":"Ann","score":"","note":"x"}
            {"id":"2","name":"B, \\"b\\"","score":"3.50","note":""}

            """)
        #expect(r.stats?.recordsIn == 2)
        #expect(r.stats?.recordsOut == 2)
        #expect(r.stats?.bytesIn == csv.utf8.count)
    }

    @Test("csv→ndjson escapes control characters, quotes and backslashes and keeps UTF-8")
    func csvToNDJSONEscapes() throws {
        let csv = "k,v\n1,\"a\nb\"\n2,\"t\tb\\\\\"\n3,\u{1}\u{7F}é😀\n4,\"cr\r\"\n"
        let r = convert(csv, from: .csv, to: .ndjson)
        #expect(r.error == nil)
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines == [
            #"{"k":"1","v":"a\nb"}"#,
            #"{"k":"2","v":"t\tb\\\\"}"#,
            "{\"k\":\"3\",\"v\":\"\\u0001\u{7F}é😀\"}",
            #"{"k":"4","v":"cr\r"}"#,
        ])
        // And every line is valid JSON giving back the CSV fields.
        let expected = ["a\nb", "t\tb\\\\", "\u{1}\u{7F}é😀", "cr\r"]
        for (line, value) in zip(lines, expected) {
            try withJSON(line) { node in
                #expect(node["v"]?.kind == .string)
                #expect(node["v"]?.string == value)
            }
        }
    }

    @Test("csv→ndjson escapes header names too")
    func csvToNDJSONHeaderEscapes() throws {
        let r = convert("\"a\"\"q\",\"b\\c\"\n1,2\n", from: .csv, to: .ndjson)
        #expect(r.output == "{\"a\\\"q\":\"1\",\"b\\\\c\":\"2\"}\n")
    }

    @Test("headerless csv→ndjson uses the keys 1, 2, ...")
    func headerlessToNDJSON() {
        let r = convert("x,y\n1,2\n", from: .csv, to: .ndjson) { $0.csvOptions.hasHeader = false }
        #expect(r.error == nil)
        #expect(r.output == "{\"1\":\"x\",\"2\":\"y\"}\n{\"1\":\"1\",\"2\":\"2\"}\n")
    }

    @Test("cp1252 csv→ndjson gives UTF-8")
    func cp1252ToNDJSON() {
        let bytes: [UInt8] = Array("p\n".utf8) + [0x80, 0x35, 0x0A]
        let r = convert(bytes, from: .csv, to: .ndjson) { $0.csvOptions.encoding = .cp1252 }
        #expect(r.output == "{\"p\":\"€5\"}\n")
    }

    @Test("csv→ndjson with rejects sends ragged rows there with their lines")
    func csvToNDJSONRejects() throws {
        let r = convert("a,b\n1,2\n3\n4,5\n", from: .csv, to: .ndjson, withRejects: true, name: "in.csv")
        #expect(r.error == nil)
        #expect(r.output == "{\"a\":\"1\",\"b\":\"2\"}\n{\"a\":\"4\",\"b\":\"5\"}\n")
        #expect(r.stats?.rejected == 1)
        #expect(r.stats?.recordsIn == 3)
        #expect(r.stats?.recordsOut == 2)
        #expect(r.rejectLines == [#"{"file":"in.csv","line":3,"error":"row has 1 field, the header has 2","raw":"3"}"#])
    }

    @Test("csv→ndjson with allowRagged keeps the fields of long rows")
    func csvToNDJSONRaggedLong() {
        let r = convert("a,b\n1,2,3\n4\n", from: .csv, to: .ndjson) { $0.csvOptions.allowRagged = true }
        #expect(r.error == nil)
        #expect(r.output.hasSuffix("{\"a\":\"4\"}\n"))
        #expect(r.output.contains("3"))
    }

    @Test("csv→ndjson without rejects stops at the first bad row")
    func csvToNDJSONStops() throws {
        let r = convert("a,b\n1,2\n3\n4,5\n", from: .csv, to: .ndjson)
        let error = try #require(r.error)
        #expect(error.kind == .record)
        #expect(error.location?.line == 3)
        #expect(r.output == "{\"a\":\"1\",\"b\":\"2\"}\n")
    }

    // MARK: NDJSON to CSV

    @Test("ndjson→csv writes numbers as written, null empty and nested values as compact JSON", arguments: readSizes)
    func ndjsonToCSV(maxRead: Int) {
        let ndjson = """
            {"id":1,"name":"Ann","score":1.50,"ok":true,"x":null,"nested":{"a":[1, 2]},"big":12345678901234567890123}
            {"id":-0,"name":"B\\"b","score":1e400,"ok":false,"x":"","nested":[],"big":"s p"}

            """
        let r = convert(ndjson, from: .ndjson, to: .csv, maxRead: maxRead)
        #expect(r.error == nil)
        #expect(r.output == """
            id,name,score,ok,x,nested,big
            1,Ann,1.50,true,,"{""a"":[1,2]}",12345678901234567890123
            -0,"B""b",1e400,false,,[],s p

            """)
        #expect(r.stats?.recordsIn == 2)
        #expect(r.stats?.recordsOut == 2)
    }

    @Test("ndjson→csv decodes string escapes")
    func ndjsonToCSVDecodesEscapes() {
        let r = convert(#"{"s":"a\nb","t":"\u00e9\"x\"","u":"\ud83d\ude00\/"}"# + "\n", from: .ndjson, to: .csv)
        #expect(r.error == nil)
        #expect(r.output == "s,t,u\n\"a\nb\",\"é\"\"x\"\"\",😀/\n")
    }

    @Test("ndjson→csv places keys by name, in any order, and leaves missing keys empty")
    func ndjsonToCSVKeyOrder() {
        let ndjson = """
            {"a":1,"b":2,"c":3}
            {"c":"z","a":"x"}
            {"b":"y"}
            {}

            """
        let r = convert(ndjson, from: .ndjson, to: .csv)
        #expect(r.error == nil)
        #expect(r.output == "a,b,c\n1,2,3\nx,,z\n,y,\n,,\n")
    }

    @Test("ndjson→csv takes escaped keys by their decoded names")
    func ndjsonToCSVEscapedKeys() {
        let r = convert(#"{"a\u0062":1,"c":2}"# + "\n" + #"{"ab":3,"\u0063":4}"# + "\n", from: .ndjson, to: .csv)
        #expect(r.error == nil)
        #expect(r.output == "ab,c\n1,2\n3,4\n")
    }

    @Test("ndjson→csv accepts CRLF lines, blank lines and a last line without a break")
    func ndjsonCRLF() {
        let r = convert("{\"a\":1}\r\n\r\n{\"a\":\"x\"}\r\n  \r\n{\"a\":2}", from: .ndjson, to: .csv)
        #expect(r.error == nil)
        #expect(r.output == "a\n1\nx\n2\n")
        #expect(r.stats?.recordsIn == 3)
    }

    @Test("ndjson→ndjson re-serialises compactly, numbers unchanged")
    func ndjsonToNDJSON() {
        let r = convert("{ \"a\" : 1.50 , \"b\" : [ 1e400 , -0 ] }\n[ 1 ]\n", from: .ndjson, to: .ndjson)
        #expect(r.error == nil)
        #expect(r.output == "{\"a\":1.50,\"b\":[1e400,-0]}\n[1]\n")
    }

    @Test("a UTF-8 byte-order mark before the first NDJSON line is dropped", arguments: [3, 4, 1 << 20])
    func ndjsonBOM(maxRead: Int) {
        let r = convert("\u{FEFF}{\"a\":1}\n", from: .ndjson, to: .csv, maxRead: maxRead)
        #expect(r.error == nil)
        #expect(r.output == "a\n1\n")
    }

    @Test("a byte-order mark split over short first reads is dropped too", arguments: [1, 2])
    func ndjsonBOMShortReads(maxRead: Int) {
        let r = convert("\u{FEFF}{\"a\":1}\n", from: .ndjson, to: .csv, maxRead: maxRead)
        #expect(r.error == nil)
        #expect(r.output == "a\n1\n")
    }

    // MARK: Round trip

    static let normalisedCSV = [
        "id,name,note,score,misc",
        "1,Ann,\"a,b\",1.50,x\\y",
        "2,\"Bob \"\"the\"\" Builder\",,-0,",
        "3,Éva,\"line1\nline2\",, spaced ",
        "4,😀,\"cr\r\",tab\there,\u{1}",
        "5,,,,",
    ].joined(separator: "\n") + "\n"

    @Test("csv→ndjson→csv gives back RFC 4180 normalised input byte for byte", arguments: readSizes)
    func roundTrip(maxRead: Int) throws {
        let ndjson = convert(Self.normalisedCSV, from: .csv, to: .ndjson, maxRead: maxRead)
        #expect(ndjson.error == nil)
        let csv = convert(ndjson.output, from: .ndjson, to: .csv, maxRead: maxRead)
        #expect(csv.error == nil)
        #expect(csv.output == Self.normalisedCSV)
    }

    @Test("csv→csv normalises quoting and line endings")
    func csvToCSV() {
        let r = convert("\u{FEFF}a,b\r\n\"1\",\"x\"\"y\"\r\n\r\n\"plain\",\"c,d\"", from: .csv, to: .csv)
        #expect(r.error == nil)
        #expect(r.output == "a,b\n1,\"x\"\"y\"\nplain,\"c,d\"\n")
    }

    @Test("a one-column record holding an empty string survives ndjson→csv→ndjson")
    func singleEmptyColumnRoundTrip() {
        let ndjson = "{\"a\":\"\"}\n{\"a\":\"x\"}\n"
        let csv = convert(ndjson, from: .ndjson, to: .csv)
        let back = convert(csv.output, from: .csv, to: .ndjson)
        #expect(back.output == ndjson)
    }

    // MARK: Bad NDJSON

    static let badNDJSON = "{\"a\":1}\n\n{\"a\":2\n{\"a\":3}\n[4]\n{\"a\":5,\"b\":6}\n{\"a\":7}\n"

    @Test("a bad NDJSON line stops the conversion with an error naming its line")
    func badLineStops() throws {
        let r = convert(Self.badNDJSON, from: .ndjson, to: .csv, name: "events.ndjson")
        let error = try #require(r.error)
        #expect(error.kind == .parse)
        #expect(error.location == SourceLocation(file: "events.ndjson", line: 3))
        #expect(error.message.hasPrefix("invalid JSON: "))
        #expect(error.message.contains("(at byte 7)"))
        #expect(r.output == "a\n1\n")
    }

    @Test("with a reject writer bad NDJSON lines go to rejects with their lines and the rest converts")
    func badLinesRejected() throws {
        let r = convert(Self.badNDJSON, from: .ndjson, to: .csv, withRejects: true, name: "events.ndjson")
        #expect(r.error == nil)
        #expect(r.output == "a\n1\n3\n7\n")
        #expect(r.stats?.recordsIn == 6)
        #expect(r.stats?.recordsOut == 3)
        #expect(r.stats?.rejected == 3)
        let rejects = r.rejectLines
        #expect(rejects.count == 3)
        var lines: [String] = []
        var raws: [String] = []
        for reject in rejects {
            try withJSON(reject) { node in
                #expect(node["file"]?.string == "events.ndjson")
                lines.append(node["line"]?.string ?? "?")
                raws.append(node["raw"]?.string ?? "?")
                #expect(node["error"]?.kind == .string)
            }
        }
        #expect(lines == ["3", "5", "6"])
        #expect(raws == ["{\"a\":2", "[4]", "{\"a\":5,\"b\":6}"])
    }

    @Test("a key that is not in the header is reported with its name and line")
    func unknownKey() throws {
        let r = convert("{\"a\":1}\n{\"a\":2,\"zz\":3}\n", from: .ndjson, to: .csv)
        let error = try #require(r.error)
        #expect(error.kind == .parse)
        #expect(error.location?.line == 2)
        #expect(error.message.contains("\"zz\""))
        #expect(error.hint != nil)
        #expect(r.output == "a\n1\n")
    }

    @Test("a line that is not an object cannot become a CSV row")
    func nonObjectLine() throws {
        let r = convert("[1,2]\n", from: .ndjson, to: .csv)
        let error = try #require(r.error)
        #expect(error.location?.line == 1)
        #expect(error.message.contains("object"))
    }

    @Test("the JSON depth limit of the converter applies to each line")
    func converterDepthLimit() throws {
        let r = convert("{\"a\":[[1]]}\n{\"a\":[[[1]]]}\n", from: .ndjson, to: .csv) { $0.jsonLimits = JSONLimits(maxDepth: 3) }
        let error = try #require(r.error)
        #expect(error.location?.line == 2)
        #expect(error.message.contains("nesting"))
    }

    @Test("errors that are not parse errors are not sent to rejects")
    func ioErrorsAreNotRejected() throws {
        final class FailingSource: ByteSource {
            let name = "broken"
            var calls = 0
            func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PaddockError) -> Int {
                calls += 1
                if calls == 1 {
                    let text: [UInt8] = Array("{\"a\":1}\n".utf8)
                    text.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: text.count) }
                    return text.count
                }
                throw PaddockError(.io, "read failed", at: SourceLocation(file: name))
            }
        }
        let rejects = NDJSONRejectWriter(out: OutputBuffer(sink: MemorySink()))
        let converter = FormatConverter(inputFormat: .ndjson, outputFormat: .csv)
        let error = try #require(paddockError {
            try converter.run(input: FailingSource(), output: OutputBuffer(sink: MemorySink()), rejects: rejects)
        })
        #expect(error.kind == .io)
        #expect(rejects.count == 0)
    }

    @Test("a too-long NDJSON line is rejected and the rest converts")
    func converterMaxLineBytes() {
        let long = "{\"a\":\"" + String(repeating: "x", count: 100) + "\"}"
        let r = convert("{\"a\":1}\n\(long)\n{\"a\":2}\n", from: .ndjson, to: .csv, withRejects: true) { $0.maxLineBytes = 32 }
        #expect(r.output == "a\n1\n2\n")
        #expect(r.stats?.rejected == 1)
    }

    @Test("RecordFormat guesses formats from file names")
    func guessFormat() {
        #expect(RecordFormat.guess(path: "a/b.csv") == .csv)
        #expect(RecordFormat.guess(path: "b.tsv.zst") == .csv)
        #expect(RecordFormat.guess(path: "b.jsonl") == .ndjson)
        #expect(RecordFormat.guess(path: "b.ndjson.zst") == .ndjson)
        #expect(RecordFormat.guess(path: "-") == nil)
        #expect(RecordFormat.guess(path: "b.json") == nil)
    }
}

@Suite("Line reader")
struct LineReaderTests {
    static func lines(_ text: String, maxRead: Int = Int.max, maxLineBytes: Int = 1 << 20, bufferSize: Int = 1 << 18)
        -> (lines: [String], numbers: [Int], errors: [PaddockError]) {
        let reader = LineReader(source: MemorySource(text, maxRead: maxRead), maxLineBytes: maxLineBytes, bufferSize: bufferSize)
        var lines: [String] = [], numbers: [Int] = [], errors: [PaddockError] = []
        while errors.count < 20 {
            do {
                guard let line = try reader.next() else { break }
                lines.append(String(decoding: line, as: UTF8.self))
                numbers.append(reader.lineNumber)
            } catch {
                errors.append(error)
            }
        }
        return (lines, numbers, errors)
    }

    @Test("lines end at LF or CRLF, blank lines included, last line without a break", arguments: readSizes, [1, 4, 1 << 18])
    func splitsLines(maxRead: Int, bufferSize: Int) {
        let r = Self.lines("one\ntwo\r\n\nfour\r\n\r\nsix\rstill six\nlast", maxRead: maxRead, bufferSize: bufferSize)
        #expect(r.errors.isEmpty)
        #expect(r.lines == ["one", "two", "", "four", "", "six\rstill six", "last"])
        #expect(r.numbers == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test("a final line break does not add an empty line")
    func finalBreak() {
        #expect(Self.lines("a\nb\n").lines == ["a", "b"])
        #expect(Self.lines("").lines == [])
        #expect(Self.lines("\n").lines == [""])
    }

    @Test("lines longer than maxLineBytes are reported with their number and skipped", arguments: readSizes)
    func longLinesReported(maxRead: Int) throws {
        let long = String(repeating: "x", count: 50)
        let r = Self.lines("short\n\(long)\nafter\n\(long)", maxRead: maxRead, maxLineBytes: 10, bufferSize: 4)
        #expect(r.lines == ["short", "after"])
        #expect(r.numbers == [1, 3])
        #expect(r.errors.map(\.kind) == [.record, .record])
        #expect(r.errors.map { $0.location?.line } == [2, 4])
        #expect(r.errors.first?.message == "line is longer than 10 bytes")
    }

    static let exactAndOver = (exact: String(repeating: "e", count: 10), over: String(repeating: "o", count: 11))

    @Test("a line of exactly maxLineBytes is accepted and one byte more is not", arguments: [4, 8])
    func maxLineBytesBoundary(bufferSize: Int) {
        let (exact, over) = Self.exactAndOver
        let r = Self.lines("\(exact)\n\(over)\nend\n", maxLineBytes: 10, bufferSize: bufferSize)
        #expect(r.lines == [exact, "end"])
        #expect(r.numbers == [1, 3])
        #expect(r.errors.map { $0.location?.line } == [2])
    }

    @Test("maxLineBytes holds whatever the buffer size", arguments: [5, 64, 1 << 18])
    func maxLineBytesIndependentOfBuffer(bufferSize: Int) {
        // bufferSize 5: the buffer fills with exactly 10 bytes before the LF is read, and the 10-byte
        // line is refused; bufferSize >= 27: the whole input fits and the 11-byte line is accepted.
        let (exact, over) = Self.exactAndOver
        let r = Self.lines("\(exact)\n\(over)\nend\n", maxLineBytes: 10, bufferSize: bufferSize)
        #expect(r.lines == [exact, "end"])
        #expect(r.errors.map { $0.location?.line } == [2])
    }
}
