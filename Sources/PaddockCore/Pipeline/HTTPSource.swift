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
public struct HTTPSourceConfig: Decodable, Sendable {
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

    public struct ParamConfig: Decodable, Sendable {
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

        enum CodingKeys: String, CodingKey { case dates, values, fromSource, pointer, newOnly, filter = "where", changedOnly }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            dates = try c.decodeIfPresent(DatesConfig.self, forKey: .dates)
            if let list = try? c.decodeIfPresent([String].self, forKey: .values) {
                values = list
            } else if let ints = try? c.decodeIfPresent([Int].self, forKey: .values) {
                values = ints.map(String.init)
            } else {
                values = nil
            }
            fromSource = try c.decodeIfPresent(String.self, forKey: .fromSource)
            pointer = try c.decodeIfPresent(String.self, forKey: .pointer)
            newOnly = try c.decodeIfPresent(Bool.self, forKey: .newOnly) ?? false
            filter = try c.decodeIfPresent([String: [String]].self, forKey: .filter) ?? [:]
            changedOnly = try c.decodeIfPresent([String].self, forKey: .changedOnly) ?? []
        }
    }

    public struct DatesConfig: Decodable, Sendable {
        public var from: String?
        public var to: String?
        public var step: Int
        /// strftime-like: %Y, %m, %d (default %Y-%m-%d).
        public var format: String

        enum CodingKeys: String, CodingKey { case from, to, step, format }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            from = try c.decodeIfPresent(String.self, forKey: .from)
            to = try c.decodeIfPresent(String.self, forKey: .to)
            step = try c.decodeIfPresent(Int.self, forKey: .step) ?? 1
            format = try c.decodeIfPresent(String.self, forKey: .format) ?? "%Y-%m-%d"
        }
    }

    public struct AuthConfig: Decodable, Sendable {
        /// The environment variable holding the secret.
        public var env: String
        /// Send it in this header (`X-Auth-Token`), or with `scheme` (`Bearer`) in Authorization...
        public var header: String?
        public var scheme: String?
        /// ...or as this query parameter (redacted wherever the URL is written down).
        public var query: String?
    }

    public struct BreakerConfig: Decodable, Sendable {
        public var consecutive: Int
        public var window: Int
        public var failureRate: Double

        public init() { consecutive = 10; window = 20; failureRate = 0.5 }

        enum CodingKeys: String, CodingKey { case consecutive, window, failureRate }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            consecutive = try c.decodeIfPresent(Int.self, forKey: .consecutive) ?? 10
            window = try c.decodeIfPresent(Int.self, forKey: .window) ?? 20
            failureRate = try c.decodeIfPresent(Double.self, forKey: .failureRate) ?? 0.5
        }
    }

    /// Pages of one unit: `page` (param counts up from `start`), `offset` (param advances by `size`) or
    /// `cursor` (param takes the value at `cursor` in the last response). Paging stops at a page with no
    /// records, a missing cursor, or `maxPages`.
    public struct PaginationConfig: Decodable, Sendable {
        public var style: String
        public var param: String
        public var start: Int
        public var sizeParam: String?
        public var size: Int
        public var cursor: String?
        public var maxPages: Int

        enum CodingKeys: String, CodingKey { case style, param, start, sizeParam, size, cursor, maxPages }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            style = try c.decode(String.self, forKey: .style)
            param = try c.decodeIfPresent(String.self, forKey: .param) ?? (style == "offset" ? "offset" : style == "cursor" ? "cursor" : "page")
            start = try c.decodeIfPresent(Int.self, forKey: .start) ?? (style == "page" ? 1 : 0)
            sizeParam = try c.decodeIfPresent(String.self, forKey: .sizeParam)
            size = try c.decodeIfPresent(Int.self, forKey: .size) ?? 100
            cursor = try c.decodeIfPresent(String.self, forKey: .cursor)
            maxPages = try c.decodeIfPresent(Int.self, forKey: .maxPages) ?? 1000
        }
    }

    enum CodingKeys: String, CodingKey {
        case baseURL, path, id, query, params, headers, auth, rateLimit, timeout, tries, backoff, maxBackoff, maxRetryAfter,
             breaker, maxBytes, contract, refetchDays, pagination
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        baseURL = try c.decode(String.self, forKey: .baseURL)
        path = try c.decode(String.self, forKey: .path)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        query = try c.decodeIfPresent([String: String].self, forKey: .query) ?? [:]
        params = try c.decodeIfPresent([String: ParamConfig].self, forKey: .params) ?? [:]
        headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        auth = try c.decodeIfPresent(AuthConfig.self, forKey: .auth)
        rateLimit = try c.decodeIfPresent(Double.self, forKey: .rateLimit) ?? 0
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout) ?? 30
        tries = try c.decodeIfPresent(Int.self, forKey: .tries) ?? 5
        backoff = try c.decodeIfPresent(Double.self, forKey: .backoff) ?? 1
        maxBackoff = try c.decodeIfPresent(Double.self, forKey: .maxBackoff) ?? 60
        maxRetryAfter = try c.decodeIfPresent(Double.self, forKey: .maxRetryAfter) ?? 300
        breaker = try c.decodeIfPresent(BreakerConfig.self, forKey: .breaker) ?? BreakerConfig()
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes) ?? 64 << 20
        if let one = try? c.decodeIfPresent(String.self, forKey: .contract) {
            contract = [one]
        } else {
            contract = try c.decodeIfPresent([String].self, forKey: .contract) ?? []
        }
        refetchDays = try c.decodeIfPresent(Int.self, forKey: .refetchDays) ?? 3
        pagination = try c.decodeIfPresent(PaginationConfig.self, forKey: .pagination)
    }

    /// The retry policy this source declares.
    public var retryPolicy: RetryPolicy {
        var p = RetryPolicy()
        p.tries = max(1, tries)
        p.backoff = backoff
        p.maxBackoff = maxBackoff
        p.maxRetryAfter = maxRetryAfter
        return p
    }

    /// Enrichment: units fetched once, when first seen, and never asked again.
    public var fetchOnce: Bool { params.values.contains { $0.newOnly } }

    /// Children asked again only when their parent record changed (see `ParamConfig.changedOnly`).
    public var changeDriven: Bool { params.values.contains { !$0.changedOnly.isEmpty } }

    /// The name of the date parameter, if any.
    public var dateParam: String? { params.first { $0.value.dates != nil }?.key }

    /// Checks what can be checked before any request.
    func validate(source: String, in config: PipelineConfig, at loc: SourceLocation) throws(PaddockError) {
        let names = Set(HTTPTemplate.names(path) + query.values.flatMap(HTTPTemplate.names) + HTTPTemplate.names(id ?? ""))
        for n in names where params[n] == nil && pagination?.param != n {
            throw PaddockError(.config, "source \(source): template names {\(n)}, which is not a parameter", at: loc,
                               hint: "declare it under params:")
        }
        for (name, p) in params {
            let kinds = [p.dates != nil, p.values != nil, p.fromSource != nil].filter { $0 }.count
            guard kinds == 1 else {
                throw PaddockError(.config, "source \(source): parameter \(name) needs exactly one of dates, values or fromSource", at: loc)
            }
            if p.fromSource == nil && (!p.filter.isEmpty || !p.changedOnly.isEmpty || p.newOnly) {
                throw PaddockError(.config, "source \(source): parameter \(name): where, changedOnly and newOnly go with fromSource", at: loc)
            }
            if let parent = p.fromSource {
                guard let ps = config.sources.first(where: { $0.name == parent }), ps.kind == "http" else {
                    throw PaddockError(.config, "source \(source): parameter \(name) reads source '\(parent)', which is not an http source", at: loc)
                }
                guard let ptr = p.pointer, ptr.hasPrefix("/") else {
                    throw PaddockError(.config, "source \(source): parameter \(name) needs a pointer (a JSON pointer into \(parent)'s records)", at: loc)
                }
                _ = ptr
                guard config.sources.firstIndex(where: { $0.name == parent })! < config.sources.firstIndex(where: { $0.name == source })! else {
                    throw PaddockError(.config, "source \(source): its parent source \(parent) must be declared before it", at: loc)
                }
            }
        }
        if params.values.filter({ $0.dates != nil }).count > 1 {
            throw PaddockError(.config, "source \(source): at most one date parameter", at: loc)
        }
        if let p = pagination, !["page", "offset", "cursor"].contains(p.style) {
            throw PaddockError(.config, "source \(source): pagination style '\(p.style)' is not page, offset or cursor", at: loc)
        }
        if let p = pagination, p.style == "cursor", p.cursor == nil {
            throw PaddockError(.config, "source \(source): cursor pagination needs cursor: (a JSON pointer to the next cursor)", at: loc)
        }
        // Every parameter must reach the id, or two units would share one raw folder and ledger line.
        let idNames = Set(HTTPTemplate.names(id ?? path))
        for name in params.keys.sorted() where !idNames.contains(name) {
            throw PaddockError(.config, "source \(source): parameter \(name) is not in the unit id", at: loc,
                               hint: "add {\(name)} to id: (default: the path), so that each unit has an id of its own")
        }
        if breaker.consecutive <= tries {
            throw PaddockError(.config, "source \(source): breaker.consecutive (\(breaker.consecutive)) must be more than tries (\(tries))", at: loc,
                               hint: "otherwise one unit that fails every try stops the whole run")
        }
        if let p = pagination {
            if p.style == "offset" && p.sizeParam == nil {
                throw PaddockError(.config, "source \(source): offset pagination needs sizeParam (the page size must be asked for, not guessed)", at: loc)
            }
            if let f = config.sources.first(where: { $0.name == source })?.format, f != "json" {
                throw PaddockError(.config, "source \(source): pagination works on json responses only", at: loc)
            }
        }
        if rateLimit < 0 || timeout <= 0 || tries < 1 || maxBytes < 1 {
            throw PaddockError(.config, "source \(source): rateLimit, timeout, tries and maxBytes must be positive", at: loc)
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

    /// Replaces `${VAR}` and `${VAR:-default}` with the environment's values; a missing variable without a
    /// default is an error.
    public static func expandEnvironment(_ s: String, _ env: [String: String], what: String) throws(PaddockError) -> String {
        var out = ""
        var rest = Substring(s)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else {
                rest = rest[start.lowerBound...]
                break
            }
            let inner = rest[start.upperBound..<close]
            var name = Substring(inner), fallback: Substring? = nil
            if let sep = inner.range(of: ":-") {
                name = inner[..<sep.lowerBound]
                fallback = inner[sep.upperBound...]
            }
            if let v = env[String(name)], !v.isEmpty {
                out += v
            } else if let fallback {
                out += fallback
            } else {
                throw PaddockError(.config, "\(what) needs the environment variable \(name), which is not set",
                                   hint: "export \(name)=... (see docs/sources.md)")
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
