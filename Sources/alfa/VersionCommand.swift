import AlfaApp
import ArgumentParser

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print alfa's version.")

    func run() {
        print("alfa \(AlfaVersion.current)")
    }
}
