#if canImport(Glibc)
import Glibc
#endif

/// A unit of work a source offers: one file of a landing tree, or one request of an http source.
public struct WorkUnit: Sendable, Equatable {
    public enum Kind: String, Sendable { case file, http }
    public struct Param: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    /// Stable id: `<source>/<path relative to the source root>` or `<source>/<rendered id template>`.
    public var id: String
    public var source: String
    public var kind: Kind = .file
    /// The file's path as the tools open it (files), or "" (http).
    public var path: String
    /// Path relative to the source root.
    public var relativePath: String
    public var format: String
    /// Files: size in bytes, modification time (whole seconds since the epoch), sha256; -1 / "" when unknown.
    public var size: Int
    public var mtime: Int
    public var sha256: String
    /// Http: the URL without credentials, the parameter values, and the unit's date (ISO) when dated.
    public var url: String = ""
    public var params: [Param] = []
    public var date: String?
    /// Http: validators of the copy stored last (from the ledger), for conditional requests.
    public var etag: String?
    public var lastModified: String?
    /// Http fan-out with changedOnly: a hash of the parent record's values that decide a refetch.
    public var parentFingerprint: String?

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

    /// An http unit.
    public init(id: String, source: String, url: String, format: String, params: [Param], date: String?) {
        self.init(id: id, source: source, path: "", relativePath: "", format: format, size: -1, mtime: -1, sha256: "")
        kind = .http
        self.url = url
        self.params = params
        self.date = date
    }

    public func param(_ name: String) -> String? { params.first { $0.name == name }?.value }

    /// Where errors about this unit point: the file, or the URL.
    public var origin: String { kind == .file ? path : url }

    /// The version of the unit line `ndjson()` writes and `parse` reads.
    public static let currentVersion = 1

    /// The unit as one line of a units file, keys in a fixed order: `{"version":1,"id":…,"source":…,"kind":…,…}`.
    public func ndjson() -> String {
        var w: [UInt8] = []
        w.appendStatic("{\"version\":1,\"id\":"); JSONWriter.appendString(id, to: &w)
        w.appendStatic(",\"source\":"); JSONWriter.appendString(source, to: &w)
        switch kind {
        case .file:
            w.appendStatic(",\"kind\":\"file\",\"path\":"); JSONWriter.appendString(path, to: &w)
            w.appendStatic(",\"format\":"); JSONWriter.appendString(format, to: &w)
            w.appendStatic(",\"fingerprint\":{\"size\":"); w.appendString(String(size))
            w.appendStatic(",\"mtime\":"); w.appendString(String(mtime))
            w.appendStatic(",\"sha256\":"); JSONWriter.appendString(sha256, to: &w)
            w.appendByte(UInt8(ascii: "}"))
            if !params.isEmpty { appendObject(",\"params\":", params.map { ($0.name, $0.value) }, to: &w) }
            if let date { w.appendStatic(",\"date\":"); JSONWriter.appendString(date, to: &w) }
            w.appendStatic("}\n")
        case .http:
            w.appendStatic(",\"kind\":\"http\",\"url\":"); JSONWriter.appendString(url, to: &w)
            w.appendStatic(",\"format\":"); JSONWriter.appendString(format, to: &w)
            appendObject(",\"params\":", params.map { ($0.name, $0.value) }, to: &w)
            if let date { w.appendStatic(",\"date\":"); JSONWriter.appendString(date, to: &w) }
            if let parentFingerprint { w.appendStatic(",\"parent_fingerprint\":"); JSONWriter.appendString(parentFingerprint, to: &w) }
            var fp: [(String, String)] = []
            if let etag { fp.append(("etag", etag)) }
            if let lastModified { fp.append(("last_modified", lastModified)) }
            if !sha256.isEmpty { fp.append(("sha256", sha256)) }
            if !fp.isEmpty { appendObject(",\"fingerprint\":", fp, to: &w) }
            w.appendStatic("}\n")
        }
        return String(decoding: w, as: UTF8.self)
    }

    /// `prefix` then `{"k":"v",...}` with string values, in the order given.
    private func appendObject(_ prefix: StaticString, _ pairs: [(String, String)], to w: inout [UInt8]) {
        w.appendStatic(prefix)
        w.appendByte(UInt8(ascii: "{"))
        for (i, (k, v)) in pairs.enumerated() {
            if i > 0 { w.appendByte(UInt8(ascii: ",")) }
            JSONWriter.appendString(k, to: &w)
            w.appendByte(UInt8(ascii: ":"))
            JSONWriter.appendString(v, to: &w)
        }
        w.appendByte(UInt8(ascii: "}"))
    }

    /// Reads a units file (discover's output; `-` for standard input), every unit in order.
    public static func readAll(_ path: String) throws(PaddockError) -> [WorkUnit] {
        let lines = LineReader(source: try Input.open(path))
        var parser = JSONParser()
        var units: [WorkUnit] = []
        while let line = try lines.next() {
            if line.isEmpty { continue }
            units.append(try WorkUnit.parse(line, parser: &parser, file: lines.source.name, lineNumber: lines.lineNumber))
        }
        return units
    }

    /// Reads a unit back from a `discover` line.
    public static func parse(_ line: UnsafeRawBufferPointer, parser: inout JSONParser, file: String, lineNumber: Int) throws(PaddockError) -> WorkUnit {
        let doc: JSONDocument
        do { doc = try parser.parse(line) } catch { throw error.paddockError(file: file, line: lineNumber) }
        let r = doc.root
        // Lines without a version are version 1 (discover wrote none before); a newer one is refused.
        if let v = r["version"], Int(v.string ?? "") ?? Int.max > WorkUnit.currentVersion {
            throw PaddockError(.data, "unit version \(v.string ?? "?") is not supported (this Paddock reads versions 1 to \(WorkUnit.currentVersion))",
                               at: SourceLocation(file: file, line: lineNumber), hint: "it was written by a newer Paddock: upgrade")
        }
        func text(_ p: String) throws(PaddockError) -> String {
            guard let v = r.pointer(p)?.string else {
                throw PaddockError(.parse, "unit has no \(p.dropFirst().replacing("/", with: "."))", at: SourceLocation(file: file, line: lineNumber),
                                   hint: "units come from 'discover'")
            }
            return v
        }
        let id = try text("/id")
        for s in id.split(separator: "/", omittingEmptySubsequences: false) where s.isEmpty || s == "." || s == ".." {
            throw PaddockError(.data, "unit id '\(id)' is not a safe relative path", at: SourceLocation(file: file, line: lineNumber))
        }
        if r.pointer("/kind")?.string == "http" {
            var params: [Param] = []
            r.pointer("/params")?.forEachMember { k, v in params.append(Param(k.string ?? "", v.string ?? "")) }
            var u = WorkUnit(id: id, source: try text("/source"), url: try text("/url"), format: (try? text("/format")) ?? "json",
                             params: params, date: r.pointer("/date")?.string)
            u.etag = r.pointer("/fingerprint/etag")?.string
            u.lastModified = r.pointer("/fingerprint/last_modified")?.string
            u.sha256 = r.pointer("/fingerprint/sha256")?.string ?? ""
            u.parentFingerprint = r.pointer("/parent_fingerprint")?.string
            return u
        }
        var u = WorkUnit(id: id, source: try text("/source"), path: try text("/path"),
                         relativePath: "", format: (try? text("/format")) ?? "",
                         size: Int((try? text("/fingerprint/size")) ?? "") ?? -1,
                         mtime: Int((try? text("/fingerprint/mtime")) ?? "") ?? -1,
                         sha256: (try? text("/fingerprint/sha256")) ?? "")
        r.pointer("/params")?.forEachMember { k, v in u.params.append(Param(k.string ?? "", v.string ?? "")) }
        u.date = r.pointer("/date")?.string
        return u
    }
}
