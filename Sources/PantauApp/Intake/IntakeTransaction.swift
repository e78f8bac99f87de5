import Foundation
import PantauCore

/// Writes one batch of intake jobs in one transaction, with hand-written SQL
/// (the hot path): idempotency look-up, one open case per subject, reports,
/// evidence links, hash-chained case events, idempotency and mention records.
enum IntakeTransaction {
    static let actor = "system:intake"

    static func run(jobs: [IntakeJob], storage: any IntakeStorage, categories: CategoryIndex, clock: any PantauClock) async throws -> [IntakeOutcome] {
        try await storage.inTransaction {
            try await apply(jobs: jobs, storage: storage, categories: categories, now: clock.now())
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
        /// The category a report leaves depends on it (`CategoryIndex.categoryAfterReport`).
        var status: String

        func priority(_ categories: CategoryIndex) -> Double {
            CasePriority.score(severity: categories.severity(of: category), reportCount: reportCount, firstReportAt: firstReportAt, now: lastReportAt)
        }
    }

    /// One subject's reports of a batch applied to its case: the case's new
    /// state, its new hash-chained events and what each report's answer says.
    struct CaseProgress {
        var state: CaseState
        var events: [[IntakeValue]] = []
        /// One per draft, in the drafts' order.
        var stored: [StoredReport] = []

        init(from start: CaseState, drafts: [ReportDraft], categories: CategoryIndex, now: Date) {
            state = start
            // A case with no events yet is created by this batch.
            var opening = start.eventCount == 0
            for draft in drafts {
                let key = draft.report.subject.key
                if opening {
                    appendEvent(kind: .caseOpened, at: draft.receivedAt, payload: ["subject_key": key, "category": draft.report.category], now: now)
                    opening = false
                }
                let before = state.category
                state.category = categories.categoryAfterReport(current: state.category, claimed: draft.report.category,
                                                                isFirstReport: state.reportCount == 0,
                                                                status: CaseStatus(rawValue: state.status) ?? .new)
                state.reportCount += 1
                state.lastReportAt = max(state.lastReportAt, draft.receivedAt)
                var payload = ["report_id": UUIDText.lower(draft.id), "ticket": draft.ticket, "channel": draft.channel.rawValue,
                               "claimed_category": draft.report.category, "report_count": String(state.reportCount)]
                if before != state.category && state.reportCount > 1 { payload["category_changed_from"] = before }
                appendEvent(kind: .reportReceived, at: draft.receivedAt, payload: payload, now: now)
                stored.append(StoredReport(ticket: draft.ticket, caseID: state.id, caseReportCount: state.reportCount,
                                           subjectKey: key, category: draft.report.category, receivedAt: draft.receivedAt))
            }
        }

        private mutating func appendEvent(kind: CaseEventKind, at date: Date, payload: [String: String], now: Date) {
            let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
            let payloadText = PantauCore.canonicalJSON(payload)
            let sequence = state.eventCount + 1
            let content = EventChain.Content(caseID: UUIDText.lower(state.id), sequence: sequence, kind: kind.rawValue, actor: IntakeTransaction.actor,
                                             occurredAtMillis: millis, payload: payloadText)
            let hash = EventChain.hash(previous: state.lastHash, content)
            events.append([.uuid(OrderedID.make(at: now)), .uuid(state.id), .integer(sequence), .text(kind.rawValue), .text(IntakeTransaction.actor),
                           .date(Date(timeIntervalSince1970: Double(millis) / 1000)), .integer(Int(millis)),
                           .text(payloadText), .text(state.lastHash), .text(hash)])
            state.eventCount = sequence
            state.lastHash = hash
        }
    }

    private static func apply(jobs: [IntakeJob], storage: any IntakeStorage, categories: CategoryIndex, now: Date) async throws -> [IntakeOutcome] {
        var outcomes = [IntakeOutcome?](repeating: nil, count: jobs.count)

        // 1. Idempotency: keys seen before answer with their stored result.
        var active: [Int] = []
        var firstIndexOfClaim: [IdempotencyClaim: Int] = [:]
        var duplicateOf: [Int: Int] = [:]
        let claims = jobs.compactMap(\.idempotency)
        var existing: [String: (fingerprint: String, result: String)] = [:]
        if !claims.isEmpty {
            for keys in Array(Set(claims.map(\.key))).chunked(200) {
                for record in try await storage.idempotencyRecords(keys: Array(keys)) {
                    existing[record.scope + "\u{0}" + record.key] = (record.fingerprint, record.result)
                }
            }
        }
        for (index, job) in jobs.enumerated() {
            guard let claim = job.idempotency else { active.append(index); continue }
            let lookup = claim.scope + "\u{0}" + claim.key
            if let stored = existing[lookup] {
                if let fp = claim.fingerprint, fp != stored.fingerprint {
                    outcomes[index] = .idempotencyConflict
                } else {
                    outcomes[index] = .replayed(try IntakeRecord.stored(stored.result))
                }
            } else if let first = firstIndexOfClaim.first(where: { $0.key.scope == claim.scope && $0.key.key == claim.key })?.value {
                duplicateOf[index] = first
            } else {
                firstIndexOfClaim[claim] = index
                active.append(index)
            }
        }

        // 2. Every subject's reports, in arrival order, worked out first as if
        //    its case were new: a missing case is then inserted in its final
        //    state (counters, category, priority, last event hash) in one
        //    statement, instead of inserted and updated again — the update
        //    rewrote the row and its four priority indexes a second time.
        let drafts = active.flatMap { index in jobs[index].drafts.map { (job: index, draft: $0) } }
        var draftsOfSubject: [String: [Int]] = [:]
        var subjectKeys: [String] = []
        for (position, entry) in drafts.enumerated() {
            let key = entry.draft.report.subject.key
            if draftsOfSubject[key] == nil { subjectKeys.append(key) }
            draftsOfSubject[key, default: []].append(position)
        }
        subjectKeys.sort()
        var progress: [String: CaseProgress] = [:]
        for key in subjectKeys {
            let first = drafts[draftsOfSubject[key]![0]].draft
            let fresh = CaseState(id: OrderedID.make(at: now), key: key, reportCount: 0, category: first.report.category,
                                  firstReportAt: first.receivedAt, lastReportAt: first.receivedAt, eventCount: 0,
                                  lastHash: EventChain.genesis, status: CaseStatus.new.rawValue)
            progress[key] = CaseProgress(from: fresh, drafts: draftsOfSubject[key]!.map { drafts[$0].draft }, categories: categories, now: now)
        }

        // 3. One statement per chunk creates the missing cases and returns
        //    every subject's open case. On a conflict the existing row is
        //    "updated" (and so locked on PostgreSQL until commit) and comes
        //    back as it is: that subject's reports are worked out again from it.
        var casesBefore: [CaseState] = []
        for chunk in subjectKeys.chunked(100) {
            let rows: [[IntakeValue]] = chunk.map { key in
                let c = progress[key]!.state
                let s = drafts[draftsOfSubject[key]![0]].draft.report.subject
                return [.uuid(c.id), .text(s.key), .text(s.platform.rawValue), .text(s.kind.rawValue), .text(s.id),
                        .text(s.url), .text(s.key), .text(c.status), .text(c.category), .integer(c.reportCount),
                        .date(c.firstReportAt), .date(c.lastReportAt), .real(c.priority(categories)), .integer(c.eventCount),
                        .text(c.lastHash), .date(now), .date(now)]
            }
            let returned = try await storage.upsertOpenCases(
                columns: ["id", "subject_key", "subject_platform", "subject_kind", "subject_id", "subject_url", "open_key", "status",
                          "category_id", "report_count", "first_report_at", "last_report_at", "priority", "event_count",
                          "last_event_hash", "created_at", "updated_at"],
                rows: rows[...])
            guard returned.count == chunk.count else { throw IntakeError(message: "could not open a case for every subject") }
            for state in returned where state.id != progress[state.key]?.state.id {
                casesBefore.append(state)
            }
        }
        for state in casesBefore {
            guard let positions = draftsOfSubject[state.key] else { throw IntakeError(message: "unexpected open case \(state.key)") }
            progress[state.key] = CaseProgress(from: state, drafts: positions.map { drafts[$0].draft }, categories: categories, now: now)
        }

        // 4. Reports (in arrival order), evidence, events, and the counters
        //    of the cases that existed before.
        var reportRows: [[IntakeValue]] = []
        var evidenceRows: [[IntakeValue]] = []
        var storedOfJob: [Int: [StoredReport]] = [:]
        var storedAt = [StoredReport?](repeating: nil, count: drafts.count)
        for (key, positions) in draftsOfSubject {
            for (position, stored) in zip(positions, progress[key]!.stored) { storedAt[position] = stored }
        }
        for (position, entry) in drafts.enumerated() {
            let key = entry.draft.report.subject.key
            let stored = storedAt[position]!
            let draft = entry.draft
            reportRows.append([.uuid(draft.id), .text(draft.ticket), .uuid(stored.caseID), .text(draft.channel.rawValue), .text(key),
                               .text(draft.target(maxLength: 2048)), .text(draft.report.category), .text(draft.report.description),
                               .optional(draft.sealedContact), .optional(draft.sourceRef), .date(draft.receivedAt)])
            for e in draft.evidence {
                evidenceRows.append([.uuid(OrderedID.make(at: now)), .uuid(draft.id), .text(e.sha256), .text(e.mediaType), .integer(Int(e.size))])
            }
            storedOfJob[entry.job, default: []].append(stored)
        }
        for index in active {
            outcomes[index] = .stored(IntakeRecord(reports: storedOfJob[index] ?? [], note: jobs[index].note))
        }
        let eventRows = subjectKeys.flatMap { progress[$0]!.events }

        for chunk in reportRows.chunked(150) {
            try await storage.insert(into: "reports", columns: ["id", "ticket", "case_id", "channel", "subject_key", "target", "claimed_category",
                                                                "description", "reporter_contact", "source_ref", "received_at"], rows: chunk)
        }
        for chunk in evidenceRows.chunked(300) {
            try await storage.insert(into: "report_evidence", columns: ["id", "report_id", "sha256", "media_type", "size"], rows: chunk)
        }
        for chunk in eventRows.chunked(150) {
            try await storage.insert(into: "case_events", columns: ["id", "case_id", "sequence", "kind", "actor", "occurred_at", "occurred_at_ms",
                                                                    "payload", "previous_hash", "hash"], rows: chunk)
        }
        let caseRows: [[IntakeValue]] = casesBefore.sorted { $0.key < $1.key }.map { before in
            let c = progress[before.key]!.state
            return [.uuid(c.id), .integer(c.reportCount), .text(c.category), .date(c.lastReportAt), .real(c.priority(categories)),
                    .integer(c.eventCount), .text(c.lastHash)]
        }
        for chunk in caseRows.chunked(100) {
            try await storage.updateCases(chunk, now: now)
        }

        // 5. Idempotency and mention records, in the same transaction.
        var idempotencyRows: [[IntakeValue]] = []
        var mentionRows: [[IntakeValue]] = []
        for index in active {
            let job = jobs[index]
            if let claim = job.idempotency, let record = outcomes[index]?.record {
                let json = try record.storedText()
                idempotencyRows.append([.uuid(OrderedID.make(at: now)), .text(claim.scope), .text(claim.key), .text(claim.fingerprint ?? ""),
                                        .text(json), .date(now)])
            }
            if let m = job.mention {
                mentionRows.append([.uuid(OrderedID.make(at: now)), .text(m.platform), .text(m.mentionID), .text(m.text), .optional(m.mentionedAt),
                                    .date(now), .text(m.outcome), .optional(m.reason), .integer(job.drafts.count)])
            }
        }
        for chunk in idempotencyRows.chunked(200) {
            try await storage.insert(into: "idempotency_keys", columns: ["id", "scope", "key", "fingerprint", "result", "created_at"], rows: chunk)
        }
        for chunk in mentionRows.chunked(200) {
            try await storage.insert(into: "mentions", columns: ["id", "platform", "mention_id", "text", "mentioned_at", "received_at", "outcome",
                                                                 "reason", "report_count"], rows: chunk)
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

extension ReportDraft {
    func target(maxLength: Int) -> String { String(report.target.prefix(maxLength)) }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
