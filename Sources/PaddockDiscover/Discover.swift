public import PaddockCore
import PaddockHashing
/// What discovery needs beyond the config: the run's time, the date window asked for, the environment.
public struct DiscoveryContext: Sendable {
    public var workspace: Workspace
    public var now: Timestamp
    /// From --from/--to or --days-back; nil: each source's own dates.from/to.
    public var window: DateWindow?
    public var environment: [String: String]
    /// Called for a unit that cannot be made (an unsafe id from a server); discovery goes on.
    public var onRejected: (@Sendable (PaddockError) -> Void)?
    /// Called for something worth saying that does not fail discovery (a file still being written).
    public var onWarning: (@Sendable (String) -> Void)?

    public init(workspace: Workspace, now: Timestamp, window: DateWindow? = nil, environment: [String: String] = Workspace.environment()) {
        self.workspace = workspace
        self.now = now
        self.window = window
        self.environment = environment
    }
}

/// Lists the units of a pipeline's sources: every file under a `files` root matching a pattern, in
/// bytewise path order, with size, mtime and sha256; every request an `http` source makes over its
/// parameters (dates in the window, listed values, ids from a parent source's stored records).
public enum Discovery {
    /// The units of the `files` sources (http sources need a context: see the other `units`).
    public static func units(of config: PipelineConfig, only: String? = nil) throws(PaddockError) -> [WorkUnit] {
        var units: [WorkUnit] = []
        for source in config.sources where source.kind == .files {
            units += try fileUnits(source, only: only)
        }
        return units
    }

    /// The units of every source, in declaration order; `sources` limits them to some.
    public static func units(of config: PipelineConfig, context: DiscoveryContext, ledger: LedgerIndex,
                             only: String? = nil, sources: Set<String>? = nil) throws(PaddockError) -> [WorkUnit] {
        var units: [WorkUnit] = []
        for source in config.sources where sources?.contains(source.name) ?? true {
            units += try self.units(of: source, in: config, context: context, ledger: ledger, only: only)
        }
        return units
    }

    /// The units of one source.
    public static func units(of source: SourceConfig, in config: PipelineConfig, context: DiscoveryContext, ledger: LedgerIndex,
                             only: String? = nil) throws(PaddockError) -> [WorkUnit] {
        switch source.kind {
        case .files: return try fileUnits(source, only: only, context: context)
        default:
            let units = try httpUnits(source, in: config, context: context, ledger: ledger)
            guard let only else { return units }
            let g = Glob(only)
            return units.filter { g.matches($0.id) || g.matches(String($0.id.dropFirst(source.name.count + 1))) }
        }
    }

    static func fileUnits(_ source: SourceConfig, only: String?, context: DiscoveryContext? = nil) throws(PaddockError) -> [WorkUnit] {
        var units: [WorkUnit] = []
        guard let root = source.root else { throw PaddockError(.config, "source \(source.name) has no root") }
        if source.optional && !FileSystem.exists(root) { return [] }
        guard FileSystem.isDirectory(root) else {
            throw PaddockError(.io, "source \(source.name): root folder \(root) does not exist", hint: "run from the repository root")
        }
        let patterns = source.patterns.map(NamedPattern.init)
        var manifests: [String: [String: String]?] = [:]
        for rel in try walk(root, warn: { context?.onWarning?("source \(source.name): \($0)") }) {
            guard let (pattern, parts) = patterns.lazy.compactMap({ p in p.match(rel).map { (p, $0) } }).first else { continue }
            _ = pattern
            let path = root.hasSuffix("/") ? root + rel : root + "/" + rel
            let id = "\(source.name)/\(rel)"
            if let only, !Glob(only).matches(id) && !Glob(only).matches(rel) { continue }
            // Named date parts ({yyyy}, {mm}, {dd}) date the unit: the window keeps the files whose
            // period (a year, a month or a day) overlaps it.
            let period = NamedPattern.period(parts)
            if let w = context?.window, let period, period.to < w.from || period.from > w.to { continue }
            let info = try FileSystem.fileInfo(path)
            let digest = try Digest.sha256(file: path)
            // A folder's manifest.json (rpscrape trees) lists its files with their sha256: a file that
            // differs is still being written, or damaged, and waits for a later run.
            let folder = FileSystem.parent(of: path)
            if manifests[folder] == nil { manifests[folder] = .some(try Self.manifest(in: folder)) }
            if let listed = manifests[folder]??[FileSystem.lastComponent(of: path)], listed != digest.hex {
                context?.onWarning?("\(path): sha256 differs from its folder's manifest.json; skipped until they agree (still being written?)")
                continue
            }
            let format = source.format?.rawValue ?? guessFormat(rel)
            var u = WorkUnit(id: id, source: source.name, path: path, relativePath: rel, format: format,
                             size: info.size, mtime: info.mtime, sha256: digest.hex)
            u.params = parts
            u.date = period.map { DateWindow.iso($0.from) }
            units.append(u)
        }
        return units
    }

    /// name -> sha256 of the files a folder's manifest.json lists (nil without a manifest).
    static func manifest(in folder: String) throws(PaddockError) -> [String: String]? {
        let path = folder + "/manifest.json"
        guard FileSystem.exists(path) else { return nil }
        let bytes = try Input.readAll(try Input.open(path))
        var parser = JSONParser()
        var out: [String: String] = [:]
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            guard let doc = try? parser.parse(raw) else { return false }
            for f in doc.root.pointer("/files")?.elements ?? [] {
                if let name = f.pointer("/name")?.string, let sha = f.pointer("/sha256")?.string { out[name] = sha }
            }
            return true
        }
        guard ok else { throw PaddockError(.parse, "invalid JSON in manifest", at: SourceLocation(file: path)) }
        return out
    }

    /// The days of a source's date parameter: the context's window, else the source's own from/to.
    public static func days(of dates: HTTPSourceConfig.DatesConfig, source: String, context: DiscoveryContext) throws(PaddockError) -> [Int] {
        let window: DateWindow
        if let w = context.window {
            window = w
        } else {
            guard let f = dates.from, let t = dates.to else {
                throw PaddockError(.usage, "source \(source) needs a date window", hint: "give --from and --to, or --days-back N, or set dates.from and dates.to")
            }
            guard let a = DateWindow.day(f, now: context.now), let b = DateWindow.day(t, now: context.now) else {
                throw PaddockError(.config, "source \(source): dates.from/to must be ISO dates, today or today-N")
            }
            window = DateWindow(from: a, to: b)
        }
        guard window.from <= window.to else { return [] }
        return Array(stride(from: window.from, through: window.to, by: max(1, dates.step)))
    }

    /// The http units of a source: the product of its parameters' values, in a stable order (the date
    /// parameter first, then the others by name; fan-out values in the order of the parent's units).
    static func httpUnits(_ source: SourceConfig, in config: PipelineConfig, context: DiscoveryContext, ledger: LedgerIndex) throws(PaddockError) -> [WorkUnit] {
        guard let http = source.http else { throw PaddockError(.config, "source \(source.name) has no http settings") }
        let base = try HTTPTemplate.expandEnvironment(http.baseURL, context.environment, what: "source \(source.name) baseURL")
        // Each row: parameter values plus the date (as a day) when dated.
        typealias Row = (params: [WorkUnit.Param], day: Int?, parentFP: String?)
        var rows: [Row] = [([], nil, nil)]
        let order = http.params.keys.sorted { a, b in
            let da = http.params[a]!.dates != nil, db = http.params[b]!.dates != nil
            return da != db ? da : a < b
        }
        for name in order {
            let p = http.params[name]!
            var next: [Row] = []
            if let dates = p.dates {
                let days = try days(of: dates, source: source.name, context: context)
                for r in rows { for d in days { next.append((r.params + [.init(name, DateWindow.format(d, dates.format))], d, r.parentFP)) } }
            } else if let values = p.values {
                for r in rows { for v in values { next.append((r.params + [.init(name, v)], r.day, r.parentFP)) } }
            } else if let parent = p.fromSource, let pointer = p.pointer {
                // Fan-out: values from the records of the parent's units in scope that are stored.
                let ps = try config.source(parent)
                let parentUnits = try httpUnits(ps, in: config, context: context, ledger: ledger)
                var seen = Set<String>()
                for pu in parentUnits {
                    guard let entry = ledger.stored[pu.id] else { continue }
                    for (value, fp) in try fanOutValues(entry.rawPaths, source: ps, pointer: pointer, filter: p.filter, fingerprint: p.changedOnly)
                    where seen.insert(value).inserted {
                        next.append((pu.params + [.init(name, value)], pu.date.flatMap { DateWindow.day($0, now: context.now) }, fp))
                    }
                }
                if rows.count > 1 || !(rows.first?.params.isEmpty ?? true) {
                    throw PaddockError(.config, "source \(source.name): a fromSource parameter cannot be combined with other parameters")
                }
            }
            rows = next
        }
        var units: [WorkUnit] = []
        units.reserveCapacity(rows.count)
        for r in rows {
            var values: [String: String] = [:]
            for p in r.params { values[p.name] = p.value }
            // Values that become part of the id (a path under data/raw) must be plain; servers supply some.
            let idTemplate = http.id ?? String(http.path.drop { $0 == "/" })
            if let bad = HTTPTemplate.names(idTemplate).compactMap({ values[$0] }).first(where: { !HTTPTemplate.isSafeIDPart($0) }) {
                context.onRejected?(PaddockError(.data, "source \(source.name): value '\(bad)' cannot be part of a unit id (a path under data/raw)",
                                                 hint: "ids may hold letters, digits and -._~:@+=, only; this unit is skipped"))
                continue
            }
            let id = source.name + "/" + HTTPTemplate.render(idTemplate, values) { $0 }
            var url = base.hasSuffix("/") && http.path.hasPrefix("/") ? String(base.dropLast()) : base
            url += HTTPTemplate.render(http.path, values, HTTPTemplate.percentEncode)
            let query = http.query.sorted { $0.key < $1.key }.map { "\(HTTPTemplate.percentEncode($0.key))=\(HTTPTemplate.render($0.value, values, HTTPTemplate.percentEncode))" }
            if !query.isEmpty { url += (url.contains("?") ? "&" : "?") + query.joined(separator: "&") }
            var u = WorkUnit(id: id, source: source.name, url: url, format: source.format?.rawValue ?? "json", params: r.params,
                             date: r.day.map(DateWindow.iso))
            u.parentFingerprint = r.parentFP
            if let e = ledger.stored[id] {
                u.etag = e.etag
                u.lastModified = e.lastModified
                u.sha256 = e.sha256
            }
            units.append(u)
        }
        return units
    }

    /// The values at `pointer` in each record of the stored payloads (records found as the source declares).
    static func fanOutValues(_ rawPaths: [String], source: SourceConfig, pointer: String, filter: [String: [String]] = [:],
                             fingerprint: [String] = []) throws(PaddockError) -> [(String, String?)] {
        var out: [(String, String?)] = []
        let conditions = filter.sorted { $0.key < $1.key }
        var parser = JSONParser()
        for path in rawPaths {
            let bytes = try Input.readAll(try Input.open(path))
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
            defer { buffer.deallocate() }
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            let doc: JSONDocument
            do { doc = try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<bytes.count])) } catch { throw error.paddockError(file: path, line: nil) }
            try JSONRecords.forEachRecord(doc.root, of: source) { (node, _) throws(PaddockError) in
                for (p, accepted) in conditions {
                    guard let v = node.pointer(p)?.string, accepted.contains(v) else { return }
                }
                guard let v = node.pointer(pointer), v.kind != .null, v.kind != .object, v.kind != .array, let s = v.string else { return }
                // The parent's values that decide whether the child is asked again, hashed.
                let fp = fingerprint.isEmpty ? nil
                    : String(Digest.sha256(fingerprint.map { node.pointer($0)?.compactJSON ?? "null" }.joined(separator: "\u{1F}")).prefix(16))
                out.append((s, fp))
            }
        }
        return out
    }

    public static func guessFormat(_ path: String) -> String {
        var p = path
        if p.hasSuffix(".zst") { p.removeLast(4) }
        if p.hasSuffix(".csv") { return "csv" }
        if p.hasSuffix(".ndjson") || p.hasSuffix(".jsonl") { return "ndjson" }
        if p.hasSuffix(".json") { return "json" }
        return "binary"
    }

    /// Relative paths of the regular files under `root`, in bytewise order, skipping hidden entries.
    ///
    /// Symbolic links are followed only when they lead inside the root, and each real file and folder
    /// (device and inode) is listed once, at its first path in that order: a link loop (`ln -s . loop`)
    /// or a second name of a file adds nothing. What is skipped is said through `warn`: a link leading
    /// outside the root or nowhere, a second name, a name that is not valid UTF-8 (no path built from it
    /// could be opened), anything that is neither a file nor a folder.
    static func walk(_ root: String, warn: (String) -> Void = { _ in }) throws(PaddockError) -> [String] {
        guard let rootReal = FileSystem.realPath(root), let rootID = FileSystem.identity(root) else {
            throw PaddockError(.io, "cannot resolve the root folder \(root)")
        }
        var seenFolders: Set<[UInt64]> = [[rootID.device, rootID.inode]]
        var seenFiles: [[UInt64]: String] = [:]
        var out: [String] = []
        func visit(_ dir: String, _ prefix: String) throws(PaddockError) {
            let (names, undecodable) = try FileSystem.listChecked(dir)
            for name in undecodable {
                warn("\(dir)/\(name): the file name is not valid UTF-8; skipped (rename it)")
            }
            for name in names where !name.hasPrefix(".") {
                let full = dir + "/" + name
                let rel = prefix.isEmpty ? name : prefix + "/" + name
                if FileSystem.isSymbolicLink(full) {
                    guard let target = FileSystem.realPath(full) else { warn("\(full): a symbolic link that leads nowhere; skipped"); continue }
                    guard target == rootReal || target.hasPrefix(rootReal + "/") else {
                        warn("\(full): a symbolic link to \(target), outside the root \(root); skipped")
                        continue
                    }
                }
                guard let id = FileSystem.identity(full) else { continue }
                let key = [id.device, id.inode]
                if id.isDirectory {
                    guard seenFolders.insert(key).inserted else {
                        warn("\(full): the same folder as one already listed (a link loop?); skipped")
                        continue
                    }
                    try visit(full, rel)
                } else if id.isRegular {
                    if let first = seenFiles[key] {
                        warn("\(full): the same file as \(first); listed once")
                        continue
                    }
                    seenFiles[key] = rel
                    out.append(rel)
                } else {
                    warn("\(full): not a regular file (a device, a pipe or a socket); skipped")
                }
            }
        }
        try visit(root, "")
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

/// A files pattern with named parts: `{region}/{code}/{yyyy}-{mm}/runners_*.csv`. Each `{name}` matches
/// within one path segment like `*` and captures its text; `*`, `?` and `**` work as in `Glob`.
/// Captures need the pattern's segments to line up with the path's, so a pattern with `**` captures
/// nothing.
public struct NamedPattern: Sendable {
    let glob: Glob
    let segments: [String]
    let hasNames: Bool

    public init(_ pattern: String) {
        var starred = ""
        var inName = false
        for c in pattern {
            if c == "{" { inName = true; starred.append("*"); continue }
            if c == "}" && inName { inName = false; continue }
            if !inName { starred.append(c) }
        }
        glob = Glob(starred)
        segments = pattern.split(separator: "/").map(String.init)
        hasNames = pattern.contains("{") && !pattern.contains("**")
    }

    /// The named parts when `path` matches (empty without names), nil otherwise.
    public func match(_ path: String) -> [WorkUnit.Param]? {
        guard glob.matches(path) else { return nil }
        guard hasNames else { return [] }
        let pathSegs = path.split(separator: "/").map(String.init)
        guard pathSegs.count == segments.count else { return [] }
        var out: [WorkUnit.Param] = []
        for (p, s) in zip(segments, pathSegs) where p.contains("{") {
            guard let caps = Self.capture(Array(p), Array(s)) else { return [] }
            out += caps
        }
        return out
    }

    /// Captures `{name}` parts of one segment: each takes the shortest text up to the literal after it.
    static func capture(_ p: [Character], _ s: [Character]) -> [WorkUnit.Param]? {
        var out: [WorkUnit.Param] = []
        var i = 0, j = 0
        while i < p.count {
            if p[i] == "{", let close = p[i...].firstIndex(of: "}") {
                let name = String(p[(i + 1)..<close])
                i = close + 1
                // The literal that follows (up to the next name or wildcard), or the end of the segment.
                var lit: [Character] = []
                var k = i
                while k < p.count && p[k] != "{" && p[k] != "*" && p[k] != "?" { lit.append(p[k]); k += 1 }
                var end = j
                if lit.isEmpty {
                    end = k == p.count ? s.count : min(s.count, j + 1)
                } else {
                    while end + lit.count <= s.count && Array(s[end..<(end + lit.count)]) != lit { end += 1 }
                    if end + lit.count > s.count { return nil }
                }
                out.append(WorkUnit.Param(name, String(s[j..<end])))
                j = end
            } else if p[i] == "*" {
                // Anonymous: skip to the next literal.
                i += 1
                var lit: [Character] = []
                var k = i
                while k < p.count && p[k] != "{" && p[k] != "*" && p[k] != "?" { lit.append(p[k]); k += 1 }
                if lit.isEmpty { j = s.count; continue }
                while j + lit.count <= s.count && Array(s[j..<(j + lit.count)]) != lit { j += 1 }
            } else {
                i += 1
                j += 1
            }
        }
        return out
    }

    /// The days a unit's named date parts cover: `yyyy` a year, with `mm` a month, with `dd` a day.
    public static func period(_ parts: [WorkUnit.Param]) -> DateWindow? {
        func v(_ n: String) -> Int? { parts.first { $0.name == n }.flatMap { Int($0.value) } }
        guard let y = v("yyyy") ?? v("year"), (1000...9999).contains(y) else { return nil }
        if let m = v("mm") ?? v("month"), (1...12).contains(m) {
            if let d = v("dd") ?? v("day"), CivilCalendar.isRealDay(y, m, d) {
                let day = CivilCalendar.days(y, m, d)
                return DateWindow(from: day, to: day)
            }
            let first = CivilCalendar.days(y, m, 1)
            let next = m == 12 ? CivilCalendar.days(y + 1, 1, 1) : CivilCalendar.days(y, m + 1, 1)
            return DateWindow(from: first, to: next - 1)
        }
        return DateWindow(from: CivilCalendar.days(y, 1, 1), to: CivilCalendar.days(y + 1, 1, 1) - 1)
    }
}
