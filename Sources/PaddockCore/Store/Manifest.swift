/// A run's manifest: `snapshots/<run id>/manifest.json`, copied last over `latest_successful_run.json`.
/// What consumers read first (docs/consumption.md): the run, its inputs, each published file with its
/// bytes, sha256 and rows, and the DQ summary. Its version is `manifest_version`; keys are sorted and
/// pretty-printed, and absent values are written as null.
public struct Manifest: StoreDocument, Equatable {
    public static let currentVersion = 1
    public static let documentName = "manifest"

    /// A raw unit the run read, and the sha256 of its stored payload when known.
    public struct Input: Codable, Sendable, Equatable {
        public var unit: String
        public var sha256: String?
        public init(unit: String, sha256: String?) { self.unit = unit; self.sha256 = sha256 }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(unit, forKey: .unit)
            try c.encode(sha256, forKey: .sha256)
        }
    }

    /// One published file; `path` is relative to the manifest's folder.
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var format: String
        public var compression: String
        public var bytes: Int
        public var sha256: String
        public init(path: String, format: String, compression: String, bytes: Int, sha256: String) {
            self.path = path; self.format = format; self.compression = compression; self.bytes = bytes; self.sha256 = sha256
        }
    }

    /// One published table: its CSV file (the members of `file`, inline) and its other files.
    public struct Table: Codable, Sendable, Equatable {
        public var name: String
        public var file: File
        public var rows: Int
        /// `sha256:` and the hex digest of its Table Schema.
        public var schemaHash: String
        public var primaryKey: [String]
        public var eventDateField: String?
        public var eventDateMin: String?
        public var eventDateMax: String?
        public var extraFiles: [File]

        public init(name: String, file: File, rows: Int, schemaHash: String, primaryKey: [String], eventDateField: String?,
                    eventDateMin: String?, eventDateMax: String?, extraFiles: [File]) {
            self.name = name; self.file = file; self.rows = rows; self.schemaHash = schemaHash; self.primaryKey = primaryKey
            self.eventDateField = eventDateField; self.eventDateMin = eventDateMin; self.eventDateMax = eventDateMax; self.extraFiles = extraFiles
        }

        enum CodingKeys: String, CodingKey {
            case name, path, format, compression, bytes, sha256, rows, schemaHash = "schema_hash", primaryKey = "primary_key"
            case eventDateField = "event_date_field", eventDateMin = "event_date_min", eventDateMax = "event_date_max", extraFiles = "extra_files"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            file = File(path: try c.decode(String.self, forKey: .path), format: try c.decodeIfPresent(String.self, forKey: .format) ?? "csv",
                        compression: try c.decodeIfPresent(String.self, forKey: .compression) ?? "",
                        bytes: try c.decode(Int.self, forKey: .bytes), sha256: try c.decode(String.self, forKey: .sha256))
            rows = try c.decode(Int.self, forKey: .rows)
            schemaHash = try c.decodeIfPresent(String.self, forKey: .schemaHash) ?? ""
            primaryKey = try c.decodeIfPresent([String].self, forKey: .primaryKey) ?? []
            eventDateField = try c.decodeIfPresent(String.self, forKey: .eventDateField)
            eventDateMin = try c.decodeIfPresent(String.self, forKey: .eventDateMin)
            eventDateMax = try c.decodeIfPresent(String.self, forKey: .eventDateMax)
            extraFiles = try c.decodeIfPresent([File].self, forKey: .extraFiles) ?? []
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(file.path, forKey: .path)
            try c.encode(file.format, forKey: .format)
            try c.encode(file.compression, forKey: .compression)
            try c.encode(file.bytes, forKey: .bytes)
            try c.encode(file.sha256, forKey: .sha256)
            try c.encode(rows, forKey: .rows)
            try c.encode(schemaHash, forKey: .schemaHash)
            try c.encode(primaryKey, forKey: .primaryKey)
            try c.encode(eventDateField, forKey: .eventDateField)
            try c.encode(eventDateMin, forKey: .eventDateMin)
            try c.encode(eventDateMax, forKey: .eventDateMax)
            try c.encode(extraFiles, forKey: .extraFiles)
        }
    }

    /// The DQ report the snapshot passed: its status, counts and path (kept in the snapshot).
    public struct DQ: Codable, Sendable, Equatable {
        public var status: String
        public var pass: Int, warn: Int, fail: Int
        public var report: String
        public init(status: String, pass: Int, warn: Int, fail: Int, report: String) {
            self.status = status; self.pass = pass; self.warn = warn; self.fail = fail; self.report = report
        }
    }

    public var version = Manifest.currentVersion
    public var pipeline: String
    public var runId: String
    /// The run the manifest replaced, or nil for the first.
    public var previousRunId: String?
    /// Always `success`: only a complete snapshot gets a manifest.
    public var status = "success"
    public var startedAt: String
    public var finishedAt: String
    /// Seconds per step (informational).
    public var steps: [String: Double?]
    public var codeVersion: String
    /// `sha256:` and the digest of the pipeline definition and its value maps.
    public var configHash: String
    /// The snapshot folder, relative to the manifest's folder.
    public var snapshot: String
    public var inputs: [Input]
    public var tables: [Table]
    public var dq: DQ

    public init(pipeline: String, runId: String, previousRunId: String?, startedAt: String, finishedAt: String, steps: [String: Double?],
                codeVersion: String, configHash: String, snapshot: String, inputs: [Input], tables: [Table], dq: DQ) {
        self.pipeline = pipeline; self.runId = runId; self.previousRunId = previousRunId; self.startedAt = startedAt
        self.finishedAt = finishedAt; self.steps = steps; self.codeVersion = codeVersion; self.configHash = configHash
        self.snapshot = snapshot; self.inputs = inputs; self.tables = tables; self.dq = dq
    }

    enum CodingKeys: String, CodingKey {
        case version = "manifest_version", pipeline, runId = "run_id", previousRunId = "previous_run_id", status
        case startedAt = "started_at", finishedAt = "finished_at", steps, codeVersion = "code_version", configHash = "config_hash"
        case snapshot, inputs, tables, dq
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeVersion(.version, of: Manifest.self)
        pipeline = try c.decode(String.self, forKey: .pipeline)
        runId = try c.decode(String.self, forKey: .runId)
        previousRunId = try c.decodeIfPresent(String.self, forKey: .previousRunId)
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? "success"
        startedAt = try c.decodeIfPresent(String.self, forKey: .startedAt) ?? ""
        finishedAt = try c.decodeIfPresent(String.self, forKey: .finishedAt) ?? ""
        steps = try c.decodeIfPresent([String: Double?].self, forKey: .steps) ?? [:]
        codeVersion = try c.decodeIfPresent(String.self, forKey: .codeVersion) ?? "unknown"
        configHash = try c.decodeIfPresent(String.self, forKey: .configHash) ?? ""
        snapshot = try c.decodeIfPresent(String.self, forKey: .snapshot) ?? ""
        inputs = try c.decodeIfPresent([Input].self, forKey: .inputs) ?? []
        tables = try c.decode([Table].self, forKey: .tables)
        dq = try c.decode(DQ.self, forKey: .dq)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(pipeline, forKey: .pipeline)
        try c.encode(runId, forKey: .runId)
        try c.encode(previousRunId, forKey: .previousRunId)
        try c.encode(status, forKey: .status)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(steps, forKey: .steps)
        try c.encode(codeVersion, forKey: .codeVersion)
        try c.encode(configHash, forKey: .configHash)
        try c.encode(snapshot, forKey: .snapshot)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(tables, forKey: .tables)
        try c.encode(dq, forKey: .dq)
    }

    /// The manifest as written: pretty-printed, keys sorted.
    public var bytes: [UInt8] { StoreCoding.encode(self, pretty: true) }

    /// Reads the manifest at `path` (`latest_successful_run.json` or a snapshot's `manifest.json`).
    public static func read(_ path: String) throws(PaddockError) -> Manifest {
        try StoreCoding.read(Manifest.self, from: path)
    }
}
