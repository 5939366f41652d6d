/// A unit of work a source offers: here, one file of a landing tree.
public struct WorkUnit: Sendable, Equatable {
    /// Stable id: `<source>/<path relative to the source root>`.
    public var id: String
    public var source: String
    /// The file's path as the tools open it.
    public var path: String
    /// Path relative to the source root.
    public var relativePath: String
    public var format: String
    public var size: Int
    /// Modification time, whole seconds since the epoch.
    public var mtime: Int
    public var sha256: String

    public init(id: String, source: String, path: String, relativePath: String, format: String, size: Int, mtime: Int, sha256: String) {
        self.id = id
        self.source = source
        self.path = path
        self.relativePath = relativePath
        self.format = format
        self.size = size
        self.mtime = mtime
        self.sha256 = sha256
    }

    /// The unit as one NDJSON line (keys in a fixed order).
    public func ndjson() -> String {
        var w: [UInt8] = []
        w.appendStatic("{\"id\":"); JSONWriter.appendString(id, to: &w)
        w.appendStatic(",\"source\":"); JSONWriter.appendString(source, to: &w)
        w.appendStatic(",\"kind\":\"file\",\"path\":"); JSONWriter.appendString(path, to: &w)
        w.appendStatic(",\"format\":"); JSONWriter.appendString(format, to: &w)
        w.appendStatic(",\"fingerprint\":{\"size\":"); w.appendString(String(size))
        w.appendStatic(",\"mtime\":"); w.appendString(String(mtime))
        w.appendStatic(",\"sha256\":"); JSONWriter.appendString(sha256, to: &w)
        w.appendStatic("}}\n")
        return String(decoding: w, as: UTF8.self)
    }

    /// Reads a unit back from a `discover` line.
    public static func parse(_ line: UnsafeRawBufferPointer, parser: inout JSONParser, file: String, lineNumber: Int) throws(PaddockError) -> WorkUnit {
        let doc: JSONDocument
        do { doc = try parser.parse(line) } catch { throw error.paddockError(file: file, line: lineNumber) }
        let r = doc.root
        func text(_ p: String) throws(PaddockError) -> String {
            guard let v = r.pointer(p)?.string else {
                throw PaddockError(.parse, "unit has no \(p.dropFirst().replacing("/", with: "."))", at: SourceLocation(file: file, line: lineNumber),
                                   hint: "units come from 'discover'")
            }
            return v
        }
        return WorkUnit(id: try text("/id"), source: try text("/source"), path: try text("/path"),
                        relativePath: "", format: (try? text("/format")) ?? "",
                        size: Int((try? text("/fingerprint/size")) ?? "") ?? -1,
                        mtime: Int((try? text("/fingerprint/mtime")) ?? "") ?? -1,
                        sha256: (try? text("/fingerprint/sha256")) ?? "")
    }
}

/// Lists the units of a pipeline's `files` sources: every file under the root matching a pattern,
/// in bytewise path order, with size, mtime and sha256.
public enum Discovery {
    public static func units(of config: PipelineConfig, only: String? = nil) throws(PaddockError) -> [WorkUnit] {
        var units: [WorkUnit] = []
        for source in config.sources {
            guard source.kind == "files" else {
                throw PaddockError(.config, "source \(source.name): kind '\(source.kind)' is not supported yet", hint: "use kind: files")
            }
            guard let root = source.root else { throw PaddockError(.config, "source \(source.name) has no root") }
            if source.optional && !FileSystem.exists(root) { continue }
            guard FileSystem.isDirectory(root) else {
                throw PaddockError(.io, "source \(source.name): root folder \(root) does not exist", hint: "run from the repository root")
            }
            let globs = source.patterns.map(Glob.init)
            for rel in try walk(root, prefix: "") where globs.contains(where: { $0.matches(rel) }) {
                let path = root.hasSuffix("/") ? root + rel : root + "/" + rel
                let id = "\(source.name)/\(rel)"
                if let only, !Glob(only).matches(id) && !Glob(only).matches(rel) { continue }
                let info = try FileSystem.fileInfo(path)
                let digest = try Digest.sha256(file: path)
                let format = source.format ?? guessFormat(rel)
                units.append(WorkUnit(id: id, source: source.name, path: path, relativePath: rel, format: format,
                                      size: info.size, mtime: info.mtime, sha256: digest.hex))
            }
        }
        return units
    }

    static func guessFormat(_ path: String) -> String {
        var p = path
        if p.hasSuffix(".zst") { p.removeLast(4) }
        if p.hasSuffix(".csv") { return "csv" }
        if p.hasSuffix(".ndjson") || p.hasSuffix(".jsonl") { return "ndjson" }
        if p.hasSuffix(".json") { return "json" }
        return "binary"
    }

    /// Relative paths of all regular files under `dir`, sorted, skipping hidden entries.
    static func walk(_ dir: String, prefix: String) throws(PaddockError) -> [String] {
        var out: [String] = []
        for name in try FileSystem.list(dir) where !name.hasPrefix(".") {
            let full = dir + "/" + name
            let rel = prefix.isEmpty ? name : prefix + "/" + name
            if FileSystem.isDirectory(full) {
                out += try walk(full, prefix: rel)
            } else {
                out.append(rel)
            }
        }
        return out
    }
}

/// Shell-style path patterns: `*` and `?` within one path segment, `**` for any number of segments.
public struct Glob: Sendable {
    let parts: [Substring]

    public init(_ pattern: String) { parts = pattern.split(separator: "/") }

    public func matches(_ path: String) -> Bool {
        let segs = path.split(separator: "/")
        return Glob.match(parts[...], segs[...])
    }

    static func match(_ p: ArraySlice<Substring>, _ s: ArraySlice<Substring>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == "**" {
            var rest = s
            while true {
                if match(p.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let seg = s.first, segmentMatch(Array(first.utf8)[...], Array(seg.utf8)[...]) else { return false }
        return match(p.dropFirst(), s.dropFirst())
    }

    static func segmentMatch(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        if c == UInt8(ascii: "*") {
            var rest = s
            while true {
                if segmentMatch(p.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let d = s.first, c == UInt8(ascii: "?") || c == d else { return false }
        return segmentMatch(p.dropFirst(), s.dropFirst())
    }
}
