#if canImport(Glibc)
import Glibc
#endif

/// Where a pipeline's files live: the one owner of every path and file name of the data folder.
///
/// Tools take their paths from here, and scripts ask a tool (`discover --path NAME`) instead of
/// spelling a name again. Every folder can be moved by the environment, so running against another
/// data folder needs no code change.
public struct Workspace: Sendable {
    /// The folder of pipeline definitions: `--config-dir`, `$PADDOCK_CONFIG_DIR`, or `config`.
    public var configDir: String
    /// The data folder: `--data-dir`, `$DATA_DIR`, or `data`.
    public var dataDir: String
    /// The environment `${VAR}` reads in pipeline paths.
    public var environment: [String: String]

    public init(configDir: String? = nil, dataDir: String? = nil, environment: [String: String] = Workspace.environment()) {
        self.configDir = configDir ?? environment["PADDOCK_CONFIG_DIR"] ?? "config"
        self.dataDir = dataDir ?? environment["DATA_DIR"] ?? "data"
        self.environment = environment
    }

    /// The names of the files the stages write and read; paths are built from them only here.
    public enum FileName {
        /// The append-only extraction ledger, in the index folder.
        public static let ledger = "ledger.ndjson"
        /// The manifest of the latest good run, in the processed folder.
        public static let latestManifest = "latest_successful_run.json"
        /// A snapshot's own manifest, in its folder.
        public static let snapshotManifest = "manifest.json"
        /// The Frictionless Data Package of a snapshot.
        public static let dataPackage = "datapackage.json"
        /// The data-quality report, in the derived folder and in each snapshot.
        public static let dqReport = "dq_report.json"
        /// The units a run extracted (discover's output), in the run folder.
        public static let units = "units.ndjson"
        /// What is appended to a raw payload's path to name its sidecar.
        public static let sidecarSuffix = ".meta.json"
        /// The folder of snapshots, in the processed folder.
        public static let snapshots = "snapshots"

        /// A derived table: `T.ndjson`.
        public static func table(_ table: String) -> String { "\(table).ndjson" }
        /// A derived table's Table Schema, beside it: `T.schema.json`.
        public static func tableSchema(_ table: String) -> String { "\(table).schema.json" }
        /// A derived table's quarantine: `T.quarantine.ndjson`.
        public static func quarantine(_ table: String) -> String { "\(table).quarantine.ndjson" }
        /// A table's normalize statistics: `T.stats.json`.
        public static func stats(_ table: String) -> String { "\(table).stats.json" }
    }

    /// The project folder: the parent of the config folder. Relative `root:` paths start here.
    public var projectDir: String { FilePaths.parent(configDir) }

    public func pipelinePath(_ name: String) -> String { "\(configDir)/pipelines/\(name).yaml" }

    // Folders.
    public func rawDir(_ pipeline: String) -> String { "\(dataDir)/raw/\(pipeline)" }
    public func derivedDir(_ pipeline: String) -> String { "\(dataDir)/derived/\(pipeline)" }
    public func processedDir(_ pipeline: String) -> String { "\(dataDir)/processed/\(pipeline)" }
    public func indexDir(_ pipeline: String) -> String { "\(dataDir)/index/\(pipeline)" }
    /// The folders of a pipeline's runs (`scripts/run_pipeline.sh` keeps its state there).
    public func runsDir(_ pipeline: String) -> String { "\(dataDir)/runs/\(pipeline)" }
    public func runDir(_ pipeline: String, run: String) -> String { "\(runsDir(pipeline))/\(run)" }
    public func snapshotsDir(_ pipeline: String) -> String { "\(processedDir(pipeline))/\(FileName.snapshots)" }
    public func snapshotDir(_ pipeline: String, run: String) -> String { "\(snapshotsDir(pipeline))/\(run)" }

    // Files.
    public func ledgerPath(_ pipeline: String) -> String { "\(indexDir(pipeline))/\(FileName.ledger)" }
    public func derivedTablePath(_ pipeline: String, table: String) -> String { "\(derivedDir(pipeline))/\(FileName.table(table))" }
    public func quarantinePath(_ pipeline: String, table: String) -> String { "\(derivedDir(pipeline))/\(FileName.quarantine(table))" }
    public func dqReportPath(_ pipeline: String) -> String { "\(derivedDir(pipeline))/\(FileName.dqReport)" }
    /// `latest_successful_run.json`: what consumers read first.
    public func manifestPath(_ pipeline: String) -> String { "\(processedDir(pipeline))/\(FileName.latestManifest)" }
    public func snapshotManifestPath(_ pipeline: String, run: String) -> String { "\(snapshotDir(pipeline, run: run))/\(FileName.snapshotManifest)" }
    public func unitsPath(_ pipeline: String, run: String) -> String { "\(runDir(pipeline, run: run))/\(FileName.units)" }
    public func statsPath(_ pipeline: String, run: String, table: String) -> String { "\(runDir(pipeline, run: run))/\(FileName.stats(table))" }
    /// The sidecar of a raw payload: the payload's path and `.meta.json`.
    public static func sidecarPath(ofPayload path: String) -> String { path + FileName.sidecarSuffix }
    /// Whether a file of the raw store is a sidecar rather than a payload.
    public static func isSidecar(_ path: String) -> Bool { path.hasSuffix(FileName.sidecarSuffix) }

    /// The paths a script may ask for by name (`discover --path NAME`), in the order they are listed.
    /// Paths that depend on a run or a table hold `{run_id}` and `{table}`, for the script to fill in.
    public func namedPaths(_ pipeline: String) -> [(name: String, path: String)] {
        let run = "{run_id}", table = "{table}"
        return [
            ("definition", pipelinePath(pipeline)),
            ("raw", rawDir(pipeline)),
            ("index", indexDir(pipeline)),
            ("ledger", ledgerPath(pipeline)),
            ("derived", derivedDir(pipeline)),
            ("table", derivedTablePath(pipeline, table: table)),
            ("quarantine", quarantinePath(pipeline, table: table)),
            ("dq-report", dqReportPath(pipeline)),
            ("processed", processedDir(pipeline)),
            ("manifest", manifestPath(pipeline)),
            ("snapshots", snapshotsDir(pipeline)),
            ("runs", runsDir(pipeline)),
            ("run", runDir(pipeline, run: run)),
            ("units", unitsPath(pipeline, run: run)),
            ("stats", statsPath(pipeline, run: run, table: table)),
        ]
    }

    /// The path named `name` (see `namedPaths`), or a usage error listing the names.
    public func namedPath(_ name: String, pipeline: String) throws(PaddockError) -> String {
        let all = namedPaths(pipeline)
        guard let p = all.first(where: { $0.name == name }) else {
            let names = all.map(\.name)
            let guess = Suggest.closest(name, among: names).map { "did you mean '\($0)'? " } ?? ""
            throw PaddockError(.usage, "no path named '\(name)'", hint: "\(guess)names: \(names.joined(separator: ", "))")
        }
        return p.path
    }

    /// Loads and compiles a pipeline definition; every problem in it is reported at once (see
    /// `PipelineCompiler`).
    public func loadPipeline(_ name: String, checks: CheckCatalog) throws(PaddockError) -> PipelineConfig {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
            throw PaddockError(.usage, "invalid pipeline name '\(name)'", hint: "use letters, digits, - and _")
        }
        let path = pipelinePath(name)
        guard FileSystem.exists(path) else {
            let known = (try? FileSystem.list("\(configDir)/pipelines"))?.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) } ?? []
            var hint = known.isEmpty ? "run from the repository root or set PADDOCK_CONFIG_DIR" : "pipelines: \(known.joined(separator: ", "))"
            if let s = Suggest.closest(name, among: known) { hint = "did you mean '\(s)'? (\(hint))" }
            throw PaddockError(.usage, "no pipeline '\(name)': \(path) does not exist", hint: hint)
        }
        return try PipelineCompiler(workspace: self, checks: checks).compile(text: try FileSystem.readText(path), file: path, name: name)
    }

    public static func environment() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }
}
