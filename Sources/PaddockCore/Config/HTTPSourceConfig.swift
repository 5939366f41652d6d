/// The request side of an `http` source (docs/sources.md): where to ask, over which parameters, how
/// politely, and what a response must contain before it is stored.
///
/// ```yaml
/// - name: events
///   kind: http
///   baseURL: ${EVENTS_API_URL:-http://127.0.0.1:8765}
///   path: /events/{date}
///   params:
///     date: {dates: {from: 2024-08-01, to: today, step: 1}}
///   records: /events/*
///   contract: [/events]
///   rateLimit: 5
/// ```
public struct HTTPSourceConfig: Sendable {
    /// Scheme, host and optional path prefix; `${VAR}` and `${VAR:-default}` are read from the environment.
    public var baseURL: String
    /// The path template: `{name}` takes a parameter's value (percent-encoded).
    public var path: String
    /// The unit id below the source name (default: the rendered path without its leading slash).
    public var id: String?
    /// Query parameters, values are templates like the path.
    public var query: [String: String]
    public var params: [String: ParamConfig]
    /// Request headers (values may use `${VAR}`).
    public var headers: [String: String]
    public var auth: AuthConfig?
    /// Requests per second for this source (0: no limit).
    public var rateLimit: Double
    /// Seconds for a whole request.
    public var timeout: Double
    /// Attempts per unit, the first included.
    public var tries: Int
    /// First backoff in seconds (doubled per retry, with jitter), and its ceiling.
    public var backoff: Double
    public var maxBackoff: Double
    /// The longest Retry-After honoured, in seconds; longer ones fail the unit for a later run.
    public var maxRetryAfter: Double
    public var breaker: BreakerConfig
    /// The largest body accepted, in bytes.
    public var maxBytes: Int
    /// JSON pointers every response must have (`*` allowed); a response without them is not stored.
    public var contract: [String]
    /// Units whose date parameter lies within this many days before `--now` (or after it) are asked
    /// again on each run, conditionally, because results get amended; older stored units are not.
    public var refetchDays: Int
    public var pagination: PaginationConfig?
    /// Where each parameter is declared, for messages.
    var paramPositions: [String: ConfigPosition] = [:]
    /// Where each header's value is written.
    var headerPositions: [String: ConfigPosition] = [:]

    /// What the environment lacks for this source to be fetched: each `${VAR}` without a default in
    /// `baseURL` (and, with `requests`, in the headers and the auth's key variable) that is not set,
    /// with where it is written. Tools that fetch ask this before any work, so that a missing API URL or
    /// key is reported at once for every source, not after the first sources were fetched.
    public func environmentProblems(source s: SourceConfig, env: [String: String], requests: Bool) -> [(ConfigPosition, String)] {
        var out: [(ConfigPosition, String)] = []
        var texts = [("baseURL", baseURL, s.position(of: "baseURL"))]
        if requests { texts += headers.sorted(by: { $0.key < $1.key }).map { ("header \($0.key)", $0.value, headerPositions[$0.key] ?? s.position(of: "headers")) } }
        for (what, text, at) in texts {
            for name in HTTPTemplate.unsetVariables(text, env) {
                out.append((at, "source \(s.name) \(what) needs the environment variable \(name), which is not set (or is empty); export \(name)=..."))
            }
        }
        if requests, let auth, env[auth.env]?.isEmpty ?? true {
            out.append((s.position(of: "auth"), "source \(s.name) needs the environment variable \(auth.env) (its API key), which is not set; export \(auth.env)=..."))
        }
        return out
    }

    /// The keys of a source that only http sources take.
    public static let keys = ["baseURL", "path", "id", "query", "params", "headers", "auth", "rateLimit", "timeout", "tries", "backoff",
                              "maxBackoff", "maxRetryAfter", "breaker", "maxBytes", "contract", "refetchDays", "pagination"]

    public struct ParamConfig: Sendable {
        /// A date window: `from` and `to` are ISO dates, `today`, or `today-N`; `step` in days.
        public var dates: DatesConfig?
        public var values: [String]?
        /// Fan-out: the values at `pointer` in the records of `fromSource`'s stored units.
        public var fromSource: String?
        public var pointer: String?
        /// With fromSource: only values for which this source has no stored unit yet (enrichment).
        public var newOnly: Bool
        /// With fromSource: only parent records whose value at each pointer is one of the listed ones
        /// (`where: {/status/type: [finished, inprogress]}`).
        public var filter: [String: [String]]
        /// With fromSource: a child unit is asked again only when these values of its parent record
        /// changed since it was stored (`changedOnly: [/status/type, /homeScore/current]`); never otherwise.
        public var changedOnly: [String]

        init(reading m: ConfigMap) {
            if let dm = m.map("dates", context: "in the dates of " + m.context.dropFirst(3)) {
                var d = DatesConfig(from: dm.text("from"), to: dm.text("to"), step: dm.int("step", in: 1...Int.max) ?? 1,
                                    format: dm.text("format") ?? "%Y-%m-%d")
                for (key, text) in [("from", d.from), ("to", d.to)] {
                    if let text, DateWindow.day(text, now: Timestamp(seconds: 0)) == nil {
                        m.diagnostics.error(dm.position(of: key), "'\(key)' \(dm.context): '\(text)' is not a date (YYYY-MM-DD, today or today-N)")
                        if key == "from" { d.from = nil } else { d.to = nil }
                    }
                }
                dm.finish()
                dates = d
            }
            values = m.texts("values")
            fromSource = m.text("fromSource")
            pointer = m.text("pointer")
            newOnly = m.bool("newOnly") ?? false
            var f: [String: [String]] = [:]
            for e in m.value("where")?.entries() ?? [] { f[e.name] = e.value.texts() ?? [] }
            filter = f
            changedOnly = m.texts("changedOnly") ?? []
            m.finish()
        }
    }

    public struct DatesConfig: Sendable {
        public var from: String?
        public var to: String?
        public var step: Int
        /// strftime-like: %Y, %m, %d (default %Y-%m-%d).
        public var format: String
    }

    public struct AuthConfig: Sendable {
        /// The environment variable holding the secret.
        public var env: String
        /// Send it in this header (`X-Auth-Token`), or with `scheme` (`Bearer`) in Authorization...
        public var header: String?
        public var scheme: String?
        /// ...or as this query parameter (redacted wherever the URL is written down).
        public var query: String?
    }

    public struct BreakerConfig: Sendable {
        public var consecutive: Int
        public var window: Int
        public var failureRate: Double

        public init() { consecutive = 10; window = 20; failureRate = 0.5 }
    }

    /// How the pages of one unit are asked for.
    public enum PaginationStyle: String, ConfigChoice {
        /// The parameter counts up from `start`.
        case page
        /// The parameter advances by `size`.
        case offset
        /// The parameter takes the value at `cursor` in the last response.
        case cursor
    }

    /// Pages of one unit: `page` (param counts up from `start`), `offset` (param advances by `size`) or
    /// `cursor` (param takes the value at `cursor` in the last response). Paging stops at a page with no
    /// records, a missing cursor, or `maxPages`.
    public struct PaginationConfig: Sendable {
        public var style: PaginationStyle
        public var param: String
        public var start: Int
        public var sizeParam: String?
        public var size: Int
        public var cursor: String?
        public var maxPages: Int
    }

    /// Reads the http keys of a source's mapping.
    init(reading m: ConfigMap) {
        baseURL = m.required("baseURL")?.text() ?? ""
        path = m.required("path")?.text() ?? ""
        id = m.text("id")
        query = m.value("query")?.textEntries() ?? [:]
        var ps: [String: ParamConfig] = [:]
        for e in m.value("params")?.entries() ?? [] {
            guard let pm = e.value.map("in parameter '\(e.name)' of \(m.context.replacing("in ", with: "", maxReplacements: 1))") else { continue }
            ps[e.name] = ParamConfig(reading: pm)
            paramPositions[e.name] = e.position
        }
        params = ps
        headers = m.value("headers")?.textEntries() ?? [:]
        for e in m.value("headers")?.entries() ?? [] { headerPositions[e.name] = e.value.position }
        // `${` with no `}`, or a name that is not a variable's, would be sent as written.
        if let problem = HTTPTemplate.environmentSyntaxProblem(baseURL) { m.diagnostics.error(m.position(of: "baseURL"), "baseURL \(m.context): \(problem)") }
        for (name, text) in headers.sorted(by: { $0.key < $1.key }) {
            if let problem = HTTPTemplate.environmentSyntaxProblem(text) {
                m.diagnostics.error(headerPositions[name] ?? m.position(of: "headers"), "header '\(name)' \(m.context): \(problem)")
            }
        }
        let of = m.context.dropFirst(3)  // "source 'x'"
        if let am = m.map("auth", context: "in auth of \(of)") {
            auth = AuthConfig(env: am.required("env")?.text() ?? "", header: am.text("header"), scheme: am.text("scheme"), query: am.text("query"))
            am.finish()
        }
        rateLimit = m.number("rateLimit", in: 0...1_000_000) ?? 0
        timeout = m.number("timeout", in: 0.001...86400) ?? 30
        tries = m.int("tries", in: 1...1000) ?? 5
        backoff = m.number("backoff", in: 0...86400) ?? 1
        maxBackoff = m.number("maxBackoff", in: 0...86400) ?? 60
        maxRetryAfter = m.number("maxRetryAfter", in: 0...86400 * 7) ?? 300
        var b = BreakerConfig()
        if let bm = m.map("breaker", context: "in breaker of \(of)") {
            b.consecutive = bm.int("consecutive", in: 1...Int.max) ?? 10
            b.window = bm.int("window", in: 1...Int.max) ?? 20
            b.failureRate = bm.number("failureRate", in: 0...1) ?? 0.5
            bm.finish()
        }
        breaker = b
        maxBytes = m.int("maxBytes", in: 1...Int.max) ?? 64 << 20
        contract = m.texts("contract") ?? []
        refetchDays = m.int("refetchDays", in: 0...Int.max) ?? 3
        if let pm = m.map("pagination", context: "in pagination of \(of)") {
            let style = pm.required("style")?.choice(PaginationStyle.self) ?? .page
            pagination = PaginationConfig(
                style: style, param: pm.text("param") ?? style.rawValue, start: pm.int("start") ?? (style == .page ? 1 : 0),
                sizeParam: pm.text("sizeParam"), size: pm.int("size", in: 1...Int.max) ?? 100, cursor: pm.text("cursor"),
                maxPages: pm.int("maxPages", in: 1...Int.max) ?? 1000)
            pm.finish()
        }
    }

    /// Enrichment: units fetched once, when first seen, and never asked again.
    public var fetchOnce: Bool { params.values.contains { $0.newOnly } }

    /// Children asked again only when their parent record changed (see `ParamConfig.changedOnly`).
    public var changeDriven: Bool { params.values.contains { !$0.changedOnly.isEmpty } }

    /// The name of the date parameter, if any.
    public var dateParam: String? { params.first { $0.value.dates != nil }?.key }

    /// Checks what can be checked before any request, reporting each problem with its position.
    func validate(source s: SourceConfig, in config: PipelineConfig, report: (ConfigPosition, String) -> Void) {
        let source = s.name
        let at = s.position
        let names = Set(HTTPTemplate.names(path) + query.values.flatMap(HTTPTemplate.names) + HTTPTemplate.names(id ?? ""))
        for n in names.sorted() where params[n] == nil && pagination?.param != n {
            report(at, "source \(source): template names {\(n)}, which is not a parameter; declare it under params:")
        }
        for (name, p) in params.sorted(by: { $0.key < $1.key }) {
            let pat = paramPositions[name] ?? at
            let kinds = [p.dates != nil, p.values != nil, p.fromSource != nil].filter { $0 }.count
            if kinds != 1 { report(pat, "source \(source): parameter \(name) needs exactly one of dates, values or fromSource") }
            if p.newOnly && !p.changedOnly.isEmpty {
                report(pat, "source \(source): parameter \(name): newOnly (fetch once) and changedOnly (fetch again when the parent changed) contradict each other; keep one")
            }
            if p.fromSource == nil && (!p.filter.isEmpty || !p.changedOnly.isEmpty || p.newOnly) {
                report(pat, "source \(source): parameter \(name): where, changedOnly and newOnly go with fromSource")
            }
            if let parent = p.fromSource {
                guard let pi = config.sources.firstIndex(where: { $0.name == parent }), config.sources[pi].kind == .http else {
                    report(pat, "source \(source): parameter \(name) reads source '\(parent)', which is not an http source")
                    continue
                }
                if !(p.pointer?.hasPrefix("/") ?? false) {
                    report(pat, "source \(source): parameter \(name) needs a pointer (a JSON pointer into \(parent)'s records)")
                }
                if pi >= (config.sources.firstIndex(where: { $0.name == source }) ?? 0) {
                    report(pat, "source \(source): its parent source \(parent) must be declared before it")
                }
            }
        }
        if params.values.filter({ $0.dates != nil }).count > 1 {
            report(at, "source \(source): at most one date parameter")
        }
        if let p = pagination, p.style == .cursor, p.cursor == nil {
            report(at, "source \(source): cursor pagination needs cursor: (a JSON pointer to the next cursor)")
        }
        // Every parameter must reach the id, or two units would share one raw folder and ledger line.
        let idNames = Set(HTTPTemplate.names(id ?? path))
        for name in params.keys.sorted() where !idNames.contains(name) {
            report(paramPositions[name] ?? at, "source \(source): parameter \(name) is not in the unit id; add {\(name)} to id: (default: the path), so that each unit has an id of its own")
        }
        if breaker.consecutive <= tries {
            report(at, "source \(source): breaker.consecutive (\(breaker.consecutive)) must be more than tries (\(tries)); otherwise one unit that fails every try stops the whole run")
        }
        if let p = pagination {
            if p.style == .offset && p.sizeParam == nil {
                report(at, "source \(source): offset pagination needs sizeParam (the page size must be asked for, not guessed)")
            }
            if let f = s.format, f != .json {
                report(at, "source \(source): pagination works on json responses only")
            }
        }
    }
}

/// `{name}` templates over parameter values.
public enum HTTPTemplate {
    /// The parameter names a template uses, in order.
    public static func names(_ template: String) -> [String] {
        var out: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            out.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// Fills `{name}` with `transform(value)`.
    public static func render(_ template: String, _ values: [String: String], _ transform: (String) -> String) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name].map(transform) ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    public static func percentEncode(_ s: String) -> String {
        var out: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A value that may become part of a unit id (a path under data/raw): letters, digits and `-._~:@+=,`,
    /// never `.` or `..`, at most 200 bytes. Values from servers go through this.
    public static func isSafeIDPart(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 200, s != ".", s != ".." else { return false }
        return s.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"),
                    UInt8(ascii: "@"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ",")].contains(b)
        }
    }

    /// The host and port of an `http://` or `https://` URL (port 80 or 443 unless given); nil for
    /// another scheme. IPv6 literals (`[::1]`) keep their brackets.
    public static func hostAndPort(_ url: String) -> (host: String, port: Int)? {
        let scheme: (prefix: String, port: Int)
        if url.lowercased().hasPrefix("https://") { scheme = ("https://", 443) } else if url.lowercased().hasPrefix("http://") { scheme = ("http://", 80) } else { return nil }
        var authority = url.dropFirst(scheme.prefix.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let closing = authority.lastIndex(of: "]")
        if let colon = authority.lastIndex(of: ":"), closing.map({ colon > $0 }) ?? true {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else { return nil }
            let host = authority[..<colon]
            return host.isEmpty ? nil : (String(host), port)
        }
        return authority.isEmpty ? nil : (String(authority), scheme.port)
    }

    /// The `${VAR}` references of `s` (with their defaults, if any), in order; nil for an unterminated one.
    static func environmentReferences(_ s: String) -> [(name: Substring, fallback: Substring?)]? {
        var out: [(Substring, Substring?)] = []
        var rest = Substring(s)
        while let start = rest.firstRange(of: "${") {
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else { return nil }
            let inner = rest[start.upperBound..<close]
            if let sep = inner.firstRange(of: ":-") { out.append((inner[..<sep.lowerBound], inner[sep.upperBound...])) } else { out.append((inner, nil)) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// What is wrong with the `${VAR}` references of `s` as written, or nil.
    public static func environmentSyntaxProblem(_ s: String) -> String? {
        guard let refs = environmentReferences(s) else { return "'${' has no closing '}'" }
        for r in refs {
            let ok = !r.name.isEmpty && r.name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }
                && !(r.name.first?.isNumber ?? true)
            if !ok { return "'${\(r.name)}' is not an environment variable's name (letters, digits and _, not starting with a digit)" }
        }
        return nil
    }

    /// The variables `s` needs that `env` does not set (or sets empty) and that have no default.
    public static func unsetVariables(_ s: String, _ env: [String: String]) -> [String] {
        (environmentReferences(s) ?? []).filter { $0.fallback == nil && (env[String($0.name)]?.isEmpty ?? true) }.map { String($0.name) }
    }

    /// Replaces `${VAR}` and `${VAR:-default}` with the environment's values; a missing variable without a
    /// default is an error.
    public static func expandEnvironment(_ s: String, _ env: [String: String], what: String) throws(PaddockError) -> String {
        var out = ""
        var rest = Substring(s)
        while let start = rest.firstRange(of: "${") {
            out += rest[..<start.lowerBound]
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else {
                rest = rest[start.lowerBound...]
                break
            }
            let inner = rest[start.upperBound..<close]
            var name = Substring(inner), fallback: Substring? = nil
            if let sep = inner.firstRange(of: ":-") {
                name = inner[..<sep.lowerBound]
                fallback = inner[sep.upperBound...]
            }
            if let v = env[String(name)], !v.isEmpty {
                out += v
            } else if let fallback {
                out += fallback
            } else {
                throw PaddockError(.config, "\(what) needs the environment variable \(name), which is not set (or is empty)",
                                   hint: "export \(name)=... (see docs/sources.md)")
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
