import ArgumentParser

@main
struct Tidtam: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidtam",
        abstract: "Tidtam (ติดตาม): monitoring, evaluation and reporting for Thai district education offices.",
        subcommands: [Serve.self, Migrate.self, Demo.self, Admin.self]
    )
}
