/// Reads a small JSON file and hands its root to `body`.
public func withJSONFile<R>(_ path: String, _ body: (JSONNode) throws(PaddockError) -> R) throws(PaddockError) -> R {
    try withJSON(try FileSystem.readFile(path, limit: 64 << 20), file: path, body)
}

/// Parses `bytes` (read from `path`) as one JSON document and runs `body` on its root.
public func withJSON<R>(_ bytes: [UInt8], file path: String, _ body: (JSONNode) throws(PaddockError) -> R) throws(PaddockError) -> R {
    var parser = JSONParser()
    let r: Result<R, PaddockError> = bytes.withUnsafeBytes { b in
        do throws(PaddockError) {
            let doc: JSONDocument
            do throws(JSONSyntaxError) { doc = try parser.parse(b) } catch { throw error.paddockError(file: path, line: nil) }
            return .success(try body(doc.root))
        } catch {
            return .failure(error)
        }
    }
    return try r.get()
}
