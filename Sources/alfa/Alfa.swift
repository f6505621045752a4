import AlfaApp
import ArgumentParser

@main
struct Alfa: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alfa",
        abstract: "Copy-trading for Avantis perpetuals on Base, operated from Telegram.",
        discussion: "Settings come from the environment and a .env file in the working directory (see env.production.template).",
        version: AlfaVersion.current,
        subcommands: [ServeCommand.self, MigrateCommand.self, ConfigCommand.self, CheckCommand.self,
                      LeaderboardCommand.self, TraderCommand.self, BacktestCommand.self, IndexCommand.self, AbiCommand.self, ExportCommand.self, ChatCommand.self, SimulateCommand.self, DbCommand.self,
                      VersionCommand.self, BenchCommand.self, IntentCommand.self, StatusCommand.self, PnLCommand.self]
    )
}
