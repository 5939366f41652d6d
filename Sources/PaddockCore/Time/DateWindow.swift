#if canImport(Glibc)
import Glibc
#endif

/// A window of days (inclusive), as days since 1970-01-01.
public struct DateWindow: Sendable, Equatable {
    public var from: Int
    public var to: Int
    public init(from: Int, to: Int) { self.from = from; self.to = to }

    /// Parses `2024-08-01`, `today` or `today-N` against `now`.
    public static func day(_ text: String, now: Timestamp) -> Int? {
        let today = Int((Double(now.seconds) / 86400).rounded(.down))
        if text == "today" { return today }
        if text.hasPrefix("today-"), let n = Int(text.dropFirst(6)), n >= 0 { return today - n }
        if text.hasPrefix("today+"), let n = Int(text.dropFirst(6)), n >= 0 { return today + n }
        guard text.utf8.count == 10, let t = Timestamp(parsing: text) else { return nil }
        return t.seconds / 86400
    }

    public static func iso(_ day: Int) -> String { Timestamp(seconds: day * 86400).date }

    /// `%Y`, `%m` and `%d` of `day`.
    public static func format(_ day: Int, _ pattern: String) -> String {
        let iso = Self.iso(day)
        return pattern.replacing("%Y", with: String(iso.prefix(4))).replacing("%m", with: String(iso.dropFirst(5).prefix(2)))
            .replacing("%d", with: String(iso.suffix(2)))
    }
}
