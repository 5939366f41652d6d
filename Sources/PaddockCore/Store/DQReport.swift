/// The data-quality report `dq_report.json` that dq-check writes and publish reads (and keeps in each
/// snapshot): the overall status, counts per status, and each check's result with failing samples.
/// Its version is `report_version`; keys are sorted, pretty-printed (docs/checks.md).
public struct DQReport: StoreDocument, Equatable {
    public static let currentVersion = 1
    public static let documentName = "data-quality report"

    /// Counts of checks per status.
    public struct Summary: Codable, Sendable, Equatable {
        public var pass = 0, warn = 0, fail = 0, error = 0
        public init(pass: Int = 0, warn: Int = 0, fail: Int = 0, error: Int = 0) {
            self.pass = pass; self.warn = warn; self.fail = fail; self.error = error
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            pass = try c.decodeIfPresent(Int.self, forKey: .pass) ?? 0
            warn = try c.decodeIfPresent(Int.self, forKey: .warn) ?? 0
            fail = try c.decodeIfPresent(Int.self, forKey: .fail) ?? 0
            error = try c.decodeIfPresent(Int.self, forKey: .error) ?? 0
        }
    }

    /// A failing row: its line in the derived table (0 for what is not a row), key, values and unit.
    public struct FailingRow: Codable, Sendable, Equatable {
        public var line: Int
        public var key: [String]
        public var values: [String]
        public var unit: String?
        public init(line: Int, key: [String], values: [String], unit: String? = nil) {
            self.line = line; self.key = key; self.values = values; self.unit = unit
        }
    }

    /// One check's result.
    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var table: String
        public var type: String
        public var columns: [String]
        public var severity: String
        /// pass, warn, fail or error.
        public var status: String
        public var observed: Int
        public var rowsChecked: Int
        public var failingCount: Int
        public var threshold: String
        public var message: String?
        public var failingRows: [FailingRow]

        public init(name: String, table: String, type: String, columns: [String], severity: String, status: String, observed: Int,
                    rowsChecked: Int, failingCount: Int, threshold: String, message: String?, failingRows: [FailingRow]) {
            self.name = name; self.table = table; self.type = type; self.columns = columns; self.severity = severity
            self.status = status; self.observed = observed; self.rowsChecked = rowsChecked; self.failingCount = failingCount
            self.threshold = threshold; self.message = message; self.failingRows = failingRows
        }

        enum CodingKeys: String, CodingKey {
            case name, table, type, columns, severity, status, observed, threshold, message
            case rowsChecked = "rows_checked", failingCount = "failing_count", failingRows = "failing_rows"
        }
    }

    public var version = DQReport.currentVersion
    public var pipeline: String
    /// `--now` of the dq-check run, ISO 8601.
    public var generatedAt: String
    /// pass, warn, fail or error: the worst of the checks'.
    public var status: String
    public var summary: Summary
    public var checks: [Check]

    public init(pipeline: String, generatedAt: String, status: String, summary: Summary, checks: [Check]) {
        self.pipeline = pipeline; self.generatedAt = generatedAt; self.status = status; self.summary = summary; self.checks = checks
    }

    enum CodingKeys: String, CodingKey {
        case version = "report_version", pipeline, generatedAt = "generated_at", status, summary, checks
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeVersion(.version, of: DQReport.self)
        pipeline = try c.decodeIfPresent(String.self, forKey: .pipeline) ?? ""
        generatedAt = try c.decodeIfPresent(String.self, forKey: .generatedAt) ?? ""
        status = try c.decode(String.self, forKey: .status)
        summary = try c.decodeIfPresent(Summary.self, forKey: .summary) ?? Summary()
        checks = try c.decodeIfPresent([Check].self, forKey: .checks) ?? []
    }

    /// The report as written: pretty-printed, keys sorted.
    public var bytes: [UInt8] { StoreCoding.encode(self, pretty: true) }

    /// Reads and decodes a report from its bytes (publish keeps the bytes in the snapshot).
    public static func decode(_ bytes: [UInt8], file: String) throws(PaddockError) -> DQReport {
        try StoreCoding.decode(DQReport.self, from: bytes, file: file)
    }
}
