@testable import PaddockCore
import PaddockTestSupport
import Testing

@Suite("CSV reader")
struct CSVReaderTests {
    // MARK: Quoting

    @Test("quoted fields keep embedded delimiters", arguments: readSizes)
    func quotedFieldsKeepDelimiters(maxRead: Int) {
        let r = readCSV("name,note\n\"Smith, John\",\"a,b,c\"\nplain,\",\"\n", maxRead: maxRead)
        #expect(r.errors.isEmpty)
        #expect(r.header == ["name", "note"])
        #expect(r.rows == [["Smith, John", "a,b,c"], ["plain", ","]])
    }

    @Test("doubled quotes inside quotes decode to one quote", arguments: readSizes)
    func doubledQuotes(maxRead: Int) {
        let r = readCSV("a,b\n\"He said \"\"hi\"\"\",\"\"\"\"\n\"\"\"x\"\"\",\"\"\n", maxRead: maxRead)
        #expect(r.errors.isEmpty)
        #expect(r.rows == [["He said \"hi\"", "\""], ["\"x\"", ""]])
    }

    @Test("LF inside quotes stays in the field and later rows keep their physical line numbers", arguments: readSizes)
    func embeddedLF(maxRead: Int) {
        let text = "id,text\n1,\"line one\nline two\"\n2,plain\n3,\"x\ny\nz\"\n4,end\n"
        let r = readCSV(text, maxRead: maxRead)
        #expect(r.errors.isEmpty)
        #expect(r.rows == [["1", "line one\nline two"], ["2", "plain"], ["3", "x\ny\nz"], ["4", "end"]])
        #expect(r.lines == [2, 4, 5, 8])
    }

    @Test("CRLF inside quotes is kept as written and counts as one line break", arguments: readSizes)
    func embeddedCRLF(maxRead: Int) {
        let text = "id,text\r\n1,\"a\r\nb\"\r\n2,c\r\n3,\"d\re\"\r\n4,f\r\n"
        let r = readCSV(text, maxRead: maxRead)
        #expect(r.errors.isEmpty)
        #expect(r.rows == [["1", "a\r\nb"], ["2", "c"], ["3", "d\re"], ["4", "f"]])
        #expect(r.lines == [2, 4, 5, 7])
    }

    @Test("a quoted header field can hold a line break", arguments: readSizes)
    func headerWithLineBreak(maxRead: Int) {
        let r = readCSV("\"first\nname\",age\nAnn,30\n", maxRead: maxRead)
        #expect(r.header == ["first\nname", "age"])
        #expect(r.rows == [["Ann", "30"]])
        #expect(r.lines == [3])
    }

    // MARK: Line endings

    @Test("LF, CRLF and CR-only line endings give the same rows and lines",
          arguments: ["\n", "\r\n", "\r"], readSizes)
    func lineEndings(ending: String, maxRead: Int) {
        let text = ["h1,h2", "a,b", "c,d", "e,f"].joined(separator: ending) + ending
        let r = readCSV(text, maxRead: maxRead)
        #expect(r.errors.isEmpty)
        #expect(r.header == ["h1", "h2"])
        #expect(r.rows == [["a", "b"], ["c", "d"], ["e", "f"]])
        #expect(r.lines == [2, 3, 4])
    }

    @Test("blank lines are skipped but counted in line numbers", arguments: ["\n", "\r\n", "\r"])
    func blankLinesCounted(ending: String) {
        let e = ending
        let text = "a,b\(e)\(e)1,2\(e)\(e)\(e)3,4\(e)\(e)"
        let r = readCSV(text)
        #expect(r.errors.isEmpty)
        #expect(r.rows == [["1", "2"], ["3", "4"]])
        #expect(r.lines == [3, 6])
    }

    @Test("the last line needs no line break", arguments: readSizes)
    func lastLineWithoutNewline(maxRead: Int) {
        #expect(readCSV("a,b\n1,2", maxRead: maxRead).rows == [["1", "2"]])
        #expect(readCSV("a,b\n1,\"two\"", maxRead: maxRead).rows == [["1", "two"]])
        #expect(readCSV("a,b\n1,", maxRead: maxRead).rows == [["1", ""]])
        #expect(readCSV("a,b\r\n1,2\r\n3,4", maxRead: maxRead).lines == [2, 3])
    }

    // MARK: BOM, header, delimiter

    @Test("a UTF-8 byte-order mark is dropped", arguments: [4, 7, 1 << 20])
    func bomStripped(maxRead: Int) {
        let r = readCSV("\u{FEFF}id,name\n1,Ann\n", maxRead: maxRead)
        #expect(r.header == ["id", "name"])
        #expect(r.header.first?.unicodeScalars.first == "i")
        #expect(r.rows == [["1", "Ann"]])
        #expect(r.lines == [2])
    }

    @Test("a byte-order mark that fills the first read does not end the input",
          arguments: [(1, 1 << 16), (3, 1 << 16), (1 << 20, 3)])
    func bomInItsOwnRead(maxRead: Int, chunkSize: Int) {
        // A pipe can deliver the three BOM bytes by themselves (`printf '\xEF\xBB\xBF'; cat rest`).
        let r = readCSV("\u{FEFF}id,name\n1,Ann\n", maxRead: maxRead, options: csvOptions(chunkSize: chunkSize))
        #expect(r.header == ["id", "name"])
        #expect(r.rows == [["1", "Ann"]])
    }

    @Test("a byte-order mark is only dropped at the very start")
    func bomOnlyAtStart() {
        let r = readCSV("id,name\n1,\u{FEFF}Ann\n")
        #expect(r.rows == [["1", "\u{FEFF}Ann"]])
    }

    @Test("headerless input names columns 1, 2, ... and returns the first line as data")
    func headerless() throws {
        let r = readCSV("x,y,z\n1,2,3\n", options: csvOptions(hasHeader: false))
        #expect(r.errors.isEmpty)
        #expect(r.header == ["1", "2", "3"])
        #expect(r.rows == [["x", "y", "z"], ["1", "2", "3"]])
        #expect(r.lines == [1, 2])

        let reader = CSVReader(source: MemorySource("p,q\n"), options: csvOptions(hasHeader: false))
        #expect(try reader.readHeader() == [])
        let row = try #require(try reader.next())
        #expect(row.strings == ["p", "q"])
        #expect(reader.header == ["1", "2"])
        #expect(reader.headerLine == 0)
    }

    @Test("headerless input widens the column names for longer rows")
    func headerlessWidens() {
        let r = readCSV("a\nb,c,d\n", options: csvOptions(hasHeader: false))
        #expect(r.errors.isEmpty)
        #expect(r.header == ["1", "2", "3"])
    }

    @Test("a custom delimiter splits fields and the comma becomes plain text", arguments: [";", "\t", "|"] as [Character])
    func customDelimiter(delimiter: Character) {
        let d = String(delimiter)
        let text = "a\(d)b\n1,5\(d)\"x\(d)y\"\n\(d)z\n"
        let r = readCSV(text, options: csvOptions(delimiter: delimiter))
        #expect(r.errors.isEmpty)
        #expect(r.header == ["a", "b"])
        #expect(r.rows == [["1,5", "x\(d)y"], ["", "z"]])
    }

    @Test("leading and trailing spaces are kept, quoted or not", arguments: readSizes)
    func spacesPreserved(maxRead: Int) {
        let r = readCSV(" a , b \n  x  , y\n\" q \", r \n", maxRead: maxRead)
        #expect(r.errors.isEmpty)
        #expect(r.header == [" a ", " b "])
        #expect(r.rows == [["  x  ", " y"], [" q ", " r "]])
    }

    @Test("tabs around fields are kept in comma-separated input")
    func tabsPreserved() {
        let r = readCSV("a,b\n\tx\t,\ty\n")
        #expect(r.rows == [["\tx\t", "\ty"]])
    }

    @Test("empty fields, quoted empty fields and an empty last field", arguments: readSizes)
    func emptyFields(maxRead: Int) {
        let r = readCSV("a,b,c\n,,\n1,,\n,,3\n\"\",\"\",\"\"\n", maxRead: maxRead)
        #expect(r.errors.isEmpty)
        #expect(r.rows == [["", "", ""], ["1", "", ""], ["", "", "3"], ["", "", ""]])
        #expect(r.lines == [2, 3, 4, 5])
    }

    @Test("empty input has no header and no rows")
    func emptyInput() throws {
        let reader = CSVReader(source: MemorySource(""))
        #expect(try reader.readHeader() == [])
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test("a header-only file has no rows")
    func headerOnly() throws {
        let reader = CSVReader(source: MemorySource("a,b\n"))
        #expect(try reader.readHeader() == ["a", "b"])
        #expect(reader.headerLine == 1)
        #expect(try reader.next() == nil)
        #expect(reader.rowsRead == 0)
    }

    @Test("blank lines before the header move the header line")
    func blankLinesBeforeHeader() throws {
        let reader = CSVReader(source: MemorySource("\n\na,b\n1,2\n"))
        #expect(try reader.readHeader() == ["a", "b"])
        #expect(reader.headerLine == 3)
        #expect(try reader.next()?.line == 4)
    }

    // MARK: Errors

    @Test("ragged rows throw a record error at their physical line, and reading goes on", arguments: readSizes)
    func raggedRows(maxRead: Int) {
        let text = "a,b\n1,2\n3\n4,5,6\n\"7\n7\",8\n9,\"x\ny\",z\n10,11\n"
        let r = readCSV(text, maxRead: maxRead, name: "scores.csv")
        #expect(r.rows == [["1", "2"], ["7\n7", "8"], ["10", "11"]])
        #expect(r.lines == [2, 5, 9])
        #expect(r.errors.map(\.kind) == [.record, .record, .record])
        #expect(r.errors.map { $0.location?.line } == [3, 4, 7])
        #expect(r.errors.allSatisfy { $0.location?.file == "scores.csv" })
        #expect(r.errors.first?.message == "row has 1 field, the header has 2")
        #expect(r.errors.dropFirst().first?.message == "row has 3 fields, the header has 2")
        #expect(r.errors.first?.description == "scores.csv:3: row has 1 field, the header has 2")
    }

    @Test("a quote left open is reported at the line it opened instead of swallowing the rest", arguments: [
        "a,b\n1,\"open\n2,3\n",
        "a,b\nx,\"p\"q\n2,3\n",
    ])
    func unbalancedQuote(text: String) {
        // libcsv outside strict mode would accept the unterminated field at the end of the input, with
        // every later line inside it; the reader reports it instead and returns no such row.
        let r = readCSV(text)
        #expect(r.rows.isEmpty)
        #expect(r.errors.map { $0.location?.line } == [2])
    }

    @Test("allowRagged returns short and long rows as they are")
    func allowRagged() {
        let r = readCSV("a,b\n1\n2,3,4\n", options: csvOptions(allowRagged: true))
        #expect(r.errors.isEmpty)
        #expect(r.rows == [["1"], ["2", "3", "4"]])
    }

    @Test("invalid UTF-8 throws with file:line and a hint about --encoding, then reading goes on")
    func invalidUTF8() throws {
        let bytes: [UInt8] = Array("name,city\n1,caf".utf8) + [0xE9] + Array("\n2,ok\n".utf8)
        let r = readCSV(bytes, name: "clubs.csv")
        #expect(r.rows == [["2", "ok"]])
        #expect(r.lines == [3])
        let error = try #require(r.errors.first)
        #expect(r.errors.count == 1)
        #expect(error.kind == .record)
        #expect(error.location == SourceLocation(file: "clubs.csv", line: 2))
        #expect(error.message.contains("city"))
        #expect(error.hint?.contains("--encoding") == true)
        #expect(error.description.hasPrefix("clubs.csv:2: "))
    }

    @Test("invalid UTF-8 sequences are rejected",
          arguments: [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFF]] as [[UInt8]])
    func invalidUTF8Sequences(sequence: [UInt8]) {
        let r = readCSV(Array("a\n".utf8) + sequence + [0x0A])
        #expect(r.rows.isEmpty)
        #expect(r.errors.map { $0.location?.line } == [2])
    }

    @Test("an invalid UTF-8 header is reported with the --encoding hint")
    func invalidUTF8Header() throws {
        let bytes: [UInt8] = [0x4E, 0xE9, 0x2C, 0x62, 0x0A, 0x31, 0x2C, 0x32, 0x0A]
        let reader = CSVReader(source: MemorySource(bytes, name: "h.csv"))
        let error = try #require(paddockError { try reader.readHeader() })
        #expect(error.kind == .parse)
        #expect(error.location == SourceLocation(file: "h.csv", line: 1))
        #expect(error.hint?.contains("--encoding") == true)
    }

    @Test("cp1252 bytes decode to their Unicode characters", arguments: readSizes)
    func cp1252(maxRead: Int) {
        // € £ é “ ” and ‘ ’ – — ™, plus a field that is plain ASCII.
        let bytes: [UInt8] = Array("name,price\n".utf8) + [0x93, 0x43, 0x61, 0x66, 0xE9, 0x94, 0x2C, 0x80, 0x35, 0x2C, 0xA3, 0x0A]
            + [0x91, 0x92, 0x96, 0x97, 0x99, 0x2C, 0x6F, 0x6B, 0x0A]
        let r = readCSV(bytes, maxRead: maxRead, options: csvOptions(encoding: .cp1252, allowRagged: true))
        #expect(r.errors.isEmpty)
        #expect(r.rows == [["“Café”", "€5", "£"], ["‘’–—™", "ok"]])
    }

    @Test("cp1252 decoding works with tiny chunks", arguments: [1, 2, 3, 5])
    func cp1252SmallChunks(chunkSize: Int) {
        let bytes: [UInt8] = Array("a\n".utf8) + [0x80, 0xA3, 0xE9, 0x93, 0x94, 0x0A]
        let r = readCSV(bytes, options: csvOptions(encoding: .cp1252, chunkSize: chunkSize))
        #expect(r.rows == [["€£é“”"]])
    }

    @Test("latin1 maps every byte to the code point of the same value")
    func latin1() {
        let bytes: [UInt8] = Array("a\n".utf8) + [0x80, 0xA3, 0xE9, 0xFF, 0x0A]
        let r = readCSV(bytes, options: csvOptions(encoding: .latin1))
        #expect(r.rows == [["\u{80}£éÿ"]])
    }

    @Test("encoding names accept the common spellings")
    func encodingNames() {
        #expect(TextEncoding(name: "UTF-8") == .utf8)
        #expect(TextEncoding(name: "windows-1252") == .cp1252)
        #expect(TextEncoding(name: "ISO-8859-1") == .latin1)
        #expect(TextEncoding(name: "ebcdic") == nil)
    }

    // MARK: Chunking and limits

    static let awkwardCSV = "id,text,n\r\n1,\"a,b\",2\r\n\r\n2,\"multi\nline \"\"quoted\"\"\",3\r\n3,,\r\n4,\"é–😀\",5\n5,\"x\r\ny\",6\r7,last,8"

    @Test("small chunk sizes give the same rows and lines as one big chunk", arguments: [1, 2, 3, 4, 5, 7, 16], [1, 3, 1 << 20])
    func smallChunks(chunkSize: Int, maxRead: Int) {
        let big = readCSV(Self.awkwardCSV)
        #expect(big.errors.isEmpty)
        #expect(big.rows.count == 6)
        #expect(big.lines == [2, 4, 6, 7, 8, 10])
        let small = readCSV(Self.awkwardCSV, maxRead: maxRead, options: csvOptions(chunkSize: chunkSize))
        #expect(small == big)
    }

    @Test("bytesRead counts every byte of the source")
    func bytesRead() throws {
        let text = "a,b\n1,2\n"
        let reader = CSVReader(source: MemorySource(text, maxRead: 3), options: csvOptions(chunkSize: 4))
        while try reader.next() != nil {}
        #expect(reader.bytesRead == text.utf8.count)
        #expect(reader.rowsRead == 1)
    }

    @Test("a row above maxRowBytes is reported at its line and reading goes on")
    func maxRowBytes() {
        let long = String(repeating: "x", count: 40)
        let r = readCSV("a,b\n1,2\n\(long),y\n3,4\n", options: csvOptions(maxRowBytes: 16))
        #expect(r.rows == [["1", "2"], ["3", "4"]])
        #expect(r.lines == [2, 4])
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.kind == .record)
        #expect(r.errors.first?.location?.line == 3)
        #expect(r.errors.first?.message == "row is longer than 16 bytes")
    }

    @Test("a row above maxRowBytes counts when its fields are each short")
    func maxRowBytesAcrossFields() {
        let r = readCSV("a,b,c\n123456,123456,123456\n1,2,3\n", options: csvOptions(maxRowBytes: 16))
        #expect(r.rows == [["1", "2", "3"]])
        #expect(r.errors.map { $0.location?.line } == [2])
    }

    @Test("a row of exactly maxRowBytes is accepted")
    func maxRowBytesExact() {
        let r = readCSV("a,b\n12345678,12345678\n", options: csvOptions(maxRowBytes: 16))
        #expect(r.errors.isEmpty)
        #expect(r.rows == [["12345678", "12345678"]])
    }

    @Test("line numbers after an overlong multi-line row still count its line breaks")
    func maxRowBytesMultiLineKeepsLineNumbers() {
        // The overlong field spans lines 3-5; the next row starts on line 6.
        let long = String(repeating: "x", count: 20)
        let r = readCSV("a,b\n1,2\n\"\(long)\n\(long)\n\(long)\",y\n3,4\n", options: csvOptions(maxRowBytes: 16))
        #expect(r.errors.map { $0.location?.line } == [3])
        #expect(r.rows == [["1", "2"], ["3", "4"]])
        #expect(r.lines == [2, 6])
    }

    /// The trial's binary and gzip files named .csv got the hint "pass --encoding cp1252".
    @Test("a field that is not UTF-8 gets a hint from the input's first bytes: gzip, zip, NUL bytes, or another encoding", arguments: [
        ([0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFE, 0x0A], "gzip-compressed"),
        ([0x50, 0x4B, 0x03, 0x04, 0xFF, 0xFE, 0x0A], "zip archive"),
        ([0xFF, 0xFE, 0x61, 0x00, 0x2C, 0x00, 0x62, 0x00, 0x0A, 0x00], "NUL bytes"),
        ([0x61, 0x2C, 0x62, 0x0A, 0x63, 0x61, 0x66, 0xE9, 0x2C, 0x32, 0x0A], "--encoding cp1252"),
    ] as [([UInt8], String)])
    func undecodableHint(bytes: [UInt8], hint: String) throws {
        let reader = CSVReader(source: MemorySource(bytes, name: "x.csv"))
        let error = try #require(paddockError { _ = try reader.readHeader(); while try reader.next() != nil {} })
        #expect(error.message.contains("not valid UTF-8"))
        #expect(error.hint?.contains(hint) == true, "\(error.hint ?? "")")
    }
}
