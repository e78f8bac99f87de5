import ArgumentParser
import FluentKit
import Foundation
import PantauCore

/// `pantau export rpz|domains|hosts|ips|json`: the published list to a file
/// (or standard output), exactly as the HTTP endpoints serve it.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
                                                    abstract: "Write the blocklist (rpz, domains, hosts, ips, json) or the statements of reasons (statements).")
    @Argument(help: "What: rpz, domains, hosts, ips, json, or statements") var format: String
    @Option(help: "Output file ('-' for standard output)") var output: String = "-"
    @Option(name: .customLong("since"), help: "statements: decisions made from this day on (YYYY-MM-DD, WIB)") var since: String?
    @Option(name: .customLong("until"), help: "statements: decisions made up to and including this day (YYYY-MM-DD, WIB)") var until: String?
    @Option(name: .customLong("format"), help: "statements: jsonl or csv") var statementsFormat: String = "jsonl"
    @Flag(name: .customLong("check"),
          help: "statements: check every statement against the EU DSA Transparency Database's submission rules instead of writing them; exit 1 if any fails")
    var check = false
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        if format == "statements" {
            guard StatementsExporter.Format(rawValue: statementsFormat) != nil else { throw ValidationError("--format: expected jsonl or csv, got '\(statementsFormat)'") }
            if let since, QueueFilter.parseDay(since) == nil { throw ValidationError("--since: expected a day YYYY-MM-DD, got '\(since)'") }
            if let until, QueueFilter.parseDay(until) == nil { throw ValidationError("--until: expected a day YYYY-MM-DD, got '\(until)'") }
            return
        }
        guard BlocklistExporter.Format(rawValue: format) != nil else {
            throw ValidationError("format: expected one of \(BlocklistExporter.Format.allCases.map(\.rawValue).joined(separator: ", ")), or statements, got '\(format)'")
        }
        guard since == nil, until == nil, !check else { throw ValidationError("--since, --until and --check belong to `pantau export statements`") }
    }

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                if format == "statements" && check {
                    try await checkStatements(database)
                    return
                }
                let exporter = BlocklistExporter(database: database, zoneName: config.rpzZone, landingHost: config.landingHost)
                let handle: FileHandle
                if output == "-" {
                    handle = FileHandle.standardOutput
                } else {
                    guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                        throw ValidationError("--output: cannot write \(output)")
                    }
                    handle = file
                }
                var bytes = 0
                if format == "statements" {
                    try await StatementsExporter(database: database).export(
                        since: since.flatMap(QueueFilter.parseDay), until: until.flatMap(QueueFilter.parseDay).map { $0.addingTimeInterval(86_400) },
                        format: StatementsExporter.Format(rawValue: statementsFormat)!) { text in
                            let data = Data(text.utf8)
                            bytes += data.count
                            handle.write(data)
                        }
                    if output != "-" {
                        try handle.close()
                        FileHandle.standardError.write(Data("wrote \(output): \(bytes) bytes of statements of reasons\n".utf8))
                    }
                    return
                }
                let serial = try await exporter.export(BlocklistExporter.Format(rawValue: format)!, generatedAt: CommandEnvironment.clock.now()) { piece in
                    let data = Data(piece.readableBytesView)
                    bytes += data.count
                    handle.write(data)
                }
                if output != "-" {
                    try handle.close()
                    FileHandle.standardError.write(Data("wrote \(output): \(bytes) bytes, serial \(serial)\n".utf8))
                }
            }
        }
    }
}

extension ExportCommand {
    /// Runs the export through `DSATransparencyRules` (all but the
    /// territorial scope, Pantau's one documented departure) and says how
    /// many statements passed, or which failed and why.
    func checkStatements(_ database: PantauDatabase) async throws {
        var checked = 0
        var failures: [String] = []
        try await StatementsExporter(database: database).export(
            since: since.flatMap(QueueFilter.parseDay), until: until.flatMap(QueueFilter.parseDay).map { $0.addingTimeInterval(86_400) },
            format: .jsonl) { text in
                for line in text.split(separator: "\n") {
                    checked += 1
                    guard let statement = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                        failures.append("statement \(checked): not a JSON object")
                        continue
                    }
                    let problems = DSATransparencyRules.problems(in: statement, territorialScope: false)
                    if !problems.isEmpty { failures.append("\(statement["uuid"] ?? "statement \(checked)"): \(problems.joined(separator: "; "))") }
                }
            }
        for failure in failures.prefix(50) { print(failure) }
        print("\(checked) statements checked against the DSA Transparency Database's rules: \(failures.isEmpty ? "all valid" : "\(failures.count) invalid")"
              + " (territorial_scope [\"ID\"] is the one departure)")
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

/// `pantau blocklist import FILE`: a dirty list of millions of lines, cleaned.
struct BlocklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "blocklist", abstract: "The blocklist: import an existing list; compact the two-zone RPZ.",
                                                    subcommands: [Import.self, Compact.self])

    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Begin a compaction of the two-zone RPZ now (PANTAU_RPZ_SPLIT=1): the list as it is becomes the base; the worker ends it once every secondary holds the new base.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    guard config.rpzSplit else { throw ValidationError("the two-zone RPZ is off: set PANTAU_RPZ_SPLIT=1") }
                    let before = try await SplitState.load(on: database)
                    let compactor = RPZCompactor(database: database, clock: CommandEnvironment.clock, baseZone: config.splitZoneNames.base, logger: makeLogger(config))
                    let step = try await compactor.step(now: CommandEnvironment.clock.now(), force: true)
                    let after = try await SplitState.load(on: database)
                    switch step {
                    case .began?: print("compaction begun: base \(before.served) → \(after.served); it ends once every secondary holds serial \(after.served)")
                    case .ended?: print("a compaction under way ended: base \(after.served)")
                    case .rebased?: print("a bulk import lies between: the list became the base at once (base \(before.served) → \(after.served)); recent keeps the decisions since the old base until every secondary holds serial \(after.served)")
                    case nil:
                        print(before.serials.count > 1 ? "a compaction is under way (base \(before.oldest) → \(before.served)); it ends once every secondary holds the new base"
                                                       : "nothing to compact: the base (serial \(before.served)) is the list")
                    }
                }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a list (one name per line; comments, hosts-file lines, IPs and junk are sorted out) into the active list, published as one serial.")
        @Argument(help: "The file to import") var file: String
        @Option(help: "Why these names are blocked (recorded on every entry)") var reason: String
        @Option(help: "Legal bases, comma-separated codes (see /admin/dasar-hukum)") var basis: String
        @Option(help: "nxdomain (default) or redirect (to the block landing page)") var action: String = "nxdomain"
        @Flag(help: "No progress bar") var quiet = false
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard BlockAction(rawValue: action) != nil else { throw ValidationError("--action: expected nxdomain or redirect, got '\(action)'") }
            guard reason.trimmingCharacters(in: .whitespaces).count >= 5 else { throw ValidationError("--reason: give a reason of at least 5 characters") }
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("FILE: cannot read '\(file)'") }
        }

        func run() async throws {
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    let bases = basis.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    let known = Set(try await LegalBasisModel.query(on: database.db).filter(\.$active == true).all().compactMap(\.id))
                    guard !bases.isEmpty, let unknown = Optional(bases.filter { !known.contains($0) }), unknown.isEmpty else {
                        throw ValidationError("--basis: unknown or missing legal basis (\(bases.filter { !known.contains($0) }.joined(separator: ", "))); known: \(known.sorted().joined(separator: ", "))")
                    }
                    var importer = BlocklistImporter(database: database, normalizer: BlockNameNormalizer(zoneName: config.rpzZone))
                    importer.printsTimings = config.importTimings
                    var lastShown = Date.distantPast
                    let summary = try await importer.run(path: file, reason: reason, legalBases: bases, action: BlockAction(rawValue: action)!,
                                                         actor: cliActor, now: CommandEnvironment.clock.now()) { phase, done, total, lines in
                        guard !quiet, Date().timeIntervalSince(lastShown) > 0.5 || done == total else { return }
                        lastShown = Date()
                        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
                        let bar = String(repeating: "█", count: Int(fraction * 30)) + String(repeating: "·", count: 30 - Int(fraction * 30))
                        let what = phase == .reading ? "\(lines.formatted()) lines read" : "\(done.formatted()) of \(total.formatted()) names \(phase.rawValue)"
                        FileHandle.standardError.write(Data("\r\(phase.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(bar) \(Int(fraction * 100)) %  \(what)\u{1B}[K".utf8))
                    }
                    if !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
                    print(Self.describe(summary))
                }
            }
        }

        static func describe(_ s: BlocklistImporter.Summary) -> String {
            var lines = [
                s.accepted + s.ips == 0
                    ? "imported \(s.lines.formatted()) lines in \(String(format: "%.1f", s.seconds)) s: nothing new, serial stays \(s.serial)"
                    : "imported \(s.lines.formatted()) lines in \(String(format: "%.1f", s.seconds)) s → serial \(s.serial) (ISPs reload the full list)",
                String(format: "  time:                read and clean %.1f s, sort %.1f s, write %.1f s", s.readSeconds, s.sortSeconds, s.writeSeconds),
                "  accepted:            \(s.accepted.formatted()) names (\(s.acceptedSubdomains.formatted()) with their subdomains)",
                "  moved to the IP list: \(s.ips.formatted())",
                "  duplicates dropped:  \(s.duplicates.formatted())",
                "  allow-listed:        \(s.allowListed.formatted())",
                "  blank or comment:    \(s.blankOrComment.formatted())",
                "  rejected:            \(s.rejected.values.reduce(0, +).formatted())",
            ]
            for problem in BlockNameProblem.allCases {
                guard let count = s.rejected[problem] else { continue }
                let examples = (s.examples[problem] ?? []).map { "line \($0.line): \($0.text)" }.joined(separator: "; ")
                lines.append("    \(problem.rawValue): \(count.formatted()) — \(problem.message.en) e.g. \(examples)")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// `pantau bench gen-blocklist N`: the synthetic dirty list for the import benchmark.
struct GenBlocklistBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gen-blocklist",
                                                    abstract: "Write a synthetic dirty blocklist of N lines (IDN, deep names, upper case, hosts lines, IPs, duplicates, junk).")
    @Argument(help: "Lines") var lines: Int = 10_000_000
    @Option(help: "Output file") var output: String = "blocklist-dirty.txt"
    @Option(help: "Random seed (the same seed writes the same file)") var seed: UInt64 = 2018

    func run() async throws {
        let started = Date()
        try DirtyBlocklist.write(lines: lines, to: output, seed: seed)
        print("wrote \(lines.formatted()) lines to \(output) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}

/// `pantau demo`: the 2018 story — a video app's domains blocked at every
/// ISP's DNS on 3 July 2018 and normalised on 10 July once the platform
/// committed to clean up.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo",
                                                    abstract: "Record the 2018 story: a video app blocked on 2018-07-03 and normalised on 2018-07-10, with reasons, basis and commitments.")
    @OptionGroup var db: DatabaseOptions

    static let appDomains = ["*.tiktok.com", "*.tiktokv.com", "*.tiktokcdn.com", "*.musical.ly", "*.muscdn.com", "*.byteoversea.com",
                             "*.ibytedtos.com", "*.snssdk.com"]

    func run() async throws {
        try await withStartupErrors {
            try await db.withMaintenanceDatabase { database, config in
                try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                guard try await BlockAppModel.query(on: database.db).filter(\.$slug == "tiktok-2018").first() == nil else {
                    print("the 2018 story is recorded already (app tiktok-2018)")
                    return
                }
                let accounts = AccountService(database: database, clock: CommandEnvironment.clock, configuration: config)
                func identity(_ email: String, _ role: Role) async throws -> Identity {
                    let user: UserModel
                    if let existing = try await accounts.user(email: email) { user = existing } else {
                        user = try await accounts.createUser(email: email, displayName: role == .analyst ? "Analis (demo)" : "Supervisor (demo)",
                                                             role: role, platform: nil, password: nil, actor: cliActor).user
                        try await accounts.setDisabled(email: email, true, actor: cliActor)
                    }
                    return Identity(userID: user.id!, email: user.email, displayName: user.displayName, role: role, platform: nil,
                                    mustChangePassword: false, credential: .token(name: "demo"))
                }
                let analyst = try await identity("analis.demo@pantau.local", .analyst)
                let supervisor = try await identity("supervisor.demo@pantau.local", .supervisor)
                let normalizer = BlockNameNormalizer(zoneName: config.rpzZone)
                // 3 July 2018: proposed in the morning, approved before noon (WIB).
                let blocked = QueueFilter.parseDay("2018-07-03")!.addingTimeInterval(9 * 3600)
                let atBlock = BlocklistService(database: database, clock: FixedClock(blocked), normalizer: normalizer)
                let proposal = try await atBlock.proposeBlock(BlockRequest(
                    names: Self.appDomains, action: .redirect,
                    reason: "Aplikasi video memuat konten negatif (pornografi, asusila, pelecehan agama) yang banyak diadukan masyarakat dan KPAI; platform belum menindaklanjuti permintaan penurunan.",
                    legalBases: ["uu-ite-27-1", "uu-44-2008"],
                    appSlug: "tiktok-2018", appName: "TikTok (2018)"), by: analyst)
                _ = try await BlocklistService(database: database, clock: FixedClock(blocked.addingTimeInterval(2 * 3600)), normalizer: normalizer)
                    .review(proposal.id!, approve: true, reason: "", by: supervisor)
                // 10 July 2018: normalised on the platform's commitments.
                let lifted = QueueFilter.parseDay("2018-07-10")!.addingTimeInterval(10 * 3600)
                let atLift = BlocklistService(database: database, clock: FixedClock(lifted), normalizer: normalizer)
                let lift = try await atLift.proposeLift(appSlug: "tiktok-2018", entryIDs: [], conditions:
                    "Platform membersihkan konten pornografi dan negatif; menambah kurator konten dari 20 menjadi 200 orang; usia minimal pengguna 16 tahun; membuka kantor perwakilan di Indonesia.",
                                                        effectiveAt: nil, by: analyst)
                _ = try await BlocklistService(database: database, clock: FixedClock(lifted.addingTimeInterval(3600)), normalizer: normalizer)
                    .review(lift.id!, approve: true, reason: "", by: supervisor)
                print("recorded: \(proposal.number) (8 domains of app tiktok-2018 blocked 2018-07-03) and \(lift.number) (normalised 2018-07-10)")
                print("see: GET /api/v1/check?name=tiktok.com (not blocked now) and the history in the block events")
            }
        }
    }
}

/// `pantau bench lookup`: "is this name blocked?" in process, on one core,
/// against an index of N names (exact and with subdomains) — the structure
/// the check endpoint and landing page can hold in memory.
struct LookupBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lookup",
                                                    abstract: "Time in-process blocklist lookups (exact + parent wildcard) against N names, on one core.")
    @Option(help: "Names in the index") var names = 10_000_000
    @Option(help: "Lookups to time") var lookups = 5_000_000
    @Flag(help: "Hold the index in 4 KiB pages, to measure what huge pages bring") var noHugePages = false

    func run() async throws {
        var random = SeededGenerator(seed: 7)
        var index = BlockIndex(capacity: names, hugePages: !noHugePages)
        let built = Date()
        for n in 0..<names {
            // One in ten is blocked with its subdomains.
            index.add("site\(n).example\(n % 97).com", subdomains: n % 10 == 0)
        }
        let buildSeconds = Date().timeIntervalSince(built)
        // Queries: a third exact hits, a third subdomains of wildcard entries,
        // a third misses — held in one byte arena, as a server holds a
        // request's bytes, so the loop measures the index and not the queries'
        // own String storage.
        var arena: [UInt8] = []
        var bounds: [(start: Int, count: Int)] = []
        for i in 0..<min(lookups, 1_000_000) {
            let n = Int.random(in: 0..<names, using: &random)
            let query: String
            switch i % 3 {
            case 0: query = "site\(n).example\(n % 97).com"
            case 1: let w = n - n % 10; query = "cdn.v\(i % 50).site\(w).example\(w % 97).com"
            default: query = "open\(n).example\(n % 97).org"
            }
            bounds.append((arena.count, query.utf8.count))
            arena.append(contentsOf: query.utf8)
        }
        // Which entry decides (what the check endpoint asks first), then the
        // same with the matching entry's name as a String.
        var blocked = 0, named = 0
        var seconds = 0.0, namedSeconds = 0.0
        arena.withUnsafeBufferPointer { bytes in
            var started = DispatchTime.now().uptimeNanoseconds
            for i in 0..<lookups {
                let query = bounds[i % bounds.count]
                if case .blocked = index.hit(UnsafeBufferPointer(rebasing: bytes[query.start..<query.start + query.count])) { blocked += 1 }
            }
            seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            started = DispatchTime.now().uptimeNanoseconds
            for i in 0..<lookups {
                let query = bounds[i % bounds.count]
                if case .blocked(let match) = index.lookup(UnsafeBufferPointer(rebasing: bytes[query.start..<query.start + query.count])) {
                    named += match.entryName.utf8.count > 0 ? 1 : 0
                }
            }
            namedSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        }
        print(String(format: "index of %@ names built in %.1f s; %@ lookups in %.2f s: %@ lookups/s on one core (%@ blocked); with the entry's name: %@ lookups/s",
                     names.formatted(), buildSeconds, lookups.formatted(), seconds, Int(Double(lookups) / seconds).formatted(), blocked.formatted(),
                     Int(Double(lookups) / namedSeconds).formatted()))
        guard blocked == named else { throw ValidationError("the two lookups disagree: \(blocked) vs \(named)") }
    }
}
