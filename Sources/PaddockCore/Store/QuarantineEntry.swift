/// One line of a table's quarantine (`<table>.quarantine.ndjson`): a record normalize could not map, why,
/// and where it came from. Version 1:
///
///     {"version":1,"table":…,"field":…|null,"rule":…,"reason":…,
///      "origin":{"file":…,"line":…[,"unit":…,"raw":…,"raw_line":…|"raw_pointer":…]},"record":…}
///
/// `record` is the original record: the JSON record as read, a CSV row as an object named by its header
/// (extra cells by their position), or a line that is not JSON as a string. The writer is hand-tuned
/// (quarantine can take millions of lines) and lives here with the reader: `appendHead`, the record,
/// then `appendTail`.
public struct QuarantineEntry: Sendable, Equatable {
    public static let currentVersion = 1

    public var version = QuarantineEntry.currentVersion
    public var table: String
    /// The field that failed, or nil for what concerns the whole record.
    public var field: String?
    /// The rule that failed (`parse`, `required`, `unique`, `schema`, …).
    public var rule: String
    public var reason: String
    public var origin: Origin
    /// The original record, as compact JSON text.
    public var record: String

    public struct Origin: Sendable, Equatable {
        /// The input normalize read, and the line in it.
        public var file: String
        public var line: Int
        /// The record's own provenance from extract: unit, raw file, and line or pointer in it (as JSON text).
        public var unit: String?
        public var raw: String?
        public var rawLine: String?
        public var rawPointer: String?

        public init(file: String, line: Int, unit: String? = nil, raw: String? = nil, rawLine: String? = nil, rawPointer: String? = nil) {
            self.file = file; self.line = line; self.unit = unit; self.raw = raw; self.rawLine = rawLine; self.rawPointer = rawPointer
        }
    }

    public init(table: String, field: String?, rule: String, reason: String, origin: Origin, record: String) {
        self.table = table; self.field = field; self.rule = rule; self.reason = reason; self.origin = origin; self.record = record
    }

    /// The members of an extracted record that carry its provenance, and their names under `origin`.
    static let provenance = [("_unit", "unit"), ("_raw", "raw"), ("_line", "raw_line"), ("_pointer", "raw_pointer")]

    /// Writes everything of an entry before its record: version, table, field, rule, reason and origin
    /// (with the provenance members of `record`, when it is an extracted JSON record).
    public static func appendHead(table: String, field: String?, rule: String, reason: String, file: String, line: Int,
                                  provenanceOf record: JSONNode?, to q: inout OutputBuffer) {
        q.appendStatic("{\"version\":1,\"table\":"); JSONWriter.appendString(table, to: &q)
        q.appendStatic(",\"field\":")
        if let field { JSONWriter.appendString(field, to: &q) } else { q.appendStatic("null") }
        q.appendStatic(",\"rule\":"); JSONWriter.appendString(rule, to: &q)
        q.appendStatic(",\"reason\":"); JSONWriter.appendString(reason, to: &q)
        q.appendStatic(",\"origin\":{\"file\":"); JSONWriter.appendString(file, to: &q)
        q.appendStatic(",\"line\":"); q.appendString(String(line))
        if let record {
            for (key, name) in provenance {
                if let v = record[key] {
                    q.appendStatic(",\"")
                    q.appendString(name)
                    q.appendStatic("\":")
                    JSONWriter.appendCompact(v, to: &q)
                }
            }
        }
        q.appendStatic("},\"record\":")
    }

    /// Ends an entry after its record.
    public static func appendTail(to q: inout OutputBuffer) { q.appendStatic("}\n") }

    /// Reads one entry; a version newer than this Paddock reads is an error at `file:line`.
    public static func decode(_ node: JSONNode, file: String, line: Int) throws(PaddockError) -> QuarantineEntry {
        let at = SourceLocation(file: file, line: line)
        let version = node["version"].flatMap { Int($0.string ?? "") } ?? 1
        guard version <= currentVersion else {
            throw PaddockError(.data, "quarantine entry version \(version) is not supported (this Paddock reads versions 1 to \(currentVersion))",
                               at: at, hint: "it was written by a newer Paddock: upgrade")
        }
        guard let table = node["table"]?.string, let rule = node["rule"]?.string, let reason = node["reason"]?.string,
              let o = node["origin"], let originFile = o["file"]?.string, let originLine = o["line"].flatMap({ Int($0.string ?? "") }) else {
            throw PaddockError(.data, "not a quarantine entry (it needs table, rule, reason and origin)", at: at)
        }
        func text(_ n: JSONNode?) -> String? {
            guard let n else { return nil }
            var w: [UInt8] = []
            JSONWriter.appendCompact(n, to: &w)
            return String(decoding: w, as: UTF8.self)
        }
        var e = QuarantineEntry(table: table, field: node["field"]?.string, rule: rule, reason: reason,
                                origin: Origin(file: originFile, line: originLine, unit: text(o["unit"]), raw: text(o["raw"]),
                                               rawLine: text(o["raw_line"]), rawPointer: text(o["raw_pointer"])),
                                record: text(node["record"]) ?? "null")
        e.version = version
        return e
    }

    /// Every entry of the quarantine file at `path`, in order (none when it does not exist).
    public static func forEach(in path: String, _ body: (QuarantineEntry) throws(PaddockError) -> Void) throws(PaddockError) {
        guard FileSystem.exists(path) else { return }
        try forEachNDJSONRecord(path) { (node: JSONNode, line: Int) throws(PaddockError) in try body(try decode(node, file: path, line: line)) }
    }
}
