import ArgumentParser
import Foundation
import Logging
import PantauCore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from files.",
                                                    subcommands: [ImportReportsCommand.self])
}

/// `pantau import reports FILE`: CSV (with a header line) or JSON Lines.
/// Valid lines are imported; invalid ones are listed with their line number.
struct ImportReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "Import reports from CSV or JSON Lines.",
        discussion: """
        Columns / keys: url or handle+platform, category, description, reporter_name, reporter_email, reporter_phone, received_at (RFC 3339, optional).
        """)

    @Argument(help: "The file (.csv, .jsonl or .ndjson)") var file: String
    @Option(help: "csv or jsonl (default: from the file extension)") var format: String?
    @OptionGroup var db: DatabaseOptions
    @Flag(help: "No progress bar") var quiet = false

    func run() async throws {
        try await withStartupErrors {
            guard let data = FileManager.default.contents(atPath: file) else { throw ConfigurationError("cannot read \(file)") }
            guard let text = String(validating: Array(data), as: UTF8.self) else { throw ConfigurationError("\(file) is not UTF-8 text") }
            let kind = (format ?? (file.lowercased().hasSuffix(".csv") ? "csv" : "jsonl")).lowercased()
            let parsed: [ImportLine]
            switch kind {
            case "csv": parsed = try ReportImportParser.csv(text)
            case "jsonl", "ndjson", "json": parsed = ReportImportParser.jsonLines(text)
            default: throw ConfigurationError("--format: expected csv or jsonl")
            }

            let config = try AppConfiguration.load(databaseURL: db.database, dataDirectory: db.dataDirectory)
            let logger = makeLogger(config)
            let database = try PantauDatabase(location: config.database, logger: logger)
            defer { Task { await database.shutdown() } }
            try await PantauServer.prepare(database: database, configuration: config, logger: logger)
            let services = try await Services.make(database: database, configuration: config, clock: CommandEnvironment.clock, logger: logger,
                                                   contactCipher: try ContactCipher.load(configuration: config))
            let (intake, writer) = try await services.makeIntake(metrics: PantauMetrics.shared)
            let summary = try await ReportImporter(intake: intake, writer: writer)
                .run(lines: parsed, progress: quiet ? nil : ProgressBar(total: parsed.count))
            print("imported \(summary.imported) report(s); \(summary.errors.count) line(s) rejected")
            for error in summary.errors.prefix(200) { print("  line \(error.line): \(error.message)") }
            if summary.errors.count > 200 { print("  … and \(summary.errors.count - 200) more") }
            await database.shutdown()
            if !summary.errors.isEmpty { throw ExitCode(1) }
        }
    }
}

/// One data line of an import file, parsed or with its problem.
struct ImportLine: Sendable {
    let line: Int
    let input: Result<(ReportInput, Date?), ImportLineError>
}

struct ImportLineError: Error, Sendable {
    let line: Int
    let message: String
}

enum ReportImportParser {
    static let columns = ["url", "handle", "platform", "category", "description", "reporter_name", "reporter_email", "reporter_phone", "received_at"]

    static func csv(_ text: String) throws -> [ImportLine] {
        let records: [CSVReader.Record]
        do { records = try CSVReader.parse(text) } catch { throw ConfigurationError("CSV \(error.description)") }
        guard let header = records.first else { return [] }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let unknown = names.first(where: { !columns.contains($0) }) {
            throw ConfigurationError("line \(header.line): unknown column '\(unknown)'; known columns: \(columns.joined(separator: ", "))")
        }
        return records.dropFirst().map { record in
            guard record.fields.count == names.count else {
                return ImportLine(line: record.line, input: .failure(.init(line: record.line, message: "expected \(names.count) fields, found \(record.fields.count)")))
            }
            var values: [String: String] = [:]
            for (name, value) in zip(names, record.fields) where !value.isEmpty { values[name] = value }
            return makeLine(record.line, values)
        }
    }

    static func jsonLines(_ text: String) -> [ImportLine] {
        var lines: [ImportLine] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                lines.append(ImportLine(line: lineNumber, input: .failure(.init(line: lineNumber, message: "not a JSON object"))))
                continue
            }
            var values: [String: String] = [:]
            var problem: String?
            for (key, value) in object {
                if key == "reporter", let reporter = value as? [String: Any] {
                    for (k, v) in reporter {
                        guard let s = v as? String else { problem = "reporter.\(k) must be a string"; continue }
                        values["reporter_\(k)"] = s
                    }
                    continue
                }
                guard columns.contains(key) else { problem = "unknown key '\(key)'"; continue }
                if value is NSNull { continue }
                guard let s = value as? String else { problem = "'\(key)' must be a string"; continue }
                values[key] = s
            }
            if let problem {
                lines.append(ImportLine(line: lineNumber, input: .failure(.init(line: lineNumber, message: problem))))
            } else {
                lines.append(makeLine(lineNumber, values))
            }
        }
        return lines
    }

    private static func makeLine(_ line: Int, _ v: [String: String]) -> ImportLine {
        var receivedAt: Date?
        if let text = v["received_at"] {
            guard let date = try? Date(text, strategy: .iso8601) else {
                return ImportLine(line: line, input: .failure(.init(line: line, message: "received_at: expected RFC 3339, e.g. 2026-11-24T08:00:00Z")))
            }
            receivedAt = Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        }
        let input = ReportInput(url: v["url"], handle: v["handle"], platform: v["platform"], category: v["category"],
                                description: v["description"], reporterName: v["reporter_name"], reporterEmail: v["reporter_email"],
                                reporterPhone: v["reporter_phone"])
        return ImportLine(line: line, input: .success((input, receivedAt)))
    }
}

/// Feeds import lines to the intake writer, many in flight so they share
/// transactions.
struct ReportImporter {
    let intake: IntakeService
    let writer: ReportWriter

    struct Summary { var imported = 0; var errors: [ImportLineError] = [] }

    func run(lines: [ImportLine], progress: ProgressBar?) async throws -> Summary {
        var summary = Summary()
        let writerTask = Task { try await writer.run() }
        defer { writerTask.cancel() }
        var done = 0
        for chunk in lines.chunked(2000) {
            let results = await withTaskGroup(of: (Int, String?).self) { group in
                for line in chunk {
                    group.addTask {
                        switch line.input {
                        case .failure(let error): return (line.line, error.message)
                        case .success(let (input, receivedAt)):
                            do {
                                _ = try await intake.submit(input, channel: .import, receivedAt: receivedAt)
                                return (line.line, nil)
                            } catch let error as ReportInputError {
                                return (line.line, error.description)
                            } catch {
                                return (line.line, "not stored: \(error)")
                            }
                        }
                    }
                }
                var collected: [(Int, String?)] = []
                for await r in group { collected.append(r) }
                return collected
            }
            for (line, error) in results {
                if let error { summary.errors.append(ImportLineError(line: line, message: error)) } else { summary.imported += 1 }
            }
            done += chunk.count
            progress?.update(done)
        }
        progress?.finish()
        summary.errors.sort { $0.line < $1.line }
        return summary
    }
}

/// A one-line progress bar on standard error.
struct ProgressBar {
    let total: Int
    func update(_ done: Int) {
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) lines".utf8))
    }
    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }
}
