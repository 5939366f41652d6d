#if canImport(Glibc)
import Glibc
#endif

/// Walking JSON documents along record pointers with `*` wildcards.
public enum JSONRecords {
    /// The 1-based line of its document on which `node` starts.
    public static func line(of node: JSONNode) -> Int {
        let start = Int(node.token.start)
        var line = 1
        for i in 0..<min(start, node.doc.bytes.count) where node.doc.bytes[i] == 0x0A { line += 1 }
        return line
    }

    /// True when the pattern (with `*` wildcards) reaches at least one node.
    public static func exists(_ root: JSONNode, _ pattern: String) -> Bool {
        var found = false
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        try? expand(root, parts[...], pointer: "") { (_, _) throws(PaddockError) in found = true }
        return found
    }

    /// Resolves a carried field: an absolute JSON pointer (`/name`, from the document root) or a
    /// relative JSON pointer (`2/name`: up two levels from the record, then `/name`), so a match
    /// under `/rounds/3/matches/7` reaches its round's name with `2/name`.
    public static func resolve(_ ref: String, root: JSONNode, recordPointer: String) -> JSONNode? {
        guard let first = ref.first, first.isNumber else { return root.pointer(ref) }
        let digits = ref.prefix { $0.isNumber }
        guard let up = Int(digits) else { return nil }
        var segments = recordPointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard up <= segments.count else { return nil }
        segments = segments.dropLast(up)
        let base = segments.isEmpty ? "" : "/" + segments.joined(separator: "/")
        return root.pointer(base + ref.dropFirst(digits.count))
    }

    /// Calls `body` for every record of a document as `source` declares them: the first `records`
    /// pointer that exists in it (`recordsMode: first`, since schema versions nest records differently),
    /// or every pointer in turn (`all`: home and away players, say).
    public static func forEachRecord(_ root: JSONNode, of source: SourceConfig,
                                     _ body: (JSONNode, String) throws(PaddockError) -> Void) throws(PaddockError) {
        let patterns = source.records.isEmpty ? [""] : source.records
        let chosen = source.recordsMode == .all ? patterns : [patterns.first { exists(root, $0) } ?? patterns[0]]
        for pattern in chosen {
            let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            try expand(root, parts[...], pointer: "", body)
        }
    }

    /// A relative JSON pointer ending in `#` (`2#`): the member name (or array index) `N` levels up from
    /// the record, so players under `/home/players/3` get their side with `2#`. Nil for other refs.
    public static func resolveKey(_ ref: String, recordPointer: String) -> String? {
        guard ref.hasSuffix("#"), let up = Int(ref.dropLast()), up >= 0 else { return nil }
        let segments = recordPointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard up < segments.count else { return nil }
        let seg = segments[segments.index(segments.endIndex, offsetBy: -(up + 1))]
        return String(seg).replacing("~1", with: "/").replacing("~0", with: "~")
    }

    /// Calls `body` for every node matching `parts` below `node` (`*` matches every element or member),
    /// with the concrete JSON pointer of each.
    public static func expand(_ node: JSONNode, _ parts: ArraySlice<String>, pointer: String,
                              _ body: (JSONNode, String) throws(PaddockError) -> Void) throws(PaddockError) {
        guard let first = parts.first else {
            try body(node, pointer)
            return
        }
        let rest = parts.dropFirst()
        if first == "*" {
            switch node.kind {
            case .array:
                for (i, e) in node.elements.enumerated() { try expand(e, rest, pointer: "\(pointer)/\(i)", body) }
            case .object:
                for (k, v) in node.members {
                    let key = k.string ?? ""
                    try expand(v, rest, pointer: "\(pointer)/\(key.replacing("~", with: "~0").replacing("/", with: "~1"))", body)
                }
            default:
                return
            }
            return
        }
        if let next = node.pointer("/" + first) {
            try expand(next, rest, pointer: "\(pointer)/\(first)", body)
        }
    }
}
