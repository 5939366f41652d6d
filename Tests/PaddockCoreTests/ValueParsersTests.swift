@testable import PaddockCore
import PaddockTestSupport
import Testing

// Golden, rejection and property tests for ValueParsers. Real-world strings come from Racing Post /
// rpscrape results (`sp`, `dist`, `wgt`, `time`, `btn`, `pos`, `prize`), football-data.co.uk
// (`Date`, `Time`, `FTHG-FTAG`) and openfootball JSON (`score.ft`, `status`).

// MARK: - Dates

@Suite("ValueParsers: dates and datetimes")
struct ValueParsersDateTests {
    static let datesCases: [(String, String, String?)] = [
        ("2024-08-16", "%Y-%m-%d", "2024-08-16"),
        ("  2024-08-16\t", "%Y-%m-%d", "2024-08-16"),
        ("2024-8-6", "%Y-%m-%d", "2024-08-06"),
        ("14/08/93", "%d/%m/%y", "1993-08-14"),          // football-data.co.uk 1993/94
        ("10/08/19", "%d/%m/%y", "2019-08-10"),
        ("14/08/1993", "%d/%m/%Y", "1993-08-14"),
        ("1/8/2020", "%d/%m/%Y", "2020-08-01"),
        ("16-08-2024", "%d-%m-%Y", "2024-08-16"),
        ("16.08.2024", "%d.%m.%Y", "2024-08-16"),
        ("20240816", "%Y%m%d", "2024-08-16"),
        ("08/16/2024", "%m/%d/%Y", "2024-08-16"),
        ("Sat Aug 14 1993", "%a %b %d %Y", "1993-08-14"),  // openfootball
        ("sat aug 14 1993", "%a %b %d %Y", "1993-08-14"),
        ("Saturday August 14 1993", "%a %b %d %Y", "1993-08-14"),
        ("Sat  Aug  4 1993", "%a %b %d %Y", nil),            // 4 Aug 1993 was a Wednesday
        ("Wed  Aug  4 1993", "%a %b %d %Y", "1993-08-04"),
        ("10 Nov 2018", "%d %b %Y", "2018-11-10"),
        ("10 NOV 2018", "%d %b %Y", "2018-11-10"),
        ("10 November 2018", "%d %B %Y", "2018-11-10"),
        ("10 Sept 2018", "%d %b %Y", "2018-09-10"),
        ("29/02/2024", "%d/%m/%Y", "2024-02-29"),
        ("29/02/2000", "%d/%m/%Y", "2000-02-29"),
        ("31/12/1999", "%d/%m/%Y", "1999-12-31"),
        ("1723834800", "%s", "2024-08-16"),
        // Rejections.
        ("Sun Aug 14 1993", "%a %b %d %Y", nil),             // wrong weekday
        ("Sax Aug 14 1993", "%a %b %d %Y", nil),
        ("10 Novem 2018", "%d %b %Y", nil),
        ("10 Nov 18", "%d %b %Y", nil),
        ("16/08/2024", "%m/%d/%Y", nil),
        ("29/02/2023", "%d/%m/%Y", nil),
        ("29/02/1900", "%d/%m/%Y", nil),
        ("31/04/2024", "%d/%m/%Y", nil),
        ("00/01/2024", "%d/%m/%Y", nil),
        ("32/01/2024", "%d/%m/%Y", nil),
        ("01/13/2024", "%d/%m/%Y", nil),
        ("24-08-16", "%Y-%m-%d", nil),
        ("2024-08-16x", "%Y-%m-%d", nil),
        ("2024-08-16", "%d/%m/%Y", nil),
        ("0000-01-01", "%Y-%m-%d", nil),
        ("", "%Y-%m-%d", nil),
        ("2024-08-16", "%Q", nil),
        ("2024-08-16", "%Y-%m-%", nil),
    ]

    @Test("dates in the source patterns become ISO dates", arguments: datesCases)
    func date(_ c: (String, String, String?)) {
        #expect(ValueParsers.date(c.0, format: c.1) == c.2)
    }

    @Test("two-digit years split at the pivot", arguments: [
        ("14/08/49", 50, "2049-08-14"), ("14/08/50", 50, "1950-08-14"), ("14/08/00", 50, "2000-08-14"),
        ("14/08/99", 50, "1999-08-14"), ("14/08/19", 20, "2019-08-14"), ("14/08/20", 20, "1920-08-14"),
        ("14/08/05", 0, "1905-08-14"), ("14/08/99", 100, "2099-08-14"),
    ])
    func pivot(_ c: (String, Int, String)) {
        #expect(ValueParsers.date(c.0, format: "%d/%m/%y", pivotYear: c.1) == c.2)
    }

    @Test("every listed format is valid and parses its own example")
    func formatsList() {
        let examples = ["2024-08-16", "16/08/2024", "16/08/24", "16-08-2024", "08/16/2024", "16.08.2024", "20240816",
                        "Fri Aug 16 2024", "16 Aug 2024", "16 August 2024"]
        #expect(ValueParsers.formatsList.count == examples.count)
        for (format, example) in zip(ValueParsers.formatsList, examples) {
            #expect(ValueParsers.isValidFormat(format))
            #expect(ValueParsers.date(example, format: format) == "2024-08-16", "\(format)")
        }
        for format in ValueParsers.datetimeFormatsList { #expect(ValueParsers.isValidFormat(format)) }
        #expect(!ValueParsers.isValidFormat("%Y-%m"))
        #expect(!ValueParsers.isValidFormat("%Y-%m-%d %Q"))
        #expect(!ValueParsers.isValidFormat("%Y-%m-%d %"))
    }

    static let datetimesCases: [(String, String?, String?, String?)] = [
        ("2024-08-16T20:00:00Z", nil, nil, "2024-08-16T20:00:00Z"),
        ("2024-08-16t20:00:00z", nil, nil, "2024-08-16T20:00:00Z"),
        ("2024-08-16T20:00:00+01:00", nil, nil, "2024-08-16T19:00:00Z"),
        ("2024-08-16T00:30:00+01:00", nil, nil, "2024-08-15T23:30:00Z"),
        ("2024-08-16T20:00:00-05:00", nil, nil, "2024-08-17T01:00:00Z"),
        ("2024-12-31T23:30:00-01:00", nil, nil, "2025-01-01T00:30:00Z"),
        ("2024-03-01T00:15:00+05:30", nil, nil, "2024-02-29T18:45:00Z"),
        ("2024-08-16T20:00:00.123Z", nil, nil, "2024-08-16T20:00:00Z"),
        ("2024-08-16T20:00+0100", nil, nil, "2024-08-16T19:00:00Z"),
        ("2024-08-16T20:00:00+01", nil, nil, "2024-08-16T19:00:00Z"),
        ("2024-08-16 20:00 UTC", nil, nil, "2024-08-16T20:00:00Z"),
        ("2024-08-16 20:00", nil, "+01:00", "2024-08-16T19:00:00Z"),
        ("2024-08-16 20:00", nil, "UTC", "2024-08-16T20:00:00Z"),
        ("2024-08-16 8:05", nil, "GMT", "2024-08-16T08:05:00Z"),
        ("2024-08-16", nil, "UTC", "2024-08-16T00:00:00Z"),
        ("2024-08-16T20:00:00Z", nil, "+05:00", "2024-08-16T20:00:00Z"),   // the text's offset wins
        ("1723834800", nil, nil, "2024-08-16T19:00:00Z"),
        ("@0", nil, nil, "1970-01-01T00:00:00Z"),
        ("-1", nil, nil, "1969-12-31T23:59:59Z"),
        ("2147483647", "epoch", nil, "2038-01-19T03:14:07Z"),
        ("16/08/2024 20:00", "%d/%m/%Y %H:%M", "+01:00", "2024-08-16T19:00:00Z"),  // football-data Date + Time
        ("16/08/24 20:00", "%d/%m/%y %H:%M", "UTC", "2024-08-16T20:00:00Z"),
        ("2024-08-16T20:00:00+02:00", "%Y-%m-%dT%H:%M:%S%z", nil, "2024-08-16T18:00:00Z"),
        // Rejections.
        ("2024-08-16 20:00", nil, nil, nil),                   // no zone
        ("2024-08-16 20:00", nil, "Europe/London", nil),       // named zones are out of scope
        ("2024-08-16T20:00:00Z", nil, "Mars/Olympus", nil),    // an unusable zone rejects every value
        ("2024-02-30T10:00:00Z", nil, nil, nil),
        ("2024-08-16T24:00:00Z", nil, nil, nil),
        ("2024-08-16T20:60:00Z", nil, nil, nil),
        ("2024-08-16T20:00:60Z", nil, nil, nil),
        ("2024-08-16T20:00:00+25:00", nil, nil, nil),
        ("2024-08-16T20:00:00 Europe/London", nil, nil, nil),
        ("2024-08-16T20:00:00Zx", nil, nil, nil),
        ("2024-08-16T20", nil, "UTC", nil),
        ("0001-01-01T00:30:00+01:00", nil, nil, nil),          // before year 1 in UTC
        ("2024-08-16", "epoch", nil, nil),
        ("", nil, "UTC", nil),
        ("99999999999999", nil, nil, nil),
    ]

    @Test("datetimes become UTC ISO 8601", arguments: datetimesCases)
    func datetime(_ c: (String, String?, String?, String?)) {
        #expect(ValueParsers.datetime(c.0, format: c.1, timeZone: c.2) == c.3)
    }

    @Test("fixed-offset zones", arguments: [
        ("UTC", 0), ("utc", 0), ("GMT", 0), ("Z", 0), ("Etc/UTC", 0), ("+01:00", 3600), ("-0530", -19800),
        ("+01", 3600), ("+1", 3600), ("UTC+1", 3600), ("GMT-03:00", -10800), ("+18:00", 64800),
    ] as [(String, Int?)] + [
        ("Europe/London", nil), ("Etc/GMT+1", nil), ("+19:00", nil), ("+01:60", nil), ("", nil), ("BST", nil), ("+", nil),
        ("01:00", nil),
    ])
    func zones(_ c: (String, Int?)) {
        #expect(ValueParsers.timeZoneOffset(c.0) == c.1)
    }

    /// A day-by-day walk over 1900-2099 (month lengths and weekdays counted independently)
    /// formatted as the sources do, parsed back.
    @Test("round trip: every 11th day of 1900-2099 in four formats")
    func dateRoundTrip() {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        var weekday = 0  // 1900-01-01 was a Monday
        var n = 0
        for y in 1900...2099 {
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
            for m in 1...12 {
                let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
                for d in 1...length {
                    defer { weekday = (weekday + 1) % 7; n += 1 }
                    guard n % 11 == 0 else { continue }
                    let iso = "\(y)-\(pad2(m))-\(pad2(d))"
                    #expect(ValueParsers.date("\(pad2(d))/\(pad2(m))/\(y)", format: "%d/%m/%Y") == iso)
                    if (1950...2049).contains(y) {
                        #expect(ValueParsers.date("\(pad2(d))/\(pad2(m))/\(pad2(y % 100))", format: "%d/%m/%y") == iso)
                    }
                    #expect(ValueParsers.date("\(weekdays[weekday]) \(months[m - 1]) \(d) \(y)", format: "%a %b %d %Y") == iso)
                    #expect(ValueParsers.date("\(weekdays[(weekday + 1) % 7]) \(months[m - 1]) \(d) \(y)", format: "%a %b %d %Y") == nil)
                    #expect(ValueParsers.datetime(iso, timeZone: "UTC").map { String($0.prefix(10)) } == iso)
                }
            }
        }
    }

    @Test("round trip: epoch seconds to ISO 8601 and back, through offsets")
    func datetimeRoundTrip() {
        var rng = ParserTestRNG(seed: 7)
        for _ in 0..<1000 {
            let epoch = rng.int(in: -2_208_988_800...4_102_444_800)  // 1900 to 2100
            guard let iso = ValueParsers.datetime(String(epoch)) else { Issue.record("\(epoch)"); continue }
            #expect(ValueParsers.datetime(iso) == iso)
            // The same instant written in local time at another offset.
            let offsetMinutes = rng.int(in: -12...14) * 60 + [0, 30, 45][rng.int(in: 0...2)]
            let local = ValueParsers.datetime(String(epoch + offsetMinutes * 60))!
            let sign = offsetMinutes < 0 ? "-" : "+"
            let offset = "\(sign)\(pad2(abs(offsetMinutes) / 60)):\(pad2(abs(offsetMinutes) % 60))"
            #expect(ValueParsers.datetime(local.dropLast() + offset) == iso)
            #expect(ValueParsers.datetime(local.dropLast().replacing("T", with: " "), timeZone: offset) == iso)
        }
    }
}

// MARK: - Racing

@Suite("ValueParsers: racing")
struct ValueParsersRacingTests {
    static let oddsCases: [(String, Double, FavouriteMarker?, String)] = [
        ("5/2", 3.5, nil, "3.5"),
        ("2/1F", 3.0, .favourite, "3"),
        ("11/10JF", 2.1, .jointFavourite, "2.1"),
        ("11/10J", 2.1, .jointFavourite, "2.1"),          // rpscrape sp
        ("7/2C", 4.5, .coFavourite, "4.5"),
        ("7/2CF", 4.5, .coFavourite, "4.5"),
        ("9/4f", 3.25, .favourite, "3.25"),
        ("5/2 F", 3.5, .favourite, "3.5"),
        ("5/2 Fav", 3.5, .favourite, "3.5"),
        ("Evs", 2.0, nil, "2"),
        ("evs", 2.0, nil, "2"),
        ("Evens", 2.0, nil, "2"),
        ("EvensF", 2.0, .favourite, "2"),
        ("EVS F", 2.0, .favourite, "2"),
        ("evensjf", 2.0, .jointFavourite, "2"),
        ("1/1", 2.0, nil, "2"),
        ("100/30", 130.0 / 30.0, nil, "4.3333"),
        ("4/6", 10.0 / 6.0, nil, "1.6667"),
        ("1/3", 4.0 / 3.0, nil, "1.3333"),
        ("1/8", 1.125, nil, "1.125"),
        ("13/8", 2.625, nil, "2.625"),
        ("1000/1", 1001.0, nil, "1001"),
        ("66/1", 67.0, nil, "67"),
        ("3.5", 3.5, nil, "3.5"),
        ("1.01", 1.01, nil, "1.01"),
        ("2.00", 2.0, nil, "2"),
        ("3", 3.0, nil, "3"),
        (" 4.2 ", 4.2, nil, "4.2"),
    ]

    @Test("prices become decimal odds", arguments: oddsCases)
    func odds(_ c: (String, Double, FavouriteMarker?, String)) {
        let o = ValueParsers.odds(c.0)
        #expect(o?.decimal == c.1)
        #expect(o?.favourite == c.2)
        #expect(o?.decimalText == c.3)
    }

    @Test("not prices", arguments: ["0/1", "5/0", "0/0", "1.0", "1", "0.5", ".5", "5.5/1", "5-2", "SP", "", "-", "F",
                                    "5/2X", "5//2", "/2", "5/", "5/2/1", "Evensy", "Ev", "-3.5", "No Odds", "5/2FF", "3.5.1",
                                    "9999999999/1"])
    func notOdds(_ s: String) {
        #expect(ValueParsers.odds(s) == nil)
    }

    static let distancesCases: [(String, Int)] = [
        ("5f", 1100), ("1m", 1760), ("2m", 3520), ("1m4f", 2640), ("1m2f110y", 2310), ("7f213y", 1753),
        ("2m4½f", 4510), ("6½f", 1430), ("1m 2f", 2200), ("1m 2f 110y", 2310), ("2m3f110yds", 4290),
        ("(2m3f110yds)", 4290), ("4m2½f", 7590), ("1m7½f", 3410), ("1¼m", 2200), ("1½m", 2640), ("1¾m", 3080),
        ("5F", 1100), ("1M2F", 2200), ("1 mile", 1760), ("6 furlongs", 1320), ("440y", 440), ("8f", 1760),
        ("2m 5f 34yds", 4654), ("½f", 110),
    ]

    @Test("race distances in yards", arguments: distancesCases)
    func distance(_ c: (String, Int)) {
        #expect(ValueParsers.distance(c.0)?.yards == c.1)
    }

    @Test("distance units convert exactly")
    func distanceUnits() throws {
        let mile = try #require(ValueParsers.distance("1m"))
        #expect(mile.metres == 1609.344)
        #expect(mile.furlongs == 8)
        let d = try #require(ValueParsers.distance("2m4½f"))
        #expect(d.furlongs == 20.5)
        #expect(d.metres == 4123.944)
        #expect(ValueParsers.distance("5f")?.metres == 1005.84)
        #expect(d.text == "2m4f110y")
        #expect(Distance(yards: 1100).text == "5f")
        #expect(Distance(yards: 0).text == "0y")
    }

    @Test("not distances", arguments: ["", "0f", "f", "m", "1x", "2f1m", "1m1m", "1m8f", "1m220y", "5¼f", "1m2f110",
                                       "1600m", "1.5m", "-1m", "1m-2f", "½y", "()", "1m2f 110", "1 m 2"])
    func notDistance(_ s: String) {
        #expect(ValueParsers.distance(s) == nil)
    }

    @Test("weights in pounds", arguments: [
        ("9-7", 133), ("10-0", 140), ("133", 133), ("8-13", 125), ("11-10", 164), ("9–7", 133), ("9 - 7", 133),
        ("9-07", 133), ("9st 7lb", 133), ("9st7lbs", 133), ("10st", 140), ("10 st 0 lb", 140), ("133lb", 133),
        ("133 lbs", 133),
    ])
    func weight(_ c: (String, Int)) {
        #expect(ValueParsers.weight(c.0) == c.1)
    }

    @Test("not weights", arguments: ["9-14", "9-", "-7", "0-7", "9-7-1", "9.5", "", "abc", "0", "9-7 ow3", "1000",
                                     "9st 14lb", "9st lb", "100-7", "9-123", "9 7"])
    func notWeight(_ s: String) {
        #expect(ValueParsers.weight(s) == nil)
    }

    @Test("finishing times in seconds", arguments: [
        ("1:12.45", 72.45), ("1:0.22", 60.22), ("72.45", 72.45), ("4:05.30", 245.3), ("1m 12.45s", 72.45),
        ("1m12.45s", 72.45), ("4m 5.30s", 245.3), ("59.8s", 59.8), ("2:3.1", 123.1), ("10:01.2", 601.2),
        ("1min 12.45sec", 72.45), ("72", 72), ("3:59.99", 239.99), ("0:58.1", 58.1),
    ])
    func raceTime(_ c: (String, Double)) {
        #expect(ValueParsers.raceTime(c.0) == c.1)
    }

    @Test("not times", arguments: ["-1:12.45", "-72.45", "1:60.00", "1:75", "0.00s", "0:00.00", "", "-", "1:", ":12.45",
                                   "1:12.45.6", "abc", "1m", "1.5:12", "1:012.4", "1:12.45x", "1m 60s", "1:-5"])
    func notRaceTime(_ s: String) {
        #expect(ValueParsers.raceTime(s) == nil)
    }

    @Test("beaten distances in lengths", arguments: [
        ("nk", 0.3), ("hd", 0.2), ("shd", 0.1), ("nse", 0.05), ("dht", 0), ("dist", 30), ("snk", 0.25),
        ("sht-hd", 0.1), ("s.h", 0.1), ("nose", 0.05), ("head", 0.2), ("neck", 0.3), ("distance", 30),
        ("Short Head", 0.1), ("HD", 0.2), ("1½", 1.5), ("¾", 0.75), ("¼", 0.25), ("½", 0.5), ("2¼", 2.25),
        (".5", 0.5), ("1.5", 1.5), ("3", 3), ("1 1/2", 1.5), ("1/2", 0.5), ("3/4", 0.75), ("0", 0), ("12", 12),
        ("[1½]", 1.5), ("1½L", 1.5), ("2 lengths", 2), ("30", 30), (" 7 ", 7), ("2 3/4", 2.75),
    ])
    func beatenDistance(_ c: (String, Double)) {
        #expect(ValueParsers.beatenDistance(c.0) == c.1)
    }

    @Test("not beaten distances", arguments: ["", "-", "x", "1 1/x", "-1", "1½½", "½1", "1/0", "nkk", "1.5.2", "[]",
                                              "1 3/2", "1..5", "2 lengthy"])
    func notBeatenDistance(_ s: String) {
        #expect(ValueParsers.beatenDistance(s) == nil)
    }

    static let positionsCases: [(String, Int?, PositionStatus, Bool)] = [
        ("1", 1, .finished, false), ("12", 12, .finished, false), ("1=", 1, .finished, true),
        ("=1", 1, .finished, true), ("DH1", 1, .finished, true), ("dh 3", 3, .finished, true),
        ("2DH", 2, .finished, true), ("2 dh", 2, .finished, true), ("1st", 1, .finished, false),
        ("2nd", 2, .finished, false), ("3rd", 3, .finished, false), ("4th", 4, .finished, false),
        ("11th", 11, .finished, false), ("21st", 21, .finished, false), ("112th", 112, .finished, false),
        ("3rd=", 3, .finished, true),
        ("PU", nil, .pulledUp, false), ("pu", nil, .pulledUp, false), ("P.U.", nil, .pulledUp, false),
        ("Pulled Up", nil, .pulledUp, false), ("F", nil, .fell, false), ("UR", nil, .unseatedRider, false),
        ("BD", nil, .broughtDown, false), ("RO", nil, .ranOut, false), ("SU", nil, .slippedUp, false),
        ("DSQ", nil, .disqualified, false), ("REF", nil, .refused, false), ("RR", nil, .refusedToRace, false),
        ("VOID", nil, .void, false), ("VOI", nil, .void, false), ("CO", nil, .carriedOut, false),
        ("LFT", nil, .leftAtStart, false), ("NR", nil, .nonRunner, false),
    ]

    @Test("finishing positions", arguments: positionsCases)
    func position(_ c: (String, Int?, PositionStatus, Bool)) {
        #expect(ValueParsers.position(c.0) == Position(place: c.1, status: c.2, deadHeat: c.3))
    }

    @Test("not positions", arguments: ["", "0", "PPD", "1st=2", "=1=", "DH", "1th", "2st", "-", "1x", "1234", "=PU",
                                       "DH1=", "1 2", "DHPU", "=", "1.5"])
    func notPosition(_ s: String) {
        #expect(ValueParsers.position(s) == nil)
    }

    @Test("position text")
    func positionText() {
        #expect(ValueParsers.position("DH1")?.text == "1=")
        #expect(ValueParsers.position("3rd")?.text == "3")
        #expect(ValueParsers.position("p.u.")?.text == "PU")
        for status in PositionStatus.allCases where status != .finished {
            #expect(ValueParsers.position(status.code!)?.status == status)
        }
    }
}

// MARK: - Football and money

@Suite("ValueParsers: football and money")
struct ValueParsersFootballMoneyTests {
    @Test("scores", arguments: [
        ("2-1", 2, 1), ("2–1", 2, 1), ("2—1", 2, 1), ("2:1", 2, 1), (" 2 - 1 ", 2, 1), ("0-0", 0, 0), ("10-0", 10, 0),
        ("149-0", 149, 0),  // AS Adema v SO l'Emyrne, 2002
    ])
    func score(_ c: (String, Int, Int)) {
        #expect(ValueParsers.score(c.0) == Score(home: c.1, away: c.2))
    }

    @Test("not scores", arguments: ["?", "", "-", "2-", "-1", "2-1-0", "P-P", "2 1", "a-b", "2-1 aet", "v", "2.5-1",
                                    "1000-0", "2--1"])
    func notScore(_ s: String) {
        #expect(ValueParsers.score(s) == nil)
    }

    @Test("match statuses", arguments: [
        ("played", MatchStatus.finished), ("Finished", .finished), ("FT", .finished), ("Cancelled", .cancelled),
        ("canceled", .cancelled), ("AWARDED", .awarded), ("postponed", .postponed), ("P-P", .postponed),
        ("abandoned", .abandoned), ("A-A", .abandoned), ("Scheduled", .scheduled), (" Not Started ", .scheduled),
    ])
    func matchStatus(_ c: (String, MatchStatus)) {
        #expect(ValueParsers.matchStatus(c.0) == c.1)
    }

    @Test("not match statuses", arguments: ["", "live", "played?", "cancel", "-"])
    func notMatchStatus(_ s: String) {
        #expect(ValueParsers.matchStatus(s) == nil)
    }

    @Test("openfootball score objects")
    func openfootball() throws {
        let plain = try #require(ValueParsers.openfootballScore(ft: [2, 1], ht: [1, 0]))
        #expect(plain.final == Score(home: 2, away: 1))
        #expect(plain.halfTime == Score(home: 1, away: 0))
        #expect(plain.decidedBy == .regularTime)
        let aet = try #require(ValueParsers.openfootballScore(ft: [1, 1], ht: [0, 1], et: [2, 1]))
        #expect(aet.final == Score(home: 2, away: 1))
        #expect(aet.decidedBy == .extraTime)
        let pens = try #require(ValueParsers.openfootballScore(ft: [1, 1], et: [1, 1], p: [4, 3]))
        #expect(pens.final == Score(home: 1, away: 1))
        #expect(pens.decidedBy == .penalties)
        #expect(ValueParsers.openfootballScore(ft: nil) == nil)
        #expect(ValueParsers.openfootballScore(ft: [1]) == nil)
        #expect(ValueParsers.openfootballScore(ft: [1, 0], ht: [2, 0]) == nil)
        #expect(ValueParsers.openfootballScore(ft: [1, 1], et: [1, 0]) == nil)
        #expect(ValueParsers.openfootballScore(ft: [1, 1], p: [3, 3]) == nil)
        #expect(ValueParsers.openfootballScore(ft: [-1, 0]) == nil)
    }

    @Test("money", arguments: [
        ("£3,105.75", 3105.75, "GBP", "3105.75"), ("€7,080.00", 7080, "EUR", "7080.00"), ("3105.75", 3105.75, nil, "3105.75"),
        ("£1,234", 1234, "GBP", "1234.00"), ("GBP 3,105.75", 3105.75, "GBP", "3105.75"), ("$1,000,000", 1_000_000, "USD", "1000000.00"),
        ("£0", 0, "GBP", "0.00"), ("£12.5", 12.5, "GBP", "12.50"), ("eur 10", 10, "EUR", "10.00"),
        ("3,105.75 GBP", 3105.75, "GBP", "3105.75"), ("7080 €", 7080, "EUR", "7080.00"), ("£ 3,105.75", 3105.75, "GBP", "3105.75"),
        ("GBP3105.75", 3105.75, "GBP", "3105.75"), ("£.5", 0.5, "GBP", "0.50"), ("£123,456,789.01", 123_456_789.01, "GBP", "123456789.01"),
        ("\u{A0}£51,039\u{A0}", 51039, "GBP", "51039.00"),
    ] as [(String, Double, String?, String)])
    func money(_ c: (String, Double, String?, String)) {
        let m = ValueParsers.money(c.0)
        #expect(m == Money(amount: c.1, currency: c.2))
        #expect(m?.amountText == c.3)
    }

    @Test("not money", arguments: ["£3,10.5", "1,2345", "£", "", "7.080,00", "-£5", "£-5", "£1,234,", "££5", "GBP 5 USD",
                                   "£1.2.3", "12,34", ",123", "1234,567", "£5p", "GB 5", "£1,,234", "1234567890123456"])
    func notMoney(_ s: String) {
        #expect(ValueParsers.money(s) == nil)
    }
}

// MARK: - Properties

@Suite("ValueParsers: properties")
struct ValueParsersPropertyTests {
    @Test("round trip: fractional and decimal odds as bookmakers write them")
    func oddsRoundTrip() throws {
        var rng = ParserTestRNG(seed: 1)
        let markers: [(String, FavouriteMarker?)] = [("", nil), ("F", .favourite), ("JF", .jointFavourite), ("CF", .coFavourite),
                                                     (" F", .favourite), ("J", .jointFavourite), ("C", .coFavourite), ("f", .favourite)]
        for _ in 0..<2000 {
            let n = rng.int(in: 1...1000), d = rng.int(in: 1...100)
            let (suffix, marker) = markers[rng.int(in: 0...(markers.count - 1))]
            let o = try #require(ValueParsers.odds("\(n)/\(d)\(suffix)"))
            #expect(o.decimal == Double(n + d) / Double(d))
            #expect(o.favourite == marker)
            #expect(abs(Double(o.decimalText)! - o.decimal) <= 0.0000501)
            // Exchange prices: two decimals.
            let cents = rng.int(in: 101...100_000)
            let text = "\(cents / 100).\(pad2(cents % 100))"
            let e = try #require(ValueParsers.odds(text))
            #expect(e.decimal == Double(text)!)
            #expect(Double(e.decimalText)! == e.decimal)
        }
    }

    @Test("round trip: distances as Racing Post writes them")
    func distanceRoundTrip() throws {
        var rng = ParserTestRNG(seed: 2)
        for _ in 0..<2000 {
            let m = rng.int(in: 0...4), f = rng.int(in: 0...7)
            var y = rng.int(in: 0...219)
            if rng.int(in: 0...3) == 0 { y = 110 }
            guard m + f + y > 0 else { continue }
            let total = m * 1760 + f * 220 + y
            var text = m > 0 ? "\(m)m" : ""
            let space = rng.int(in: 0...1) == 0 ? "" : " "
            if y == 110 && rng.int(in: 0...1) == 0 {
                text += "\(space)\(f)½f"
            } else {
                if f > 0 { text += "\(text.isEmpty ? "" : space)\(f)f" }
                if y > 0 { text += "\(text.isEmpty ? "" : space)\(y)\(rng.int(in: 0...1) == 0 ? "y" : "yds")" }
            }
            let d = try #require(ValueParsers.distance(text), "\(text)")
            #expect(d.yards == total, "\(text)")
            #expect(ValueParsers.distance(d.text)?.yards == total)
        }
    }

    @Test("round trip: weights as stones-pounds and pounds")
    func weightRoundTrip() {
        var rng = ParserTestRNG(seed: 3)
        for _ in 0..<2000 {
            let st = rng.int(in: 1...15), lb = rng.int(in: 0...13)
            #expect(ValueParsers.weight("\(st)-\(lb)") == st * 14 + lb)
            #expect(ValueParsers.weight("\(st)st \(lb)lb") == st * 14 + lb)
            #expect(ValueParsers.weight(String(st * 14 + lb)) == st * 14 + lb)
        }
    }

    @Test("round trip: finishing times as rpscrape and Racing Post write them")
    func raceTimeRoundTrip() {
        var rng = ParserTestRNG(seed: 4)
        for _ in 0..<2000 {
            let minutes = rng.int(in: 0...9), hundredths = rng.int(in: 0...5999)
            guard minutes + hundredths > 0 else { continue }
            let seconds = "\(hundredths / 100).\(pad2(hundredths % 100))"
            let expected = Double("\(minutes * 60 + hundredths / 100).\(pad2(hundredths % 100))")!
            #expect(ValueParsers.raceTime("\(minutes):\(seconds)") == expected)             // rpscrape `time`
            #expect(ValueParsers.raceTime("\(minutes)m \(seconds)s") == expected)           // Racing Post
            #expect(ValueParsers.raceTime(String(expected)) == expected)                    // rpscrape `secs`
            #expect(ValueParsers.raceTime("\(minutes):\(pad2(hundredths / 100)).\(pad2(hundredths % 100))") == expected)
        }
    }

    /// Random text: raw bytes decoded as UTF-8 with replacement, or mixes of the characters the
    /// parsers look for.
    fileprivate static func randomText(_ rng: inout ParserTestRNG) -> String {
        let length = rng.int(in: 0...14)
        if rng.int(in: 0...2) == 0 {
            return String(decoding: (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, as: UTF8.self)
        }
        let alphabet: [String] = ["0", "1", "2", "5", "9", "/", "-", ":", ".", ",", "½", "¼", "¾", " ", "\u{A0}", "m", "f",
                                  "y", "s", "F", "J", "C", "E", "v", "n", "k", "h", "d", "£", "€", "$", "=", "D", "H", "T",
                                  "Z", "+", "–", "@", "%", "(", ")", "[", "\u{0}", "é", "😀"]
        var s = ""
        for _ in 0..<length { s += alphabet[rng.int(in: 0...(alphabet.count - 1))] }
        return s
    }

    @Test("never crash: thousands of random strings through every parser")
    func neverCrash() {
        var rng = ParserTestRNG(seed: 5)
        let formats = ValueParsers.formatsList + ["%H:%M %z", "%s", "%Q", "%", "%%", " %Y "]
        var parsed = 0
        for k in 0..<3000 {
            let s = Self.randomText(&rng)
            let sub = ("<" + s + ">").dropFirst().dropLast()  // the Substring path
            var results: [Bool] = [
                ValueParsers.date(s, format: formats[k % formats.count]) != nil,
                ValueParsers.date(sub, format: "%d/%m/%y", pivotYear: k % 101) != nil,
                ValueParsers.datetime(s) != nil,
                ValueParsers.datetime(sub, format: formats[k % formats.count], timeZone: "+01:00") != nil,
                ValueParsers.datetime(s, timeZone: "UTC") != nil,
                ValueParsers.timeZoneOffset(s) != nil,
                ValueParsers.odds(s) != nil, ValueParsers.odds(sub) != nil,
                ValueParsers.distance(s) != nil, ValueParsers.distance(sub) != nil,
                ValueParsers.weight(s) != nil, ValueParsers.weight(sub) != nil,
                ValueParsers.raceTime(s) != nil, ValueParsers.raceTime(sub) != nil,
                ValueParsers.beatenDistance(s) != nil, ValueParsers.beatenDistance(sub) != nil,
                ValueParsers.position(s) != nil, ValueParsers.position(sub) != nil,
                ValueParsers.score(s) != nil, ValueParsers.matchStatus(s) != nil,
                ValueParsers.money(s) != nil, ValueParsers.money(sub) != nil,
            ]
            results.append(ValueParsers.isValidFormat(s))
            // A String and the equal Substring parse alike.
            #expect(ValueParsers.odds(s) == ValueParsers.odds(sub))
            #expect(ValueParsers.money(s) == ValueParsers.money(sub))
            parsed += results.filter { $0 }.count
        }
        #expect(parsed > 0)  // some random mixes are valid values
    }
}

// MARK: - Helpers


/// `n` with at least two digits.
fileprivate func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
