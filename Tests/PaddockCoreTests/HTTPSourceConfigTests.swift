import Foundation
@testable import PaddockCore
import PaddockChecks
import Testing

@Suite("HTTP sources: definitions refused when loaded")
struct HTTPSourceConfigTests {
    /// The error loading a pipeline with these sources gives, or nil when it loads.
    func loadError(_ sourcesYAML: String) throws -> String? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-http-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/pipelines", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "pipeline: t\nsources:\n\(sourcesYAML)\n".write(toFile: dir + "/pipelines/t.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try Workspace(configDir: dir, dataDir: dir).loadPipeline("t", checks: CheckRegistry.catalog)
            return nil
        } catch let e as PaddockError {
            return (e.details + [e.message]).joined(separator: "\n")
        }
    }

    @Test("a good definition loads")
    func good() throws {
        #expect(try loadError("  - {name: e, kind: http, baseURL: 'http://h', path: '/e/{date}', params: {date: {dates: {from: 2024-01-01, to: today}}}}") == nil)
    }

    @Test("refused: a parameter missing from the id, a breaker that one unit can trip, offset paging without a size, an unknown parameter, two kinds in one parameter")
    func refused() throws {
        let cases: [(String, String)] = [
            ("  - {name: e, kind: http, baseURL: 'http://h', path: '/e/{date}', id: x, params: {date: {dates: {from: 2024-01-01, to: today}}}}",
             "parameter date is not in the unit id"),
            ("  - {name: e, kind: http, baseURL: 'http://h', path: '/e', tries: 5, breaker: {consecutive: 5}}",
             "breaker.consecutive (5) must be more than tries (5)"),
            ("  - {name: e, kind: http, baseURL: 'http://h', path: '/e', pagination: {style: offset}}",
             "offset pagination needs sizeParam"),
            ("  - {name: e, kind: http, baseURL: 'http://h', path: '/e/{league}'}",
             "template names {league}, which is not a parameter"),
            ("  - {name: e, kind: http, baseURL: 'http://h', path: '/e/{x}', params: {x: {values: [a], dates: {from: today, to: today}}}}",
             "parameter x needs exactly one of dates, values or fromSource"),
            ("  - {name: e, kind: http, baseURL: 'http://h', path: '/e/{id}', params: {id: {fromSource: nope, pointer: /id}}}",
             "parameter id reads source 'nope', which is not an http source"),
        ]
        for (yaml, expected) in cases {
            let e = try loadError(yaml)
            #expect(e?.contains(expected) == true, "\(yaml): \(e ?? "loaded")")
        }
    }

    @Test("${ without }, or with a name no variable has, is refused when the pipeline loads, in baseURL and headers")
    func environmentSyntax() throws {
        let e1 = try loadError("  - {name: e, kind: http, baseURL: 'http://a${X', path: '/e'}")
        #expect(e1?.contains("t.yaml:3:36: baseURL in source 'e': '${' has no closing '}'") == true, "\(e1 ?? "loaded")")
        let e2 = try loadError("  - {name: e, kind: http, baseURL: 'http://a', path: '/e', headers: {X-Key: '${1KEY}'}}")
        #expect(e2?.contains("header 'X-Key' in source 'e': '${1KEY}' is not an environment variable's name") == true, "\(e2 ?? "loaded")")
        #expect(try loadError("  - {name: e, kind: http, baseURL: '${U:-http://a}', path: '/e', headers: {X-Key: 'k ${KEY}'}}") == nil)
    }

    @Test("the environment a fetch needs is asked for before any work: every unset variable with where it is written")
    func requiredEnvironment() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-http-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/pipelines", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        pipeline: t
        sources:
          - {name: a, kind: http, baseURL: '${A_URL}', path: '/e', headers: {X-Key: '${A_KEY}'}}
          - {name: b, kind: http, baseURL: '${B_URL:-http://b}', path: '/e', auth: {env: B_TOKEN}}
        """.write(toFile: dir + "/pipelines/t.yaml", atomically: true, encoding: .utf8)
        let config = try Workspace(configDir: dir, dataDir: dir).loadPipeline("t", checks: CheckRegistry.catalog)
        func problems(_ env: [String: String], _ sources: [String] = [], requests: Bool = true) -> [String] {
            do {
                try config.requireEnvironment(env, sources: sources, requests: requests)
                return []
            } catch {
                return error.details.isEmpty ? [error.message] : error.details
            }
        }
        let file = "\(dir)/pipelines/t.yaml"
        #expect(problems([:]) == [
            "\(file):3:36: source a baseURL needs the environment variable A_URL, which is not set (or is empty); export A_URL=...",
            "\(file):3:77: source a header X-Key needs the environment variable A_KEY, which is not set (or is empty); export A_KEY=...",
            "\(file):4:76: source b needs the environment variable B_TOKEN (its API key), which is not set; export B_TOKEN=...",
        ])
        // discover renders URLs only: no secrets needed; one source asked for: only its variables.
        #expect(problems([:], requests: false).count == 1)
        #expect(problems(["B_TOKEN": "t"], ["b"]) == [])
        #expect(problems(["A_URL": "", "A_KEY": "k", "B_TOKEN": "t"]).count == 1)
        #expect(problems(["A_URL": "http://a", "A_KEY": "k", "B_TOKEN": "t"]) == [])
    }

    @Test("host and port of a baseURL, as the runner's preflight asks discover --hosts for them")
    func hostAndPort() {
        #expect(HTTPTemplate.hostAndPort("http://127.0.0.1:8765") ?? ("", 0) == ("127.0.0.1", 8765))
        #expect(HTTPTemplate.hostAndPort("https://api.example.com/v1?x=1") ?? ("", 0) == ("api.example.com", 443))
        #expect(HTTPTemplate.hostAndPort("HTTP://h/path") ?? ("", 0) == ("h", 80))
        #expect(HTTPTemplate.hostAndPort("http://user:pw@h:81/") ?? ("", 0) == ("h", 81))
        #expect(HTTPTemplate.hostAndPort("http://[::1]:9000/x") ?? ("", 0) == ("[::1]", 9000))
        #expect(HTTPTemplate.hostAndPort("http://[::1]/x") ?? ("", 0) == ("[::1]", 80))
        #expect(HTTPTemplate.hostAndPort("ftp://h") == nil && HTTPTemplate.hostAndPort("http://h:99999") == nil && HTTPTemplate.hostAndPort("http:///x") == nil)
    }
}
