import PaddockCLI

runTool(DiscoverCommand.self)
