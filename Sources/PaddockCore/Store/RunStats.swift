/// The statistics of one normalize run of a table (`normalize --stats FILE`):
/// `records_in = written + quarantined + filtered` always holds; `deduplicated` and `other_source`
/// count among `filtered`, and `filtered_by_rule` by `filter:` rule. Version 1; keys sorted, one line.
public struct RunStats: StoreDocument, Equatable {
    public static let currentVersion = 1
    public static let documentName = "normalize statistics"

    public var version = RunStats.currentVersion
    public var recordsIn: Int
    public var written: Int
    public var quarantined: Int
    public var filtered: Int
    public var deduplicated: Int
    public var otherSource: Int
    public var filteredByRule: [String: Int]

    public init(recordsIn: Int, written: Int, quarantined: Int, filtered: Int, deduplicated: Int, otherSource: Int, filteredByRule: [String: Int]) {
        self.recordsIn = recordsIn; self.written = written; self.quarantined = quarantined; self.filtered = filtered
        self.deduplicated = deduplicated; self.otherSource = otherSource; self.filteredByRule = filteredByRule
    }

    enum CodingKeys: String, CodingKey {
        case version, recordsIn = "records_in", written, quarantined, filtered, deduplicated, otherSource = "other_source"
        case filteredByRule = "filtered_by_rule"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeVersion(.version, of: RunStats.self)
        recordsIn = try c.decode(Int.self, forKey: .recordsIn)
        written = try c.decode(Int.self, forKey: .written)
        quarantined = try c.decode(Int.self, forKey: .quarantined)
        filtered = try c.decode(Int.self, forKey: .filtered)
        deduplicated = try c.decodeIfPresent(Int.self, forKey: .deduplicated) ?? 0
        otherSource = try c.decodeIfPresent(Int.self, forKey: .otherSource) ?? 0
        filteredByRule = try c.decodeIfPresent([String: Int].self, forKey: .filteredByRule) ?? [:]
    }

    /// The statistics as written: one line, keys sorted.
    public var bytes: [UInt8] { StoreCoding.encode(self) }

    public static func read(_ path: String) throws(PaddockError) -> RunStats { try StoreCoding.read(RunStats.self, from: path) }
}
