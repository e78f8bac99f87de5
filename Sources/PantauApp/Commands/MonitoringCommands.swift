import ArgumentParser
import Foundation
import PantauCore

/// `pantau sample draw`: draws a week's prevalence samples now (the worker
/// draws last week's by itself once the week is over).
struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", abstract: "Monitoring's weekly prevalence samples.",
                                                    subcommands: [Draw.self])

    struct Draw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw the prevalence samples of a week (every platform with monitored posts that week and no sample yet).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "A day of the week to sample (YYYY-MM-DD, WIB); default: last week") var week: String?

        func run() async throws {
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    let clock = CommandEnvironment.clock
                    var day = clock.now().addingTimeInterval(-7 * 86_400)
                    if let week {
                        guard let parsed = QueueFilter.parseDay(week) else { throw ValidationError("--week: expected a day as YYYY-MM-DD, got '\(week)'") }
                        day = parsed
                    }
                    let service = PrevalenceService(database: database, clock: clock, sampleSize: config.prevalenceSampleSize)
                    let start = ComplianceFigures.weekStart(day)
                    let drawn = try await service.draw(week: start)
                    print("\(drawn) sample\(drawn == 1 ? "" : "s") drawn for the week of \(WIBDay.text(WIBDay.of(start))).")
                }
            }
        }
    }
}
