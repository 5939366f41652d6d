/// A `warn_if` / `error_if` condition on a check's failing rows: `> 0`, `>= 10`, `> 1%` (of the rows
/// checked), `!= 0`, `= 0`, `< 5`, `<= 5`.
public struct Threshold: Sendable, CustomStringConvertible {
    public enum Op: String, Sendable { case gt = ">", ge = ">=", lt = "<", le = "<=", eq = "=", ne = "!=" }
    public var op: Op
    public var value: Double
    public var percent: Bool

    public init?(_ text: String) {
        var t = Substring(text.filter { $0 != " " })
        let ops: [(String, Op)] = [(">=", .ge), ("<=", .le), ("!=", .ne), ("==", .eq), (">", .gt), ("<", .lt), ("=", .eq)]
        guard let (s, op) = ops.first(where: { t.hasPrefix($0.0) }) else { return nil }
        t = t.dropFirst(s.count)
        percent = t.hasSuffix("%")
        if percent { t = t.dropLast() }
        guard let v = Double(t), v >= 0 else { return nil }
        self.op = op
        value = v
    }

    /// Whether `failing` of `rows` meets the condition.
    public func holds(failing: Int, rows: Int) -> Bool {
        let x = percent ? (rows == 0 ? 0 : Double(failing) * 100 / Double(rows)) : Double(failing)
        switch op {
        case .gt: return x > value
        case .ge: return x >= value
        case .lt: return x < value
        case .le: return x <= value
        case .eq: return x == value
        case .ne: return x != value
        }
    }

    public var description: String { "\(op.rawValue) \(Parsers.format(value))\(percent ? "%" : "")" }
}
