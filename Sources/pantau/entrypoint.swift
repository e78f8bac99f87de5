import PantauApp

await PantauCommand.runAsync()
