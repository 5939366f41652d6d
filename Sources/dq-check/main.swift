import PaddockCLI

runTool(DQCheckCommand.self)
