import FluentKit
import Foundation
import PantauCore
import SQLKit

/// Writes one batch of intake jobs in one transaction, with hand-written SQL
/// (the hot path): idempotency look-up, one open case per subject, reports,
/// evidence links, hash-chained case events, idempotency and mention records.
enum IntakeTransaction {
    static let actor = "system:intake"

    static func run(jobs: [IntakeJob], storage: any IntakeStorage, categories: CategoryIndex, clock: any PantauClock) async throws -> [IntakeOutcome] {
        try await storage.inTransaction { sql in
            try await apply(jobs: jobs, sql: sql, storage: storage, categories: categories, now: clock.now())
        }
    }

    struct CaseState: Sendable {
        let id: UUID
        let key: String
        var reportCount: Int
        var category: String
        var firstReportAt: Date
        var lastReportAt: Date
        var eventCount: Int
        var lastHash: String
        /// Only a `new` case takes the most severe claimed category; once
        /// someone works or decides it, the category is theirs.
        var status: String
        var touched = false
    }

    private static func apply(jobs: [IntakeJob], sql: any SQLDatabase, storage: any IntakeStorage, categories: CategoryIndex, now: Date) async throws -> [IntakeOutcome] {
        var outcomes = [IntakeOutcome?](repeating: nil, count: jobs.count)

        // 1. Idempotency: keys seen before answer with their stored result.
        var active: [Int] = []
        var firstIndexOfClaim: [IdempotencyClaim: Int] = [:]
        var duplicateOf: [Int: Int] = [:]
        let claims = jobs.compactMap(\.idempotency)
        var existing: [String: (fingerprint: String, result: String)] = [:]
        if !claims.isEmpty {
            let keys = Array(Set(claims.map(\.key)))
            let rows = try await sql.raw("SELECT scope, key, fingerprint, result FROM idempotency_keys WHERE key IN (\(binds: keys))").all()
            for row in rows {
                let scope = try row.decode(column: "scope", as: String.self)
                let key = try row.decode(column: "key", as: String.self)
                existing[scope + "\u{0}" + key] = (try row.decode(column: "fingerprint", as: String.self), try row.decode(column: "result", as: String.self))
            }
        }
        for (index, job) in jobs.enumerated() {
            guard let claim = job.idempotency else { active.append(index); continue }
            let lookup = claim.scope + "\u{0}" + claim.key
            if let stored = existing[lookup] {
                if let fp = claim.fingerprint, fp != stored.fingerprint {
                    outcomes[index] = .idempotencyConflict
                } else {
                    outcomes[index] = .replayed(try JSONDecoder.pantau.decode(IntakeRecord.self, from: Data(stored.result.utf8)))
                }
            } else if let first = firstIndexOfClaim.first(where: { $0.key.scope == claim.scope && $0.key.key == claim.key })?.value {
                duplicateOf[index] = first
            } else {
                firstIndexOfClaim[claim] = index
                active.append(index)
            }
        }

        // 2. The open case of every subject in the batch, created if missing.
        let drafts = active.flatMap { jobs[$0].drafts }
        var cases: [String: CaseState] = [:]
        var opened: Set<String> = []
        let subjectKeys = Array(Set(drafts.map(\.report.subject.key))).sorted()
        if !subjectKeys.isEmpty {
            // One statement per chunk: create the missing cases and return
            // every subject's open case. On a conflict the existing row is
            // "updated" (and so locked on PostgreSQL until commit).
            let firstDraft = Dictionary(drafts.map { ($0.report.subject.key, $0) }, uniquingKeysWith: { first, _ in first })
            for chunk in subjectKeys.chunked(100) {
                let rows: [[IntakeValue]] = chunk.map { key in
                    let d = firstDraft[key]!
                    let s = d.report.subject
                    return [.uuid(OrderedID.make(at: now)), .text(s.key), .text(s.platform.rawValue), .text(s.kind.rawValue), .text(s.id),
                            .text(s.url), .text(s.key), .text(CaseStatus.new.rawValue), .text(d.report.category), .integer(0),
                            .date(d.receivedAt), .date(d.receivedAt), .real(0), .integer(0), .text(EventChain.genesis), .date(now), .date(now)]
                }
                let returned = try await storage.upsertOpenCases(
                    columns: ["id", "subject_key", "subject_platform", "subject_kind", "subject_id", "subject_url", "open_key", "status",
                              "category_id", "report_count", "first_report_at", "last_report_at", "priority", "event_count",
                              "last_event_hash", "created_at", "updated_at"],
                    rows: rows[...], sql: sql)
                for state in returned { cases[state.key] = state }
            }
            guard cases.count == subjectKeys.count else { throw IntakeError(message: "could not open a case for every subject") }
            // A case with no events yet was created just now, by this batch.
            for (key, state) in cases where state.eventCount == 0 { opened.insert(key) }
        }

        // 3. Reports, evidence and events, in order.
        var reportRows: [[IntakeValue]] = []
        var evidenceRows: [[IntakeValue]] = []
        var eventRows: [[IntakeValue]] = []
        func appendEvent(_ state: inout CaseState, kind: String, at date: Date, payload: [String: String]) throws {
            let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
            let payloadText = PantauCore.canonicalJSON(payload)
            let sequence = state.eventCount + 1
            let content = EventChain.Content(caseID: UUIDText.lower(state.id), sequence: sequence, kind: kind, actor: actor,
                                             occurredAtMillis: millis, payload: payloadText)
            let hash = EventChain.hash(previous: state.lastHash, content)
            eventRows.append([.uuid(OrderedID.make(at: now)), .uuid(state.id), .integer(sequence), .text(kind), .text(actor),
                              .date(Date(timeIntervalSince1970: Double(millis) / 1000)), .integer(Int(millis)),
                              .text(payloadText), .text(state.lastHash), .text(hash)])
            state.eventCount = sequence
            state.lastHash = hash
            state.touched = true
        }
        for index in active {
            var stored: [StoredReport] = []
            for draft in jobs[index].drafts {
                let key = draft.report.subject.key
                guard var state = cases[key] else { throw IntakeError(message: "case missing for \(key)") }
                if opened.remove(key) != nil {
                    try appendEvent(&state, kind: "case_opened", at: draft.receivedAt,
                                    payload: ["subject_key": key, "category": draft.report.category])
                }
                let before = state.category
                if state.reportCount == 0 {
                    state.category = draft.report.category
                } else if state.status == CaseStatus.new.rawValue {
                    state.category = categories.moreSevere(state.category, draft.report.category)
                }
                state.reportCount += 1
                state.lastReportAt = max(state.lastReportAt, draft.receivedAt)
                var payload = ["report_id": UUIDText.lower(draft.id), "ticket": draft.ticket, "channel": draft.channel.rawValue,
                               "claimed_category": draft.report.category, "report_count": String(state.reportCount)]
                if before != state.category && state.reportCount > 1 { payload["category_changed_from"] = before }
                try appendEvent(&state, kind: "report_received", at: draft.receivedAt, payload: payload)
                cases[key] = state
                reportRows.append([.uuid(draft.id), .text(draft.ticket), .uuid(state.id), .text(draft.channel.rawValue), .text(key),
                                   .text(draft.target(maxLength: 2048)), .text(draft.report.category), .text(draft.report.description),
                                   .optional(draft.sealedContact), .optional(draft.sourceRef), .date(draft.receivedAt)])
                for e in draft.evidence {
                    evidenceRows.append([.uuid(OrderedID.make(at: now)), .uuid(draft.id), .text(e.sha256), .text(e.mediaType), .integer(Int(e.size))])
                }
                stored.append(StoredReport(ticket: draft.ticket, caseID: state.id, caseReportCount: state.reportCount,
                                           subjectKey: key, category: draft.report.category, receivedAt: draft.receivedAt))
            }
            outcomes[index] = .stored(IntakeRecord(reports: stored, note: jobs[index].note))
        }

        for chunk in reportRows.chunked(150) {
            try await storage.insert(into: "reports", columns: ["id", "ticket", "case_id", "channel", "subject_key", "target", "claimed_category",
                                                                "description", "reporter_contact", "source_ref", "received_at"], rows: chunk, sql: sql)
        }
        for chunk in evidenceRows.chunked(300) {
            try await storage.insert(into: "report_evidence", columns: ["id", "report_id", "sha256", "media_type", "size"], rows: chunk, sql: sql)
        }
        for chunk in eventRows.chunked(150) {
            try await storage.insert(into: "case_events", columns: ["id", "case_id", "sequence", "kind", "actor", "occurred_at", "occurred_at_ms",
                                                                    "payload", "previous_hash", "hash"], rows: chunk, sql: sql)
        }

        // 4. Case rows kept in step with their events, in one statement.
        let touched = cases.values.filter(\.touched).sorted { $0.key < $1.key }
        let caseRows: [[IntakeValue]] = touched.map { c in
            let priority = CasePriority.score(severity: categories.severity(of: c.category), reportCount: c.reportCount,
                                              firstReportAt: c.firstReportAt, now: c.lastReportAt)
            return [.uuid(c.id), .integer(c.reportCount), .text(c.category), .date(c.lastReportAt), .real(priority), .integer(c.eventCount), .text(c.lastHash)]
        }
        for chunk in caseRows.chunked(100) {
            try await storage.updateCases(chunk, now: now, sql: sql)
        }

        // 5. Idempotency and mention records, in the same transaction.
        var idempotencyRows: [[any Encodable & Sendable]] = []
        var mentionRows: [[any Encodable & Sendable]] = []
        for index in active {
            let job = jobs[index]
            if let claim = job.idempotency, let record = outcomes[index]?.record {
                let json = String(decoding: try JSONEncoder.pantau.encode(record), as: UTF8.self)
                idempotencyRows.append([OrderedID.make(at: now), claim.scope, claim.key, claim.fingerprint ?? "", json, now])
            }
            if let m = job.mention {
                mentionRows.append([OrderedID.make(at: now), m.platform, m.mentionID, m.text, m.mentionedAt, now, m.outcome, m.reason, job.drafts.count])
            }
        }
        for chunk in idempotencyRows.chunked(200) {
            try await sql.insert(into: "idempotency_keys").columns(["id", "scope", "key", "fingerprint", "result", "created_at"]).rows(chunk.map { $0.map { SQLBind($0) as any SQLExpression } }).run()
        }
        for chunk in mentionRows.chunked(200) {
            try await sql.insert(into: "mentions")
                .columns(["id", "platform", "mention_id", "text", "mentioned_at", "received_at", "outcome", "reason", "report_count"])
                .rows(chunk.map { $0.map { SQLBind($0) as any SQLExpression } }).run()
        }

        for (index, first) in duplicateOf {
            if let fp = jobs[index].idempotency?.fingerprint, fp != jobs[first].idempotency?.fingerprint {
                outcomes[index] = .idempotencyConflict
            } else if let record = outcomes[first]?.record {
                outcomes[index] = .replayed(record)
            }
        }
        return outcomes.map { $0 ?? .idempotencyConflict }
    }

}

extension IntakeTransaction.CaseState {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.decode(column: "id", as: UUID.self), key: try row.decode(column: "open_key", as: String.self),
            reportCount: try row.decode(column: "report_count", as: Int.self),
            category: try row.decode(column: "category_id", as: String.self),
            firstReportAt: try row.decode(column: "first_report_at", as: Date.self),
            lastReportAt: try row.decode(column: "last_report_at", as: Date.self),
            eventCount: try row.decode(column: "event_count", as: Int.self),
            lastHash: try row.decode(column: "last_event_hash", as: String.self),
            status: try row.decode(column: "status", as: String.self))
    }
}

extension ReportDraft {
    func target(maxLength: Int) -> String { String(report.target.prefix(maxLength)) }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension JSONEncoder {
    static var pantau: JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .millisecondsSince1970
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

extension JSONDecoder {
    static var pantau: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .millisecondsSince1970
        return d
    }
}
