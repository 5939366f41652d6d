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

    @Test("an unclosed ${ is kept as written")
    func unclosed() throws {
        #expect(try HTTPTemplate.expandEnvironment("http://a${X", [:], what: "w") == "http://a${X")
    }
}
