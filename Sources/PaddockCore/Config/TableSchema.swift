extension TableConfig {
    /// The Frictionless Table Schema of this table, as JSON (fields, constraints, primary key).
    public func tableSchemaJSON() -> String {
        var w: [UInt8] = []
        w.appendStatic("{\n  \"fields\": [\n")
        for (i, f) in fields.enumerated() {
            w.appendStatic("    {\"name\": "); JSONWriter.appendString(f.name, to: &w)
            w.appendStatic(", \"type\": "); JSONWriter.appendString(f.type.rawValue, to: &w)
            if let d = f.description { w.appendStatic(", \"description\": "); JSONWriter.appendString(d, to: &w) }
            var cons: [String] = []
            let c = f.constraints
            if c.required { cons.append("\"required\": true") }
            if let v = c.minimum { cons.append("\"minimum\": \(Parsers.format(v))") }
            if let v = c.maximum { cons.append("\"maximum\": \(Parsers.format(v))") }
            if let v = c.minLength { cons.append("\"minLength\": \(v)") }
            if let v = c.maxLength { cons.append("\"maxLength\": \(v)") }
            if let v = c.pattern { var b: [UInt8] = []; JSONWriter.appendString(v, to: &b); cons.append("\"pattern\": " + String(decoding: b, as: UTF8.self)) }
            if let v = c.enum {
                var b: [UInt8] = []
                for (k, e) in v.enumerated() { if k > 0 { b.appendStatic(", ") }; JSONWriter.appendString(e, to: &b) }
                cons.append("\"enum\": [" + String(decoding: b, as: UTF8.self) + "]")
            }
            if !cons.isEmpty { w.appendString(", \"constraints\": {" + cons.joined(separator: ", ") + "}") }
            w.appendStatic("}")
            w.appendStatic(i + 1 < fields.count ? ",\n" : "\n")
        }
        w.appendStatic("  ]")
        if !primaryKey.isEmpty {
            w.appendStatic(",\n  \"primaryKey\": [")
            for (i, k) in primaryKey.enumerated() { if i > 0 { w.appendStatic(", ") }; JSONWriter.appendString(k, to: &w) }
            w.appendStatic("]")
        }
        if !foreignKeys.isEmpty {
            w.appendStatic(",\n  \"foreignKeys\": [")
            for (i, fk) in foreignKeys.enumerated() {
                if i > 0 { w.appendStatic(", ") }
                w.appendStatic("{\"fields\": [")
                for (k, f) in fk.fields.enumerated() { if k > 0 { w.appendStatic(", ") }; JSONWriter.appendString(f, to: &w) }
                w.appendStatic("], \"reference\": {\"resource\": ")
                JSONWriter.appendString(fk.table, to: &w)
                w.appendStatic(", \"fields\": [")
                for (k, f) in fk.referencedFields.enumerated() { if k > 0 { w.appendStatic(", ") }; JSONWriter.appendString(f, to: &w) }
                w.appendStatic("]}}")
            }
            w.appendStatic("]")
        }
        w.appendStatic(",\n  \"missingValues\": [\"\"]\n}\n")
        return String(decoding: w, as: UTF8.self)
    }
}
