import FluentKit
import Foundation
import PantauCore
import SQLKit

/// Where a finding was seen.
enum FindingSource: String, Sendable {
    case post, page, recheck
}

/// A post, page or re-check that reached a watchlist's threshold (or, for a
/// re-check, came back online), before it is filed.
struct FindingCandidate: Sendable {
    let source: FindingSource
    let platform: Platform
    /// What was seen: "tiktok:7301…" for a post, the URL for a page.
    let sourceRef: String
    let subject: Subject
    /// Subjects it also stands for (a post's author, its links' sites): one
    /// decided violating makes the finding a reappearance there.
    var related: [Subject] = []
    /// The watchlist that matched (nil for a re-check).
    let watchlistID: String?
    let watchlistName: String
    let category: String
    let score: Double
    /// The text as captured (at most `FindingService.maximumText` characters).
    let text: String
    let matches: [WatchlistMatcher.Match]
    /// One finding per key (a post and a watchlist): a retried batch files none again.
    let findingKey: String?
    let seenAt: Date
}

/// What became of a finding.
enum FindingOutcome: Sendable, Equatable {
    /// A report with channel `monitoring`, in the subject's one case.
    case reported(ticket: String, caseID: UUID)
    /// The subject's case was decided violating: a `reappeared` event there.
    case reappeared(caseID: UUID)
    /// The subject was reported by monitoring within the window already.
    case rateLimited
    /// A re-check saw a blocked site's content again, and no case asked for its block.
    case reappearedWithoutCase

    var name: String {
        switch self {
        case .reported: "reported"
        case .reappeared, .reappearedWithoutCase: "reappeared"
        case .rateLimited: "rate_limited"
        }
    }
}

/// Files what monitoring finds into the loop, as people decide it: a
/// report in the subject's case (the reporter is the watchlist; the
/// decision then says "automated detection"), a reappearance on a case
/// already decided violating, or nothing more than the finding's record
/// when the subject was reported by monitoring within the rate limit's
/// window — so one viral post makes one report, not ten thousand.
struct FindingService: Sendable {
    let database: PantauDatabase
    let intake: IntakeService
    let ledger: CaseLedger
    let clock: any PantauClock
    var rateLimit = FindingRateLimit()

    static let maximumText = 10_000
    /// The actor of events monitoring writes.
    static let actor = "pemantauan"

    func file(_ candidates: [FindingCandidate]) async throws -> [FindingOutcome] {
        guard !candidates.isEmpty else { return [] }
        let now = clock.now()
        let keys = Array(Set(candidates.flatMap { [$0.subject.key] + $0.related.map(\.key) }))
        var lastReported: [String: Date] = [:]
        var decidedCase: [String: UUID] = [:]
        for chunk in keys.chunked(200) {
            let list = SQLList(chunk.map { SQLBind($0) })
            for row in try await database.sql.raw("""
                SELECT subject_key, MAX(found_at) AS last FROM findings
                WHERE subject_key IN (\(list)) AND outcome IN ('reported', 'reappeared') GROUP BY subject_key
                """).all() {
                lastReported[try row.decode(column: "subject_key", as: String.self)] = try row.decode(column: "last", as: Date.self)
            }
            for row in try await database.sql.raw("""
                SELECT id, subject_key FROM cases
                WHERE subject_key IN (\(list)) AND status = 'decided' AND verdict = 'violating' AND duplicate_of IS NULL
                ORDER BY decided_at
                """).all() {
                decidedCase[try row.decode(column: "subject_key", as: String.self)] = try row.decode(column: "id", as: UUID.self)
            }
        }

        // Where each finding lands: the subject's own case decided violating,
        // else a related subject's, else a report on the subject itself.
        let landing = candidates.map { candidate -> String in
            if decidedCase[candidate.subject.key] != nil { return candidate.subject.key }
            return candidate.related.first { decidedCase[$0.key] != nil }?.key ?? candidate.subject.key
        }
        // Which candidates go on: the first on each subject, outside the window.
        var outcomes = [FindingOutcome](repeating: .rateLimited, count: candidates.count)
        var going: [Int] = []
        for (index, candidate) in candidates.enumerated() {
            let key = landing[index]
            guard rateLimit.allows(lastReportedAt: lastReported[key], now: candidate.seenAt) else { continue }
            lastReported[key] = candidate.seenAt
            going.append(index)
        }

        try await withThrowingTaskGroup(of: (Int, FindingOutcome).self) { group in
            for index in going {
                let candidate = candidates[index]
                if let caseID = decidedCase[landing[index]] {
                    group.addTask { (index, try await reappear(candidate, on: caseID, at: now)) }
                } else {
                    group.addTask { (index, try await report(candidate, at: now)) }
                }
            }
            for try await (index, outcome) in group { outcomes[index] = outcome }
        }
        try await record(candidates, landing, outcomes)
        return outcomes
    }

    private func report(_ candidate: FindingCandidate, at now: Date) async throws -> FindingOutcome {
        let excerpt = String(candidate.text.prefix(300))
        let description = "Temuan pemantauan — daftar pantau «\(candidate.watchlistName)», skor \(SVGChart.format(candidate.score)), "
            + "\(candidate.source == .post ? "unggahan \(candidate.sourceRef)" : candidate.sourceRef): «\(excerpt)»"
        let validated = ValidatedReport(subject: candidate.subject, target: candidate.sourceRef, category: candidate.category,
                                        description: String(description.prefix(ReportValidator.maximumDescriptionLength)), contact: nil, evidence: [])
        let draft = try intake.makeDraft(validated, channel: .monitoring, contact: nil,
                                         sourceRef: candidate.watchlistID.map { "watchlist:" + $0 }, evidence: [], receivedAt: candidate.seenAt)
        let claim = candidate.findingKey.map { IdempotencyClaim(scope: "monitoring", key: $0, fingerprint: nil) }
        let outcome = try await intake.writer.submit(IntakeJob(drafts: [draft], idempotency: claim))
        if case .stored(let record) = outcome { intake.metrics.recordAccepted(channel: .monitoring, count: record.reports.count) }
        guard let stored = outcome.record?.reports.first else { throw IntakeError(message: "a monitoring report was not stored") }
        return .reported(ticket: stored.ticket, caseID: stored.caseID)
    }

    private func reappear(_ candidate: FindingCandidate, on caseID: UUID, at now: Date) async throws -> FindingOutcome {
        try await database.writeTransaction { db in
            let model = try await ledger.lock(caseID, on: db)
            var payload = ["source": candidate.source.rawValue, "seen": candidate.sourceRef, "score": SVGChart.format(candidate.score)]
            if !candidate.watchlistName.isEmpty { payload["watchlist"] = candidate.watchlistName }
            try await ledger.append(.reappeared, to: model, actor: Self.actor, payload: payload, at: now, on: db)
            try await model.save(on: db)
        }
        return .reappeared(caseID: caseID)
    }

    /// A re-check's finding: content back online. The case event, what
    /// `alsoWrite` adds (the order item's platform event, the re-check's
    /// new state) and the finding's row land in one transaction, so a
    /// retried re-check writes none of them twice. Not rate-limited: a
    /// re-check reports a change of state, which happens once per change.
    func fileReappearance(_ candidate: FindingCandidate, caseID: UUID?,
                          alsoWrite: @escaping @Sendable (any Database) async throws -> Void) async throws {
        let now = clock.now()
        try await database.writeTransaction { db in
            if let caseID {
                let model = try await ledger.lock(caseID, on: db)
                var payload = ["source": candidate.source.rawValue, "seen": candidate.sourceRef]
                if !candidate.watchlistName.isEmpty { payload["watchlist"] = candidate.watchlistName }
                try await ledger.append(.reappeared, to: model, actor: Self.actor, payload: payload, at: now, on: db)
                try await model.save(on: db)
            }
            try await alsoWrite(db)
            try await Self.insertRows([candidate], [candidate.subject.key], [caseID.map { .reappeared(caseID: $0) } ?? .reappearedWithoutCase],
                                      at: now, on: db as! any SQLDatabase)
        }
    }

    /// The findings' own rows; one already recorded under its key is left as it is.
    private func record(_ candidates: [FindingCandidate], _ landing: [String], _ outcomes: [FindingOutcome]) async throws {
        let now = clock.now()
        try await database.writeTransaction { db in
            try await Self.insertRows(candidates, landing, outcomes, at: now, on: db as! any SQLDatabase)
        }
    }

    private static func insertRows(_ candidates: [FindingCandidate], _ landing: [String], _ outcomes: [FindingOutcome],
                                   at now: Date, on sql: any SQLDatabase) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var rows: [[any Encodable & Sendable]] = []
        for ((candidate, subjectKey), outcome) in zip(zip(candidates, landing), outcomes) {
            var ticket: String?, caseID: UUID?
            switch outcome {
            case .reported(let t, let c): ticket = t; caseID = c
            case .reappeared(let c): caseID = c
            case .rateLimited, .reappearedWithoutCase: break
            }
            let matches = candidate.matches.map(StoredMatch.init)
            rows.append([OrderedID.make(at: now), candidate.source.rawValue, candidate.platform.rawValue, candidate.sourceRef,
                         subjectKey, candidate.watchlistID.flatMap(UUID.init(uuidString:)), candidate.watchlistName,
                         candidate.category, candidate.score, String(candidate.text.prefix(Self.maximumText)),
                         String(decoding: try encoder.encode(matches), as: UTF8.self), candidate.seenAt, outcome.name,
                         ticket, caseID, candidate.findingKey])
        }
        for chunk in rows.chunked(100) {
            var insert = sql.insert(into: "findings")
                .columns("id", "source", "platform", "source_ref", "subject_key", "watchlist_id", "watchlist_name", "category_id", "score",
                         "text", "matches", "found_at", "outcome", "report_ticket", "case_id", "finding_key")
            for row in chunk { insert = insert.values(row.map { SQLBind($0) }) }
            try await insert.ignoringConflicts(with: "finding_key").run()
        }
    }
}

/// A match as a finding keeps it (UTF-16 offsets into the finding's text).
struct StoredMatch: Codable, Sendable {
    let term: String
    let watchlist: String
    let field: String
    let start: Int
    let end: Int
    let value: String?

    init(_ match: WatchlistMatcher.Match) {
        term = match.term
        watchlist = match.watchlistName
        field = match.field.rawValue
        start = match.start
        end = match.end
        value = match.value
    }

    var asMatch: WatchlistMatcher.Match {
        WatchlistMatcher.Match(watchlistID: "", watchlistName: watchlist, term: term, category: "", weight: 0,
                               field: WatchlistMatcher.Field(rawValue: field) ?? .text, start: start, end: end, value: value)
    }
}

/// A finding as the case page shows it: the captured text with its matches.
struct FindingRow: Sendable {
    let source: FindingSource
    let platform: String
    let sourceRef: String
    let watchlistName: String
    let score: Double
    let text: String
    let matches: [WatchlistMatcher.Match]
    let foundAt: Date
    let outcome: String
    let ticket: String?

    /// The newest findings filed on a case.
    static func ofCase(_ id: UUID, limit: Int = 20, on sql: any SQLDatabase) async throws -> [FindingRow] {
        try await sql.raw("""
            SELECT source, platform, source_ref, watchlist_name, score, text, matches, found_at, outcome, report_ticket FROM findings
            WHERE case_id = \(bind: id) ORDER BY found_at DESC LIMIT \(unsafeRaw: String(limit))
            """).all().map { row in
            let stored = (try? JSONDecoder().decode([StoredMatch].self, from: Data(try row.decode(column: "matches", as: String.self).utf8))) ?? []
            return FindingRow(source: FindingSource(rawValue: try row.decode(column: "source", as: String.self)) ?? .post,
                              platform: try row.decode(column: "platform", as: String.self),
                              sourceRef: try row.decode(column: "source_ref", as: String.self),
                              watchlistName: try row.decode(column: "watchlist_name", as: String.self),
                              score: try row.decode(column: "score", as: Double.self),
                              text: try row.decode(column: "text", as: String.self),
                              matches: stored.map(\.asMatch),
                              foundAt: try row.decode(column: "found_at", as: Date.self),
                              outcome: try row.decode(column: "outcome", as: String.self),
                              ticket: try row.decode(column: "report_ticket", as: String?.self))
        }
    }
}
