import PaddockCLI

runTool(ExtractCommand.self)
