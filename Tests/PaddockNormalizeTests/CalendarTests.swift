@testable import PaddockCore
@testable import PaddockNormalize
import Testing

/// Impossible dates and times are refused the same way by every date and datetime type and parser,
/// and by `--now`: all of them ask ``CivilCalendar`` whether a year, month and day make a real day.
@Suite("One calendar")
struct CalendarTests {
    /// Year, month, day and whether that day exists.
    static let days: [(Int, Int, Int, Bool)] = [
        (2025, 2, 29, false), (2024, 2, 29, true), (2000, 2, 29, true), (1900, 2, 29, false),
        (2025, 2, 31, false), (2025, 4, 31, false), (2025, 4, 30, true), (2025, 13, 1, false),
        (2025, 0, 10, false), (2025, 1, 0, false), (2025, 12, 31, true), (2025, 1, 32, false),
    ]

    @Test("CivilCalendar.isRealDay: month lengths and leap years", arguments: days)
    func realDay(_ c: (Int, Int, Int, Bool)) {
        #expect(CivilCalendar.isRealDay(c.0, c.1, c.2) == c.3)
    }

    /// ISO dates, and whether each is a real day.
    static let isoDates: [(String, Bool)] = [
        ("2025-02-29", false), ("2024-02-29", true), ("2025-02-31", false), ("2025-04-31", false),
        ("2025-13-01", false), ("2025-00-10", false), ("2025-01-10", true),
    ]
    /// ISO datetimes (UTC) that must be refused: impossible days, hour 24, minute 60.
    static let badDatetimes = [
        "2025-02-29T10:00:00Z", "2025-02-31T10:00:00Z", "2025-04-31T10:00:00Z", "2025-13-01T10:00:00Z",
        "2025-00-10T10:00:00Z", "2025-01-10T24:00:00Z", "2025-01-10T23:60:00Z",
        "2025-02-31T10:00Z", "2025-01-10T24:00Z", "2025-01-10T23:60Z",
    ]

    @Test("--now (Timestamp) and --from/--to days (DateWindow.day) refuse impossible dates and times")
    func now() {
        let now = Timestamp(seconds: 1_750_000_000)
        for (text, real) in Self.isoDates {
            #expect((Timestamp(parsing: text) != nil) == real, "\(text)")
            #expect((Timestamp(parsing: text + "T10:00:00Z") != nil) == real, "\(text)T10:00:00Z")
            #expect((DateWindow.day(text, now: now) != nil) == real, "\(text)")
        }
        for text in Self.badDatetimes { #expect(Timestamp(parsing: text) == nil, "\(text)") }
        #expect(Timestamp(parsing: "2024-02-29T10:00:00Z")?.iso8601 == "2024-02-29T10:00:00Z")
        #expect(Timestamp(parsing: "2025-01-10T23:59:59+01:00")?.iso8601 == "2025-01-10T22:59:59Z")
    }

    @Test("the time type takes 00:00 to 23:59:59, digits only; a leap second is refused as by parser: datetime and --now")
    func timeOfDay() {
        #expect(Parsers.time("23:59") == "23:59:00")
        #expect(Parsers.time("00:00:00") == "00:00:00")
        #expect(Parsers.time("23:59:59") == "23:59:59")
        for text in ["24:00", "23:60", "23:59:60", "+1:00", "-1:00", "12:+5", "12:00:+1", "1:00", "12:00:0"] {
            #expect(Parsers.time(text) == nil, "\(text)")
        }
        #expect(Timestamp(parsing: "2016-12-31T23:59:60Z") == nil)
        #expect(ValueParsers.datetime("2016-12-31T23:59:60Z") == nil)
    }

    @Test("parser: date (with formats) and parser: datetime refuse impossible dates and times")
    func valueParsers() {
        for (text, real) in Self.isoDates {
            #expect((ValueParsers.date(text, format: "%Y-%m-%d") != nil) == real, "\(text)")
            let parts = text.split(separator: "-")
            let dmy = "\(parts[2])/\(parts[1])/\(parts[0])"
            #expect((ValueParsers.date(dmy, format: "%d/%m/%Y") != nil) == real, "\(dmy)")
            #expect((ValueParsers.datetime(text + "T10:00:00Z") != nil) == real, "\(text)T10:00:00Z")
            #expect((ValueParsers.datetime(dmy + " 10:00", format: "%d/%m/%Y %H:%M", timeZone: "UTC") != nil) == real, "\(dmy) 10:00")
        }
        for text in Self.badDatetimes { #expect(ValueParsers.datetime(text) == nil, "\(text)") }
        #expect(ValueParsers.datetime("10/01/2025 24:00", format: "%d/%m/%Y %H:%M", timeZone: "UTC") == nil)
        #expect(ValueParsers.datetime("10/01/2025 23:60", format: "%d/%m/%Y %H:%M", timeZone: "UTC") == nil)
    }

    @Test("the date and datetime types, and parser: date and datetime in a table, quarantine impossible values")
    func mapping() throws {
        let table = try MappingTests.table("""
          - name: t
            source: feed
            fields:
              - {name: n, type: integer, from: n}
              - {name: d, type: date, from: d}
              - {name: dt, type: datetime, from: dt}
              - {name: pd, type: date, from: pd, parser: {name: date, format: ["%d/%m/%Y", "%Y-%m-%d"]}}
              - {name: pdt, type: datetime, from: pdt, parser: datetime}
        """)
        var lines: [String] = []
        var expectedOut: [String] = []
        var expectedQuarantine: [String] = []
        var n = 0
        func add(_ d: String, _ dt: String, _ pd: String, _ pdt: String, bad field: String?) {
            n += 1
            lines.append("{\"n\":\(n),\"d\":\"\(d)\",\"dt\":\"\(dt)\",\"pd\":\"\(pd)\",\"pdt\":\"\(pdt)\"}")
            if let field { expectedQuarantine.append("\(n) \(field)") } else { expectedOut.append("\(n)") }
        }
        let good = ("2024-02-29", "2024-02-29T10:00:00Z", "29/02/2024", "2024-02-29T10:00:00Z")
        add(good.0, good.1, good.2, good.3, bad: nil)
        for (text, real) in Self.isoDates where !real {
            let parts = text.split(separator: "-")
            add(text, good.1, good.2, good.3, bad: "d")
            add(good.0, text + "T10:00:00Z", good.2, good.3, bad: "dt")
            add(good.0, good.1, "\(parts[2])/\(parts[1])/\(parts[0])", good.3, bad: "pd")
            add(good.0, good.1, text, good.3, bad: "pd")
            add(good.0, good.1, good.2, text + "T10:00:00Z", bad: "pdt")
        }
        for text in Self.badDatetimes {
            add(good.0, text, good.2, good.3, bad: "dt")
            add(good.0, good.1, good.2, text, bad: "pdt")
        }
        let r = try MappingTests.run(table, ndjson: lines.joined(separator: "\n") + "\n")
        #expect(r.out == "{\"n\":1,\"d\":\"2024-02-29\",\"dt\":\"2024-02-29T10:00:00Z\",\"pd\":\"2024-02-29\",\"pdt\":\"2024-02-29T10:00:00Z\"}\n")
        let quarantined = r.quarantine.map { q in
            let line = (q["record"] as? [String: Any])?["n"].map { "\($0)" } ?? "\(q["line"] ?? "?")"
            return "\(line) \(q["field"] ?? "?")"
        }
        #expect(r.stats.written == 1)
        #expect(r.stats.quarantined == expectedQuarantine.count)
        #expect(r.quarantine.map { "\($0["field"] ?? "?")" } == expectedQuarantine.map { String($0.split(separator: " ")[1]) }, "\(quarantined)")
    }
}
