#if canImport(Glibc)
import Glibc
#endif

/// UTC timestamps without Foundation: parsing `--now` and formatting ISO 8601.
public struct Timestamp: Sendable, Equatable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    /// The current time.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int(ts.tv_sec))
    }

    /// Parses `2025-05-25T18:00:00Z`, `2025-05-25T18:00:00+01:00`, `2025-05-25` (midnight UTC) or
    /// epoch seconds (`@1748196000` or `1748196000`). The day must exist (``CivilCalendar/isRealDay(_:_:_:)``)
    /// and the time be 00:00:00 to 23:59:59: nothing rolls over into the next day or month.
    public init?(parsing text: String) {
        let t = text.hasPrefix("@") ? String(text.dropFirst()) : text
        if let s = Int(t) { self.seconds = s; return }
        let b = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= b.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = num(0, 4), let m = num(5, 2), let d = num(8, 2), CivilCalendar.isRealDay(y, m, d) else { return nil }
        var secs = CivilCalendar.days(y, m, d) * 86400
        if b.count == 10 { self.seconds = secs; return }
        guard b.count >= 19, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let hh = num(11, 2), let mm = num(14, 2), let ss = num(17, 2), hh < 24, mm < 60, ss < 60 else { return nil }
        secs += hh * 3600 + mm * 60 + ss
        var i = 19
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
        }
        if i == b.count { self.seconds = secs; return }  // no zone: UTC
        if b[i] == UInt8(ascii: "Z") && i + 1 == b.count { self.seconds = secs; return }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"),
              let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
        let offset = oh * 3600 + om * 60
        self.seconds = b[i] == UInt8(ascii: "+") ? secs - offset : secs + offset
    }

    /// `2025-05-25T18:00:00Z`.
    public var iso8601: String {
        let days = Int((Double(seconds) / 86400).rounded(.down))
        let rem = seconds - days * 86400
        let (y, m, d) = CivilCalendar.date(days: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))Z"
    }

    /// `20250525T180000Z`, for run ids and file names.
    public var compact: String {
        iso8601.replacing("-", with: "").replacing(":", with: "")
    }

    /// `2025-05-25`.
    public var date: String { String(iso8601.prefix(10)) }

    private func pad(_ v: Int, _ w: Int) -> String {
        let s = String(v)
        return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }
}

/// The one calendar of Paddock: the proleptic Gregorian calendar (H. Hinnant's algorithms), in days
/// since 1970-01-01. Every date and datetime type and parser, `--now` and the dates of a config ask
/// ``isRealDay(_:_:_:)`` whether a year, month and day exist.
public enum CivilCalendar {
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// The number of days in month `m` (1 to 12) of year `y`.
    public static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether `y`-`m`-`d` is a day of the calendar: month 1 to 12, day 1 to the month's length
    /// (`2024-02-29` is, `2025-02-29`, `2025-04-31` and `2025-13-01` are not). Years are not bounded here.
    public static func isRealDay(_ y: Int, _ m: Int, _ d: Int) -> Bool {
        (1...12).contains(m) && d >= 1 && d <= daysIn(month: m, year: y)
    }

    /// Days since 1970-01-01 of a real day (see ``isRealDay(_:_:_:)``).
    public static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The year, month and day of a day number.
    public static func date(days z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// 0 = Sunday (1970-01-01 was a Thursday).
    public static func weekday(days: Int) -> Int { ((days % 7) + 11) % 7 }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in epoch seconds.
    static let minSeconds = -62_135_596_800
    static let maxSeconds = 253_402_300_799

    /// The UTC date of epoch seconds within years 1 to 9999.
    static func date(epochSeconds s: Int) -> (Int, Int, Int)? {
        guard s >= minSeconds && s <= maxSeconds else { return nil }
        return date(days: s >= 0 ? s / 86400 : (s - 86399) / 86400)
    }
}
