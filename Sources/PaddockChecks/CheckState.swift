public import PaddockCore

/// A check spec that can run: it makes the state that follows one check through its table.
protocol RunnableCheck: CheckSpec {
    func makeState(_ context: CheckContext) -> CheckState
}

/// What a check's state is made with.
struct CheckContext {
    let config: CheckConfig
    let table: TableConfig
    let sink: FailureSink
    let env: CheckEnvironment
}

/// One check running over its table: counters, samples and thresholds here; each check type subclasses
/// it with what it reads per row, what it collects from other tables and how it ends.
class CheckState {
    let config: CheckConfig
    let table: TableConfig
    let sink: FailureSink
    let env: CheckEnvironment
    @exclusivity(unchecked) var failing = 0
    @exclusivity(unchecked) var rows = 0
    @exclusivity(unchecked) var samples: [FailingRow] = []
    /// The slots of the checked columns in the row binder.
    @exclusivity(unchecked) var slots: [Int] = []
    let errorIf: Threshold?
    let warnIf: Threshold?

    init(_ context: CheckContext) {
        config = context.config
        table = context.table
        sink = context.sink
        env = context.env
        var e = config.errorIf.flatMap(Threshold.init)
        var w = config.warnIf.flatMap(Threshold.init)
        if e == nil && w == nil {
            if config.severity == .warn { w = Threshold("> 0") } else { e = Threshold("> 0") }
        }
        errorIf = e
        warnIf = w
    }

    /// The columns read per row (each gets a slot); the checked columns unless a type reads more.
    var columnsRead: [String] { config.columns }

    /// A table that must be read before this check's own (the one `relationships` refers to).
    var readsFirst: String? { nil }

    /// Locates the columns once per table.
    func bind(_ row: RowBinder) { slots = config.columns.map(row.slot) }

    /// What another table must collect for this check, and which table.
    func collector() -> (table: String, Collector)? { nil }

    /// One row of the table (one that `only:` keeps).
    func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {}

    /// After every table was read: what the check can only judge at the end.
    func finish() throws(PaddockError) {}

    /// Counts a failing row, keeps it as a sample while there is room, and writes it to `--failures`.
    final func fail(_ row: FailingRow) throws(PaddockError) { try sink.fail(self, row) }

    /// The failed status of this check: `warn` for a warning check.
    final var failStatus: CheckResult.Status { config.severity == .warn ? .warn : .fail }

    /// The result, by the thresholds on the failing rows (types that measure something else override it).
    func result() -> CheckResult {
        let (status, thresholds) = thresholdStatus()
        return CheckResult(config: config, status: status, observed: failing, rowsChecked: rows, failingCount: failing,
                           threshold: thresholds.joined(separator: ", "), samples: samples,
                           message: failing == 0 ? nil : "\(failing) of \(rows) rows fail")
    }

    /// The status the thresholds give, and their descriptions.
    final func thresholdStatus() -> (CheckResult.Status, [String]) {
        var status = CheckResult.Status.pass
        var thr: [String] = []
        if let e = errorIf {
            thr.append("error_if \(e)")
            if e.holds(failing: failing, rows: rows) { status = .fail }
        }
        if let w = warnIf {
            thr.append("warn_if \(w)")
            if status == .pass && w.holds(failing: failing, rows: rows) { status = .warn }
        }
        return (status, thr)
    }
}

/// Helpers the date checks share.
enum CheckDates {
    /// `YYYY-MM-DD` and an optional `HH:MM[:SS]`, read as UTC.
    static func start(date: String, time: String?) -> Timestamp? {
        if let time, !time.isEmpty { return Timestamp(parsing: "\(date)T\(time.count == 5 ? time + ":00" : time)Z") }
        return Timestamp(parsing: "\(date)T00:00:00Z")
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` (or the date part of a datetime).
    static func day(_ text: String) -> Int? {
        guard let d = Parsers.isoDate(String(text.prefix(10))) else { return nil }
        return Timestamp(parsing: "\(d)T00:00:00Z").map { $0.seconds / 86400 }
    }

    static func dateText(_ day: Int) -> String { String(Timestamp(seconds: day * 86400).iso8601.prefix(10)) }

    static func describe(seconds: Int) -> String {
        if seconds >= 86400 { return "\(seconds / 86400)d \(seconds % 86400 / 3600)h" }
        if seconds >= 3600 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        return "\(seconds)s"
    }
}
