import ArgumentParser
import PaddockCore

/// `discover`: lists the units of work a pipeline's sources offer, as NDJSON.
public struct DiscoverCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "List the units of work a pipeline's sources offer, one NDJSON object per unit.",
        discussion: """
        Each unit has an id (<source>/<relative path>), its source, its path, its format and a fingerprint \
        (size, mtime, sha256). Units come out in a stable order (bytewise by path), so the same tree gives \
        the same output.

        EXAMPLES
          discover --pipeline football
          discover --pipeline football --only '*2024-25*' | extract --pipeline football

        \(Help.exitCodes)
        """
    )

    @OptionGroup public var options: PipelineOptions

    @Option(name: .customLong("only"), help: "Keep only units whose id or relative path matches this glob.")
    public var only: String?

    public init() {}

    public func run() throws {
        let config = try options.loadConfig()
        var out = Console.stdout
        for unit in try Discovery.units(of: config, only: only) {
            out.appendString(unit.ndjson())
            try out.recordEnded()
        }
    }
}
