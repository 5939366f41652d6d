import PaddockCore

extension NormalizeCommand {
    /// Table mode: maps raw NDJSON records onto a declared table, with a quarantine.
    func runMapping(pipeline: String, table tableName: String) throws(PaddockError) {
        let ws = Workspace(configDir: configDir, dataDir: dataDir)
        let config = try ws.loadPipeline(pipeline)
        let table = try config.table(tableName)
        let mapper = try TableMapper(table: table, pipeline: config)
        if let f = format.inputFormat, f != .ndjson {
            throw PaddockError(.usage, "table mode reads NDJSON records", hint: "pipe CSV through 'extract', or convert it first with normalize --input-format csv")
        }
        let outFormat = format.outputFormat ?? RecordFormat.guess(path: output) ?? .ndjson
        let out = try OutputTarget(path: output)
        let quarantinePath = quarantine ?? "\(ws.derivedDir(pipeline))/\(tableName).quarantine.ndjson"
        let q = try OutputTarget(path: quarantinePath)
        let normalizer = TableNormalizer(mapper: mapper, outputFormat: outFormat, out: out.buffer, quarantine: q.buffer)
        normalizer.csvWriter = try format.csvWriter()
        normalizer.start()
        for path in files.isEmpty ? ["-"] : files {
            try normalizer.run(try Input.open(path))
        }
        try normalizer.finish()
        try q.commit()
        try out.commit()
        if let output, output != "-" {
            // The derived Table Schema sits beside the derived table.
            let schemaPath = FileSystem.parent(of: output) + "/\(tableName).schema.json"
            try AtomicFileSink.write(mapper.tableSchemaJSON(), to: schemaPath)
        }
        let s = normalizer.stats
        if let stats { try AtomicFileSink.write(s.json, to: stats) }
        var notes: [String] = []
        if s.deduplicated > 0 { notes.append("\(s.deduplicated) duplicate keys, dedupe: \(table.dedupe)") }
        if s.otherSource > 0 { notes.append("\(s.otherSource) from sources not feeding \(tableName)") }
        let dedupeNote = notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"
        Console.info(tool: "normalize", "\(tableName): \(s.recordsIn) records in, \(s.written) written, \(s.quarantined) quarantined, \(s.filtered) filtered\(dedupeNote)")
        if s.quarantined > 0 {
            Console.warning(tool: "normalize", "\(s.quarantined) records quarantined, see \(quarantinePath)")
        }
    }
}
