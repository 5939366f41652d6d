@testable import PaddockCore
import PaddockTestSupport
import Testing

@Suite("CSV writer")
struct CSVWriterTests {
    static func field(_ s: String, writer: CSVWriter = CSVWriter()) -> String {
        var out: [UInt8] = []
        writer.appendField(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func row(_ fields: [String], writer: CSVWriter = CSVWriter()) -> String {
        var out: [UInt8] = []
        writer.appendRow(fields, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("fields are quoted only when they hold the delimiter, a quote, CR or LF", arguments: [
        ("plain", "plain"),
        ("", ""),
        (" spaced ", " spaced "),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("\"", "\"\"\"\""),
        ("\"\"", "\"\"\"\"\"\""),
        ("a\nb", "\"a\nb\""),
        ("a\rb", "\"a\rb\""),
        ("a\r\nb", "\"a\r\nb\""),
        ("tab\there", "tab\there"),
        ("semi;colon", "semi;colon"),
        ("é–😀", "é–😀"),
    ])
    func quoting(input: String, expected: String) {
        #expect(Self.field(input) == expected)
    }

    @Test("the quoting follows the configured delimiter")
    func quotingFollowsDelimiter() {
        let w = CSVWriter(delimiter: UInt8(ascii: ";"))
        #expect(Self.field("a,b", writer: w) == "a,b")
        #expect(Self.field("a;b", writer: w) == "\"a;b\"")
        #expect(Self.row(["x;y", "1,5", "z"], writer: w) == "\"x;y\";1,5;z\n")
        let tsv = CSVWriter(delimiter: 0x09)
        #expect(Self.row(["a\tb", "c"], writer: tsv) == "\"a\tb\"\tc\n")
    }

    @Test("rows end with LF, or CRLF when asked")
    func lineEnds() {
        #expect(Self.row(["a", "b"]) == "a,b\n")
        #expect(Self.row(["a", "b"], writer: CSVWriter(crlf: true)) == "a,b\r\n")
        #expect(Self.row(["a", "", ""]) == "a,,\n")
    }

    @Test("writing is deterministic")
    func deterministic() {
        let rows = [["id", "text"], ["1", "a,\"b\"\nc"], ["2", ""], ["3", "é"]]
        let first = rows.map { Self.row($0) }.joined()
        let second = rows.map { Self.row($0) }.joined()
        #expect(first == second)
        #expect(first == "id,text\n1,\"a,\"\"b\"\"\nc\"\n2,\n3,é\n")
    }

    @Test("what the writer writes the reader reads back", arguments: [",", ";", "\t"] as [Character])
    func roundTripThroughReader(delimiter: Character) {
        let d = delimiter.asciiValue!
        let rows = [["h1", "h2", "h3"], ["a\(delimiter)b", "\"q\"", " s "], ["x\r\ny", "", "z\rw"], ["", "", "last"]]
        var out: [UInt8] = []
        let w = CSVWriter(delimiter: d)
        for row in rows { w.appendRow(row, to: &out) }
        let r = readCSV(out, options: csvOptions(delimiter: delimiter))
        #expect(r.errors.isEmpty)
        #expect([r.header] + r.rows == rows)
    }

    @Test("a row of one empty field survives a write and read")
    func singleEmptyFieldRow() {
        // The writer leaves an empty field unquoted, so a one-column row holding "" becomes a blank
        // line, which the reader skips: the record is lost.
        let written = Self.row([""])
        let r = readCSV("a\n" + written + "b\n", options: csvOptions(allowRagged: true))
        #expect(written == "\"\"\n")
        #expect(r.rows == [[""], ["b"]])
    }
}
