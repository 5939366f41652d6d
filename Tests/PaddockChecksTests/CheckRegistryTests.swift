import Foundation
@testable import PaddockCore
@testable import PaddockChecks
import Testing

/// The check registry: one entry per type, each described, and docs/checks.md listing the same.
@Suite("check registry")
struct CheckRegistryTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/checks.md").path

    @Test("every type is registered once, with a summary and a description of each key")
    func entries() {
        let names = CheckRegistry.kinds.map { $0.type }
        #expect(Set(names).count == names.count)
        #expect(names.count == 16)
        for k in CheckRegistry.kinds {
            #expect(!k.summary.isEmpty, "\(k.type)")
            let keys = k.keys.map(\.name)
            #expect(Set(keys).count == keys.count, "\(k.type) lists a key twice")
            for key in k.keys { #expect(!key.help.isEmpty, "\(k.type).\(key.name)") }
            // No type's key shadows a key every check has.
            #expect(Set(keys).isDisjoint(with: CheckReading.commonKeys.map(\.name)), "\(k.type)")
        }
    }

    @Test("docs/checks.md lists exactly the registry's types and keys")
    func docsMatchRegistry() throws {
        let text = try String(contentsOfFile: Self.docs, encoding: .utf8)
        let begin = "<!-- check-keys:begin -->\n", end = "<!-- check-keys:end -->"
        let a = try #require(text.range(of: begin)), b = try #require(text.range(of: end))
        let written = String(text[a.upperBound..<b.lowerBound])
        let expected = CheckRegistry.markdown()
        if written != expected, ProcessInfo.processInfo.environment["PADDOCK_UPDATE_DOCS"] == "1" {
            try (String(text[..<a.upperBound]) + expected + String(text[b.lowerBound...])).write(toFile: Self.docs, atomically: true, encoding: .utf8)
            Issue.record("docs/checks.md rewritten from the registry; review the diff and run again")
            return
        }
        #expect(written == expected, "docs/checks.md's key section differs from the registry; run PADDOCK_UPDATE_DOCS=1 swift test --filter CheckRegistryTests")
    }

    @Test("the compiler reads checks through the registry: unknown types with a suggestion, other types' keys refused")
    func compilerUsesRegistry() throws {
        let ws = Workspace(configDir: "/nonexistent/config", dataDir: "/nonexistent/data", environment: [:])
        func problems(_ check: String) -> [String] {
            let yaml = """
            pipeline: t
            sources:
              - {name: feed, kind: files, root: ., patterns: ["*.csv"]}
            tables:
              - name: races
                source: feed
                fields:
                  - {name: race_id}
                  - {name: ran, type: integer}
            checks:
              - \(check)
            """
            do {
                _ = try PipelineCompiler(workspace: ws, checks: CheckRegistry.catalog).compile(text: yaml, file: "x.yaml")
                return []
            } catch {
                return error.details
            }
        }
        #expect(problems("{name: a, table: races, type: uniqe, column: race_id}") == ["x.yaml:11:35: 'type' in check 'a': unknown value 'uniqe' (did you mean 'unique'?)"])
        #expect(problems("{name: a, table: races, type: unique, column: race_id, compare: ran}") == ["x.yaml:11:60: key 'compare' does not apply to a unique check in check 'a'"])
        #expect(problems("{name: a, table: races, type: group_exists, column: race_id, groupTable: races, where: {column: ran, equals: 1}, compare: ran}")
                == ["x.yaml:11:118: key 'compare' does not apply to a group_exists check in check 'a'"])
        #expect(problems("{name: a, table: races, type: range, column: ran, min: 5, max: 1}") == ["x.yaml:11:60: check a: min (5) is above max (1)"])
        #expect(problems("{name: a, table: races, type: unresulted, column: race_id, groupTable: races, resultColumn: ran}")
                == ["x.yaml:11:5: check a: table races has no column 'date'"])
        // A registry without a type refuses it like any unknown value.
        let narrow = CheckCatalog([UniqueCheck.self])
        #expect(throws: PaddockError.self) {
            _ = try PipelineCompiler(workspace: ws, checks: narrow).compile(text: "pipeline: t\nchecks:\n  - {name: a, table: races, type: range, column: ran, min: 1}\n", file: "x.yaml")
        }
    }
}
