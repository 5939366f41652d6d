import Foundation
@testable import PaddockCore
import Testing

/// docs/pipelines.md lists the transforms and parsers of the tables, no more and no fewer.
@Suite("Registries in the docs")
struct RegistryDocsTests {
    /// The cells of the rows of the markdown table in docs/pipelines.md whose header starts with
    /// `| header |`, each trimmed of blanks and backquotes.
    static func rows(of header: String) throws -> [[String]] {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/pipelines.md")
        let lines = try String(contentsOf: docs, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("| \(header) |") }, "docs/pipelines.md has no table headed '\(header)'")
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { row in
            row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: " `"))
            }
        }
    }

    @Test("docs/pipelines.md lists every transform of the table, as written, and no other")
    func transforms() throws {
        #expect(try Self.rows(of: "transform").map(\.[0]) == Transforms.entries.map(\.usage))
    }

    @Test("docs/pipelines.md lists every parser of the table with its options and parts, and no other")
    func parsers() throws {
        let rows = try Self.rows(of: "parser")
        #expect(rows.map(\.[0]) == FieldParsers.entries.map(\.name))
        for (e, cell) in zip(FieldParsers.entries, rows.map(\.[1])) {
            let written = cell.split(whereSeparator: { ", :`".contains($0) }).map(String.init).filter { !$0.isEmpty }
            #expect(written == e.options.filter { $0 != .part }.map(\.rawValue) + (e.parts.isEmpty ? [] : ["part"] + e.parts), "\(e.name): \(cell)")
        }
    }
}
