import Foundation
@testable import PaddockCore
import Testing

/// docs/pipelines.md lists the transforms and parsers of the tables, no more and no fewer.
@Suite("Registries in the docs")
struct RegistryDocsTests {
    /// The first column's `code` of the rows of the markdown table whose header starts with `| header |`.
    static func column(of header: String) throws -> [String] {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/pipelines.md")
        let lines = try String(contentsOf: docs, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("| \(header) |") }, "docs/pipelines.md has no table headed '\(header)'")
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { row in
            let cell = row.split(separator: "|", omittingEmptySubsequences: false)[1].trimmingCharacters(in: .whitespaces)
            return cell.trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        }
    }

    /// The second column of the same rows.
    static func secondColumn(of header: String) throws -> [String] {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/pipelines.md")
        let lines = try String(contentsOf: docs, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("| \(header) |") })
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { String($0.split(separator: "|", omittingEmptySubsequences: false)[2]) }
    }

    @Test("docs/pipelines.md lists every transform of the table, as written, and no other")
    func transforms() throws {
        #expect(try Self.column(of: "transform") == Transforms.entries.map(\.usage))
    }

    @Test("docs/pipelines.md lists every parser of the table with its options and parts, and no other")
    func parsers() throws {
        #expect(try Self.column(of: "parser") == FieldParsers.entries.map(\.name))
        let options = try Self.secondColumn(of: "parser")
        for (e, cell) in zip(FieldParsers.entries, options) {
            let written = cell.split(whereSeparator: { ", :`".contains($0) }).map(String.init).filter { !$0.isEmpty }
            #expect(written == e.options.filter { $0 != .part }.map(\.rawValue) + (e.parts.isEmpty ? [] : ["part"] + e.parts), "\(e.name): \(cell)")
        }
    }
}
