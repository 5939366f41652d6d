import PaddockCLI

runTool(NormalizeCommand.self)
