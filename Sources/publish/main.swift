import PaddockCLI

runTool(PublishCommand.self)
