/// A field's `template:`: text with `{name}` (a record key or JSON pointer) and `{$field}` (another
/// field's typed value) parts, as written in a pipeline definition.
public enum FieldTemplate {
    public enum Part: Sendable, Equatable {
        case text(String)
        case value(String)
    }

    /// Splits `t` into its parts; an unclosed `{` is a config error naming `field`.
    public static func parse(_ t: String, field: String) throws(PaddockError) -> [Part] {
        var parts: [Part] = []
        var rest = Substring(t)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw PaddockError(.config, "field \(field): unclosed '{' in template '\(t)'")
            }
            parts.append(.value(String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return parts
    }

    /// The fields a template names with `{$field}`.
    public static func fieldReferences(_ t: String) -> [String] {
        ((try? parse(t, field: "")) ?? []).compactMap { part in
            if case .value(let ref) = part, ref.hasPrefix("$") { return String(ref.dropFirst()) }
            return nil
        }
    }
}
