import ArgumentParser
extension NormalizeCommand { func runMapping(pipeline: String, table: String) throws {} }
public struct DiscoverCommand: ParsableCommand { public init() {}; public func run() throws {} }
public struct ExtractCommand: ParsableCommand { public init() {}; public func run() throws {} }
public struct DQCheckCommand: ParsableCommand { public init() {}; public func run() throws {} }
public struct PublishCommand: ParsableCommand { public init() {}; public func run() throws {} }
