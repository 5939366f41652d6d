public import PaddockCore

/// `freshness`: the newest value of a column, or the newest raw extraction, is at most `maxAge` old.
public struct FreshnessCheck: CheckKind, RunnableCheck {
    public static let type = "freshness"
    public static let summary = "the newest value of the column (or, with of: extraction, the newest extraction) is at most maxAge: before --now"
    public static let keys = CheckKey.columns + [
        CheckKey("maxAge", old: "max_age", "the largest age of the newest value (36h, 3d, 1d12h)"),
        CheckKey("of", "extraction: measure the newest raw extraction (the ledger's fetched_at) instead of a column"),
    ]

    public var columns: [String]
    public var maxAge: String?
    public var of: String?

    public static func read(_ r: CheckReading) -> any CheckSpec {
        FreshnessCheck(columns: r.columns(), maxAge: r.duration("maxAge"), of: r.text("of"))
    }

    var maxAgeSeconds: Int? { maxAge.flatMap(CheckConfig.seconds) }

    public func validate(_ v: CheckValidation) {
        if let a = maxAgeSeconds, a <= 0 { v.fail("maxAge", "maxAge must be more than 0") }
        if maxAge == nil { v.fail("type", "freshness needs maxAge:") }
        if let of {
            if of != "extraction" { v.fail("of", "of: takes only 'extraction' (the newest raw extraction), not '\(of)'") }
            if !columns.isEmpty { v.fail(v.columnsKey, "freshness measures a column or, with of: extraction, the extraction; not both") }
        } else if columns.count != 1 {
            v.fail(v.columnsKey, "freshness needs one column (or of: extraction)")
        }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let spec: FreshnessCheck
        @exclusivity(unchecked) var newest: String?

        init(_ context: CheckContext, _ spec: FreshnessCheck) {
            self.spec = spec
            super.init(context)
        }

        var ofExtraction: Bool { spec.of == "extraction" }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            if let v = slots.first, !row.isNull(v) {
                let t = row.text(v)
                if newest == nil || t > newest! { newest = t }
            }
        }

        // Freshness of the raw extraction: the newest fetched_at of a stored payload in the ledger.
        override func finish() throws(PaddockError) {
            guard ofExtraction, let dir = env.indexDir else { return }
            try LedgerEntry.forEach(in: "\(dir)/\(Workspace.FileName.ledger)") { (entry: LedgerEntry) throws(PaddockError) in
                guard entry.status == .stored, !entry.fetchedAt.isEmpty else { return }
                if newest == nil || entry.fetchedAt > newest! { newest = entry.fetchedAt }
            }
        }

        override func result() -> CheckResult {
            let what = ofExtraction ? "extraction" : (spec.columns.first ?? "")
            let thr = "newest \(what) at most \(spec.maxAge ?? "0s") before \(env.now.iso8601)"
            guard let newest else {
                return CheckResult(config: config, status: failStatus, observed: 0, rowsChecked: rows, failingCount: 1, threshold: thr,
                                   samples: [], message: ofExtraction ? "no extraction in the ledger" : "no value in \(what)")
            }
            guard let t = CheckDates.start(date: String(newest.prefix(10)), time: newest.count > 11 ? String(newest.dropFirst(11).prefix(8)) : nil) else {
                return CheckResult(config: config, status: failStatus, observed: 0, rowsChecked: rows, failingCount: 1, threshold: thr,
                                   samples: [], message: "newest \(spec.columns.first ?? "") is \(newest), no date")
            }
            let age = env.now.seconds - t.seconds
            let ok = age <= spec.maxAgeSeconds ?? 0
            return CheckResult(config: config, status: ok ? .pass : failStatus, observed: age, rowsChecked: rows, failingCount: ok ? 0 : 1,
                               threshold: thr, samples: [], message: ok ? nil : "newest \(what) is \(newest), \(CheckDates.describe(seconds: age)) old")
        }
    }
}
