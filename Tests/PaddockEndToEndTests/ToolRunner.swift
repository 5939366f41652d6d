import Foundation

/// Runs the built Paddock tools the way a user does: through bash, with the tools on PATH, in the
/// repository root, with a scratch data folder.
struct ToolRunner {
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// The repository root (two levels above this file's folder).
    static let repoRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// Where the built tools are: $PADDOCK_BIN (set by `make test`), else .build/release.
    static let binDir: String = {
        ProcessInfo.processInfo.environment["PADDOCK_BIN"] ?? repoRoot + "/.build/release"
    }()

    /// Bash functions for the tests that need scripts/fixture_api.py: `start_api [options...]` starts it on
    /// 127.0.0.1 (again on the same port after a stop), logging to `$TMP/api.log`, and exports `API_URL`
    /// and `EVENTS_API_URL`; `stop_api` kills it, and so does the end of the script.
    static let fixtureAPI = """
    start_api() {
      rm -f "$TMP/port"
      python3 scripts/fixture_api.py --port-file "$TMP/port" --log "$TMP/api.log" --port "${API_PORT:-0}" "$@" > /dev/null 2> "$TMP/api.err" &
      api_pid=$!
      for _ in $(seq 1 200); do [ -s "$TMP/port" ] && break; sleep 0.05; done
      API_PORT=$(cat "$TMP/port")
      export API_URL="http://127.0.0.1:$API_PORT" EVENTS_API_URL="http://127.0.0.1:$API_PORT"
    }
    stop_api() { kill -9 "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null || true; }
    trap stop_api EXIT

    """

    /// A fresh scratch folder for one test.
    static func makeScratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs `script` in a fresh scratch folder, removed afterwards.
    static func runInScratch(_ script: String) throws -> Result {
        let scratch = try makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return try run(script, scratch: scratch)
    }

    /// Runs `script` with bash in the repository root. `$TMP` is the scratch folder, `$DATA_DIR` is
    /// `$TMP/data`, `$FIXTURES` is Tests/fixtures.
    static func run(_ script: String, scratch: String, stdin: Data? = nil, extraEnv: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: repoRoot)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        // bin/<tool> launchers (used by scripts/run_pipeline.sh) run these builds as they are, never
        // rebuilding: a fresh clone's source mtimes can be newer than a cached build.
        env["PADDOCK_BIN"] = binDir
        env["TMP"] = scratch
        env["DATA_DIR"] = scratch + "/data"
        env["FIXTURES"] = repoRoot + "/Tests/fixtures"
        env["LC_ALL"] = "C"
        env["COLUMNS"] = "80"
        for (k, v) in extraEnv { env[k] = v }
        p.environment = env
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        if let stdin {
            let inPipe = Pipe()
            p.standardInput = inPipe
            try p.run()
            inPipe.fileHandleForWriting.write(stdin)
            try inPipe.fileHandleForWriting.close()
        } else {
            p.standardInput = FileHandle.nullDevice
            try p.run()
        }
        // Read both pipes concurrently so a chatty stderr cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        let clean = { (s: String) in
            s.replacingOccurrences(of: scratch, with: "$TMP").replacingOccurrences(of: repoRoot, with: "$REPO")
        }
        return Result(stdout: clean(String(decoding: outData, as: UTF8.self)),
                      stderr: clean(String(decoding: errData, as: UTF8.self)),
                      status: p.terminationStatus)
    }
}
