// Dates and datetimes: strftime-like patterns, ISO 8601, epoch seconds and fixed UTC offsets.

extension ValueParsers {
    /// The date patterns known from the data sources, for help texts and error messages.
    ///
    /// ``date(_:format:pivotYear:)`` accepts any pattern made of the directives below and
    /// literal text; these are the ones the sources use:
    /// - `%Y-%m-%d` ISO (`2024-08-16`), `%d/%m/%Y` and `%d/%m/%y` (football-data.co.uk,
    ///   `14/08/1993`, `14/08/93`), `%d-%m-%Y`, `%m/%d/%Y` (US), `%d.%m.%Y`, `%Y%m%d`,
    /// - `%a %b %d %Y` (`Sat Aug 14 1993`), `%d %b %Y` (`10 Nov 2018`), `%d %B %Y`
    ///   (`10 November 2018`).
    ///
    /// Directives: `%Y` four-digit year; `%y` two-digit year (see `pivotYear`); `%m` month,
    /// one or two digits; `%d` (or `%e`) day, one or two digits; `%b`/`%B`/`%h` English month
    /// name, three letters, `Sept` or in full; `%a`/`%A` English weekday name, three letters or in
    /// full; `%%` a percent sign. Datetime patterns add `%H` hour (one or two digits), `%M` minute,
    /// `%S` second (two digits each; a fraction after `%S` is accepted and dropped), `%z` an offset
    /// (`Z`, `+01:00`, `+0100`, `+01`) and `%s` epoch seconds. A blank in a pattern matches one or
    /// more blanks; any other character matches itself, ignoring case.
    public static let formatsList: [String] = [
        "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d",
        "%a %b %d %Y", "%d %b %Y", "%d %B %Y",
    ]

    /// The datetime patterns ``datetime(_:format:timeZone:)`` knows by name or uses most, for help
    /// texts and error messages: `iso8601` (also what a nil format means, together with epoch
    /// seconds), `epoch`, and strftime-like patterns as in ``formatsList``.
    public static let datetimeFormatsList: [String] = [
        "iso8601", "epoch", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%z", "%d/%m/%Y %H:%M", "%d/%m/%y %H:%M",
    ]

    /// Parses a calendar date written in `format` and returns it as ISO `YYYY-MM-DD`.
    ///
    /// The date is checked against the Gregorian calendar (`2023-02-29` is rejected, `2024-02-29`
    /// is not). Two-digit years (`%y`) below `pivotYear` are in the 2000s, the others in the
    /// 1900s: with the default pivot 50, `19` is 2019 and `93` is 1993. A weekday name (`%a`) must
    /// be a real English weekday name *and* the weekday of the date: `Sat Aug 14 1993` parses,
    /// `Sun Aug 14 1993` does not, since a mismatch means a corrupt value. Time directives in the
    /// pattern are parsed and ignored (the local date is returned); a pattern with `%s` returns the
    /// UTC date of the epoch seconds. Years must be 0001 to 9999.
    ///
    /// - Parameters:
    ///   - s: The text, e.g. `14/08/93`.
    ///   - format: A strftime-like pattern, e.g. `%d/%m/%y`; see ``formatsList``.
    ///   - pivotYear: The two-digit year pivot, 0 to 100.
    /// - Returns: `YYYY-MM-DD`, or nil when the text does not match the pattern, the date does not
    ///   exist, or the pattern is invalid.
    public static func date(_ s: some StringProtocol, format: String, pivotYear: Int = 50) -> String? {
        withBytes(s) { date(bytes: $0, format: format, pivotYear: pivotYear) }
    }

    /// ``date(_:format:pivotYear:)`` over the UTF-8 bytes of a value.
    static func date(bytes b: UnsafeBufferPointer<UInt8>, format: String, pivotYear: Int) -> String? {
        let fields: DateFields? = withBytes(format) { f in
            var sc = Scanner(b)
            return scanPattern(&sc, pattern: f, pivotYear: pivotYear)
        }
        guard let fields else { return nil }
        if let epoch = fields.epoch {
            guard case let (y, m, d)? = CivilCalendar.date(epochSeconds: epoch) else { return nil }
            return isoDateText(y, m, d)
        }
        guard case let (y, m, d, _)? = fields.validDate() else { return nil }
        return isoDateText(y, m, d)
    }

    /// Parses a date and time and returns it in UTC as ISO 8601 `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// With `format` nil or `iso8601`, accepts:
    /// - ISO 8601 `YYYY-MM-DDTHH:MM[:SS[.fff]]` (`T`, `t` or blanks between date and time) with a
    ///   `Z`, `±HH:MM`, `±HHMM` or `±HH` offset, or a zone name that ``timeZoneOffset(_:)`` knows
    ///   (`2024-08-16 20:00 UTC`);
    /// - the same without an offset (`2024-08-16 20:00`), or a date alone (midnight), read in
    ///   `timeZone`;
    /// - epoch seconds, digits only with an optional `@` or `-` (`1723838400`).
    ///
    /// With `format` `epoch`, only epoch seconds; with any other `format`, a strftime-like pattern
    /// (see ``formatsList``; e.g. `%d/%m/%Y %H:%M` for football-data.co.uk `Date` + `Time`).
    ///
    /// An offset written in the text wins over `timeZone`; a time with neither is rejected rather
    /// than assumed to be UTC. `timeZone` must be a fixed offset or UTC (see
    /// ``timeZoneOffset(_:)``): named zones with daylight saving time such as `Europe/London` need a
    /// time zone database and are out of scope, so they make every value nil (validate the
    /// configuration with ``timeZoneOffset(_:)`` up front). Fractions of a second are dropped;
    /// leap seconds (`:60`) are rejected.
    ///
    /// - Parameters:
    ///   - s: The text, e.g. `2024-08-16T20:00:00+01:00`.
    ///   - format: nil or `iso8601`, `epoch`, or a strftime-like pattern.
    ///   - timeZone: The zone of times written without an offset: `UTC`, `+01:00`, ….
    /// - Returns: `YYYY-MM-DDTHH:MM:SSZ`, or nil.
    public static func datetime(_ s: some StringProtocol, format: String? = nil, timeZone: String? = nil) -> String? {
        var zoneOffset: Int?
        if let timeZone {
            guard let o = timeZoneOffset(timeZone) else { return nil }
            zoneOffset = o
        }
        return withBytes(s) { datetime(bytes: $0, format: format, zoneOffset: zoneOffset, pivotYear: 50) }
    }

    /// ``datetime(_:format:timeZone:)`` over the UTF-8 bytes of a value, with the zone as an offset in
    /// seconds east of UTC and the pivot of two-digit years (`%y`).
    static func datetime(bytes b: UnsafeBufferPointer<UInt8>, format: String?, zoneOffset: Int?, pivotYear: Int) -> String? {
        var sc = Scanner(b)
        guard !sc.isAtEnd else { return nil }
        let fields: DateFields?
        switch format {
        case nil, "iso8601"?: fields = scanISO8601(&sc)
        case "epoch"?: fields = scanEpoch(&sc)
        case let pattern?: fields = withBytes(pattern) { f in scanPattern(&sc, pattern: f, pivotYear: pivotYear) }
        }
        guard let fields else { return nil }
        let seconds: Int
        if let epoch = fields.epoch {
            seconds = epoch
        } else {
            guard case let (y, m, d, _)? = fields.validDate(), let offset = fields.offset ?? zoneOffset else { return nil }
            seconds = CivilCalendar.days(y, m, d) * 86400 + fields.hour * 3600 + fields.minute * 60 + fields.second - offset
        }
        return isoDateTimeText(epochSeconds: seconds)
    }

    /// The offset from UTC, in seconds east, of a fixed-offset zone: `UTC`, `GMT`, `UT`, `Z`,
    /// `Etc/UTC`, `Etc/GMT`; `+01:00`, `-0500`, `+01`, `+1`; `UTC+01:00`, `GMT-3`. Offsets are at
    /// most 18 hours.
    ///
    /// Named zones (`Europe/London`) return nil: their offset depends on the date and needs a time
    /// zone database, which this package does not read. `Etc/GMT+1` style names (whose sign is
    /// inverted) return nil too, to avoid that trap.
    public static func timeZoneOffset(_ s: some StringProtocol) -> Int? {
        withBytes(s) { b in
            var sc = Scanner(b)
            guard let o = scanOffset(&sc, allowNames: true), sc.isAtEnd else { return nil }
            return o
        }
    }

    /// Whether `format` is a usable ``date(_:format:pivotYear:)`` or
    /// ``datetime(_:format:timeZone:)`` pattern: only known directives, and a full date (`%Y` or
    /// `%y`, `%m` or `%b`, and `%d`) or `%s`. `iso8601` and `epoch` are valid datetime formats.
    public static func isValidFormat(_ format: String) -> Bool {
        if format == "iso8601" || format == "epoch" { return true }
        var year = false, month = false, day = false, epoch = false
        var it = format.utf8.makeIterator()
        while let c = it.next() {
            guard c == UInt8(ascii: "%") else { continue }
            switch it.next() {
            case UInt8(ascii: "Y"), UInt8(ascii: "y"): year = true
            case UInt8(ascii: "m"), UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"): month = true
            case UInt8(ascii: "d"), UInt8(ascii: "e"): day = true
            case UInt8(ascii: "s"): epoch = true
            case UInt8(ascii: "a"), UInt8(ascii: "A"), UInt8(ascii: "H"), UInt8(ascii: "M"), UInt8(ascii: "S"),
                 UInt8(ascii: "z"), UInt8(ascii: "%"): break
            default: return false
            }
        }
        return epoch || (year && month && day)
    }
}

// MARK: - Field parsers

extension ValueParsers {
    /// `parser: date` (see `FieldParsers`).
    static let dateEntry = ParserEntry(
        name: "date", summary: "a calendar date written in format (default %Y-%m-%d; a list: the first that fits) -> YYYY-MM-DD",
        options: [.format, .pivotYear], compile: compileDate)

    /// `parser: datetime`.
    static let datetimeEntry = ParserEntry(
        name: "datetime", summary: "ISO 8601, epoch seconds or format, with an offset or in timeZone -> UTC YYYY-MM-DDTHH:MM:SSZ",
        options: [.format, .timeZone, .pivotYear], compile: compileDatetime)

    static func compileDate(_ p: ParserConfig, _: Int) throws(ParserError) -> CompiledParser {
        .date(formats: try patterns(p, datetime: false), pivotYear: p.pivotYear ?? 50)
    }

    static func compileDatetime(_ p: ParserConfig, _: Int) throws(ParserError) -> CompiledParser {
        var zone: Int?
        if let tz = p.timeZone {
            guard let o = timeZoneOffset(tz) else { throw ParserError("'\(tz)' is not UTC, GMT or a fixed offset like +01:00", option: .timeZone) }
            zone = o
        }
        return .datetime(formats: try patterns(p, datetime: true), zoneOffset: zone, pivotYear: p.pivotYear ?? 50)
    }

    /// The parser's formats, each checked (`iso8601` and `epoch` only for a datetime).
    static func patterns(_ p: ParserConfig, datetime: Bool) throws(ParserError) -> [String] {
        for f in p.formats where !isValidFormat(f) || (!datetime && (f == "iso8601" || f == "epoch")) {
            throw ParserError("invalid date format '\(f)'", option: .format,
                              detail: datetime ? "" : "; a date pattern such as %d/%m/%Y (iso8601 and epoch are datetime formats)")
        }
        return p.formats
    }

    /// A date in the first of `formats` that fits (ISO `%Y-%m-%d` when there is none).
    static func runDate<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, formats: [String], pivotYear: Int, _ out: inout W) -> Bool {
        guard let d = firstDate(b, formats: formats, pivotYear: pivotYear) else { return false }
        out.appendString(d)
        return true
    }

    static func firstDate(_ b: UnsafeBufferPointer<UInt8>, formats: [String], pivotYear: Int) -> String? {
        if formats.isEmpty { return date(bytes: b, format: "%Y-%m-%d", pivotYear: pivotYear) }
        for f in formats {
            if let d = date(bytes: b, format: f, pivotYear: pivotYear) { return d }
        }
        return nil
    }

    /// A datetime in the first of `formats` that fits (ISO 8601 or epoch seconds when there is none).
    static func runDatetime<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, formats: [String], zoneOffset: Int?, pivotYear: Int,
                                              _ out: inout W) -> Bool {
        if formats.isEmpty {
            guard let v = datetime(bytes: b, format: nil, zoneOffset: zoneOffset, pivotYear: pivotYear) else { return false }
            out.appendString(v)
            return true
        }
        for f in formats {
            if let v = datetime(bytes: b, format: f, zoneOffset: zoneOffset, pivotYear: pivotYear) {
                out.appendString(v)
                return true
            }
        }
        return false
    }
}

// MARK: - Scanning

extension ValueParsers {
    /// The fields read from a date or datetime.
    struct DateFields {
        var year: Int?
        var month: Int?
        var day: Int?
        /// 0 = Sunday.
        var weekday: Int?
        var hour = 0
        var minute = 0
        var second = 0
        /// Seconds east of UTC, when the text gave one.
        var offset: Int?
        var epoch: Int?

        /// The date, when complete, real, in years 1 to 9999, and on the weekday given (if any);
        /// with its day number since 1970-01-01.
        func validDate() -> (Int, Int, Int, Int)? {
            guard let y = year, let m = month, let d = day, (1...9999).contains(y), CivilCalendar.isRealDay(y, m, d) else { return nil }
            let days = CivilCalendar.days(y, m, d)
            if let weekday, weekday != CivilCalendar.weekday(days: days) { return nil }
            return (y, m, d, days)
        }
    }

    /// Reads `s` as a strftime-like `pattern`; nil on any mismatch, an unknown directive, or
    /// text left over.
    static func scanPattern(_ sc: inout Scanner, pattern: UnsafeBufferPointer<UInt8>, pivotYear: Int) -> DateFields? {
        var f = DateFields()
        var fs = Scanner(pattern)
        while !fs.isAtEnd {
            let c = fs.peek()
            fs.i += 1
            if c == UInt8(ascii: "%") {
                let directive = fs.peek()
                fs.i += 1
                switch directive {
                case UInt8(ascii: "Y"):
                    guard let y = sc.digits(min: 4, max: 4) else { return nil }
                    f.year = y
                case UInt8(ascii: "y"):
                    guard let y = sc.digits(min: 2, max: 2) else { return nil }
                    f.year = y < min(max(pivotYear, 0), 100) ? 2000 + y : 1900 + y
                case UInt8(ascii: "m"):
                    guard let m = sc.digits(max: 2) else { return nil }
                    f.month = m
                case UInt8(ascii: "d"), UInt8(ascii: "e"):
                    guard let d = sc.digits(max: 2) else { return nil }
                    f.day = d
                case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"):
                    guard let m = scanMonthName(&sc) else { return nil }
                    f.month = m
                case UInt8(ascii: "a"), UInt8(ascii: "A"):
                    guard let w = scanWeekdayName(&sc) else { return nil }
                    f.weekday = w
                case UInt8(ascii: "H"):
                    guard let h = sc.digits(max: 2), h < 24 else { return nil }
                    f.hour = h
                case UInt8(ascii: "M"):
                    guard let m = sc.digits(min: 2, max: 2), m < 60 else { return nil }
                    f.minute = m
                case UInt8(ascii: "S"):
                    guard let s = sc.digits(min: 2, max: 2), s < 60 else { return nil }
                    f.second = s
                    skipFraction(&sc)
                case UInt8(ascii: "z"):
                    guard let o = scanOffset(&sc, allowNames: false) else { return nil }
                    f.offset = o
                case UInt8(ascii: "s"):
                    guard let e = scanEpochSeconds(&sc) else { return nil }
                    f.epoch = e
                case UInt8(ascii: "%"):
                    guard sc.skip(UInt8(ascii: "%")) else { return nil }
                default:
                    return nil
                }
            } else if Scanner.isBlank(c) {
                fs.skipBlanks()
                guard sc.skipBlanks() else { return nil }
            } else {
                guard Scanner.lower(sc.peek()) == Scanner.lower(c), !sc.isAtEnd else { return nil }
                sc.i += 1
            }
        }
        return sc.isAtEnd ? f : nil
    }

    /// Reads ISO 8601 (or epoch seconds); see ``datetime(_:format:timeZone:)``.
    static func scanISO8601(_ sc: inout Scanner) -> DateFields? {
        var probe = sc
        if let f = scanEpoch(&probe) { return f }
        var f = DateFields()
        guard let y = sc.digits(min: 4, max: 4), sc.skip(UInt8(ascii: "-")),
              let m = sc.digits(min: 2, max: 2), sc.skip(UInt8(ascii: "-")),
              let d = sc.digits(min: 2, max: 2) else { return nil }
        f.year = y; f.month = m; f.day = d
        if sc.isAtEnd { return f }
        if sc.peek() == UInt8(ascii: "T") || sc.peek() == UInt8(ascii: "t") {
            sc.i += 1
        } else {
            guard sc.skipBlanks() else { return nil }
        }
        guard let h = sc.digits(max: 2), h < 24, sc.skip(UInt8(ascii: ":")),
              let mi = sc.digits(min: 2, max: 2), mi < 60 else { return nil }
        f.hour = h; f.minute = mi
        if sc.skip(UInt8(ascii: ":")) {
            guard let s = sc.digits(min: 2, max: 2), s < 60 else { return nil }
            f.second = s
            skipFraction(&sc)
        }
        sc.skipBlanks()
        if sc.isAtEnd { return f }
        guard let o = scanOffset(&sc, allowNames: true), sc.isAtEnd else { return nil }
        f.offset = o
        return f
    }

    /// Reads epoch seconds making up the whole value, with an optional `@`.
    static func scanEpoch(_ sc: inout Scanner) -> DateFields? {
        _ = sc.skip(UInt8(ascii: "@"))
        guard let e = scanEpochSeconds(&sc), sc.isAtEnd else { return nil }
        var f = DateFields()
        f.epoch = e
        return f
    }

    /// Reads `[-]digits` (at most 12 digits, which covers years 1 to 9999).
    static func scanEpochSeconds(_ sc: inout Scanner) -> Int? {
        let negative = sc.skip(UInt8(ascii: "-"))
        guard let v = sc.digits(max: 12), !Scanner.isDigit(sc.peek()) else { return nil }
        return negative ? -v : v
    }

    /// Skips `.digits` or `,digits` after seconds.
    static func skipFraction(_ sc: inout Scanner) {
        if (sc.peek() == UInt8(ascii: ".") || sc.peek() == UInt8(ascii: ",")) && Scanner.isDigit(sc.peek(1)) {
            sc.i += 1
            while Scanner.isDigit(sc.peek()) { sc.i += 1 }
        }
    }

    /// Reads an offset (`Z`, `±HH:MM`, `±HHMM`, `±HH`, `±H`) or, when `allowNames`, a UTC name
    /// optionally followed by an offset; returns seconds east of UTC.
    static func scanOffset(_ sc: inout Scanner, allowNames: Bool) -> Int? {
        let n = sc.letterCount()
        if n > 0 {
            if n == 1 && (sc.peek() == UInt8(ascii: "Z") || sc.peek() == UInt8(ascii: "z")) { sc.i += 1; return 0 }
            guard allowNames else { return nil }
            if sc.letters(3, equal: "etc") && sc.peek(3) == UInt8(ascii: "/") {
                sc.i += 4
                guard sc.letterCount() == 3 && (sc.letters(3, equal: "utc") || sc.letters(3, equal: "gmt")) else { return nil }
                sc.i += 3
                return sc.isAtEnd ? 0 : nil
            }
            guard sc.letters(n, equal: "utc") || sc.letters(n, equal: "gmt") || sc.letters(n, equal: "ut") || sc.letters(n, equal: "uct") else { return nil }
            sc.i += n
            if sc.isAtEnd { return 0 }
        }
        let sign: Int
        if sc.skip(UInt8(ascii: "+")) { sign = 1 } else if sc.skipDash() { sign = -1 } else { return nil }
        let start = sc.i
        guard let hh = sc.digits(max: 2) else { return nil }
        var mm = 0
        if sc.skip(UInt8(ascii: ":")) {
            guard let m = sc.digits(min: 2, max: 2) else { return nil }
            mm = m
        } else if sc.i - start == 2, Scanner.isDigit(sc.peek()) {
            guard let m = sc.digits(min: 2, max: 2) else { return nil }
            mm = m
        }
        guard mm < 60, hh * 60 + mm <= 18 * 60 else { return nil }
        return sign * (hh * 3600 + mm * 60)
    }

    /// Reads an English month name: three letters, `Sept`, or in full.
    static func scanMonthName(_ sc: inout Scanner) -> Int? {
        scanName(&sc, monthNames, keys: monthKeys, alias: (8, "sept")).map { $0 + 1 }
    }

    /// Reads an English weekday name, three letters or in full; 0 = Sunday.
    static func scanWeekdayName(_ sc: inout Scanner) -> Int? {
        scanName(&sc, weekdayNames, keys: weekdayKeys)
    }

    /// Reads one of `names` (their first three letters, `alias`, or in full, in any case): its index.
    static func scanName(_ sc: inout Scanner, _ names: [StaticString], keys: [UInt32], alias: (index: Int, text: StaticString)? = nil) -> Int? {
        let n = sc.letterCount()
        guard n >= 3, let i = keys.firstIndex(of: threeLetterKey(sc)) else { return nil }
        guard n == 3 || (alias.map { $0.index == i && sc.letters(n, equal: $0.text) } ?? false) || sc.letters(n, equal: names[i]) else { return nil }
        sc.i += n
        return i
    }

    static let monthNames: [StaticString] = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ]
    static let weekdayNames: [StaticString] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let monthKeys = monthNames.map(key)
    static let weekdayKeys = weekdayNames.map(key)

    /// The three bytes from the cursor, lower-cased, packed into an integer.
    @inline(__always)
    static func threeLetterKey(_ sc: Scanner) -> UInt32 {
        UInt32(Scanner.lower(sc.peek())) << 16 | UInt32(Scanner.lower(sc.peek(1))) << 8 | UInt32(Scanner.lower(sc.peek(2)))
    }

    @inline(__always)
    static func key(_ w: StaticString) -> UInt32 {
        let p = w.utf8Start
        return UInt32(p[0]) << 16 | UInt32(p[1]) << 8 | UInt32(p[2])
    }
}

// MARK: - Calendar and output

extension ValueParsers {
    /// `YYYY-MM-DD`.
    static func isoDateText(_ y: Int, _ m: Int, _ d: Int) -> String {
        String(unsafeUninitializedCapacity: 10) { p in
            putDigits(y, 4, p, at: 0)
            p[4] = UInt8(ascii: "-")
            putDigits(m, 2, p, at: 5)
            p[7] = UInt8(ascii: "-")
            putDigits(d, 2, p, at: 8)
            return 10
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, or nil outside years 1 to 9999.
    static func isoDateTimeText(epochSeconds s: Int) -> String? {
        guard s >= CivilCalendar.minSeconds && s <= CivilCalendar.maxSeconds else { return nil }
        let days = s >= 0 ? s / 86400 : (s - 86399) / 86400
        let rest = s - days * 86400
        let (y, m, d) = CivilCalendar.date(days: days)
        return String(unsafeUninitializedCapacity: 20) { p in
            putDigits(y, 4, p, at: 0)
            p[4] = UInt8(ascii: "-")
            putDigits(m, 2, p, at: 5)
            p[7] = UInt8(ascii: "-")
            putDigits(d, 2, p, at: 8)
            p[10] = UInt8(ascii: "T")
            putDigits(rest / 3600, 2, p, at: 11)
            p[13] = UInt8(ascii: ":")
            putDigits(rest % 3600 / 60, 2, p, at: 14)
            p[16] = UInt8(ascii: ":")
            putDigits(rest % 60, 2, p, at: 17)
            p[19] = UInt8(ascii: "Z")
            return 20
        }
    }
}
