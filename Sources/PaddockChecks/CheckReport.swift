public import PaddockCore

/// The `dq_report.json` document.
public enum CheckReport {
    public static func overallStatus(_ results: [CheckResult]) -> CheckResult.Status {
        if results.contains(where: { $0.status == .error }) { return .error }
        if results.contains(where: { $0.status == .fail }) { return .fail }
        if results.contains(where: { $0.status == .warn }) { return .warn }
        return .pass
    }

    public static func json(pipeline: String, generatedAt: Timestamp, results: [CheckResult]) -> String {
        var w: [UInt8] = []
        let count = { (s: CheckResult.Status) in results.filter { $0.status == s }.count }
        w.appendStatic("{\n  \"report_version\": 1,\n  \"pipeline\": "); JSONWriter.appendString(pipeline, to: &w)
        w.appendStatic(",\n  \"generated_at\": "); JSONWriter.appendString(generatedAt.iso8601, to: &w)
        w.appendStatic(",\n  \"status\": "); JSONWriter.appendString(overallStatus(results).rawValue, to: &w)
        w.appendString(",\n  \"summary\": {\"pass\": \(count(.pass)), \"warn\": \(count(.warn)), \"fail\": \(count(.fail)), \"error\": \(count(.error))}")
        w.appendStatic(",\n  \"checks\": [")
        for (i, r) in results.enumerated() {
            w.appendStatic(i == 0 ? "\n    {" : ",\n    {")
            w.appendStatic("\"name\": "); JSONWriter.appendString(r.config.name, to: &w)
            w.appendStatic(", \"table\": "); JSONWriter.appendString(r.config.table, to: &w)
            w.appendStatic(", \"type\": "); JSONWriter.appendString(r.config.type, to: &w)
            w.appendStatic(", \"columns\": [")
            for (k, c) in r.config.columns.enumerated() { if k > 0 { w.appendStatic(", ") }; JSONWriter.appendString(c, to: &w) }
            w.appendStatic("], \"severity\": "); JSONWriter.appendString(r.config.severity.rawValue, to: &w)
            w.appendStatic(", \"status\": "); JSONWriter.appendString(r.status.rawValue, to: &w)
            w.appendString(", \"observed\": \(r.observed), \"rows_checked\": \(r.rowsChecked), \"failing_count\": \(r.failingCount)")
            w.appendStatic(", \"threshold\": "); JSONWriter.appendString(r.threshold, to: &w)
            if let m = r.message { w.appendStatic(", \"message\": "); JSONWriter.appendString(m, to: &w) }
            w.appendStatic(", \"failing_rows\": [")
            for (k, s) in r.samples.enumerated() {
                if k > 0 { w.appendStatic(", ") }
                w.appendString("{\"line\": \(s.line), \"key\": [")
                for (j, v) in s.key.enumerated() { if j > 0 { w.appendStatic(", ") }; JSONWriter.appendString(v, to: &w) }
                w.appendStatic("], \"values\": [")
                for (j, v) in s.values.enumerated() { if j > 0 { w.appendStatic(", ") }; JSONWriter.appendString(v, to: &w) }
                w.appendStatic("]")
                if let u = s.unit { w.appendStatic(", \"unit\": "); JSONWriter.appendString(u, to: &w) }
                w.appendStatic("}")
            }
            w.appendStatic("]}")
        }
        w.appendStatic("\n  ]\n}\n")
        return String(decoding: w, as: UTF8.self)
    }
}
