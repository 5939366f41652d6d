/// The `.meta.json` sidecar beside each raw payload: which unit it is, where it came from, when, and
/// its size and hash. One shape for files and http sources (version 1):
///
/// `{"attempts":1,"bytes":512,"content_type":"application/json","etag":"\"v1\"","fetched_at":"…",
/// "http_status":200,"origin":"http://…/matches?key=REDACTED","sha256":"…","source":"matches",
/// "status":"stored","unit":"matches/2024-08-16","version":1}`
///
/// `status` is always `stored`; `http_status`, `etag`, `last_modified`, `content_type` and `attempts`
/// are there for http payloads only. Sidecars written before version 1 are read too: those of http
/// payloads had the HTTP status in `status` and the URL in `url`, those of files `"status":"stored"`
/// and `origin`.
public struct Sidecar: StoreDocument, Equatable {
    public static let currentVersion = 1
    public static let documentName = "sidecar"

    public var version = Sidecar.currentVersion
    public var unit: String
    public var source: String
    /// The file the payload was copied from, or the URL it was fetched from (credentials redacted).
    public var origin: String
    /// Always `stored`.
    public var status = "stored"
    /// Http: the status of the response stored.
    public var httpStatus: Int?
    /// `--now` of the run that stored it, ISO 8601.
    public var fetchedAt: String
    public var bytes: Int
    public var sha256: String
    public var etag: String?
    public var lastModified: String?
    public var contentType: String?
    /// Http: the requests made for it (retries included).
    public var attempts: Int?

    public init(unit: String, source: String, origin: String, httpStatus: Int? = nil, fetchedAt: String, bytes: Int, sha256: String,
                etag: String? = nil, lastModified: String? = nil, contentType: String? = nil, attempts: Int? = nil) {
        self.unit = unit
        self.source = source
        self.origin = origin
        self.httpStatus = httpStatus
        self.fetchedAt = fetchedAt
        self.bytes = bytes
        self.sha256 = sha256
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case version, unit, source, origin, status, url
        case httpStatus = "http_status", fetchedAt = "fetched_at", bytes, sha256, etag
        case lastModified = "last_modified", contentType = "content_type", attempts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeVersion(.version, of: Sidecar.self)
        unit = try c.decode(String.self, forKey: .unit)
        source = try c.decode(String.self, forKey: .source)
        // Before version 1, http sidecars named the URL `url` and put the HTTP status in `status`.
        origin = try c.decodeIfPresent(String.self, forKey: .origin) ?? c.decode(String.self, forKey: .url)
        if let code = try? c.decode(Int.self, forKey: .status) {
            httpStatus = code
        } else {
            status = try c.decode(String.self, forKey: .status)
            httpStatus = try c.decodeIfPresent(Int.self, forKey: .httpStatus)
        }
        fetchedAt = try c.decode(String.self, forKey: .fetchedAt)
        bytes = try c.decode(Int.self, forKey: .bytes)
        sha256 = try c.decode(String.self, forKey: .sha256)
        etag = try c.decodeIfPresent(String.self, forKey: .etag)
        lastModified = try c.decodeIfPresent(String.self, forKey: .lastModified)
        contentType = try c.decodeIfPresent(String.self, forKey: .contentType)
        attempts = try c.decodeIfPresent(Int.self, forKey: .attempts)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(unit, forKey: .unit)
        try c.encode(source, forKey: .source)
        try c.encode(origin, forKey: .origin)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(httpStatus, forKey: .httpStatus)
        try c.encode(fetchedAt, forKey: .fetchedAt)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(sha256, forKey: .sha256)
        try c.encodeIfPresent(etag, forKey: .etag)
        try c.encodeIfPresent(lastModified, forKey: .lastModified)
        try c.encodeIfPresent(contentType, forKey: .contentType)
        try c.encodeIfPresent(attempts, forKey: .attempts)
    }

    /// The sidecar of the payload at `payloadPath`.
    public static func read(ofPayload payloadPath: String) throws(PaddockError) -> Sidecar {
        try StoreCoding.read(Sidecar.self, from: Workspace.sidecarPath(ofPayload: payloadPath))
    }

    /// Writes the sidecar beside the payload at `payloadPath`, atomically.
    public func write(beside payloadPath: String) throws(PaddockError) {
        try StoreCoding.write(self, to: Workspace.sidecarPath(ofPayload: payloadPath))
    }
}
