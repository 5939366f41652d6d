#if canImport(Glibc)
import Glibc
#endif
import PaddockCLI
import PaddockCore
import PaddockNormalize

extension NormalizeCommand {
    /// Table mode: maps raw records (NDJSON from extract, or CSV rows) onto a declared table, with a quarantine.
    func runMapping(pipeline: String, table tableName: String) throws(PaddockError) {
        let ws = folders.workspace
        let config = try loadPipeline(pipeline, from: ws, checkOnly: false)
        let table = try config.table(tableName)
        let mapper = try TableMapper(table: table, pipeline: config)
        let csvOptions = try format.csvReadOptions()
        let outFormat = format.outputFormat ?? RecordFormat.guess(path: output) ?? .ndjson
        let out = try OutputTarget(path: output)
        let quarantinePath = quarantine ?? ws.quarantinePath(pipeline, table: tableName)
        let q = try OutputTarget(path: quarantinePath)
        let threadCount = threads ?? min(4, max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        guard threadCount >= 1 && threadCount <= 64 else {
            throw PaddockError(.usage, "--threads must be between 1 and 64")
        }
        let progress = Progress(tool: "normalize")
        let normalizer: any TableRunner
        if threadCount > 1 && table.dedupe == .none {
            // Batches of records mapped on worker threads, written in input order.
            normalizer = try ParallelTableNormalizer(table: table, maps: config.maps.mapValues(\.pairs), outputFormat: outFormat, csvWriter: try format.csvWriter(),
                                                     out: out.buffer, quarantine: q.buffer, threads: threadCount)
        } else {
            // One thread: needed by dedupe policies, which see the rows in order.
            let single = TableNormalizer(mapper: mapper, outputFormat: outFormat, out: out.buffer, quarantine: q.buffer)
            single.csvWriter = try format.csvWriter()
            normalizer = single
        }
        normalizer.onProgress = { progress.update(done: $0, total: nil, what: "records of \(tableName)") }
        normalizer.start()
        for path in files.isEmpty ? ["-"] : files {
            // NDJSON records (from extract), or CSV rows whose columns are the raw record's keys.
            let inFormat = format.inputFormat ?? RecordFormat.guess(path: path) ?? .ndjson
            let input = try Input.open(path)
            if inFormat == .csv { try normalizer.runCSV(input, options: csvOptions) } else { try normalizer.run(input) }
        }
        try normalizer.finish()
        let s = normalizer.stats
        try q.commit()
        try out.commit()
        if let output, output != "-" {
            // The derived Table Schema sits beside the derived table.
            let schemaPath = FileSystem.parent(of: output) + "/" + Workspace.FileName.tableSchema(tableName)
            try AtomicFileSink.write(mapper.tableSchemaJSON(), to: schemaPath)
        }
        progress.finish()
        if let stats { try AtomicFileSink.write(s.json, to: stats) }
        var notes: [String] = []
        if s.deduplicated > 0 { notes.append("\(s.deduplicated) duplicate keys, dedupe: \(table.dedupe.rawValue)") }
        if s.otherSource > 0 { notes.append("\(s.otherSource) from sources not feeding \(tableName)") }
        let dedupeNote = notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"
        Console.info(tool: "normalize", "\(tableName): \(s.recordsIn) records in, \(s.written) written, \(s.quarantined) quarantined, \(s.filtered) filtered\(dedupeNote)")
        if s.quarantined > 0 {
            Console.warning(tool: "normalize", "\(s.quarantined) records quarantined, see \(quarantinePath)")
        }
    }
}
