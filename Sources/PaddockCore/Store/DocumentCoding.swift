internal import FoundationEssentials

/// A document one stage writes and another reads (sidecar, stats, DQ report, manifest): one Codable
/// type owns both its encoding and its decoding, and a version it writes and checks on read.
public protocol StoreDocument: Codable, Sendable {
    /// The version this Paddock writes; it reads this one and older ones.
    static var currentVersion: Int { get }
    /// What the document is called in messages (`sidecar`, `manifest`).
    static var documentName: String { get }
}

/// A document's version is newer than this Paddock reads (thrown inside decoding, reported by `StoreCoding`).
struct UnsupportedVersion: Error { var found: Int }

extension KeyedDecodingContainer {
    /// The document's version under `key`: `legacy` when absent (written before documents had one);
    /// newer than `D.currentVersion` is refused.
    func decodeVersion<D: StoreDocument>(_ key: Key, of _: D.Type, legacy: Int = 1) throws -> Int {
        let v = try decodeIfPresent(Int.self, forKey: key) ?? legacy
        guard v >= 1 && v <= D.currentVersion else { throw UnsupportedVersion(found: v) }
        return v
    }
}

/// The one JSON coding of the store documents: keys sorted, slashes unescaped, so that the same
/// values always give the same bytes.
public enum StoreCoding {
    /// The document as JSON and a newline; `pretty` for the documents people read (report, manifest):
    /// one member per line, the elements of a list one per line, anything deeper on that line.
    public static func encode<D: StoreDocument>(_ document: D, pretty: Bool = false) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and optionals cannot fail.
        var bytes = Array((try? encoder.encode(document)) ?? Data())
        if pretty, let laid = try? withJSON(bytes, file: D.documentName, { (root) throws(PaddockError) in layout(root) }) { bytes = laid }
        bytes.append(0x0A)
        return bytes
    }

    /// The layout of the pretty documents (as they were written by hand before): the top object's
    /// members one per line, a list of them one element per line, each element on one line.
    static func layout(_ root: JSONNode) -> [UInt8] {
        var w: [UInt8] = []
        guard root.kind == .object else { inline(root, to: &w); return w }
        w.appendStatic("{")
        var first = true
        root.forEachMember { k, v in
            w.appendStatic(first ? "\n  " : ",\n  ")
            first = false
            inline(k, to: &w)
            w.appendStatic(": ")
            if v.kind == .array, v.elements.contains(where: { $0.kind == .object || $0.kind == .array }) {
                w.appendStatic("[")
                for (i, e) in v.elements.enumerated() {
                    w.appendStatic(i == 0 ? "\n    " : ",\n    ")
                    inline(e, to: &w)
                }
                w.appendStatic("\n  ]")
            } else {
                inline(v, to: &w)
            }
        }
        w.appendStatic("\n}")
        return w
    }

    /// A value on one line, with a space after each `:` and `,`.
    static func inline(_ node: JSONNode, to w: inout [UInt8]) {
        switch node.kind {
        case .object:
            w.appendStatic("{")
            var first = true
            node.forEachMember { k, v in
                if !first { w.appendStatic(", ") }
                first = false
                inline(k, to: &w)
                w.appendStatic(": ")
                inline(v, to: &w)
            }
            w.appendStatic("}")
        case .array:
            w.appendStatic("[")
            for (i, e) in node.elements.enumerated() {
                if i > 0 { w.appendStatic(", ") }
                inline(e, to: &w)
            }
            w.appendStatic("]")
        default:
            JSONWriter.appendCompact(node, to: &w)
        }
    }

    /// Decodes a document read from `file`; a newer version than this Paddock reads, or a shape it
    /// does not know, is a `PaddockError` naming the file.
    public static func decode<D: StoreDocument>(_ type: D.Type, from bytes: [UInt8], file: String) throws(PaddockError) -> D {
        do {
            return try JSONDecoder().decode(D.self, from: Data(bytes))
        } catch let e as UnsupportedVersion {
            throw PaddockError(.data, "\(D.documentName) version \(e.found) is not supported (this Paddock reads versions 1 to \(D.currentVersion))",
                               at: SourceLocation(file: file), hint: "it was written by a newer Paddock: upgrade")
        } catch let e as DecodingError {
            throw PaddockError(.parse, "not a valid \(D.documentName): \(describe(e))", at: SourceLocation(file: file))
        } catch {
            throw PaddockError(.parse, "not a valid \(D.documentName): \(error)", at: SourceLocation(file: file))
        }
    }

    /// Reads and decodes the document at `path`.
    public static func read<D: StoreDocument>(_ type: D.Type, from path: String) throws(PaddockError) -> D {
        try decode(type, from: try FileSystem.readFile(path, limit: 256 << 20), file: path)
    }

    /// Writes the document atomically (temp file, fsync, rename).
    public static func write<D: StoreDocument>(_ document: D, to path: String, pretty: Bool = false) throws(PaddockError) {
        try AtomicFileSink.write(encode(document, pretty: pretty), to: path)
    }

    static func describe(_ e: DecodingError) -> String {
        func at(_ c: DecodingError.Context) -> String {
            c.codingPath.isEmpty ? "" : " at " + c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let k, let c): return "no \(k.stringValue)\(at(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "a value of the wrong type\(at(c))"
        case .dataCorrupted(let c): return "\(c.underlyingError.map { "\($0)" } ?? c.debugDescription)\(at(c))"
        @unknown default: return "\(e)"
        }
    }
}
