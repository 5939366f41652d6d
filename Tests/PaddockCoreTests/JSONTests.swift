@testable import PaddockCore
import PaddockTestSupport
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    // MARK: Strings

    @Test("every escape is decoded", arguments: [
        (#""\"""#, "\""),
        (#""\\""#, "\\"),
        (#""\/""#, "/"),
        (#""\b""#, "\u{08}"),
        (#""\f""#, "\u{0C}"),
        (#""\n""#, "\n"),
        (#""\r""#, "\r"),
        (#""\t""#, "\t"),
        (#""\u00e9""#, "é"),
        (#""\u00E9""#, "é"),
        (#""\u0000""#, "\u{0}"),
        (#""\u20ac""#, "€"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""a\"b\\c\/d\be\ff\ng\rh\ti\u00e9j""#, "a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti\u{E9}j"),
    ])
    func escapesDecoded(json: String, expected: String) throws {
        try withJSON(json) { node in
            #expect(node.kind == .string)
            #expect(node.hasEscapes)
            #expect(node.string == expected)
            #expect(node.cellText == expected)
        }
    }

    @Test("raw UTF-8 passes through and strings without escapes are not flagged")
    func rawUTF8() throws {
        try withJSON(#""é–😀 plain""#) { node in
            #expect(node.string == "é–😀 plain")
            #expect(!node.hasEscapes)
        }
    }

    @Test("lone or mismatched surrogates are rejected", arguments: [
        #""\ud83d""#,
        #""\ud83dx""#,
        #""\ud83d\u0041""#,
        #""\ude00""#,
        #""\ude00\ud83d""#,
        #""\udbff\udbff""#,
        #"["\ud83d"]"#,
    ])
    func loneSurrogates(json: String) throws {
        let error = try #require(jsonError(json))
        #expect(error.message.contains("surrogate"))
    }

    @Test("control characters inside strings are rejected", arguments: [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] as [UInt8])
    func controlCharacters(byte: UInt8) throws {
        let bytes: [UInt8] = [0x22, 0x61, byte, 0x62, 0x22]
        let error = try #require(jsonError(bytes))
        #expect(error.message.contains("control character"))
        #expect(error.offset == 2)
    }

    @Test("DEL (0x7F) needs no escape")
    func delIsAllowed() throws {
        try withJSONBytes([0x22, 0x7F, 0x22]) { #expect($0.string == "\u{7F}") }
    }

    @Test("invalid UTF-8 inside strings is rejected", arguments: [
        [0xC3], [0xFF], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x28, 0xA1],
    ] as [[UInt8]])
    func invalidUTF8(sequence: [UInt8]) throws {
        let bytes: [UInt8] = [0x22, 0x61] + sequence + [0x62, 0x22]
        let error = try #require(jsonError(bytes))
        #expect(error.message.contains("UTF-8"))
        #expect(error.offset == 2)
    }

    @Test("invalid escapes are rejected", arguments: [#""\x""#, #""\'""#, #""\U00e9""#, #""\u00g9""#, #""\u00e""#, #""\"#])
    func invalidEscapes(json: String) {
        #expect(jsonError(json) != nil)
    }

    // MARK: Numbers

    @Test("numbers are kept exactly as written", arguments: [
        "1.50", "-0", "1e400", "12345678901234567890123", "0", "-1.0E+10", "3e-7", "0.1000", "-0.0", "1E2",
    ])
    func numbersKeptAsWritten(number: String) throws {
        try withJSON(number) { node in
            #expect(node.kind == .number)
            #expect(node.string == number)
            #expect(node.cellText == number)
            #expect(node.compactJSON == number)
        }
        try withJSON("{ \"n\" : [ \(number) , \(number) ] }") { node in
            #expect(node.compactJSON == "{\"n\":[\(number),\(number)]}")
            #expect(node["n"]?[1]?.string == number)
        }
    }

    @Test("malformed numbers are rejected", arguments: [
        "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "-Infinity", "1.e5", "--1", "01", "-01", "[1.]",
    ])
    func malformedNumbers(text: String) {
        #expect(jsonError(text) != nil)
    }

    // MARK: Structure

    @Test("literals, kinds and counts")
    func literalsAndKinds() throws {
        try withJSON(#"[true,false,null,{},[],"",{"a":1,"b":2},[1,2,3]]"#) { root in
            #expect(root.kind == .array)
            #expect(root.count == 8)
            #expect(root.elements.map(\.kind) == [.true, .false, .null, .object, .array, .string, .object, .array])
            #expect(root[0]?.string == "true")
            #expect(root[1]?.cellText == "false")
            #expect(root[2]?.isNull == true)
            #expect(root[2]?.string == nil)
            #expect(root[2]?.cellText == "")
            #expect(root[3]?.string == nil)
            #expect(root[3]?.cellText == "{}")
            #expect(root[4]?.cellText == "[]")
            #expect(root[5]?.string == "")
            #expect(root[6]?.count == 2)
            #expect(root[7]?.count == 3)
            #expect(root[8] == nil)
            #expect(root[-1] == nil)
        }
    }

    @Test("object keys keep their document order")
    func keyOrderPreserved() throws {
        try withJSON(#"{"z":1,"a":2,"m":{"y":true,"b":null},"c":[3,{"q":"r","p":"s"}]}"#) { root in
            #expect(root.members.map { $0.key.string } == ["z", "a", "m", "c"])
            #expect(root["m"]?.members.map { $0.key.string } == ["y", "b"])
            var seen: [String] = []
            root.forEachMember { k, _ in seen.append(k.string ?? "?") }
            #expect(seen == ["z", "a", "m", "c"])
            #expect(root.compactJSON == #"{"z":1,"a":2,"m":{"y":true,"b":null},"c":[3,{"q":"r","p":"s"}]}"#)
        }
    }

    @Test("compactJSON drops whitespace and keeps string escapes as written")
    func compactJSON() throws {
        let text = " {\n\t\"a\\/b\" : [ 1 , \"x\\u00e9\\n\" ,\r\n { } , [ ] ] , \"c\" : null } \n"
        try withJSON(text) { root in
            #expect(root.compactJSON == #"{"a\/b":[1,"x\u00e9\n",{},[]],"c":null}"#)
        }
    }

    @Test("member lookup decodes escaped keys and returns the first of duplicates")
    func memberLookup() throws {
        try withJSON(#"{"a\u0062":1,"dup":"first","dup":"second","":"empty"}"#) { root in
            #expect(root["ab"]?.string == "1")
            #expect(root["dup"]?.string == "first")
            #expect(root[""]?.string == "empty")
            #expect(root["missing"] == nil)
            #expect(root[0] == nil)
        }
    }

    @Test("JSON pointers resolve keys, ~0 and ~1 escapes and array indexes", arguments: [
        ("", #"{"a/b":1,"m~n":2,"arr":[10,[20,21],{"k":"v"}],"":{"":3},"~1":4,"0":5}"#),
        ("/a~1b", "1"),
        ("/m~0n", "2"),
        ("/~01", "4"),
        ("/arr", #"[10,[20,21],{"k":"v"}]"#),
        ("/arr/0", "10"),
        ("/arr/1/1", "21"),
        ("/arr/2/k", #""v""#),
        ("/", #"{"":3}"#),
        ("//", "3"),
        ("/0", "5"),
    ])
    func pointerResolves(pointer: String, expected: String) throws {
        try withJSON(#"{"a/b":1,"m~n":2,"arr":[10,[20,21],{"k":"v"}],"":{"":3},"~1":4,"0":5}"#) { root in
            #expect(root.pointer(pointer)?.compactJSON == expected)
        }
    }

    @Test("JSON pointers to nothing give nil", arguments: ["a", "/missing", "/arr/3", "/arr/-1", "/arr/x", "/arr/0/x", "/a~1b/c"])
    func pointerMisses(pointer: String) throws {
        try withJSON(#"{"a/b":1,"m~n":2,"arr":[10,[20,21],{"k":"v"}]}"#) { root in
            #expect(root.pointer(pointer) == nil)
        }
    }

    // MARK: Limits and errors

    static func nested(_ depth: Int, object: Bool = false) -> String {
        object ? String(repeating: "{\"k\":", count: depth) + "1" + String(repeating: "}", count: depth)
            : String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    @Test("maxDepth 4 accepts 4 levels and rejects 5", arguments: [false, true])
    func depthLimit(object: Bool) throws {
        let limits = JSONLimits(maxDepth: 4)
        #expect(jsonError(Self.nested(4, object: object), limits: limits) == nil)
        let error = try #require(jsonError(Self.nested(5, object: object), limits: limits))
        #expect(error.message.contains("nesting deeper than 4"))
        #expect(error.offset == (object ? 4 * 5 : 4))
    }

    @Test("the default depth limit accepts 100 levels and rejects 129", arguments: [false, true])
    func defaultDepth(object: Bool) {
        #expect(jsonError(Self.nested(100, object: object)) == nil)
        #expect(jsonError(Self.nested(128, object: object)) == nil)
        #expect(jsonError(Self.nested(129, object: object)) != nil)
    }

    @Test("data after the value is rejected, whitespace is not", arguments: [
        (#"{"a":1} x"#, 8), ("[1]]", 3), ("1 2", 2), ("{}{}", 2), ("true false", 5), (#""a""b""#, 3), ("null,", 4),
    ])
    func trailingGarbage(text: String, offset: Int) throws {
        let error = try #require(jsonError(text))
        #expect(error.message == "unexpected data after the value")
        #expect(error.offset == offset)
    }

    @Test("surrounding JSON whitespace is accepted")
    func surroundingWhitespace() {
        #expect(jsonError(" \t\r\n{\"a\":[1, 2]} \t\r\n") == nil)
    }

    @Test("syntax errors point at the offending byte", arguments: [
        (#"{"a":1,}"#, 7, "expected a string key"),
        ("[1,2", 4, "end of input inside an array"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        (#"{"a":1"#, 6, "end of input inside an object"),
        (#""abc"#, 0, "unterminated string"),
        ("[1 2]", 3, "expected ',' or ']'"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}'"),
        ("tru", 0, "unexpected 't'"),
        ("[01]", 2, "expected ',' or ']'"),
        (#""\u12G4""#, 5, "invalid \\u escape"),
        ("  ", 2, "unexpected end of input"),
        ("{1:2}", 1, "expected a string key"),
        ("[1,]", 3, "unexpected ']'"),
        ("'a'", 0, "unexpected '''"),
    ])
    func syntaxErrorOffsets(text: String, offset: Int, fragment: String) throws {
        let error = try #require(jsonError(text))
        #expect(error.offset == offset)
        #expect(error.message.contains(fragment), "message: \(error.message)")
    }

    @Test("empty input is an error")
    func emptyInput() {
        #expect(jsonError([UInt8]()) != nil)
    }

    @Test("a syntax error becomes a located parse error with a 1-based byte column")
    func syntaxErrorAsPaddockError() throws {
        let error = try #require(jsonError(#"{"a":1,}"#)).paddockError(file: "x.ndjson", line: 12)
        #expect(error.kind == .parse)
        #expect(error.location == SourceLocation(file: "x.ndjson", line: 12))
        #expect(error.message.contains("(at byte 8)"))
        #expect(error.description.hasPrefix("x.ndjson:12: invalid JSON: "))
    }

    @Test("one parser can be reused for many documents")
    func parserReuse() throws {
        var parser = JSONParser()
        for text in [#"{"a":[1,2,3]}"#, "7", #"["x"]"#] {
            let bytes = Array(text.utf8)
            let compact = try bytes.withUnsafeBytes { b in try parser.parse(b).root.compactJSON }
            #expect(compact == text)
        }
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        JSONWriter.appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("strings are escaped as JSON needs", arguments: [
        ("plain", #""plain""#),
        ("", #""""#),
        ("a\"b", #""a\"b""#),
        ("a\\b", #""a\\b""#),
        ("a/b", #""a/b""#),
        ("\n\r\t\u{08}\u{0C}", #""\n\r\t\b\f""#),
        ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
        ("é–😀\u{7F}", "\"é–😀\u{7F}\""),
    ])
    func escaping(input: String, expected: String) {
        #expect(Self.quoted(input) == expected)
    }

    @Test("every string survives escaping and parsing")
    func escapeRoundTrip() throws {
        let all = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é–😀"
        let text = Self.quoted(all)
        try withJSON(text) { node in #expect(node.string == all) }
    }

    @Test("appendEscaped writes nothing for an empty buffer")
    func emptyEscape() {
        var out: [UInt8] = []
        JSONWriter.appendEscaped(UnsafeRawBufferPointer(start: nil, count: 0), to: &out)
        #expect(out.isEmpty)
    }
}
